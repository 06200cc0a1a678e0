"""SQL over a gffbase database through DuckDB.

Views (registered from Arrow tables the core builds once per session):
  features   (id, seqid, source, featuretype, start, end, score, strand,
              frame, file_order, attributes, synthetic, row)  -- one per line
  attributes (feature_id, key, value, idx, row)               -- join on row
  relations  (parent, child, level)   -- level 1 edges and the derived
                                         levels 2 and 3, as gffutils stores
  directives (directive)
  meta       (key, value)

User values are passed as bound parameters (``params``); nothing a caller
gives is pasted into SQL text.
"""

from __future__ import annotations

import threading
from typing import Any, List, Optional, Sequence

from .tables import RELATIONS_VIEW

SCHEMA = """\
CREATE VIEW features (id TEXT, seqid TEXT, source TEXT, featuretype TEXT, start BIGINT, "end" BIGINT,
                      score DOUBLE, strand TEXT, frame TEXT, file_order BIGINT, attributes TEXT, synthetic TINYINT,
                      row BIGINT);
CREATE VIEW attributes (feature_id TEXT, key TEXT, value TEXT, idx INTEGER, row BIGINT);
CREATE VIEW relations (parent TEXT, child TEXT, level INTEGER);
CREATE VIEW directives (directive TEXT);
CREATE VIEW meta (key TEXT, value TEXT);
"""


class Cursor:
    """A cursor-like result: fetchall(), fetchone(), fetchmany(), iteration, description."""

    def __init__(self, relation) -> None:
        self._rows = relation.fetchall() if relation is not None else []
        self.description = relation.description if relation is not None else None
        self._pos = 0

    def fetchall(self) -> List[tuple]:
        rows, self._pos = self._rows[self._pos:], len(self._rows)
        return rows

    def fetchone(self) -> Optional[tuple]:
        if self._pos >= len(self._rows):
            return None
        self._pos += 1
        return self._rows[self._pos - 1]

    def fetchmany(self, size: int = 1) -> List[tuple]:
        rows = self._rows[self._pos:self._pos + size]
        self._pos += len(rows)
        return rows

    def __iter__(self):
        while True:
            row = self.fetchone()
            if row is None:
                return
            yield row


class Connection:
    """``FeatureDB.conn``: what gffutils code does with its sqlite3 connection
    (``db.conn.execute(sql)``, ``db.conn.cursor().execute(sql)``), over the
    same DuckDB views as ``db.execute``.  Read-only: ``commit`` and ``close``
    do nothing (a .gffdb changes through update()/delete())."""

    def __init__(self, db) -> None:
        self._db = db

    def execute(self, query: str, params: Optional[Sequence[Any]] = None) -> Cursor:
        return self._db.execute(query, params)

    def cursor(self) -> "_ConnectionCursor":
        return _ConnectionCursor(self._db)

    def commit(self) -> None:
        return None

    def close(self) -> None:
        return None


class _ConnectionCursor:
    """sqlite3-style cursor: execute() then fetch from it."""

    def __init__(self, db) -> None:
        self._db = db
        self._result: Optional[Cursor] = None
        self.description = None

    def execute(self, query: str, params: Optional[Sequence[Any]] = None) -> "_ConnectionCursor":
        self._result = self._db.execute(query, params)
        self.description = self._result.description
        return self

    def _current(self) -> Cursor:
        if self._result is None:
            raise RuntimeError("execute() a query on this cursor first")
        return self._result

    def fetchall(self) -> List[tuple]:
        return self._current().fetchall()

    def fetchone(self) -> Optional[tuple]:
        return self._current().fetchone()

    def fetchmany(self, size: int = 1) -> List[tuple]:
        return self._current().fetchmany(size)

    def __iter__(self):
        return iter(self._current())

    def close(self) -> None:
        self._result = None


class SqlSession:
    """The database's tables (Arrow, built once) and, per thread, a DuckDB
    connection with the views registered over them.

    A DuckDB connection is not for concurrent use: one shared by threads gave
    a thread another's result (or none), and a mixed threaded workload hung.
    Each thread gets its own in-memory DuckDB; the Arrow tables under the
    views are shared (read-only)."""

    def __init__(self, db) -> None:
        from . import tables

        self._local = threading.local()
        self._tables = {
            # Categorical columns read back as plain text in SQL.
            "features": tables.plain_strings(tables.features(db)),
            "attributes": tables.attributes(db),
            "_edges": tables.edges(db),
            "directives": tables.directives(db),
            "meta": tables.meta(db),
        }

    def _connection(self):
        """This thread's DuckDB connection, made on its first query."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self._connect()
        return con

    def _connect(self):
        import duckdb

        con = duckdb.connect(":memory:")
        for name, table in self._tables.items():
            con.register(name, table)
        con.execute(RELATIONS_VIEW)
        # SQL typed by a user reaches only these views: no files, no extensions.
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        return con

    def sql(self, query: str, params: Optional[Sequence[Any]] = None):
        """A DuckDB relation (``.arrow()``, ``.df()``, ``.pl()``, ``.fetchall()``), of this thread's connection."""
        # params are bound by DuckDB; each call returns its own relation.
        return self._connection().sql(query, params=params)

    def execute(self, query: str, params: Optional[Sequence[Any]] = None) -> Cursor:
        con = self._connection()
        if params is None:
            return Cursor(con.sql(query))
        return Cursor(con.execute(query, params))
