"""Indexed FASTA access for ``Feature.sequence`` and ``FeatureDB.sequences_batched``.

The reading is done by the C++ core (``_core.FastaReader``, include/gffbase/io/fasta.hpp),
as ``samtools faidx`` does it: each sequence is indexed once (where its bases start,
its length, bases and bytes per line), an up-to-date ``.fai`` beside a plain file is
used instead of a scan, plain files are memory-mapped so a fetch reads only the
lines it needs, and gzip/BGZF files are inflated into memory once.  Files are kept
by path, size and modification time, so a loop over many features
(``f.sequence("genome.fa")``) indexes the file once, not once per call.

Lines of unequal width inside a sequence (hand-edited files) break the arithmetic
a ``.fai`` relies on; such a sequence is copied once without its line ends, so its
bases still come back right (pyfaidx refuses the file).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import List, Optional, Tuple

from . import _core

_COMPLEMENT = str.maketrans("ACGTURYMKBDHVNacgturymkbdhvn", "TGCAAYRKMVHDBNtgcaayrkmvhdbn")


def reverse_complement(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


def translate(cds: str, genetic_code: int = 1, phase: int = 0, complete_start: Optional[bool] = None,
              drop_final_stop: bool = True) -> str:
    """The protein of a coding sequence (5' to 3'), with NCBI genetic code `genetic_code`:
    `phase` bases are skipped, whole codons read (ambiguity codes give the amino acid all
    their readings agree on, else X), a first start codon reads as M when `complete_start`
    (by default when `phase` is 0: a CDS that begins mid-codon is 5'-partial), and a final
    stop is left out when `drop_final_stop` (stops elsewhere are '*').  The same code as
    ``sequences_batched(..., translate=True)`` (include/gffbase/query/translation.hpp)."""
    from .errors import InvalidArgumentError

    for name, value, ok in (("genetic_code", genetic_code, range(1, 1000)), ("phase", phase, range(3))):
        if isinstance(value, bool) or not isinstance(value, int) or value not in ok:
            raise InvalidArgumentError(f"{name}: expected " + (f"an NCBI genetic code ({_core.genetic_code_ids()})"
                                       if name == "genetic_code" else "0, 1 or 2") + f", found {value!r}")
    if complete_start is None:
        complete_start = phase == 0
    return _core.translate(cds, genetic_code, phase, complete_start, drop_final_stop)


class FastaFile:
    """Random access to the sequences of a FASTA file (plain, gzip or BGZF)."""

    def __init__(self, path) -> None:
        self.path = os.fspath(path)
        self._reader = _open_reader(self.path)

    @property
    def reader(self):
        """The core reader (what ``sequences_batched`` takes)."""
        return self._reader

    def keys(self) -> List[str]:
        """Sequence names in file order."""
        return self._reader.names()

    def __contains__(self, name: str) -> bool:
        return name in self._reader

    def length(self, name: str) -> int:
        return self._reader.length(name)

    def fetch(self, name: str, start: int, end: int) -> str:
        """Bases [start, end] (1-based, closed) of sequence `name`, clamped to it."""
        length = self._reader.length(name)
        start = max(1, start)
        end = min(end, length)
        if end < start:
            return ""
        return self._reader.fetch(name, start, end)

    def close(self) -> None:
        """Lets go of the file (the mapping goes when no batch still uses it)."""


def _open_reader(path: str):
    """Indexes `path` (the one place a FASTA is opened: tests count calls here)."""
    return _core.FastaReader.open(path)


# Indexed files by (real path, size, mtime): Feature.sequence(path) in a loop
# indexes the file once.  A few are kept (a genome and its neighbours).
_OPEN: "OrderedDict[Tuple[str, int, int], FastaFile]" = OrderedDict()
_OPEN_MAX = 4
_OPEN_LOCK = threading.Lock()


def open_fasta(path) -> FastaFile:
    """The FastaFile of `path`, indexed once and reused while the file is unchanged."""
    real = os.path.realpath(os.fspath(path))
    st = os.stat(real)
    key = (real, st.st_size, st.st_mtime_ns)
    with _OPEN_LOCK:
        fasta: Optional[FastaFile] = _OPEN.get(key)
        if fasta is not None:
            _OPEN.move_to_end(key)
            return fasta
    fasta = FastaFile(real)
    with _OPEN_LOCK:
        _OPEN[key] = fasta
        while len(_OPEN) > _OPEN_MAX:
            _OPEN.popitem(last=False)  # unmapped when its last user lets go
    return fasta
