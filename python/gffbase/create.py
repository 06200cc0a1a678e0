"""``create_db``: build a .gffdb with gffutils' signature and semantics.

Every gffutils keyword is accepted.  Those that change the result are
honoured by the C++ ingest (``id_spec``, ``merge_strategy``,
``gtf_gene_key``/``gtf_transcript_key``, ``disable_infer_*``,
``force_gff``/``dialect``, ``checklines``, ``from_string``, ``force``);
``transform``, iterables of features and an ``id_spec`` the engine cannot
evaluate itself (a callable, or gffutils' ``:seqid:``-style field keys) are
applied in Python before the text reaches the engine: the IDs are computed
per feature with gffutils' rules and handed over line by line.  Keywords that only tuned SQLite (``pragmas``,
``text_factory``, ``keep_order``, ``sort_attribute_values``,
``force_merge_fields``, ``force_dialect_check``, ``verbose``) are accepted and
recorded; they do not change what a query returns.  ``infer_gene_extent=False``
turns both GTF inferences off, as in gffutils.
"""

from __future__ import annotations

import operator
import os
from typing import Any, Callable, Iterable, Optional, Union

from . import _core
from .errors import InputNotFoundError, InvalidArgumentError


def _needs_python_ids(id_spec) -> bool:
    """True for id_specs the engine cannot evaluate itself: callables and
    gffutils' ``:field:`` keys (anywhere in a list or a dict's values)."""
    def special(k) -> bool:
        return callable(k) or (isinstance(k, str) and len(k) > 3 and k[0] == ":" and k[-1] == ":")

    if id_spec is None or isinstance(id_spec, str):
        return special(id_spec)
    if callable(id_spec):
        return True
    values = id_spec.values() if isinstance(id_spec, dict) else [id_spec]
    for v in values:
        keys = [v] if isinstance(v, str) or callable(v) else list(v)
        if any(special(k) for k in keys):
            return True
    return False


def _python_id(id_spec, f) -> str:
    """gffutils' ``_id_handler`` for one feature: the ID, ``""`` for its
    autoincrement default, or ``"autoincrement:<name>"``."""
    if isinstance(id_spec, str) or callable(id_spec):
        keys = [id_spec]
    elif isinstance(id_spec, dict):
        if f.featuretype not in id_spec:
            return ""
        keys = id_spec[f.featuretype]
        keys = [keys] if isinstance(keys, str) or callable(keys) else list(keys)
    else:
        keys = list(id_spec)
    for k in keys:
        if callable(k):
            value = k(f)
            if value:
                return str(value)
        elif len(k) > 3 and k[0] == ":" and k[-1] == ":":
            return str(getattr(f, k[1:-1]))
        else:
            values = dict.get(f.attributes, k)
            if values:
                return values[0]
    return ""


def _checked_threads(threads) -> int:
    """threads as an int >= 0 (0: every core; the engine caps large counts)."""
    try:
        value = operator.index(threads)
    except TypeError:
        value = -1
    if isinstance(threads, bool) or value < 0:
        raise InvalidArgumentError(f"threads: expected an integer >= 0 (0: every core), found {threads!r}")
    return min(value, 1 << 20)


def _check_id_keys(id_spec) -> None:
    """Each key of a str / list / dict id_spec is a string (the binding raised a bare TypeError)."""
    groups = id_spec.values() if isinstance(id_spec, dict) else [id_spec]
    for keys in groups:
        for k in [keys] if isinstance(keys, str) else (keys if isinstance(keys, (list, tuple)) else [keys]):
            if not isinstance(k, str) and not callable(k):
                raise InvalidArgumentError(f"id_spec: expected attribute names (strings) or callables, found {k!r}")


def _apply_id_spec(opts: "_core.IngestOptions", id_spec) -> None:
    if id_spec is not None:
        _check_id_keys(id_spec)
    if id_spec is None or _needs_python_ids(id_spec):
        return  # default, or evaluated per feature (create_db sets opts.id_by_line)
    if isinstance(id_spec, str):
        opts.id_keys = [id_spec]
    elif isinstance(id_spec, dict):
        by_type = []
        for ftype, keys in id_spec.items():
            keys = [keys] if isinstance(keys, str) else list(keys)
            by_type.append((ftype, keys))
        opts.id_by_type = by_type
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


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":  # gzip or BGZF (gzip members)
        import gzip

        with gzip.open(path, "rb") as fh:
            return fh.read()
    with open(path, "rb") as fh:
        return fh.read()


def _transformed_lines(raw: bytes, transform: Optional[Callable], id_spec=None,
                       ids: Optional[list] = None) -> bytes:
    """The input again, line for line, with each feature line replaced by its
    transformed Feature (a blank line when `transform` drops it); with `ids`,
    also the ID of each line from a callable / ``:field:`` id_spec (gffutils
    semantics; "" for lines without a feature).

    Every other line stays as it was, so the engine still sees the directives
    and the ##FASTA section, numbers lines as the input does, and reports a
    line this Python parser cannot read (a bad coordinate, ...) as it reports
    any bad line: path:line and field, an error in strict mode and a skipped
    line in lenient mode.  Bytes that are not UTF-8 pass through unchanged."""
    from .feature import feature_from_line

    out = []
    in_fasta = False
    for line in raw.decode("utf-8", errors="surrogateescape").split("\n"):
        body = line[:-1] if line.endswith("\r") else line
        text, fid = line, ""
        if in_fasta or not body.strip() or body.startswith("#") or body.startswith(">"):
            in_fasta = in_fasta or body.startswith("##FASTA") or body.startswith(">")
        else:
            try:
                f = feature_from_line(body, strict=False)
            except Exception:
                f = None  # the engine says what is wrong with it
            if f is not None:
                if transform is not None:
                    f = transform(f)
                text = str(f) if f else ""
                if f and ids is not None:
                    fid = _python_id(id_spec, f)
        out.append(text)
        if ids is not None:
            ids.append(fid)
    return "\n".join(out).encode("utf-8", errors="surrogateescape")


def _features_to_text(features: Iterable[Any], transform: Optional[Callable], id_spec=None,
                      ids: Optional[list] = None) -> bytes:
    """One line per feature (after `transform`); with `ids`, also the ID of
    each line from a callable / ``:field:`` id_spec (gffutils semantics)."""
    from .feature import Feature, feature_from_line

    lines = []
    for f in features:
        if transform is not None:
            f = transform(f)
            if not f:
                continue
        if ids is not None:
            if not isinstance(f, Feature):
                f = feature_from_line(str(f))
            ids.append(_python_id(id_spec, f))
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
    opts.threads = _checked_threads(threads)
    _apply_id_spec(opts, id_spec)
    opts.gtf_gene_key = gtf_gene_key
    opts.gtf_transcript_key = gtf_transcript_key
    opts.gtf_subfeature = gtf_subfeature or ""
    if not infer_gene_extent:  # gffutils: the pre-0.8.4 switch for both inferences
        disable_infer_genes = disable_infer_transcripts = True
    opts.infer_genes = not disable_infer_genes
    opts.infer_transcripts = not disable_infer_transcripts
    opts.check_lines = max(int(checklines or 10), 1000)
    opts.options_text = f"python:create_db checklines={checklines} keep_order={keep_order}"

    _check_path("dbfn", dbfn)
    if not from_string and isinstance(data, (str, os.PathLike)):
        _check_path("data", data)
        if os.fspath(data) != "-" and not os.path.lexists(data):
            # gffutils raises ValueError here; this is both that and FileNotFoundError.
            raise InputNotFoundError(f"{os.fspath(data)}: no such file (the annotation to build from)")
    # ":memory:" lives in an anonymous memory file (memfd): no file system
    # sees it, and it goes with the last reference to the database.
    in_memory = os.fspath(dbfn) == ":memory:"
    target = os.fspath(dbfn)
    opts.force = bool(force)

    def ingest_text(text: bytes):
        if in_memory:
            return _core.ingest_text_in_memory(text, opts)
        return _core.ingest_text(text, target, opts), None

    python_ids = _needs_python_ids(id_spec)
    if from_string and transform is None and not python_ids:
        text = data.encode() if isinstance(data, str) else bytes(data)
        opts.source_name = "<string>"
        report, core = ingest_text(text)
    elif isinstance(data, (str, os.PathLike)) and transform is None and not python_ids:
        if in_memory:
            report, core = _core.ingest_file_in_memory(os.fspath(data), opts)
        else:
            report, core = _core.ingest_file(os.fspath(data), target, opts), None
    else:
        # Features pass through Python: `transform` or a callable id_spec
        # (evaluated here, one ID per line, as gffutils does) on a file or a
        # string, or an iterable of features.
        ids = [] if python_ids else None
        if from_string or isinstance(data, (str, os.PathLike)):
            if from_string:
                raw = data.encode() if isinstance(data, str) else bytes(data)
                opts.source_name = "<string>"
            else:
                raw = _read_bytes(os.fspath(data))
                opts.source_name = os.fspath(data)
            text = _transformed_lines(raw, transform, id_spec, ids)
        else:
            opts.source_name = "<features>"
            text = _features_to_text(data, transform, id_spec, ids)
        if ids is not None:
            opts.id_by_line = ids
        report, core = ingest_text(text)

    if in_memory:
        db = FeatureDB._in_memory(core)
        db.keep_order, db.sort_attribute_values = keep_order, sort_attribute_values
    else:
        db = FeatureDB(target, keep_order=keep_order, sort_attribute_values=sort_attribute_values)
    db._report = report
    if verbose:
        import sys

        print(f"gffbase: {report['features']} features, {report['errors']} errors, "
              f"{report['warnings']} warnings in {report['seconds']:.2f} s", file=sys.stderr)
    return db


def _check_path(name: str, path) -> None:
    """A path with a NUL byte: the C core would read it up to the NUL (`fresh\\0.gffdb` wrote `fresh`)."""
    text = os.fspath(path)
    if "\0" in (text if isinstance(text, str) else text.decode(errors="replace")):
        raise InvalidArgumentError(f"{name}: the path {text!r} contains a NUL byte")
