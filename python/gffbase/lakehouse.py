"""A Parquet lakehouse of many annotations, queried together with SQL.

    >>> lh = gffbase.Lakehouse("annotations/")
    >>> lh.add("gencode.v44.gtf.gz", name="gencode_v44")       # a GFF/GTF file, a .gffdb or a FeatureDB
    >>> lh.add(db, name="refseq_110")
    >>> lh.sql("SELECT annotation, count(*) FROM features WHERE featuretype = 'gene' GROUP BY ALL").fetchall()

Layout: one directory per annotation, each ``FeatureDB.to_parquet``'s output
(so Spark, Trino, polars or DuckDB read it without gffbase)::

    root/annotation=gencode_v44/features/part-0.parquet
    root/annotation=gencode_v44/attributes/part-0.parquet   ... relations, meta, directives

The SQL views are those of ``db.sql`` (features, attributes, relations, meta,
directives) over every annotation, with an ``annotation`` column: join
attributes to features on ``(annotation, row)``.  An annotation is added or
replaced whole (written beside, then renamed into place) and removed whole;
queries running meanwhile see it before or after, never half-written.

SQL reaches only the lakehouse's own files (DuckDB's ``allowed_directories``
with external access off); values go in as bound parameters.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from typing import Any, Dict, List, Optional, Sequence, Union

from . import tables
from .errors import GffbaseIOError, InvalidArgumentError
from .parquet import replace_directory, temp_path_beside, write_parquet

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*\Z")
_PREFIX = "annotation="
_SUFFIXES = (".gz", ".bgz", ".gffdb", ".gff3", ".gff", ".gtf", ".gff2")


def default_name(path: str) -> str:
    """An annotation name from a file name: "gencode.v44.gtf.gz" -> "gencode.v44"."""
    name = os.path.basename(os.fspath(path))
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if name.lower().endswith(suffix) and len(name) > len(suffix):
                name, changed = name[: -len(suffix)], True
    return re.sub(r"[^A-Za-z0-9._+-]", "_", name).lstrip("._+-") or "annotation"


def _check_name(name) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidArgumentError(
            f"name: expected letters, digits and . _ + - (not first), found {name!r}")
    return name


class Lakehouse:
    """Many annotations as Parquet under `root` (created if missing)."""

    def __init__(self, root: Union[str, os.PathLike], create: bool = True) -> None:
        self.root = os.path.abspath(os.fspath(root))
        if not os.path.isdir(self.root):
            if os.path.lexists(self.root):
                raise GffbaseIOError(f"{self.root}: is not a directory")
            if not create:
                raise GffbaseIOError(f"{self.root}: no such lakehouse directory")
            os.makedirs(self.root)
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"<Lakehouse {self.root!r}: {len(self.annotations())} annotations>"

    # -- contents ------------------------------------------------------------------------------
    def annotations(self) -> List[str]:
        """The names of the annotations it holds, sorted."""
        names = []
        for entry in os.listdir(self.root):
            if entry.startswith(_PREFIX) and os.path.isdir(os.path.join(self.root, entry, "features")):
                names.append(entry[len(_PREFIX):])
        return sorted(names)

    def __contains__(self, name) -> bool:
        return isinstance(name, str) and name in self.annotations()

    def __len__(self) -> int:
        return len(self.annotations())

    def path(self, name: str) -> str:
        """The directory of annotation `name` (a FeatureDB.to_parquet directory)."""
        return os.path.join(self.root, _PREFIX + _check_name(name))

    def add(self, source, name: Optional[str] = None, overwrite: bool = False, **create_db_kwargs) -> str:
        """Adds an annotation; returns its name.

        source: a FeatureDB, a .gffdb path, or a GFF3/GTF/GFF2 file (plain, gzip,
        BGZF), ingested in memory with ``create_db(source, ":memory:",
        **create_db_kwargs)``.  name: defaults to the file's name without its
        extensions.  An existing annotation of that name is replaced only with
        overwrite=True, and only once the new one is complete.
        """
        from .create import create_db
        from .interface import FeatureDB

        if isinstance(source, FeatureDB):
            path, ingest = source.dbfn, False
        else:
            path = os.fspath(source)
            ingest = not _is_gffdb(path)
        if create_db_kwargs and not ingest:
            raise InvalidArgumentError(
                f"{', '.join(sorted(create_db_kwargs))}: ingest options apply only to a GFF/GTF file")
        if name is None:
            if path == ":memory:":
                raise InvalidArgumentError("name: required for an in-memory FeatureDB (it has no file name)")
            name = default_name(path)
        final = self.path(name)
        if os.path.lexists(final) and not overwrite:
            raise GffbaseIOError(f"annotation {name!r} is already in {self.root} (hint: overwrite=True replaces it)")
        if isinstance(source, FeatureDB):
            db = source
        elif ingest:
            db = create_db(path, ":memory:", **create_db_kwargs)
        else:
            db = FeatureDB(path)
        tmp = temp_path_beside(final, "tmp")
        try:
            write_parquet(db, tmp)
            replace_directory(tmp, final, overwrite)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return name

    def remove(self, name: str) -> None:
        """Removes annotation `name` (moved aside first: queries never see a part of it)."""
        final = self.path(name)
        if not os.path.isdir(final):
            raise InvalidArgumentError(f"annotation {name!r} is not in {self.root}; it holds {self.annotations()}")
        aside = temp_path_beside(final, "removed")
        os.rename(final, aside)
        shutil.rmtree(aside, ignore_errors=True)

    def meta(self, name: str) -> Dict[str, str]:
        """Provenance of annotation `name` (source file, checksum, dialect, options, tool version)."""
        import pyarrow.parquet as pq

        d = os.path.join(self.path(name), "meta")
        if not os.path.isdir(d):
            raise InvalidArgumentError(f"annotation {name!r} is not in {self.root}; it holds {self.annotations()}")
        t = pq.read_table(d)
        return dict(zip(t.column("key").to_pylist(), t.column("value").to_pylist()))

    # -- SQL -----------------------------------------------------------------------------------
    def sql(self, query: str, params: Optional[Sequence[Any]] = None):
        """A DuckDB relation over the views features, attributes, relations, meta, directives (each with
        an ``annotation`` column).  Safe from many threads: each has its own connection."""
        return self._connection().sql(query, params=params)

    def execute(self, query: str, params: Optional[Sequence[Any]] = None) -> List[tuple]:
        """The rows of `query` (DuckDB SQL over the views of sql())."""
        return self.sql(query, params).fetchall()

    def _connection(self):
        """This thread's DuckDB connection, with views over the annotations present now."""
        names = tuple(self.annotations())
        con, seen = getattr(self._local, "con", None), getattr(self._local, "names", None)
        if con is not None and seen == names:
            return con
        if con is not None:
            con.close()
        self._local.con, self._local.names = self._connect(names), names
        return self._local.con

    def _connect(self, names):
        import duckdb

        con = duckdb.connect(":memory:")
        # Views from relations, not from SQL text: the root's path is never pasted into a query.
        for table in tables.TABLES:
            if names:
                files = os.path.join(self.root, _PREFIX + "*", table, "**", "*.parquet")
                con.read_parquet(files, hive_partitioning=True, union_by_name=True).create_view(table)
            else:
                con.from_arrow(_empty(table)).create_view(table)
        # SQL typed by a user reaches the lakehouse's files only.
        con.execute("SET allowed_directories = [?]", [self.root + os.sep])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        return con


def _is_gffdb(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(8) == b"\x89GFFDB\r\n"
    except OSError:
        return False  # create_db names the problem


def _empty(table: str):
    """An empty table with `table`'s columns (a lakehouse without annotations)."""
    from .create import create_db

    global _EMPTY_DB
    if _EMPTY_DB is None:
        _EMPTY_DB = create_db("chr1\t.\tgene\t1\t1\t.\t+\t.\tID=g", ":memory:", from_string=True)
    import pyarrow as pa

    t = tables.plain_strings(tables.table(_EMPTY_DB, table)).slice(0, 0)
    return t.append_column("annotation", pa.array([], pa.string()))


_EMPTY_DB = None
