"""``DataIterator``: Features from a file, a string or an iterable (gffutils-style)."""

from __future__ import annotations

import gzip
import os
from typing import Iterable, Iterator, Optional

from .feature import Feature, _is_gff3_text, feature_from_line


def _text_lines(path: str) -> Iterator[str]:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as fh:
        for line in fh:
            yield line


def detect_dialect(attribute_fields) -> dict:
    """gffutils' dialect dict, by majority over some column-9 texts: GFF3
    (``key=value``) or GTF (``key "value"``), quoting, separator, trailing ';'."""
    fields = [a for a in attribute_fields if a.strip() not in ("", ".")]
    gff3 = sum(map(_is_gff3_text, fields)) * 2 >= len(fields) if fields else True
    return {
        "leading semicolon": any(a.lstrip().startswith(";") for a in fields),
        "trailing semicolon": bool(fields) and all(a.rstrip().endswith(";") for a in fields),
        "quoted GFF2 values": not gff3 and any('"' in a for a in fields),
        "field separator": "; " if any("; " in a for a in fields) else ";",
        "keyval separator": "=" if gff3 else " ",
        "multival separator": ",",
        "fmt": "gff3" if gff3 else "gtf",
        "repeated keys": False,
        "order": [],
    }


class DataIterator:
    """Iterates Features from `data`: a path (plain or gzip), text (from_string=True),
    or an iterable of Features / lines.  Directives are kept in `.directives`; `.dialect`
    is the one given, else detected from the first `checklines` feature lines (as gffutils)."""

    def __init__(self, data, checklines: int = 10, transform=None, force_dialect_check: bool = False,
                 from_string: bool = False, dialect=None, **kwargs) -> None:
        self.data = data
        self.transform = transform
        self.from_string = from_string
        self.checklines = checklines
        self.directives = []
        self.dialect = dialect if dialect is not None else self._detect(checklines)

    def _detect(self, checklines: int):
        if not isinstance(self.data, (str, os.PathLike)) or (not self.from_string and not os.path.exists(self.data)):
            return None  # an iterable is read once, by __iter__; a missing path fails there
        fields = []
        for item in self._lines():
            line = item.rstrip("\r\n")
            if line.startswith("##FASTA") or line.startswith(">"):
                break
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) >= 9:
                fields.append(cols[8])
            if len(fields) >= max(1, checklines):
                break
        return detect_dialect(fields) if fields else None

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
                if line.count("\t") < 8 and line.split(None, 1)[0] in ("track", "browser"):
                    continue  # a UCSC custom-track header line, skipped as the engine skips it
                f = feature_from_line(line, dialect=self.dialect, strict=False)
            if self.transform is not None:
                f = self.transform(f)
                if not f:
                    continue
            yield f
