"""``DataIterator``: Features from a file, a string or an iterable (gffutils-style)."""

from __future__ import annotations

import gzip
import os
from typing import Iterable, Iterator, Optional

from .feature import Feature, feature_from_line


def _text_lines(path: str) -> Iterator[str]:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as fh:
        for line in fh:
            yield line


class DataIterator:
    """Iterates Features from `data`: a path (plain or gzip), text (from_string=True),
    or an iterable of Features / lines.  Directives are kept in `.directives`."""

    def __init__(self, data, checklines: int = 10, transform=None, force_dialect_check: bool = False,
                 from_string: bool = False, dialect=None, **kwargs) -> None:
        self.data = data
        self.transform = transform
        self.from_string = from_string
        self.dialect = dialect
        self.directives = []

    def _lines(self) -> Iterable:
        if self.from_string:
            return self.data.splitlines(True)
        if isinstance(self.data, (str, os.PathLike)):
            return _text_lines(os.fspath(self.data))
        return self.data

    def __iter__(self) -> Iterator[Feature]:
        for item in self._lines():
            if isinstance(item, Feature):
                f = item
            else:
                line = item.rstrip("\r\n")
                if not line.strip():
                    continue
                if line.startswith("##FASTA") or line.startswith(">"):
                    return
                if line.startswith("##"):
                    self.directives.append(line[2:])  # as gffutils keeps them: "gff-version 3"
                    continue
                if line.startswith("#"):
                    continue
                f = feature_from_line(line, dialect=self.dialect, strict=False)
            if self.transform is not None:
                f = self.transform(f)
                if not f:
                    continue
            yield f
