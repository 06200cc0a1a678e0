"""update / delete / add_relation on an immutable .gffdb.

A .gffdb is never changed in place.  Each of these writes the database's
feature lines (input order, synthetic features left out) with the change
applied, ingests them into a new file beside the old one, and renames it
over the old path — the same atomic replacement an ingest does.  Open
readers keep the old mapping; the FeatureDB itself is reopened on the new
file.  Cost is a full rebuild: use them for small edits, not in loops.
"""

from __future__ import annotations

import inspect
import os
import re
from typing import Callable, Iterable, List, Optional

from . import _core
from .errors import InvalidArgumentError
from .feature import Feature


def _lines(db, skip_ids=frozenset(), edit: Optional[Callable[[Feature], Feature]] = None) -> List[str]:
    """The database's lines again: its "##" directives and "#!" pragmas where
    they stood among the feature lines ("###", a mid-file ##sequence-region),
    then those after the last feature.  The ##FASTA section is _rebuild's."""
    directives = list(zip(db._db.directive_lines(), db._db.directives()))
    out, k = [], 0
    for row in db._db.rows_in_file_order():
        t = db._db.row(row)
        if t[11] & 1:  # synthetic (inferred GTF gene/transcript)
            continue
        line = db._db.row_line(row)
        while k < len(directives) and directives[k][0] < line:
            out.append(directives[k][1])
            k += 1
        if t[9] in skip_ids:
            continue
        if edit is None:
            out.append(db._db.format_row(row, "gff3" if db._gff3 else "gtf"))
        else:
            f = edit(Feature._from_row(t, db.dialect, db._gff3))
            if f is not None:
                out.append(str(f))
    return out + [text for _, text in directives[k:]]


def _carry_options(opts, recorded: str) -> None:
    """The build options the database was made with (its meta "options", as
    ingest's options_summary writes them), so a rebuild infers, names and IDs
    features as the original build did: without them, a database built with
    disable_infer_genes or an id_spec had its genes inferred and its IDs
    re-derived by the defaults on the first update()."""
    def value(key):
        m = re.search(r"(?:^| )" + key + r"=(\S*)", recorded)
        return m.group(1) if m else None

    if value("mode") == "strict":
        opts.strict = True
    for key in ("infer_genes", "infer_transcripts"):
        if value(key) is not None:
            setattr(opts, key, value(key) == "1")
    for key in ("gtf_gene_key", "gtf_transcript_key", "gtf_subfeature"):
        if value(key) is not None:
            setattr(opts, key, value(key))
    spec = value("id_spec")
    if spec and "<per-line" not in spec:
        keys, by_type = [], []
        for item in filter(None, spec.split(",")):
            if ":" in item:
                ftype, ks = item.split(":", 1)
                by_type.append((ftype, [k for k in ks.split("|") if k]))
            else:
                keys.append(item)
        opts.id_keys, opts.id_by_type = keys, by_type


def _rebuild(db, lines: List[str], merge_strategy: Optional[str] = None, id_spec=None, **ignored):
    opts = _core.IngestOptions()
    opts.format = db._meta.get("format", "auto")
    recorded = db._meta.get("options", "")
    m = re.search(r"merge_strategy=(\w+)", recorded)
    opts.merge_strategy = merge_strategy or (m.group(1) if m else "create_unique")
    _carry_options(opts, recorded)
    if id_spec is not None:
        from .create import _apply_id_spec

        _apply_id_spec(opts, id_spec)
    opts.force = True
    opts.allow_empty = True  # deleting every feature leaves an empty database, as in gffutils
    source = db._meta.get("source_name", "")
    opts.source_name = source if source.endswith(" (edited)") else source + " (edited)"
    text = "\n".join(lines) + "\n"
    fasta = db._db.fasta()  # after every feature line, the new ones too
    if fasta:
        text += "##FASTA\n" + fasta
    text = text.encode()
    if db.dbfn == ":memory:":
        # A new in-memory database replaces the old one (freed with its last user).
        _, core = _core.ingest_text_in_memory(text, opts)
        db._attach(core, db.keep_order, db.sort_attribute_values)
        return db
    _core.ingest_text(text, db.dbfn, opts)
    db.__init__(db.dbfn)
    return db


def _fields(f: Feature):
    return (f.seqid, f.source, f.featuretype, f.start, f.end, f.score, f.strand, f.frame)


def update(db, data, **kwargs):
    """Adds `data`'s features.  A feature whose ID the database has is, by
    merge_strategy: "replace", the new line instead of the old feature's
    lines; "merge", one line with both attribute sets when the other eight
    columns agree (gffutils' merge).  Otherwise a line with an existing ID,
    type and seqid is another segment of that feature, as at ingest."""
    from .interface import FeatureDB
    from .iterators import DataIterator
    from .feature import feature_from_line
    from .derived import union_attributes

    if isinstance(data, FeatureDB):
        feats = list(data.all_features(order_by="file_order"))
    elif isinstance(data, str) and kwargs.get("from_string"):  # GFF/GTF text itself, as create_db takes it
        feats = list(DataIterator(data, from_string=True))
    elif isinstance(data, (str, os.PathLike)):
        feats = list(DataIterator(os.fspath(data)))
    else:
        feats = [f if isinstance(f, Feature) else feature_from_line(str(f)) for f in data]
    transform = kwargs.get("transform")
    if transform is not None:  # as gffutils: applied to the features added (a falsy result drops one)
        feats = [g for g in map(transform, feats) if g]
    strategy = kwargs.get("merge_strategy")
    known = [f for f in feats if f.id is not None and f.id in db]
    if strategy == "replace" and known:
        replaced = frozenset(f.id for f in known)
        return _rebuild(db, _lines(db, skip_ids=replaced) + [str(f) for f in feats], **kwargs)
    if strategy == "merge" and known:
        # Edited in place when every column but the attributes agrees; else added as a line.
        by_id = {f.id: f for f in known}
        merged = set()

        def edit(old: Feature) -> Feature:
            new = by_id.get(old.id)
            if new is None or _fields(new) != _fields(old):
                return old
            old.attributes = union_attributes(old.attributes, new.attributes)
            merged.add(old.id)
            return old

        lines = _lines(db, edit=edit)
        return _rebuild(db, lines + [str(f) for f in feats if f.id not in merged], **kwargs)
    return _rebuild(db, _lines(db) + [str(f) for f in feats], **kwargs)


def delete(db, features, **kwargs):
    """Removes the features named (IDs, Features, an iterable of either, or a
    FeatureDB: its features) by rebuilding the file."""
    from .interface import FeatureDB

    if isinstance(features, (str, Feature)):
        features = [features]
    elif isinstance(features, FeatureDB):
        features = features.all_features()
    ids = frozenset(f.id if isinstance(f, Feature) else f for f in features)
    return _rebuild(db, _lines(db, skip_ids=ids), **kwargs)


def _call(func, parent: Feature, child: Feature, own: Feature):
    """gffutils calls parent_func/child_func as func(parent, child); a one-argument
    func gets just the feature being edited (`own`)."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature
        return func(parent, child)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params):
        return func(parent, child)
    return func(own)


def add_relation(db, parent, child, level=None, parent_func=None, child_func=None):
    if not db._gff3:
        raise InvalidArgumentError("add_relation needs a GFF3 database (GTF relations come from gene_id/transcript_id)")
    pid = parent.id if isinstance(parent, Feature) else parent
    cid = child.id if isinstance(child, Feature) else child
    parent_feature = db[pid]  # raises FeatureNotFoundError when absent
    child_feature = db[cid]

    def edit(f: Feature) -> Feature:
        if f.id == cid:
            parents = dict.get(f.attributes, "Parent", [])
            if pid not in parents:
                f.attributes["Parent"] = parents + [pid]
            if child_func is not None:
                f = _call(child_func, parent_feature, f, f) or f
        elif f.id == pid and parent_func is not None:
            f = _call(parent_func, f, child_feature, f) or f
        return f

    return _rebuild(db, _lines(db, edit=edit))
