"""A small indexed FASTA reader for ``Feature.sequence`` (no dependencies).

Each file is indexed once per process, as ``samtools faidx`` indexes it (for
each sequence: where its bases start, its length, bases and bytes per line)
and kept by path, size and modification time, so a loop over many features
(``f.sequence("genome.fa")``) scans the file once, not once per call.  An
up-to-date ``.fai`` beside the file is used instead of a scan.  Plain files
are memory-mapped, so a fetch reads only the lines it needs; gzip (and BGZF)
files are decompressed into memory once.

Lines of unequal width inside a sequence (hand-edited files) break the
arithmetic a ``.fai`` relies on; such a sequence is read whole and its line
ends dropped, so its bases still come back right (pyfaidx refuses the file).
"""

from __future__ import annotations

import gzip
import mmap
import os
import threading
from collections import OrderedDict
from typing import Dict, NamedTuple, Optional, Tuple

_COMPLEMENT = str.maketrans("ACGTRYMKBDHVNacgtrymkbdhvn", "TGCAYRKMVHDBNtgcayrkmvhdbn")


def reverse_complement(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


class _Entry(NamedTuple):
    offset: int      # first byte of the bases
    length: int      # bases
    line_bases: int  # bases per full line (0: irregular, read whole)
    line_bytes: int  # bytes per full line, line end included
    end: int         # byte just past the sequence's last line


class FastaFile:
    """Random access to the sequences of a FASTA file (plain, gzip or BGZF)."""

    def __init__(self, path) -> None:
        self.path = os.fspath(path)
        with open(self.path, "rb") as fh:
            gzipped = fh.read(2) == b"\x1f\x8b"
        if gzipped:
            with gzip.open(self.path, "rb") as fh:
                self._data = fh.read()
        else:
            with open(self.path, "rb") as fh:  # the mapping keeps its own descriptor
                size = os.fstat(fh.fileno()).st_size
                self._data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self._index: Dict[str, _Entry] = self._read_fai() if not gzipped else {}
        if not self._index:
            self._index = self._scan()

    # -- indexing -----------------------------------------------------------------------------------------
    def _read_fai(self) -> Dict[str, _Entry]:
        """The entries of an up-to-date ``<path>.fai`` whose numbers fit the file, else {}."""
        fai = self.path + ".fai"
        try:
            if os.stat(fai).st_mtime_ns < os.stat(self.path).st_mtime_ns:
                return {}
            with open(fai, encoding="utf-8") as fh:
                rows = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
            index = {}
            for row in rows:
                name, length, offset, line_bases, line_bytes = row[0], *map(int, row[1:5])
                full, rest = divmod(length, line_bases) if line_bases else (0, 0)
                end = offset + full * line_bytes + (rest + line_bytes - line_bases if rest else 0)
                if end > len(self._data) or line_bytes < line_bases:
                    return {}
                index[name] = _Entry(offset, length, line_bases, line_bytes, end)
            return index
        except (OSError, ValueError, IndexError):
            return {}

    def _scan(self) -> Dict[str, _Entry]:
        data = self._data
        n = len(data)
        index: Dict[str, _Entry] = {}
        # The first header: at the start, or after the first newline followed by '>'.
        pos = 0 if data[0:1] == b">" else data.find(b"\n>")
        if pos > 0 or (pos == 0 and data[0:1] == b"\n"):
            pos += 1
        while 0 <= pos < n:
            header_end = data.find(b"\n", pos)
            if header_end < 0:
                header_end = n
            fields = bytes(data[pos + 1:header_end]).split()
            name = fields[0].decode() if fields else ""
            start = min(header_end + 1, n)
            nxt = data.find(b"\n>", start - 1)  # from the header's own newline: an empty sequence
            end = n if nxt < 0 else nxt + 1
            index[name] = self._entry(start, end)
            pos = -1 if nxt < 0 else nxt + 1
        return index

    def _entry(self, start: int, end: int) -> _Entry:
        """The index entry of the sequence lines in bytes [start, end)."""
        data = self._data
        first_nl = data.find(b"\n", start, end)
        if first_nl < 0:  # one line, no newline at the end of the file
            line = bytes(data[start:end]).rstrip(b"\r")
            return _Entry(start, len(line), len(line), end - start, end)
        line_bytes = first_nl + 1 - start
        line_bases = len(bytes(data[start:first_nl]).rstrip(b"\r"))
        block = bytes(data[start:end])
        eol = line_bytes - line_bases  # 1 for "\n", 2 for "\r\n"
        lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        last = block.rstrip(b"\r\n")
        tail = last[last.rfind(b"\n") + 1:] if lines > 1 else last
        tail_bases = len(tail.rstrip(b"\r"))
        regular = (line_bases > 0 and 0 < tail_bases <= line_bases
                   and block[line_bytes - 1::line_bytes][:lines - 1] == b"\n" * (lines - 1)
                   and len(last) == (lines - 1) * line_bytes + len(tail)
                   and (eol == 1 or block[line_bytes - 2::line_bytes][:lines - 1] == b"\r" * (lines - 1)))
        if regular:
            return _Entry(start, (lines - 1) * line_bases + tail_bases, line_bases, line_bytes, end)
        bases = len(block.replace(b"\r", b"").replace(b"\n", b""))
        return _Entry(start, bases, 0, 0, end)

    # -- access -------------------------------------------------------------------------------------------
    def keys(self):
        return self._index.keys()

    def __contains__(self, name: str) -> bool:
        return name in self._index

    def length(self, name: str) -> int:
        return self._lookup(name).length

    def _lookup(self, name: str) -> _Entry:
        try:
            return self._index[name]
        except KeyError:
            raise KeyError(f"{self.path}: no sequence named {name!r}") from None

    def fetch(self, name: str, start: int, end: int) -> str:
        """Bases [start, end] (1-based, closed) of sequence `name`, clamped to it."""
        e = self._lookup(name)
        start = max(1, start)
        end = min(end, e.length)
        if end < start:
            return ""
        if e.line_bases == 0:  # irregular lines: the whole sequence, line ends dropped
            whole = bytes(self._data[e.offset:e.end]).replace(b"\r", b"").replace(b"\n", b"")
            return whole[start - 1:end].decode()
        first = e.offset + (start - 1) // e.line_bases * e.line_bytes + (start - 1) % e.line_bases
        last = e.offset + (end - 1) // e.line_bases * e.line_bytes + (end - 1) % e.line_bases
        return bytes(self._data[first:last + 1]).replace(b"\n", b"").replace(b"\r", b"").decode()

    def close(self) -> None:
        if isinstance(self._data, mmap.mmap):
            self._data.close()


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
            _OPEN.popitem(last=False)  # closed when the last user lets go (mmap keeps its own reference)
    return fasta
