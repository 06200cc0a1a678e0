"""UCSC genomic bins (Kent et al. 2002, Genome Research 12:996, fig. 7), as
``gffutils.bins`` has them.

A bin numbers a window of the binning scheme: 4,681 bins of 128 kb at the
finest level, then 585 of 1 Mb, 73 of 8 Mb, 9 of 64 Mb and bin 1 (512 Mb).
gffbase answers region queries from its own interval index; bins are here for
code that computes them (``Feature.bin``, ``gffutils.bins.bins(...)``).
"""

from __future__ import annotations

from typing import Set, Union

# First bin number of each level, finest first.
OFFSETS = [4096 + 512 + 64 + 8 + 1, 512 + 64 + 8 + 1, 64 + 8 + 1, 8 + 1, 1]
FIRST_SHIFT = 17  # finest bins are 2**17 bp
NEXT_SHIFT = 3  # each level is 2**3 times coarser
MAX_CHROM_SIZE = 2 ** (FIRST_SHIFT + NEXT_SHIFT * (len(OFFSETS) - 1))  # 512 Mb
COORD_OFFSETS = {"gff": 1, "bed": 0}  # 1-based (GFF) or 0-based (BED) starts


def bins(start: int, stop: int, fmt: str = "gff", one: bool = True) -> Union[int, Set[int]]:
    """The smallest bin holding [start, stop] (``one=True``), or every bin the
    interval overlaps at each level (``one=False``, a set: where overlapping
    features can lie).  ``fmt`` is ``"gff"`` (1-based start) or ``"bed"``
    (0-based).  Negative or too-large coordinates fall back to bin 1, the
    whole chromosome, as in gffutils."""
    if fmt not in COORD_OFFSETS:
        raise ValueError(f"bins: fmt must be 'gff' or 'bed', got {fmt!r}")
    s = start - COORD_OFFSETS[fmt]
    if s < 0 or stop < 0 or start >= MAX_CHROM_SIZE or stop >= MAX_CHROM_SIZE:
        # (gffutils returns a set for a GFF start of 0, even with one=True.)
        return 1 if one else {1}
    s >>= FIRST_SHIFT
    e = stop >> FIRST_SHIFT
    found: Set[int] = {1}
    for offset in OFFSETS:
        if one:
            if s == e:
                return offset + s
        else:
            found.update(range(offset + s, offset + e + 1))
        s >>= NEXT_SHIFT
        e >>= NEXT_SHIFT
    return 1 if one else found
