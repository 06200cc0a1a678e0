"""Helpers shared by the tests that read /work/shared/data (no fixtures here).

Reads MANIFEST.tsv to list the annotation corpora, opens plain/gzip/BGZF text,
and parses raw GFF3/GTF lines *naively* (str.split, no gffbase code) so tests
can build their own ground truth.
"""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple
from urllib.parse import unquote

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_data_available() -> bool:
    return (SHARED_DATA / "MANIFEST.tsv").is_file()

ANNOTATION_FORMATS = {"GFF", "GFF3", "GTF", "GFF2", "GVF"}


def manifest() -> List[Dict[str, str]]:
    if not shared_data_available():
        return []
    with open(SHARED_DATA / "MANIFEST.tsv", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def annotation_files(max_uncompressed: int) -> List[str]:
    """Relative paths of GFF/GTF corpora up to `max_uncompressed` bytes (zstd left out)."""
    out = []
    for r in manifest():
        if r["format"] not in ANNOTATION_FORMATS or r["path"].endswith(".zst"):
            continue
        size = r.get("uncompressed_bytes") or ""
        if not size.isdigit() or int(size) > max_uncompressed:
            continue
        out.append(r["path"])
    return sorted(out)


def open_text(path) -> Iterator[str]:
    """Lines of a plain, gzip or BGZF file (BGZF is a gzip member stream)."""
    path = Path(path)
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        with gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="") as fh:
            yield from fh
    else:
        with open(path, "rt", encoding="utf-8", errors="replace", newline="") as fh:
            yield from fh


def feature_lines(path) -> Iterator[Tuple[int, List[str]]]:
    """(1-based line number, 9 columns) of every tab-separated feature line before ##FASTA."""
    for n, line in enumerate(open_text(path), 1):
        line = line.rstrip("\r\n")
        if line.startswith("##FASTA") or line.startswith(">"):
            return
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 9:
            continue
        yield n, cols[:9]


def unread_lines(problems) -> set:
    """Line numbers gffbase reads no feature from as written, from db.problems():
    errors (lenient mode drops or repairs those lines) and UCSC track/browser
    lines (skipped with a ucsc-track-line warning)."""
    return {line for line, is_error, message in problems
            if is_error or "found a UCSC genome browser" in message}


def has_nine_column_lines(path) -> bool:
    return any(True for _ in feature_lines(path))


def naive_gff3_attributes(text: str) -> Dict[str, List[str]]:
    """Column 9 of a GFF3 line: key=v1,v2;key2=... with %XX decoding."""
    out: Dict[str, List[str]] = {}
    for part in text.strip().split(";"):
        part = part.strip()
        if not part or "=" not in part:
            continue
        key, _, value = part.partition("=")
        out.setdefault(unquote(key.strip()), []).extend(unquote(v) for v in value.split(","))
    return out


_GTF_PAIR = re.compile(r'\s*([^\s";]+)\s+(?:"([^"]*)"|([^\s";]+))\s*;?')


def naive_gtf_attributes(text: str) -> Dict[str, List[str]]:
    """Column 9 of a GTF line: key "value"; key value; ..."""
    out: Dict[str, List[str]] = {}
    pos = 0
    while pos < len(text):
        m = _GTF_PAIR.match(text, pos)
        if not m:
            break
        out.setdefault(m.group(1), []).append(m.group(2) if m.group(2) is not None else m.group(3))
        pos = m.end()
    return out


def coord(text: str) -> Optional[int]:
    return None if text == "." else int(text)
