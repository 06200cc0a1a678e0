"""gffutils' pybedtools integration: features as ``pybedtools.BedTool`` objects.

``to_bedtool`` wraps any feature stream; ``tsses`` makes the 1-bp
transcription start sites of every gene's transcripts, as GFF/GTF lines or
BED6, optionally merged where they overlap.  Needs pybedtools (``pip install
pybedtools``) and, for the sorting and merging, the ``bedtools`` program.
"""
from __future__ import annotations

import os

from . import helpers

__all__ = ["to_bedtool", "tsses"]


def _pybedtools():
    try:
        import pybedtools
    except ImportError:
        raise ImportError("gffbase.pybedtools_integration needs pybedtools (pip install pybedtools) and the "
                          "bedtools program") from None
    return pybedtools


def to_bedtool(iterator):
    """A ``pybedtools.BedTool`` of the features of `iterator` (Features: each
    as its GFF/GTF line).  Lazy: nothing is read until the BedTool is used;
    ``.saveas(path)`` keeps it in a file."""
    pybedtools = _pybedtools()
    return pybedtools.BedTool(helpers.asinterval(f) for f in iterator)


def _tss_features(db):
    """Each gene's level-1 children (its transcripts) narrowed to their first
    base (the last on the - strand), type suffixed "_TSS"; those without
    coordinates are left out."""
    for gene in db.features_of_type("gene"):
        for transcript in db.children(gene, level=1):
            if transcript.start is None or transcript.end is None:
                continue
            if transcript.strand == "-":
                transcript.start = transcript.end
            else:
                transcript.end = transcript.start
            transcript.featuretype = transcript.featuretype + "_TSS"
            yield transcript


def _uses_bedtools_227_or_later(given: bool) -> bool:
    # gffutils' override, honoured so that code and test set-ups written for it keep working.
    override = os.environ.get("GFFUTILS_USES_BEDTOOLS_227_OR_LATER")
    if override is None:
        return given
    if override not in ("true", "false"):
        raise ValueError("GFFUTILS_USES_BEDTOOLS_227_OR_LATER must be 'true' or 'false', not " + repr(override))
    return override == "true"


def tsses(db, merge_overlapping=False, attrs=None, attrs_sep=":", merge_kwargs=None, as_bed6=False,
          bedtools_227_or_later=True):
    """The transcription start sites of every gene's transcripts, sorted, as a
    ``pybedtools.BedTool`` (in a temporary file; ``.moveto(path)`` keeps it).

    Without merging or `as_bed6`: GFF/GTF lines in the database's dialect,
    type ``<transcript type>_TSS``, one base long.  With `as_bed6`: BED6 named
    by the transcript's `attrs` values (default: gene_id in a GTF database, ID
    otherwise; a list is joined with `attrs_sep`).  With `merge_overlapping`:
    BED, overlapping TSSs of one strand merged (``bedtools merge``, options
    ``o="distinct", s=True, c="4,5,6"`` updated by `merge_kwargs`; set
    `bedtools_227_or_later=False` for the older merge output).
    """
    pybedtools = _pybedtools()
    new_merge = _uses_bedtools_227_or_later(bedtools_227_or_later)
    options = dict(o="distinct", s=True, c="4,5,6") if new_merge else dict(o="distinct", s=True, c="4")
    options.update(merge_kwargs or {})
    features = _tss_features(db)
    if not (merge_overlapping or as_bed6):
        return pybedtools.BedTool(helpers.asinterval(f) for f in features).sort()
    if attrs is None:
        attrs = "gene_id" if db.dialect.get("fmt") == "gtf" else "ID"
    if isinstance(attrs, str):
        attrs = [attrs]

    def name_of(f):
        values = []
        for key in attrs:
            got = dict.get(f.attributes, key)
            if not got:
                raise KeyError(f"tsses: {f.featuretype[:-4]} {f.id!r} has no attribute {key!r} to name its TSS "
                               f"(attrs={attrs!r})")
            values.append(got[0])
        return attrs_sep.join(values)

    bed = pybedtools.BedTool(
        pybedtools.Interval(f.seqid, f.start - 1, f.end, name_of(f), str(f.score), f.strand) for f in features
    ).sort().saveas()
    if not merge_overlapping:
        return bed
    if new_merge:
        return bed.merge(**options)

    def old_merge_as_bed6(f):
        # bedtools < 2.27 put the strand before the merged names.
        fields = list(f.fields) + ["."] * (6 - len(f.fields))
        return pybedtools.Interval(f.chrom, f.start, f.stop, fields[4], ".", fields[3])

    return bed.merge(**options).saveas().each(old_merge_as_bed6).saveas()
