"""gffutils' ``inspect``: what a GFF/GTF file (or database, or feature stream) holds.

Counts, per thing looked for, how many features have each value: their
featuretypes, seqids (``chrom``), any other Feature field, and attribute keys;
useful before building a database (which types to keep, which seqids appear).
"""
from __future__ import annotations

import sys
from collections import Counter

from .iterators import DataIterator

__all__ = ["inspect"]

_DEFAULT_LOOK_FOR = ("featuretype", "chrom", "attribute_keys", "feature_count")
_PROGRESS_EVERY = 10_000


def inspect(data, look_for=_DEFAULT_LOOK_FOR, limit=None, verbose=True) -> dict:
    """Counts of what `data` holds: {thing: {value: features}, "feature_count": n}.

    data: a GFF/GTF path (plain or gzip), a FeatureDB (all its features), or
    an iterable of Features or lines.  look_for: Feature fields ("featuretype",
    "chrom", "source", "strand", ...), "attribute_keys" (each key counted once
    per feature that has it) and "feature_count" (always reported).  limit:
    look at the first `limit` features only.  verbose: progress on stderr.
    """
    if isinstance(look_for, str):
        look_for = [look_for]
    if limit is not None and limit < 0:
        raise ValueError(f"inspect: limit must be >= 0 or None, not {limit}")
    fields = [x for x in look_for if x not in ("attribute_keys", "feature_count")]
    counts = {x: Counter() for x in look_for if x != "feature_count"}
    if hasattr(data, "all_features") and not isinstance(data, (str, bytes)):
        features = data.all_features()
    else:
        features = DataIterator(data)
    n = 0
    for f in features:
        if limit is not None and n >= limit:
            break
        for name in fields:
            counts[name][getattr(f, name)] += 1
        if "attribute_keys" in counts:
            counts["attribute_keys"].update(f.attributes.keys())
        n += 1
        if verbose and n % _PROGRESS_EVERY == 0:
            sys.stderr.write(f"\r{n} features inspected")
            sys.stderr.flush()
    if verbose:
        sys.stderr.write(f"\r{n} features inspected\n")
    result = {name: dict(c) for name, c in counts.items()}
    result["feature_count"] = n
    return result
