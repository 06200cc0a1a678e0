"""A database as a directory of Parquet datasets, for Spark, Trino, DuckDB, polars.

``FeatureDB.to_parquet(directory)`` writes one dataset per table of
:mod:`gffbase.tables` (the columns ``db.sql`` shows):

  directory/features/part-0.parquet     (or features/seqid=chr1/part-0.parquet, ...
  directory/attributes/part-0.parquet    with partition_by="seqid": hive-style)
  directory/relations/part-0.parquet
  directory/meta/part-0.parquet
  directory/directives/part-0.parquet

Features keep the database's order (seqid, start, end) in row groups of
``row_group_size`` rows, so a reader's min/max statistics skip the row groups
of other seqids and positions.  Categorical columns (seqid, source,
featuretype, strand, frame) stay dictionary-encoded: pyarrow and polars read
them back as categoricals, DuckDB, Spark and Trino as strings.

The directory appears complete or not at all: it is written beside its
final name and renamed into place; an existing one (``overwrite=True``) is
replaced only once its replacement is complete.
"""

from __future__ import annotations

import os
import shutil
from typing import Optional, Sequence, Union

from . import tables
from .errors import GffbaseIOError, InvalidArgumentError

#: Feature columns a features dataset can be partitioned by (low cardinality).
PARTITION_COLUMNS = ("seqid", "featuretype", "source", "strand")

DEFAULT_ROW_GROUP_SIZE = 65536


def _check_partition_by(partition_by) -> list:
    if partition_by is None:
        return []
    names = [partition_by] if isinstance(partition_by, str) else list(partition_by)
    for n in names:
        if n not in PARTITION_COLUMNS:
            raise InvalidArgumentError(
                f"partition_by: expected columns among {', '.join(PARTITION_COLUMNS)}, found {n!r}")
    if len(set(names)) != len(names):
        raise InvalidArgumentError(f"partition_by: a column named twice in {names!r}")
    return names


def _write_dataset(table, directory: str, partition_by: list, compression: str, row_group_size: int) -> None:
    import pyarrow.parquet as pq

    if not partition_by:
        os.makedirs(directory)
        pq.write_table(table, os.path.join(directory, "part-0.parquet"), compression=compression,
                       row_group_size=row_group_size)
        return
    import pyarrow.dataset as ds

    fmt = ds.ParquetFileFormat()
    ds.write_dataset(
        table, directory, format=fmt, partitioning=partition_by, partitioning_flavor="hive",
        file_options=fmt.make_write_options(compression=compression), basename_template="part-{i}.parquet",
        max_rows_per_group=row_group_size, min_rows_per_group=min(row_group_size, 1 << 14),
        existing_data_behavior="error", use_threads=False,  # use_threads would reorder rows
    )


def temp_path_beside(path: str, what: str) -> str:
    """A fresh hidden name in `path`'s directory (same file system: rename is atomic)."""
    import uuid

    parent, name = os.path.split(os.path.abspath(path))
    return os.path.join(parent, f".{name}.{what}-{uuid.uuid4().hex[:12]}")


def replace_directory(tmp: str, final: str, overwrite: bool) -> None:
    """Renames the complete directory `tmp` to `final`; an existing `final`
    (overwrite only) is moved aside first and removed once `tmp` is in place."""
    old = None
    if os.path.lexists(final):
        if not overwrite:
            raise GffbaseIOError(f"{final}: already exists (hint: overwrite=True replaces it)")
        if not os.path.isdir(final) or os.path.islink(final):
            raise GffbaseIOError(f"{final}: exists and is not a directory; not replaced")
        old = temp_path_beside(final, "old")
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if old is not None:
            os.rename(old, final)  # put the previous version back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_parquet(db, directory: Union[str, os.PathLike], partition_by: Optional[Sequence[str]] = None,
                  compression: str = "zstd", row_group_size: int = DEFAULT_ROW_GROUP_SIZE,
                  overwrite: bool = False) -> str:
    """Writes `db` as Parquet datasets under `directory` (see the module's
    docstring); returns the directory's path."""
    directory = os.fspath(directory)
    if not directory:
        raise InvalidArgumentError("directory: expected a path, found ''")
    by = _check_partition_by(partition_by)
    if isinstance(row_group_size, bool) or not isinstance(row_group_size, int) or row_group_size < 1:
        raise InvalidArgumentError(f"row_group_size: expected a positive number of rows, found {row_group_size!r}")
    if os.path.lexists(directory) and not overwrite:
        raise GffbaseIOError(f"{directory}: already exists (hint: overwrite=True replaces it)")
    parent = os.path.dirname(os.path.abspath(directory))
    if not os.path.isdir(parent):
        raise GffbaseIOError(f"{directory}: its directory {parent} does not exist")
    tmp = temp_path_beside(directory, "tmp")
    try:
        os.makedirs(tmp)
        for name in tables.TABLES:
            table = tables.table(db, name)
            _write_dataset(table, os.path.join(tmp, name), by if name == "features" else [], compression,
                           row_group_size)
        replace_directory(tmp, directory, overwrite)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return directory
