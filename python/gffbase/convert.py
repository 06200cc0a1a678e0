"""gffutils' ``convert``: a feature and its children as one BED12 line.

For the richer BED12 (thick part from the CDS, UTR pieces, colours) use
``FeatureDB.bed12`` or ``gffbase export -f bed12``.
"""
from __future__ import annotations

__all__ = ["to_bed12"]


def to_bed12(f, db, child_type="exon", name_field="ID") -> str:
    """One BED12 line (with its newline) of feature `f` (a Feature or an ID),
    its blocks its descendants of type `child_type` (a transcript's exons), in
    start order.

    name: the first value of attribute `name_field` ('.' when absent); score:
    the feature's ('.' kept, as gffutils writes it); thick part: the whole
    feature; colour 0,0,0.  0-based, half-open, as BED is; gffutils wrote the
    thick start 1-based (one base too far right), gffbase writes start - 1.
    """
    if isinstance(f, str):
        f = db[f]
    if f.start is None or f.end is None:
        raise ValueError(f"to_bed12: feature {f.id!r} has no coordinates ('.' in columns 4-5)")
    children = sorted((c for c in db.children(f, featuretype=child_type) if c.start is not None),
                      key=lambda c: (c.start, c.end))
    fields = [
        f.seqid, f.start - 1, f.end, dict.get(f.attributes, name_field, ["."])[0], f.score, f.strand,
        f.start - 1, f.end, "0,0,0", len(children),
        ",".join(str(c.end - c.start + 1) for c in children),
        ",".join(str(c.start - f.start) for c in children),
    ]
    return "\t".join(map(str, fields)) + "\n"
