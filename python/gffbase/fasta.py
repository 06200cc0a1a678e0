"""A small indexed FASTA reader for ``Feature.sequence`` (no dependencies).

The file is scanned once to record where each sequence starts and its line
width (as ``samtools faidx`` does); fetches then seek straight to the bases.
Plain and gzip files are accepted (gzip is decompressed into memory).
"""

from __future__ import annotations

import gzip
import os
from typing import Dict, Tuple

_COMPLEMENT = str.maketrans("ACGTRYMKBDHVNacgtrymkbdhvn", "TGCAYRKMVHDBNtgcayrkmvhdbn")


def reverse_complement(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


class FastaFile:
    """Random access to the sequences of a FASTA file."""

    def __init__(self, path) -> None:
        self.path = os.fspath(path)
        with open(self.path, "rb") as fh:
            magic = fh.read(2)
        if magic == b"\x1f\x8b":
            with gzip.open(self.path, "rb") as fh:
                self._data = fh.read()
        else:
            with open(self.path, "rb") as fh:
                self._data = fh.read()
        self._index: Dict[str, Tuple[int, int, int, int]] = {}  # name -> (offset, length, bases/line, bytes/line)
        self._build_index()

    def _build_index(self) -> None:
        data = self._data
        pos = 0
        n = len(data)
        name = None
        seq_start = line_bases = line_bytes = length = 0
        while pos < n:
            nl = data.find(b"\n", pos)
            if nl < 0:
                nl = n
            line = data[pos:nl]
            if line.startswith(b">"):
                if name is not None:
                    self._index[name] = (seq_start, length, line_bases, line_bytes)
                name = line[1:].split()[0].decode() if len(line) > 1 else ""
                seq_start = nl + 1
                line_bases = line_bytes = length = 0
            elif name is not None:
                stripped = line.rstrip(b"\r")
                if line_bases == 0:
                    line_bases = len(stripped)
                    line_bytes = nl + 1 - pos
                length += len(stripped)
            pos = nl + 1
        if name is not None:
            self._index[name] = (seq_start, length, line_bases, line_bytes)

    def keys(self):
        return self._index.keys()

    def __contains__(self, name: str) -> bool:
        return name in self._index

    def fetch(self, name: str, start: int, end: int) -> str:
        """Bases [start, end] (1-based, closed) of sequence `name`."""
        if name not in self._index:
            raise KeyError(f"{self.path}: no sequence named {name!r}")
        offset, length, per_line, line_bytes = self._index[name]
        start = max(1, start)
        end = min(end, length)
        if end < start or per_line == 0:
            return ""
        first = offset + (start - 1) // per_line * line_bytes + (start - 1) % per_line
        last = offset + (end - 1) // per_line * line_bytes + (end - 1) % per_line
        raw = self._data[first:last + 1]
        return raw.replace(b"\n", b"").replace(b"\r", b"").decode()
