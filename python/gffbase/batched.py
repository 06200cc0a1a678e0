"""Batched queries: many anchors or regions in, one Arrow table out.

The C++ core answers the whole batch on all cores with the GIL released and
hands the result over through the Arrow C stream interface (a PyCapsule);
pyarrow, polars and DuckDB read it without copying.  ``format`` picks the
container: ``"arrow"`` (default, ``pyarrow.Table``), ``"polars"``,
``"df"``/``"pandas"`` (pandas), or ``"numpy"`` (a dict of NumPy arrays).
"""

from __future__ import annotations

import operator
import os
from typing import Any, Iterable, List, Optional

from . import _core
from .errors import InvalidArgumentError

FORMATS = ("arrow", "df", "pandas", "polars", "numpy")


class ArrowStream:
    """A one-shot Arrow C stream (implements ``__arrow_c_stream__``)."""

    __slots__ = ("_capsule",)

    def __init__(self, capsule) -> None:
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema=None):
        if self._capsule is None:
            raise RuntimeError("this Arrow stream was already consumed")
        capsule, self._capsule = self._capsule, None
        return capsule


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise InvalidArgumentError(f"format: expected one of {', '.join(FORMATS)}, found {format!r}")


def read_table(capsule):
    """A pyarrow.Table from a core stream capsule, without copying.

    Not ``pa.table(stream)``: that first asks whether its argument is a pandas
    DataFrame, which imports pandas (~0.25 s) on the first call of a process.
    """
    import pyarrow as pa

    reader_from_stream = getattr(pa.RecordBatchReader, "from_stream", None)  # pyarrow >= 15
    if reader_from_stream is None:
        return pa.table(ArrowStream(capsule))
    return reader_from_stream(ArrowStream(capsule)).read_all()


def to_format(capsule, format: str):
    """Converts a core stream capsule into the requested container."""
    return convert_table(read_table(capsule), format)


def convert_table(table, format: str):
    """A pyarrow.Table in the requested container."""
    if format == "arrow":
        return table
    if format in ("df", "pandas"):
        return table.to_pandas()
    if format == "polars":
        import polars as pl

        return pl.from_arrow(table)
    if format == "numpy":
        return {name: table.column(name).to_numpy() for name in table.column_names}
    raise AssertionError(format)


def _check_threads(threads) -> None:
    try:
        n = operator.index(threads)  # an int or NumPy integer, not a float or None
    except TypeError:
        n = None
    if n is None or isinstance(threads, bool):
        raise InvalidArgumentError(f"threads: expected a number of threads (0 = all cores), found {threads!r}")
    if not 0 <= n <= 0x7FFFFFFF:
        raise InvalidArgumentError(f"threads: expected 0 (all cores) or a positive number, found {threads!r}")


def _anchor_ids(ids) -> List[str]:
    from .feature import Feature

    if isinstance(ids, (str, Feature)):
        ids = [ids]
    elif hasattr(ids, "to_pylist"):  # a pyarrow Array/ChunkedArray (or a polars Series) of IDs
        ids = ids.to_pylist()
    out = []
    for x in ids:
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, Feature):
            out.append(x.id)
        else:
            raise TypeError(f"anchors must be feature IDs (str) or Features, found {type(x).__name__}")
    return out


def _types(featuretype) -> Optional[List[str]]:
    if featuretype is None:
        return None
    if isinstance(featuretype, str):
        return [featuretype]
    try:
        types = list(featuretype)
    except TypeError:
        raise InvalidArgumentError(f"featuretype: expected a type name or a list of them, found {featuretype!r}") \
            from None
    bad = [t for t in types if not isinstance(t, str)]
    if bad:
        raise InvalidArgumentError(f"featuretype: expected type names (str), found {bad[0]!r}")
    return types


def hierarchy_batched(db, ids, level, featuretype, format, children: bool, threads: int):
    _check_format(format)
    _check_threads(threads)
    if level is not None and (type(level) is not int or not 1 <= level <= 0x7FFFFFFF):
        from .interface import _checked_level
        level = _checked_level(level)
    types = _types(featuretype)
    if type(ids) is list:
        try:  # a list of IDs goes to the core as is (no per-ID Python work)
            return to_format(_core.hierarchy_batched(db._db, ids, level, types, children, threads), format)
        except TypeError:
            pass  # Features among them: the general path below
    capsule = _core.hierarchy_batched(db._db, _anchor_ids(ids), level, types, children, threads)
    return to_format(capsule, format)


def _fasta_reader(db, fasta):
    """The core FASTA reader for `fasta`: None (the database's own ##FASTA
    section), a path, a gffbase FastaFile or a core reader."""
    from .fasta import FastaFile, open_fasta

    if fasta is None:
        reader = getattr(db, "_own_fasta", None)
        if reader is None:
            reader = db._own_fasta = _core.FastaReader.of_database(db._db)
        return reader
    if isinstance(fasta, _core.FastaReader):
        return fasta
    if isinstance(fasta, FastaFile):
        return fasta.reader
    if isinstance(fasta, (str, os.PathLike)):
        return open_fasta(fasta).reader
    raise InvalidArgumentError(f"fasta: expected a FASTA path, a gffbase FastaFile or None (the database's own "
                               f"##FASTA section), found {type(fasta).__name__}")


def sequences_batched(db, ids, fasta, featuretype, use_strand: bool, missing: str, format, threads: int,
                      translate=False):
    _check_format(format)
    _check_threads(threads)
    genetic_code = _genetic_code(translate)
    if missing not in ("error", "null"):
        raise InvalidArgumentError(f"missing: expected 'error' or 'null', found {missing!r}")
    types = _types(featuretype)
    if not types:
        raise InvalidArgumentError("featuretype: expected the type(s) of the parts to join, e.g. 'exon' or 'CDS'")
    reader = _fasta_reader(db, fasta)
    args = (types, bool(use_strand), missing == "null", translate is not False, genetic_code, threads)
    if type(ids) is list:
        try:  # a list of IDs goes to the core as is (no per-ID Python work), as in hierarchy_batched
            return to_format(_core.sequences_batched(db._db, reader, ids, *args), format)
        except TypeError:
            pass  # Features among them: the general path below
    return to_format(_core.sequences_batched(db._db, reader, _anchor_ids(ids), *args), format)


def _genetic_code(translate) -> int:
    """The NCBI genetic code `translate` names: 0 (from each feature's
    transl_table, else 1) for False/True, the table for an int (NumPy's too)."""
    if translate is False or translate is True:
        return 0
    try:
        table = None if isinstance(translate, (bool, float, str)) else operator.index(translate)
    except TypeError:
        table = None
    if table is not None and 0 < table < 1000 and _core.genetic_code_name(table) is not None:
        return table
    raise InvalidArgumentError(f"translate: expected True, False or an NCBI genetic code "
                               f"({_core.genetic_code_ids()}), found {translate!r}")


_WHOLE_SEQID_END = 1 << 62  # an open end: past any feature


def _is_one_region(regions) -> bool:
    """A single region rather than a collection of them: a string, a Feature,
    or a (seqid, start, end[, strand]) tuple."""
    from .feature import Feature

    if isinstance(regions, (str, Feature)):
        return True
    return (isinstance(regions, tuple) and len(regions) in (3, 4) and isinstance(regions[0], str)
            and not isinstance(regions[1], (str, tuple)))


def _table_columns(regions):
    """seqid/start/end[/strand] lists of a pyarrow, polars or pandas table of
    regions; None when `regions` is not a table."""
    if type(regions).__name__ == "LazyFrame":
        raise InvalidArgumentError("regions: a polars LazyFrame; collect() it first")
    if hasattr(regions, "column_names"):  # pyarrow Table / RecordBatch
        cols = list(regions.column_names)
    elif hasattr(regions, "columns") and hasattr(regions, "__getitem__") and not isinstance(regions, (list, tuple)):
        cols = [str(c) for c in regions.columns]  # pandas / polars DataFrame
    else:
        return None
    seqid = next((c for c in ("seqid", "chrom") if c in cols), None)
    if seqid is None or "start" not in cols or "end" not in cols:
        raise InvalidArgumentError("regions: a table needs columns seqid (or chrom), start and end (1-based, "
                                   f"closed; optional strand), found columns {cols}")

    def col(name):
        c = regions[name]
        values = c.to_pylist() if hasattr(c, "to_pylist") else c.tolist() if hasattr(c, "tolist") else list(c)
        for i, v in enumerate(values):
            if v is None or (isinstance(v, float) and v != v):  # null / NaN
                if name == "strand":
                    values[i] = None
                    continue
                raise InvalidArgumentError(f"regions: row {i}: column {name!r} is missing (null)")
        return values

    def ints(name):
        out = []
        for i, v in enumerate(col(name)):
            try:
                out.append(int(v))
            except (TypeError, ValueError):
                raise InvalidArgumentError(f"regions: row {i}: column {name!r}: expected an integer, "
                                           f"found {v!r}") from None
            if isinstance(v, float) and v != int(v):
                raise InvalidArgumentError(f"regions: row {i}: column {name!r}: expected an integer, found {v!r}")
        return out

    strands = col("strand") if "strand" in cols else None
    return [str(x) for x in col(seqid)], ints("start"), ints("end"), strands


def _regions(db, regions):
    """(seqids, starts, ends, strands) of a batch of regions; strands is None
    when no region names one."""
    from .feature import Feature
    from .interface import _COORD_MAX, _COORD_MIN

    if _is_one_region(regions):
        regions = [regions]
    table = _table_columns(regions)
    if table is not None:
        seqids, starts, ends, strands = table
    else:
        seqids, starts, ends, strands = [], [], [], []

        def coordinate(i, r, k, name, open_value):
            if r[k] is None:  # an open side, as in db.region(): (seqid, None, None) is all of it
                return open_value
            if isinstance(r[k], (bool, float)) and not (isinstance(r[k], float) and r[k].is_integer()):
                raise InvalidArgumentError(f"regions[{i}] = {r!r}: {name}: expected an integer, found {r[k]!r}")
            try:
                return int(r[k])
            except (TypeError, ValueError):
                raise InvalidArgumentError(f"regions[{i}] = {r!r}: {name}: expected an integer, "
                                           f"found {r[k]!r}") from None

        for i, r in enumerate(regions):
            if isinstance(r, tuple) and len(r) >= 3 and not isinstance(r[0], tuple):
                if len(r) > 4:
                    raise InvalidArgumentError(f"regions[{i}] = {r!r}: expected (seqid, start, end[, strand])")
                seqids.append(str(r[0]))
                starts.append(coordinate(i, r, 1, "start", 1))
                ends.append(coordinate(i, r, 2, "end", _WHOLE_SEQID_END))
                strands.append(r[3] if len(r) == 4 else None)
                continue
            if isinstance(r, (Feature, str, list)):
                s, b, e, st = db._parse_region(r)
                seqids.append(s)
                starts.append(1 if b is None else b)
                ends.append(_WHOLE_SEQID_END if e is None else e)
                strands.append(st)
                continue
            raise TypeError(f"regions must be (seqid, start, end[, strand]) tuples, 'chr:s-e' strings or Features "
                            f"(or a table with seqid, start, end columns), found {type(r).__name__}")
    for name, values in (("start", starts), ("end", ends)):
        if values and not (_COORD_MIN <= min(values) and max(values) <= _COORD_MAX):
            bad = next(v for v in values if not _COORD_MIN <= v <= _COORD_MAX)
            raise InvalidArgumentError(f"regions: {name} {bad} is not a coordinate below 2^63")
    if strands is not None:
        for i, st in enumerate(strands):
            if st is not None and st not in ("+", "-", ".", "?"):
                raise InvalidArgumentError(f"regions[{i}]: strand: expected one of + - . ? (or None), found {st!r}")
        if all(st is None for st in strands):
            strands = None
    return seqids, starts, ends, strands


def region_batched(db, regions, featuretype, completely_within, format, strand, threads):
    from .interface import _check_strand

    _check_format(format)
    _check_strand(strand)
    _check_threads(threads)
    types = _types(featuretype)
    if type(regions) is list and regions and type(regions[0]) is tuple:
        try:
            capsule = _core.region_batched_tuples(db._db, regions, types, bool(completely_within), strand, threads)
            return to_format(capsule, format)
        except TypeError:
            pass  # a mixed list (strings, Features, None coordinates): the general path explains or handles it
    seqids, starts, ends, strands = _regions(db, regions)
    capsule = _core.region_batched(db._db, seqids, starts, ends, types, bool(completely_within), strand, threads,
                                   None if strands is None else "".join(st or " " for st in strands))
    return to_format(capsule, format)
