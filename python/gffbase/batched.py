"""Batched queries: many anchors or regions in, one Arrow table out.

The C++ core answers the whole batch on all cores with the GIL released and
hands the result over through the Arrow C stream interface (a PyCapsule);
pyarrow, polars and DuckDB read it without copying.  ``format`` picks the
container: ``"arrow"`` (default, ``pyarrow.Table``), ``"polars"``,
``"df"``/``"pandas"`` (pandas), or ``"numpy"`` (a dict of NumPy arrays).
"""

from __future__ import annotations

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
    table = read_table(capsule)
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


def _anchor_ids(ids) -> List[str]:
    from .feature import Feature

    if isinstance(ids, (str, Feature)):
        ids = [ids]
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
    return [featuretype] if isinstance(featuretype, str) else list(featuretype)


def hierarchy_batched(db, ids, level, featuretype, format, children: bool, threads: int):
    _check_format(format)
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


def _regions(db, regions):
    from .feature import Feature
    from .interface import _COORD_MAX, _COORD_MIN

    seqids: List[str] = []
    starts: List[int] = []
    ends: List[int] = []
    # Fast paths: a pyarrow/polars/pandas table with seqid/start/end columns.
    if hasattr(regions, "column_names") or hasattr(regions, "columns"):
        cols = list(regions.column_names if hasattr(regions, "column_names") else regions.columns)
        names = [c for c in ("seqid", "chrom") if c in cols]
        if names and "start" in cols and "end" in cols:
            def col(name):
                c = regions[name]
                return c.to_pylist() if hasattr(c, "to_pylist") else list(c)

            return [str(s) for s in col(names[0])], [int(s) for s in col("start")], [int(e) for e in col("end")]
    def coordinate(i, r, k, name):
        try:
            return int(r[k])
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"regions[{i}] = {r!r}: {name} is not an integer") from None

    for i, r in enumerate(regions):
        if isinstance(r, tuple) and len(r) >= 3 and not isinstance(r[0], tuple):
            seqids.append(str(r[0]))
            starts.append(coordinate(i, r, 1, "start"))
            ends.append(coordinate(i, r, 2, "end"))
            continue
        if isinstance(r, (Feature, str, list)):
            s, b, e, _ = db._parse_region(r)
            seqids.append(s)
            starts.append(1 if b is None else b)
            ends.append((1 << 62) if e is None else e)
            continue
        raise TypeError(f"regions must be (seqid, start, end) tuples, 'chr:s-e' strings or Features, "
                        f"found {type(r).__name__}")
    for name, values in (("start", starts), ("end", ends)):
        if values and not (_COORD_MIN <= min(values) and max(values) <= _COORD_MAX):
            bad = next(v for v in values if not _COORD_MIN <= v <= _COORD_MAX)
            raise InvalidArgumentError(f"regions: {name} {bad} is not a coordinate below 2^63")
    return seqids, starts, ends


def region_batched(db, regions, featuretype, completely_within, format, strand, threads):
    from .interface import _check_strand

    _check_format(format)
    _check_strand(strand)
    if type(regions) is list and regions and type(regions[0]) is tuple:
        try:
            capsule = _core.region_batched_tuples(db._db, regions, _types(featuretype), bool(completely_within),
                                                  strand, threads)
            return to_format(capsule, format)
        except TypeError:
            pass  # a mixed list (strings, Features): the general path below explains or handles it
    seqids, starts, ends = _regions(db, regions)
    capsule = _core.region_batched(db._db, seqids, starts, ends, _types(featuretype), bool(completely_within),
                                   strand, threads)
    return to_format(capsule, format)
