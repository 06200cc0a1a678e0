"""``FeatureDB``: gffutils' query API over an immutable, memory-mapped .gffdb.

Semantics follow gffutils: coordinates are 1-based and closed; ``level`` is
an exact depth (1 = direct children); ``limit`` is a region; results are
generators of :class:`~gffbase.Feature`.  Where gffbase differs on purpose
(per-transcript introns, features over several lines) the docs say so.

A FeatureDB is read-only and thread-safe; it pickles as its path, so every
worker process maps the same file and the page cache is shared.
"""

from __future__ import annotations

import itertools
import operator
import os
import threading
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _core
from .errors import DatabaseNotFoundError, FeatureNotFoundError, InvalidArgumentError
from .feature import Feature
from .tables import pragmas_of

# Features built per C++ call when a query returns many rows (see _emit_chunks).
_EMIT_CHUNK = 4096

_ORDER_COLUMNS = {
    "seqid": 0, "source": 1, "featuretype": 2, "start": 3, "end": 4, "score": 5, "strand": 6, "frame": 7,
    "attributes": 8, "id": 9, "file_order": 10,
}


def _as_list(x) -> Optional[List[str]]:
    if x is None:
        return None
    if isinstance(x, str):
        return [x]
    return list(x)


def _length(t):
    return None if t[3] is None or t[4] is None else t[4] - t[3]


def _sort_key(order_by):
    names = [order_by] if isinstance(order_by, str) else list(order_by)
    getters = []
    for n in names:
        if n == "length":  # gffutils: ORDER BY (end - start)
            getters.append(_length)
        elif n in _ORDER_COLUMNS:
            getters.append(lambda t, i=_ORDER_COLUMNS[n]: t[i])
        else:
            raise InvalidArgumentError(
                f"order_by: unknown column {n!r}; expected one of {sorted(_ORDER_COLUMNS) + ['length']}")

    def key(t):
        # Missing values sort first, as SQL NULLs do in gffutils' ORDER BY ... ASC.
        return tuple((v is not None, v if v is not None else 0) for v in (g(t) for g in getters))

    return key


_SQL_SESSION_LOCK = threading.Lock()


class FeatureDB:
    """A gffbase database, opened by memory-mapping `dbfn`."""

    def __init__(self, dbfn, default_encoding: str = "utf-8", keep_order: bool = False, pragmas=None,
                 sort_attribute_values: bool = False, text_factory=str):
        if isinstance(dbfn, FeatureDB) and dbfn.dbfn == ":memory:":
            # An in-memory database has no path to open again: share it.
            self.dbfn = self._abspath = ":memory:"
            self._attach(dbfn._db, keep_order, sort_attribute_values)
            return
        if isinstance(dbfn, FeatureDB):
            dbfn = dbfn._abspath
        self.dbfn = os.fspath(dbfn)
        self._abspath = os.path.abspath(self.dbfn)
        if not os.path.exists(self.dbfn):
            raise DatabaseNotFoundError(f"{self.dbfn}: cannot open database: No such file or directory")
        self._attach(_core.Database.open(self.dbfn), keep_order, sort_attribute_values)

    @classmethod
    def _in_memory(cls, core) -> "FeatureDB":
        """The FeatureDB of a database built in memory (create_db(..., ':memory:'))."""
        db = cls.__new__(cls)
        db.dbfn = db._abspath = ":memory:"
        db._attach(core, False, False)
        return db

    def _attach(self, core, keep_order: bool, sort_attribute_values: bool) -> None:
        self._db = core
        self._report: Optional[Dict[str, Any]] = None
        self._sql = None
        meta = self._db.meta()
        self._meta = meta
        fmt = meta.get("format", "gff3")
        self._gff3 = fmt == "gff3"
        self.dialect = {
            "fmt": "gff3" if self._gff3 else "gtf",
            "quoted GFF2 values": meta.get("dialect_quoted") == "1",
            "trailing semicolon": meta.get("dialect_trailing_semicolon") == "1",
            "field separator": "; " if meta.get("dialect_space_after_separator") == "1" else ";",
            "keyval separator": "=" if self._gff3 else " ",
            "multival separator": ",",
            "leading semicolon": False,
            "repeated keys": not self._gff3,
            "order": [],
        }
        self.keep_order = keep_order
        self.sort_attribute_values = sort_attribute_values
        raw_directives = self._db.directives()
        # Without the leading "##", as gffutils stores them ("gff-version 3"; "###" is "#").
        self.directives = [d[2:] for d in raw_directives if d.startswith("##")]
        # The "#!" pragmas of Ensembl and NCBI files: {"genome-build": "GRCh38.p14", ...}.
        self.pragmas = pragmas_of(raw_directives)
        self.version = _core.__version__
        self._seqid_set = None  # frozenset of seqids, built on first need (_parse_region)
        self._own_fasta = None  # reader of the ##FASTA section, built on first need (sequences_batched)
        self._merge_counters = {}  # featuretype -> IDs given by merge(merge_criteria=...) (exon_1, ...)

    # -- pickling: a database travels as its path --------------------------------
    def __getstate__(self):
        if self.dbfn == ":memory:":
            raise TypeError("an in-memory (':memory:') FeatureDB cannot be pickled; build it to a file")
        # The absolute path as opened: a worker (Ray, Dask, joblib) unpickling in another directory opened
        # whatever its own "db/ann.gffdb" was.
        return {"dbfn": self._abspath}

    def __setstate__(self, state):
        self.__init__(state["dbfn"])

    def __repr__(self) -> str:
        return f"<FeatureDB {self.dbfn!r}: {self._db.feature_count} features, {self._db.row_count} rows>"

    # -- rows -> features ---------------------------------------------------------
    def _features(self, rows: Sequence[int]) -> List[Feature]:
        if not rows:
            return []
        return self._flagged(self._db.features(list(rows), self.dialect, self._gff3))

    def _flagged(self, features):
        """`features` carrying the database's keep_order / sort_attribute_values (gffutils passes them on)."""
        if self.keep_order or self.sort_attribute_values:
            for f in features:
                f.keep_order = self.keep_order
                f.sort_attribute_values = self.sort_attribute_values
        return features

    def _tuples_ordered(self, rows, order_by=None, reverse=False):
        tuples = self._db.rows(list(rows))
        if order_by is not None:
            tuples.sort(key=_sort_key(order_by), reverse=reverse)
        elif reverse:
            tuples.reverse()
        return tuples

    def _emit(self, rows, order_by=None, reverse=False) -> Iterator[Feature]:
        if order_by is None:
            rows = list(rows)
            if reverse:
                rows.reverse()
            if len(rows) <= _EMIT_CHUNK:
                return iter(self._features(rows))
            return self._emit_chunks(rows)
        make = Feature._from_row
        d, g = self.dialect, self._gff3
        return iter(self._flagged([make(t, d, g) for t in self._tuples_ordered(rows, order_by, reverse)]))

    def _emit_chunks(self, rows) -> Iterator[Feature]:
        # Large results (all_features, features_of_type) are built a chunk at
        # a time, so iterating them does not hold every Feature at once.
        for i in range(0, len(rows), _EMIT_CHUNK):
            yield from self._features(rows[i:i + _EMIT_CHUNK])

    def _feature_index(self, id) -> int:
        if isinstance(id, Feature):
            id = id.id
        f = self._db.find(id) if isinstance(id, str) else None
        if f is None:
            raise FeatureNotFoundError(id, f"no feature with ID {id!r} in {self.dbfn}")
        return f

    def _limit_rows(self, limit, completely_within: bool, strand=None, featuretype=None):
        _check_strand(strand)
        seqid, start, end, _ = self._parse_region(limit)
        start, end = _coord(start, 1, "start"), _coord(end, 0, "end")
        return self._db.region(seqid, start, end, strand, _as_list(featuretype), completely_within)

    # -- lookups ------------------------------------------------------------------------
    def __getitem__(self, key) -> Feature:
        f = self._feature_index(key)
        rows = self._db.feature_rows(f)
        if not rows:
            raise FeatureNotFoundError(key, f"feature {key!r} was replaced and has no rows")
        return self._features(rows[:1])[0]

    def __contains__(self, key) -> bool:
        if isinstance(key, Feature):
            key = key.id
        return isinstance(key, str) and self._db.find(key) is not None

    def __len__(self) -> int:
        return self._db.row_count

    def segments(self, id) -> List[Feature]:
        """Every line of a feature (a CDS split over several lines), in input order."""
        return self._features(self._db.feature_rows(self._feature_index(id)))

    def count_features_of_type(self, featuretype: Optional[str] = None) -> int:
        if featuretype is None:
            return self._db.row_count
        return self._db.type_counts().get(featuretype, 0)

    def featuretypes(self) -> Iterator[str]:
        yield from self._db.featuretypes()

    def seqids(self) -> Iterator[str]:
        yield from self._db.seqids()

    def features_of_type(self, featuretype, limit=None, strand=None, order_by=None, reverse=False,
                         completely_within=False) -> Iterator[Feature]:
        _check_strand(strand)
        types = _as_list(featuretype)
        if limit is not None:
            rows = self._limit_rows(limit, completely_within, strand, types)
        else:
            rows = []
            for t in types:
                rows.extend(self._db.rows_of_type(t))
            if len(types) > 1:
                rows.sort()
            if strand is not None:
                rows = [r for r in rows if self._db.row(r)[6] == strand]
        return self._emit(rows, order_by, reverse)

    def all_features(self, limit=None, strand=None, featuretype=None, order_by=None, reverse=False,
                     completely_within=False) -> Iterator[Feature]:
        _check_strand(strand)
        if featuretype is not None:
            return self.features_of_type(featuretype, limit, strand, order_by, reverse, completely_within)
        if limit is not None:
            rows = self._limit_rows(limit, completely_within, strand)
        else:
            rows = range(self._db.row_count)
            if strand is not None:
                rows = [r for r in rows if self._db.row(r)[6] == strand]
        if self.keep_order and order_by is None:
            order_by = "file_order"
        return self._emit(rows, order_by, reverse)

    # -- hierarchy ------------------------------------------------------------------
    def _related(self, id, down, level, featuretype, order_by, reverse, limit, completely_within):
        if level is not None and (type(level) is not int or not 1 <= level <= 0x7FFFFFFF):
            level = _checked_level(level)
        if limit is None and order_by is None and isinstance(id, str):
            # The common call, in one crossing into the core.
            features = self._db.related_features(id, down, level, _as_list(featuretype), self.dialect, self._gff3)
            if features is None:  # as gffutils: an ID no feature has has no relatives (db[id] raises)
                return iter(())
            if reverse:
                features.reverse()
            return iter(features)
        try:
            f = self._feature_index(id)
        except FeatureNotFoundError:
            return iter(())
        rows, _depths = (self._db.children if down else self._db.parents)(f, level, _as_list(featuretype))
        if limit is not None:
            allowed = set(self._limit_rows(limit, completely_within))
            rows = [r for r in rows if r in allowed]
        return self._emit(rows, order_by, reverse)

    def children(self, id, level=None, featuretype=None, order_by=None, reverse=False, limit=None,
                 completely_within=False) -> Iterator[Feature]:
        """Features below `id` (level=None: every depth; level=N: exactly depth N)."""
        return self._related(id, True, level, featuretype, order_by, reverse, limit, completely_within)

    def parents(self, id, level=None, featuretype=None, order_by=None, reverse=False, limit=None,
                completely_within=False) -> Iterator[Feature]:
        """Features above `id` (level=None: every depth; level=N: exactly depth N)."""
        return self._related(id, False, level, featuretype, order_by, reverse, limit, completely_within)

    def iter_by_parent_childs(self, featuretype="gene", level=None, order_by=None, reverse=False,
                              completely_within=False) -> Iterator[List[Feature]]:
        """For each feature of `featuretype`: [parent, *children]."""
        for parent in self.features_of_type(featuretype, order_by=order_by, reverse=reverse):
            yield [parent] + list(self.children(parent.id, level=level, order_by=order_by, reverse=reverse))

    # -- regions -----------------------------------------------------------------------
    def region(self, region=None, seqid=None, start=None, end=None, strand=None, featuretype=None,
               completely_within=False) -> Iterator[Feature]:
        """Features overlapping (or completely within) a region.

        region: "chr:start-end[:strand]", a (seqid, start, end) tuple, or a
        Feature; or give seqid/start/end separately.  1-based, closed.
        """
        if region is not None:
            if seqid is not None or start is not None or end is not None:
                # gffutils' rule: the region alone says where (they were silently ignored)
                raise InvalidArgumentError("region: give either a region or seqid/start/end, not both "
                                           f"(region={region!r}, seqid={seqid!r}, start={start!r}, end={end!r})")
            seqid, start, end, rstrand = self._parse_region(region)
            strand = strand if strand is not None else rstrand
        if seqid is None:
            if start is None and end is None:
                raise InvalidArgumentError("region: give a region, a seqid, or start/end")
            # gffutils: start/end without a seqid look on every seqid
            return itertools.chain.from_iterable(
                self.region(seqid=s, start=start, end=end, strand=strand, featuretype=featuretype,
                            completely_within=completely_within) for s in self.seqids())
        _check_strand(strand)
        first, last = _coord(start, 1, "start"), _coord(end, 0, "end")
        if start is not None and end is not None and last < first:
            raise InvalidArgumentError(f"region: start {start} is after end {end}")
        return iter(self._db.region_features(seqid, first, last, strand,
                                             _as_list(featuretype), completely_within, self.dialect, self._gff3))

    def _parse_region(self, region):
        """_parse_region_full, except that a string naming one of this database's
        seqids whole (alone or with :strand) is that seqid, ':' and all
        ("HLA-A*01:01", "chrUn:KI270"), as htslib reads regions."""
        if isinstance(region, str) and ":" in region:
            known = self._seqid_set
            if known is None:
                known = self._seqid_set = frozenset(self._db.seqids())
            if region in known:
                return region, None, None, None
            if len(region) > 2 and region[-2] == ":" and region[-1] in "+-.?" and region[:-2] in known:
                return region[:-2], None, None, region[-1]
        return _parse_region_full(region)

    # -- attributes ----------------------------------------------------------------------
    def features_with_attribute(self, key: str, value: Optional[str] = None) -> Iterator[Feature]:
        """Features whose attribute `key` equals `value` (indexed), or that carry `key` at all."""
        rows = self._db.rows_with_key(key) if value is None else self._db.rows_with_attribute(key, value)
        return self._emit(rows)

    # -- batched (gffbase 0.3 API) ----------------------------------------------------------
    def children_batched(self, ids, level=None, featuretype=None, format="arrow", threads: int = 0):
        """Children of many anchors in one call → one table with an `anchor` column."""
        from .batched import hierarchy_batched

        return hierarchy_batched(self, ids, level, featuretype, format, True, threads)

    def parents_batched(self, ids, level=None, featuretype=None, format="arrow", threads: int = 0):
        """Parents of many anchors in one call (the related feature is in `descendant_id`)."""
        from .batched import hierarchy_batched

        return hierarchy_batched(self, ids, level, featuretype, format, False, threads)

    def sequences_batched(self, ids, fasta=None, featuretype="exon", use_strand: bool = True,
                          missing: str = "error", format="arrow", threads: int = 0, translate=False):
        """Sequences of many features in one call → one table (anchor, seqid, start, end, strand, parts,
        length, sequence, problem), in input order.

        Each anchor's direct children of `featuretype` ("exon": spliced transcripts; "CDS": coding
        sequences; a list for several) are joined in coordinate order and, on the minus strand,
        reverse-complemented when `use_strand`.  An anchor without such children gives its own
        segments (a multi-line CDS spliced; a gene its genomic span).  `fasta` is a path (plain,
        gzip or BGZF; an up-to-date .fai is used), a gffbase FastaFile, or None for the database's
        own ##FASTA section.  A feature whose bases cannot be fetched (seqid not in the FASTA, past
        its end) raises, naming it; with missing="null" its sequence is null and `problem` says why.
        Unknown IDs give no row.

        `translate=True` returns proteins (ask featuretype="CDS"): the 5' CDS's phase is skipped, an
        alternative start codon of a complete CDS reads as M, a final stop is left out, and the
        genetic code is the CDS's (or anchor's) `transl_table` attribute, else 1; an int
        (`translate=11`) names the NCBI genetic code for every feature.  `length` stays the bases
        joined.  See docs/sequences.md."""
        from .batched import sequences_batched

        return sequences_batched(self, ids, fasta, featuretype, use_strand, missing, format, threads, translate)

    def region_batched(self, regions, featuretype=None, completely_within=False, format="arrow",
                       strand=None, threads: int = 0):
        """Features overlapping many regions → one table with a `query_idx` column."""
        from .batched import region_batched

        return region_batched(self, regions, featuretype, completely_within, format, strand, threads)

    # -- whole tables: Arrow and Parquet -------------------------------------------------------
    def to_arrow(self, table: str = "features", format: str = "arrow"):
        """A whole table of the database: features (one row per line), attributes, relations, meta
        or directives, with the columns of the SQL views (see gffbase.tables)."""
        from . import tables
        from .batched import _check_format, convert_table

        _check_format(format)
        return convert_table(tables.table(self, table), format)

    def to_parquet(self, directory, partition_by=None, compression: str = "zstd",
                   row_group_size: int = 65536, overwrite: bool = False) -> str:
        """Writes the tables of to_arrow() as Parquet datasets under `directory` (features optionally
        partitioned hive-style by seqid, featuretype, source or strand); see gffbase.parquet."""
        from .parquet import write_parquet

        return write_parquet(self, directory, partition_by=partition_by, compression=compression,
                             row_group_size=row_group_size, overwrite=overwrite)

    # -- SQL ---------------------------------------------------------------------------------
    def _sql_session(self):
        """The SQL session, built on first use (once, whichever thread asks first)."""
        if self._sql is None:
            from .sql import SqlSession

            with _SQL_SESSION_LOCK:
                if self._sql is None:
                    self._sql = SqlSession(self)
        return self._sql

    def sql(self, query: str, params=None):
        """Run DuckDB SQL over the views features, attributes, relations, directives, meta
        (safe from many threads: each has its own DuckDB connection over the same tables)."""
        return self._sql_session().sql(query, params)

    @property
    def conn(self):
        """gffutils' sqlite3 connection, as far as queries go: ``conn.execute(sql)`` and
        ``conn.cursor().execute(sql)`` run on the DuckDB views of execute()."""
        from .sql import Connection

        return Connection(self)

    def execute(self, query: str, params=None):
        """gffutils' execute(): returns a cursor-like result (fetchall, fetchone, iteration)."""
        return self._sql_session().execute(query, params)

    def schema(self) -> str:
        from .sql import SCHEMA

        return SCHEMA

    def analyze(self) -> None:
        """No-op: a .gffdb's indexes are complete when it is written (gffutils ran SQLite ANALYZE)."""
        return None

    def set_pragmas(self, pragmas) -> None:
        """Accepted for gffutils compatibility; there is no SQLite to tune, so nothing changes."""
        if not isinstance(pragmas, dict):
            raise InvalidArgumentError("pragmas must be a dict")
        return None

    # -- derived features ----------------------------------------------------------------------
    def interfeatures(self, features, new_featuretype=None, merge_attributes=True, numeric_sort=False,
                      dialect=None, attribute_func=None, update_attributes=None):
        from .derived import interfeatures

        return interfeatures(self, features, new_featuretype, merge_attributes, dialect, attribute_func,
                             update_attributes, numeric_sort)

    def create_introns(self, exon_featuretype="exon", grandparent_featuretype="gene",
                       parent_featuretype=None, new_featuretype="intron", merge_attributes=True,
                       numeric_sort=False):
        from .derived import create_introns

        return create_introns(self, exon_featuretype, grandparent_featuretype, parent_featuretype,
                              new_featuretype, merge_attributes, numeric_sort)

    def create_splice_sites(self, exon_featuretype="exon", grandparent_featuretype="gene",
                            parent_featuretype=None, merge_attributes=True, numeric_sort=False):
        from .derived import create_splice_sites

        return create_splice_sites(self, exon_featuretype, grandparent_featuretype, parent_featuretype,
                                   merge_attributes, numeric_sort)

    def merge(self, features, ignore_strand=False, merge_criteria=None, multiline=False):
        """Overlapping or touching features merged.

        Without ``merge_criteria`` (gffutils before 0.10): the input is sorted, and
        features on one seqid (and strand, unless ``ignore_strand``) that overlap or
        touch become one new feature, whatever their types.  With ``merge_criteria``
        (gffutils 0.13; callables from ``gffbase.merge_criteria`` or
        ``gffutils.merge_criteria``): gffutils' merge over the features in the order
        given.  ``multiline`` is accepted and, as in gffutils, has no effect."""
        from .derived import merge, merge_with_criteria

        if merge_criteria is None and _looks_like_criteria(ignore_strand):
            merge_criteria, ignore_strand = ignore_strand, False  # merge(features, criteria), gffutils 0.13
        if merge_criteria is None:
            return merge(features, ignore_strand)
        if ignore_strand:
            raise TypeError("merge(): give merge_criteria or ignore_strand, not both "
                            "(leave out merge_criteria.strand to ignore the strand)")
        return merge_with_criteria(self, features, merge_criteria)

    def merge_all(self, merge_order=("seqid", "featuretype", "strand", "start"), merge_criteria=None,
                  featuretypes_groups=(None,), exclude_components=False):
        """merge() over every feature of each featuretype group; never writes (a .gffdb is immutable).

        Without ``merge_criteria`` every merged interval is returned; with it, gffutils
        0.13's merge over the features ordered by ``merge_order``, returning those made
        of two or more, as gffutils does.  ``exclude_components`` only concerns
        gffutils' writes and has no effect."""
        from .derived import merge_all

        return merge_all(self, featuretypes_groups, merge_order, merge_criteria)

    def children_bp(self, feature, child_featuretype="exon", merge=False, ignore_strand=False,
                    merge_criteria=None) -> int:
        from .derived import children_bp

        if merge_criteria is None and _looks_like_criteria(ignore_strand):
            merge_criteria, ignore_strand = ignore_strand, False  # gffutils 0.13's positional order
        return children_bp(self, feature, child_featuretype, merge, ignore_strand, merge_criteria)

    def bed12(self, feature, block_featuretype=("exon",), thick_featuretype=("CDS",), thin_featuretype=None,
              name_field="ID", color=None) -> str:
        from .derived import bed12

        return bed12(self, feature, block_featuretype, thick_featuretype, thin_featuretype, name_field, color)

    # -- changes: a .gffdb is immutable; these write a new file and swap it in ------------------
    def update(self, data, make_backup=False, **kwargs) -> "FeatureDB":
        """Add features (an iterable of Features/lines, a path or a FeatureDB) by rebuilding the file.

        Keyword arguments of create_db (merge_strategy, id_spec, ...) apply to the rebuild."""
        from .mutate import update

        return update(self, data, **kwargs)

    def delete(self, features, make_backup=False, **kwargs) -> "FeatureDB":
        """Remove features (IDs or Features) by rebuilding the file."""
        from .mutate import delete

        return delete(self, features, **kwargs)

    def add_relation(self, parent, child, level=None, parent_func=None, child_func=None) -> "FeatureDB":
        """Add a parent -> child edge (GFF3 Parent attribute) by rebuilding the file."""
        from .mutate import add_relation

        return add_relation(self, parent, child, level, parent_func, child_func)

    # -- gffbase extras -----------------------------------------------------------------------
    def problems(self) -> List[Tuple[int, bool, str]]:
        """Problems recorded at ingest: (line, is_error, message)."""
        return list(self._db.problems())

    def meta(self) -> Dict[str, str]:
        """Provenance: source name, size, checksum, dialect, options, tool version."""
        return dict(self._meta)

    def verify(self) -> None:
        """Check every section checksum and index bound; raises CorruptDatabaseError."""
        self._db.verify()


def _checked_level(level) -> int:
    """`level` as an int >= 1 (NumPy integers and other integer types welcome), else InvalidArgumentError."""
    if not isinstance(level, bool):
        try:
            value = operator.index(level)
        except TypeError:
            value = 0
        if value >= 1:
            # No hierarchy is 2^31 deep: a larger level finds what that one finds (nothing).
            return min(value, 0x7FFFFFFF)
    raise InvalidArgumentError(f"level: expected None (every depth) or an integer >= 1, found {level!r}")


def _check_strand(strand) -> None:
    if strand is not None and strand not in ("+", "-", ".", "?"):
        raise InvalidArgumentError(f"strand: expected one of + - . ? (or None for any), found {strand!r}")


_COORD_MIN, _COORD_MAX = -(1 << 63), (1 << 63) - 1


def _coord(value, default: int, name: str) -> int:
    if value is None:
        return default
    try:
        v = int(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{name}: expected an integer coordinate, found {value!r}") from None
    if not _COORD_MIN <= v <= _COORD_MAX:
        raise InvalidArgumentError(f"{name}: expected a coordinate below 2^63, found {value!r}")
    return v


def _parse_region_full(region) -> Tuple[str, Optional[int], Optional[int], Optional[str]]:
    if isinstance(region, Feature):  # gffutils filters by the feature's strand ('.': unstranded only)
        return region.seqid, region.start, region.end, region.strand
    if isinstance(region, (tuple, list)):
        if len(region) not in (3, 4):
            raise InvalidArgumentError(f"region tuple must be (seqid, start, end[, strand]), found {region!r}")
        # None for start or end leaves that side open, as in gffutils: (seqid, None, None) is all of it
        start = None if region[1] is None else _coord(region[1], 0, "region start")
        end = None if region[2] is None else _coord(region[2], 0, "region end")
        if start is not None and end is not None and end < start:  # (chr, 17_000_000, 0) is not "to the end"
            raise InvalidArgumentError(f"region {region!r}: start is after end")
        return region[0], start, end, region[3] if len(region) == 4 else None
    if isinstance(region, str):
        strand = None
        text = region
        if len(text) > 2 and text[-2] == ":" and text[-1] in "+-.?":
            strand = text[-1]  # gffutils: "chr:s-e:." selects unstranded features
            text = text[:-2]
        if not text:
            raise InvalidArgumentError("region: an empty string; expected seqid[:start-end][:strand]")
        if ":" not in text:
            return text, None, None, strand
        seqid, _, span = text.rpartition(":")
        if not seqid:
            raise InvalidArgumentError(f"region {region!r}: empty seqid; expected seqid:start-end[:strand]")
        if span.startswith("+") or "-+" in span:  # int() takes '+1'; a region does not (as the CLI)
            raise InvalidArgumentError(f"region {region!r}: expected seqid:start-end[:strand]")
        try:
            if "-" in span:
                s, e = span.split("-", 1)
                start, end = int(s.replace(",", "")), int(e.replace(",", ""))
            else:
                start, end = int(span.replace(",", "")), None
        except ValueError:
            raise InvalidArgumentError(f"region {region!r}: expected seqid:start-end[:strand]") from None
        if end is not None and end < start:
            raise InvalidArgumentError(f"region {region!r}: start is after end")
        return seqid, start, end, strand
    raise InvalidArgumentError(f"region must be a string, tuple or Feature, found {type(region).__name__}")


def _looks_like_criteria(value) -> bool:
    """A merge criterion or a sequence of them (where gffutils 0.13 takes merge_criteria)."""
    return callable(value) or (isinstance(value, (list, tuple)) and all(callable(c) for c in value))
