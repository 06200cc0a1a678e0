"""Region joins of very many query intervals, spread over processes or a cluster.

A FeatureDB pickles as its path; every worker maps the same .gffdb and the
page cache shares it.  :class:`RegionJoin` is the unit of work a distributed
engine runs on each partition of query intervals (an Arrow batch in, the
overlapping features out, with the query's own columns carried along):

    join = gffbase.RegionJoin("gencode.gffdb", featuretype="exon")
    ray.data.read_parquet("peaks/").map_batches(join, batch_format="pyarrow")  # Ray Data
    dask.dataframe.read_parquet("peaks/").map_partitions(join)                  # pandas in, pandas out
    spark_df.mapInArrow(join.map_batches, schema)                               # Arrow batches in and out

:func:`region_join_parquet` does the same on one machine: one task per
Parquet file of queries, on a pool of processes, one output file per input.
"""

from __future__ import annotations

import os
import shutil
from typing import Iterable, Iterator, List, Optional, Union

from .errors import GffbaseIOError, InvalidArgumentError

#: Columns a query batch must have (one row per region, 1-based closed coordinates).
QUERY_COLUMNS = ("seqid", "start", "end")


class RegionJoin:
    """``RegionJoin(db)(batch)``: the features overlapping each row of `batch`.

    db: a FeatureDB or a .gffdb path (an in-memory database cannot travel to
    other processes).  batch: a pyarrow Table or RecordBatch, a pandas or polars
    DataFrame, or a dict of columns, with ``seqid``, ``start``, ``end`` (1-based,
    closed) and optionally ``strand``.  The result is ``region_batched``'s table
    (query_idx counts rows of this batch) plus the batch's other columns, each
    prefixed ``query_`` (a peak's name stays with its overlaps).  A pandas
    batch gives a pandas result, polars gives polars; anything else gives Arrow.

    Pickles as the path and options; each process opens the database on its
    first batch.
    """

    def __init__(self, db, featuretype=None, completely_within: bool = False, threads: int = 1) -> None:
        from .interface import FeatureDB

        path = db._abspath if isinstance(db, FeatureDB) else os.path.abspath(os.fspath(db))
        if path == ":memory:" or (isinstance(db, FeatureDB) and db.dbfn == ":memory:"):
            raise InvalidArgumentError("db: an in-memory database cannot be shared with workers; write it to a file")
        if not os.path.isfile(path):
            raise GffbaseIOError(f"{path}: no such database")
        self.path = path
        self.featuretype = featuretype
        self.completely_within = bool(completely_within)
        self.threads = threads  # a worker per core already: one thread each by default
        self._db = db if isinstance(db, FeatureDB) else None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_db"] = None
        return state

    def _database(self):
        if self._db is None:
            from .interface import FeatureDB

            self._db = FeatureDB(self.path)
        return self._db

    def __call__(self, batch):
        kind = _container_kind(batch)
        table = _as_arrow(batch)
        missing = [c for c in QUERY_COLUMNS if c not in table.column_names]
        if missing:
            raise InvalidArgumentError(
                f"query batch: missing column(s) {', '.join(missing)}; it has {', '.join(table.column_names)}")
        result = self._join(table)
        if kind == "pandas":
            return result.to_pandas()
        if kind == "polars":
            import polars as pl

            return pl.from_arrow(result)
        return result

    def _join(self, queries):
        import pyarrow as pa
        import pyarrow.compute as pc

        regions = queries.select([c for c in ("seqid", "start", "end", "strand") if c in queries.column_names])
        hits = self._database().region_batched(regions, featuretype=self.featuretype,
                                               completely_within=self.completely_within, threads=self.threads)
        extra = [c for c in queries.column_names if c not in QUERY_COLUMNS]
        if extra:
            carried = queries.select(extra).take(pc.cast(hits.column("query_idx"), pa.int64()))
            for name in extra:
                out = "query_" + name
                while out in hits.column_names:
                    out = "query_" + out
                hits = hits.append_column(out, carried.column(name))
        return hits

    def map_batches(self, batches: Iterable) -> Iterator:
        """Arrow record batches in, record batches out (Spark's ``mapInArrow``)."""
        for batch in batches:
            yield from self(batch).to_batches()


def _container_kind(batch) -> str:
    module = type(batch).__module__.split(".")[0]
    return module if module in ("pandas", "polars") else "arrow"


def _as_arrow(batch):
    import pyarrow as pa

    if isinstance(batch, pa.Table):
        return batch
    if isinstance(batch, pa.RecordBatch):
        return pa.Table.from_batches([batch])
    if isinstance(batch, dict):
        return pa.table(batch)
    if hasattr(batch, "to_arrow"):  # polars
        return batch.to_arrow()
    if _container_kind(batch) == "pandas":
        return pa.Table.from_pandas(batch, preserve_index=False)
    if hasattr(batch, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(batch).read_all()
    raise InvalidArgumentError(
        f"query batch: expected an Arrow table or batch, a pandas or polars DataFrame or a dict of columns, "
        f"found {type(batch).__name__}")


def _query_files(queries) -> List[str]:
    """The Parquet files of `queries`: a file, a directory (searched recursively) or a list of files."""
    if isinstance(queries, (str, os.PathLike)):
        path = os.fspath(queries)
        if os.path.isdir(path):
            files = sorted(
                os.path.join(d, f) for d, _, names in os.walk(path) for f in names
                if f.endswith(".parquet") and not f.startswith((".", "_"))
            )
            if not files:
                raise GffbaseIOError(f"{path}: no .parquet files in this directory")
            return files
        if not os.path.isfile(path):
            raise GffbaseIOError(f"{path}: no such file or directory")
        return [path]
    files = [os.fspath(q) for q in queries]
    if not files:
        raise InvalidArgumentError("queries: an empty list of files")
    for f in files:
        if not os.path.isfile(f):
            raise GffbaseIOError(f"{f}: no such file")
    return files


def _join_file(join: RegionJoin, source: str, target: str) -> int:
    import pyarrow.parquet as pq

    result = join(pq.read_table(source))
    pq.write_table(result, target, compression="zstd")
    return result.num_rows


def region_join_parquet(db, queries, output: Union[str, os.PathLike], featuretype=None,
                        completely_within: bool = False, workers: Optional[int] = None,
                        overwrite: bool = False) -> dict:
    """Joins the query intervals in Parquet file(s) `queries` with `db` on a
    pool of `workers` processes (default: the cores), one task per file.

    Writes ``output/part-<i>.parquet`` (RegionJoin's columns) for input file i
    and returns ``{"files": n, "rows": total}``.  `output` appears complete or
    not at all (written beside, renamed into place)."""
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing

    from .parquet import replace_directory, temp_path_beside

    join = RegionJoin(db, featuretype=featuretype, completely_within=completely_within)
    files = _query_files(queries)
    output = os.fspath(output)
    if os.path.lexists(output) and not overwrite:
        raise GffbaseIOError(f"{output}: already exists (hint: overwrite=True replaces it)")
    if workers is None:
        workers = os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidArgumentError(f"workers: expected a positive number of processes, found {workers!r}")
    tmp = temp_path_beside(output, "tmp")
    os.makedirs(tmp)
    try:
        targets = [os.path.join(tmp, f"part-{i}.parquet") for i in range(len(files))]
        if workers == 1 or len(files) == 1:
            rows = [_join_file(join, s, t) for s, t in zip(files, targets)]
        else:
            # spawn, not fork: the parent may hold threads (DuckDB, Arrow pools) a fork would copy mid-work.
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(workers, len(files)), mp_context=ctx) as pool:
                rows = list(pool.map(_join_file, [join] * len(files), files, targets))
        replace_directory(tmp, output, overwrite)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {"files": len(files), "rows": sum(rows)}
