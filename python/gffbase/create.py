"""``create_db``: build a .gffdb with gffutils' signature and semantics.

Every gffutils keyword is accepted.  Those that change the result are
honoured by the C++ ingest (``id_spec``, ``merge_strategy``,
``gtf_gene_key``/``gtf_transcript_key``, ``disable_infer_*``,
``force_gff``/``dialect``, ``checklines``, ``from_string``, ``force``);
``transform`` and iterables of features are applied in Python before the
text reaches the engine.  Keywords that only tuned SQLite (``pragmas``,
``text_factory``, ``keep_order``, ``sort_attribute_values``,
``force_merge_fields``, ``force_dialect_check``, ``verbose``,
``infer_gene_extent``) are accepted and recorded; they do not change what a
query returns.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, Callable, Iterable, Optional, Union

from . import _core
from .errors import InvalidArgumentError


def _apply_id_spec(opts: "_core.IngestOptions", id_spec) -> None:
    if id_spec is None:
        return
    if isinstance(id_spec, str):
        opts.id_keys = [id_spec]
    elif isinstance(id_spec, dict):
        by_type = []
        for ftype, keys in id_spec.items():
            keys = [keys] if isinstance(keys, str) else list(keys)
            by_type.append((ftype, keys))
        opts.id_by_type = by_type
    elif callable(id_spec):
        raise InvalidArgumentError("id_spec: a callable is not supported; pass an attribute name, a list of "
                                   "names, or a dict of featuretype -> name(s)")
    else:
        opts.id_keys = list(id_spec)


def _format_of(dialect, force_gff: bool) -> str:
    if force_gff:
        return "gff3"
    if isinstance(dialect, dict):
        return "gff3" if dialect.get("fmt", "gff3") == "gff3" else "gtf"
    if isinstance(dialect, str):
        return dialect
    return "auto"


def _features_to_text(features: Iterable[Any], transform: Optional[Callable]) -> bytes:
    lines = []
    for f in features:
        if transform is not None:
            f = transform(f)
            if not f:
                continue
        lines.append(str(f))
    return ("\n".join(lines) + "\n").encode()


def create_db(data: Union[str, os.PathLike, Iterable[Any]], dbfn: Union[str, os.PathLike], id_spec=None,
              force: bool = False, verbose: bool = False, checklines: int = 10, merge_strategy: str = "error",
              transform: Optional[Callable] = None, gtf_transcript_key: str = "transcript_id",
              gtf_gene_key: str = "gene_id", gtf_subfeature: str = "exon", force_gff: bool = False,
              force_dialect_check: bool = False, from_string: bool = False, keep_order: bool = False,
              text_factory=str, force_merge_fields=None, pragmas=None, sort_attribute_values: bool = False,
              dialect=None, _keep_tempfiles: bool = False, infer_gene_extent: bool = True,
              disable_infer_genes: bool = False, disable_infer_transcripts: bool = False,
              strict: bool = False, lenient: Optional[bool] = None, threads: int = 0, **kwargs):
    """Build a gffbase database from `data` and return a :class:`FeatureDB`.

    data: a path (plain, gzip or BGZF), annotation text (with
    ``from_string=True``), or an iterable of features / lines.  dbfn: the
    .gffdb path, or ``":memory:"`` for a database that lives only as long as
    the returned object.  ``strict=True`` stops at the first malformed line;
    the default (lenient) records problems (``db.problems()``) and goes on.
    """
    from .interface import FeatureDB

    if lenient is not None:
        strict = not lenient
    opts = _core.IngestOptions()
    opts.format = _format_of(dialect, force_gff)
    opts.merge_strategy = merge_strategy
    opts.strict = bool(strict)
    opts.threads = int(threads)
    _apply_id_spec(opts, id_spec)
    opts.gtf_gene_key = gtf_gene_key
    opts.gtf_transcript_key = gtf_transcript_key
    opts.gtf_subfeature = gtf_subfeature or ""
    opts.infer_genes = not disable_infer_genes
    opts.infer_transcripts = not disable_infer_transcripts
    opts.check_lines = max(int(checklines or 10), 1000)
    opts.options_text = f"python:create_db checklines={checklines} keep_order={keep_order}"

    in_memory = os.fspath(dbfn) == ":memory:"
    if in_memory:
        fd, target = tempfile.mkstemp(suffix=".gffdb", prefix="gffbase-memory-")
        os.close(fd)
        opts.force = True
    else:
        target = os.fspath(dbfn)
        opts.force = bool(force)

    try:
        if from_string:
            text = data.encode() if isinstance(data, str) else bytes(data)
            opts.source_name = "<string>"
            report = _core.ingest_text(text, target, opts)
        elif isinstance(data, (str, os.PathLike)) and transform is None:
            report = _core.ingest_file(os.fspath(data), target, opts)
        else:
            if isinstance(data, (str, os.PathLike)):
                from .iterators import DataIterator

                data = DataIterator(os.fspath(data))
            opts.source_name = "<features>"
            report = _core.ingest_text(_features_to_text(data, transform), target, opts)
    except BaseException:
        if in_memory:  # the placeholder file of ':memory:' must not outlive a failure
            try:
                os.unlink(target)
            except OSError:
                pass
        raise

    db = FeatureDB(target)
    db._report = report
    if in_memory:
        # The mapping stays valid after unlink: the file vanishes with `db`.
        os.unlink(target)
        db.dbfn = ":memory:"
    if verbose:
        import sys

        print(f"gffbase: {report['features']} features, {report['errors']} errors, "
              f"{report['warnings']} warnings in {report['seconds']:.2f} s", file=sys.stderr)
    return db
