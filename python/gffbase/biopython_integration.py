"""gffutils' Biopython integration: Features to and from ``Bio.SeqFeature``.

``to_seqfeature`` keeps the GFF columns Biopython has no field for (source,
score, seqid, frame) as qualifiers beside the attributes, and
``from_seqfeature`` reads them back, so a Feature survives the round trip.
Coordinates become Biopython's 0-based, half-open location and back.

Biopython is needed only when these are called (``pip install biopython``).
"""
from __future__ import annotations

from .feature import Feature, feature_from_line

__all__ = ["to_seqfeature", "from_seqfeature"]

# GFF strand <-> Biopython's location strand ('?': stranded, strand unknown).
_TO_BIOPYTHON = {"+": 1, "-": -1, ".": None, "?": 0}
_FROM_BIOPYTHON = {1: "+", -1: "-", None: ".", 0: "?"}
# The GFF columns kept as qualifiers.
_COLUMNS = ("source", "score", "seqid", "frame")
# Biopython's id of a SeqFeature made without one.
_NO_ID = "<unknown id>"


def _biopython():
    try:
        from Bio.SeqFeature import SeqFeature
        try:
            from Bio.SeqFeature import SimpleLocation as Location
        except ImportError:  # Biopython < 1.80
            from Bio.SeqFeature import FeatureLocation as Location
    except ImportError:
        raise ImportError("gffbase.biopython_integration needs Biopython (pip install biopython)") from None
    return SeqFeature, Location


def to_seqfeature(feature):
    """A ``Bio.SeqFeature.SeqFeature`` of `feature` (a Feature, or a GFF/GTF line).

    Location: ``[start - 1, end)`` on the feature's strand (+ 1, - -1, . None,
    ? 0); qualifiers: source, score, seqid and frame (one-item lists), then the
    attributes (lists of values); id and type: the feature's ID and featuretype.
    """
    SeqFeature, Location = _biopython()
    if isinstance(feature, str):
        feature = feature_from_line(feature)
    if feature.start is None or feature.end is None:
        raise ValueError(f"to_seqfeature: feature {feature.id!r} has no coordinates ('.' in columns 4-5); "
                         "a SeqFeature needs a location")
    if feature.strand not in _TO_BIOPYTHON:
        raise ValueError(f"to_seqfeature: strand {feature.strand!r} of feature {feature.id!r} is not +, -, . or ?")
    qualifiers = {name: [getattr(feature, name)] for name in _COLUMNS}
    qualifiers.update((key, list(values)) for key, values in feature.attributes.items())
    return SeqFeature(Location(feature.start - 1, feature.end, strand=_TO_BIOPYTHON[feature.strand]),
                      id=feature.id if feature.id is not None else _NO_ID, type=feature.featuretype,
                      qualifiers=qualifiers)


def from_seqfeature(s, **kwargs) -> Feature:
    """The Feature a ``SeqFeature`` stands for (the inverse of to_seqfeature).

    source, score, seqid and frame come from the qualifiers of those names
    ('.' when absent); every other qualifier is an attribute.  A joined
    location (a GenBank ``join(...)``) gives its whole span.  Keyword
    arguments go to Feature (dialect, keep_order, ...).
    """
    if s.location is None:
        raise ValueError(f"from_seqfeature: SeqFeature {s.id!r} has no location")

    def first(name):
        values = s.qualifiers.get(name, ".")
        if isinstance(values, (list, tuple)):
            return str(values[0]) if values else "."
        return str(values)

    strand = s.location.strand
    if strand not in _FROM_BIOPYTHON:
        raise ValueError(f"from_seqfeature: strand {strand!r} of SeqFeature {s.id!r} is not 1, -1, 0 or None")
    attributes = {key: [str(v) for v in values] if isinstance(values, (list, tuple)) else [str(values)]
                  for key, values in s.qualifiers.items() if key not in _COLUMNS}
    return Feature(first("seqid"), first("source"), s.type, int(s.location.start) + 1, int(s.location.end),
                   first("score"), _FROM_BIOPYTHON[strand], first("frame"), attributes,
                   id=None if s.id in (None, _NO_ID) else s.id, **kwargs)
