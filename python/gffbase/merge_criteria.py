"""Merge criteria for ``FeatureDB.merge(features, merge_criteria=...)`` (gffutils 0.13).

Each criterion is called as ``criterion(acc, cur, components)``: ``acc`` is the
feature accumulated so far, ``cur`` the candidate, ``components`` the features
``acc`` is made of.  A candidate joins ``acc`` when every criterion returns True.
gffutils' own ``gffutils.merge_criteria`` callables work as well.
"""

__all__ = [
    "seqid", "strand", "feature_type", "exact_coordinates_only", "overlap_end_inclusive",
    "overlap_start_inclusive", "overlap_any_inclusive", "overlap_end_threshold",
    "overlap_start_threshold", "overlap_any_threshold",
]


def seqid(acc, cur, components):
    """Same sequence."""
    return cur.seqid == acc.seqid


def strand(acc, cur, components):
    """Same strand."""
    return acc.strand == cur.strand


def feature_type(acc, cur, components):
    """Same featuretype."""
    return acc.featuretype == cur.featuretype


def exact_coordinates_only(acc, cur, components):
    """Same start and end."""
    return cur.start == acc.start and cur.end == acc.end


def overlap_end_inclusive(acc, cur, components):
    """``cur`` starts inside ``acc`` or right after its end (input sorted by start)."""
    return acc.start <= cur.start <= acc.end + 1


def overlap_start_inclusive(acc, cur, components):
    """``cur`` ends inside ``acc`` or right before its start (input sorted by end, descending)."""
    return acc.start <= cur.end + 1 <= acc.end + 1


def overlap_any_inclusive(acc, cur, components):
    """Either of the two above."""
    return overlap_end_inclusive(acc, cur, components) or overlap_start_inclusive(acc, cur, components)


def overlap_end_threshold(threshold):
    """As overlap_end_inclusive, with a gap of up to ``threshold`` bp after ``acc``."""
    def criterion(acc, cur, components):
        return acc.start <= cur.start <= acc.end + threshold

    return criterion


def overlap_start_threshold(threshold):
    """As overlap_start_inclusive, with a gap of up to ``threshold`` bp before ``acc``."""
    def criterion(acc, cur, components):
        return acc.start - threshold <= cur.end + 1 <= acc.end + 1

    return criterion


def overlap_any_threshold(threshold):
    """Either of the two above."""
    def criterion(acc, cur, components):
        return (acc.start - threshold <= cur.end + 1 <= acc.end + 1
                or acc.start <= cur.start <= acc.end + threshold)

    return criterion
