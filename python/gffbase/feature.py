"""``Feature``: one annotation line, with gffutils' fields and methods.

Coordinates are 1-based and closed, as in GFF.  Fields keep gffutils' types:
``start``/``end`` are ints (``None`` for ``.``), ``score``/``strand``/``frame``
are strings (``"."`` when missing).  ``attributes`` is parsed lazily the first
time it is read; ``str(feature)`` gives the line in its dialect — byte for
byte the input's column 9 when the attributes were not changed.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import _core, bins, constants
from .attributes import Attributes, from_pairs

_STRING_FIELDS = ("seqid", "source", "featuretype", "score", "strand", "frame")
_POSITIONS = ("seqid", "source", "featuretype", "start", "end", "score", "strand", "frame", "attributes")


def _score_text(score) -> str:
    if score is None:
        return "."
    if isinstance(score, float) and score.is_integer() and abs(score) < 1e15:
        return str(int(score))
    return repr(score) if isinstance(score, float) else str(score)


def _json_or(text: str, kind: type):
    """`text` decoded as JSON when it is a `kind` (dict or list), else None."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, kind) else None


def _is_gff3_text(attributes: str) -> bool:
    text = attributes.strip()
    for ch in text:
        if ch == "=":
            return True
        if ch in ' "\t;':
            return False
    return False


class Feature:
    """A GFF/GTF feature (gffutils-compatible)."""

    __slots__ = (
        "seqid", "source", "featuretype", "start", "end", "score", "strand", "frame",
        "id", "_extra", "_bin", "dialect", "file_order", "keep_order", "sort_attribute_values",
        "_attributes", "_raw_text", "_source", "_gff3", "_pristine", "_row",
        # Attributes of the user's own (gffutils' Feature takes any), and
        # merge()'s `children`: a dict only for the objects that get one.
        "__dict__",
    )

    def __init__(self, seqid=".", source=".", featuretype=".", start=".", end=".", score=".", strand=".",
                 frame=".", attributes=None, extra=None, bin=None, id=None, dialect=None, file_order=None,
                 keep_order=False, sort_attribute_values=False):
        self.seqid = seqid
        self.source = source
        self.featuretype = featuretype
        self.start = None if start in (".", "", None) else int(start)
        self.end = None if end in (".", "", None) else int(end)
        self.score = _score_text(score) if not isinstance(score, str) else score
        self.strand = strand
        self.frame = str(frame)
        if isinstance(extra, str):  # gffutils: a JSON list, else tab-separated fields
            extra = _json_or(extra, list) or (extra.split("\t") if extra else [])
        self.extra = list(extra) if extra else []
        self.id = id
        self.dialect = dialect
        self.file_order = file_order
        self.keep_order = keep_order
        self.sort_attribute_values = sort_attribute_values
        self._row = None
        self._pristine = None
        if isinstance(attributes, str) and attributes.lstrip().startswith("{"):
            # gffutils: a JSON object (astuple()'s form) is the attributes themselves
            decoded = _json_or(attributes, dict)
            if decoded is not None:
                attributes = decoded
        if isinstance(attributes, str):
            self._raw = attributes
            self._gff3 = _is_gff3_text(attributes) if dialect is None else dialect.get("fmt") == "gff3"
            self._attributes = None
        else:
            self._raw = None
            self._gff3 = True if dialect is None else dialect.get("fmt", "gff3") == "gff3"
            self._attributes = Attributes()
            if attributes:
                for k, v in attributes.items():
                    self._attributes[k] = v
        self._bin = bin

    # -- construction from a row tuple (ordered queries, edits; the plain
    # queries build Features in C++ with the same values) ----------------------
    @classmethod
    def _from_row(cls, t: tuple, dialect: Dict[str, Any], gff3: bool) -> "Feature":
        f = cls.__new__(cls)
        (f.seqid, f.source, f.featuretype, f.start, f.end, score, f.strand, f.frame, f._raw, f.id,
         f.file_order, _flags, f._row) = t
        f.score = "." if score is None else score if isinstance(score, str) else _score_text(score)
        f._extra = None
        f._bin = None
        f.dialect = dialect
        f.keep_order = False
        f.sort_attribute_values = False
        f._gff3 = gff3
        f._attributes = None
        f._pristine = None
        return f

    # -- extra fields past column 9 (gffutils' `extra`), made on first use ----------
    @property
    def extra(self) -> List[str]:
        if self._extra is None:
            self._extra = []
            _core.track(self)
        return self._extra

    @extra.setter
    def extra(self, value) -> None:
        self._extra = value
        _core.track(self)

    # -- column 9 as written -----------------------------------------------------
    # Features from queries leave it in the database (`_source`, the core
    # Database, and `_row`) until something reads it: most query results are
    # looked at for their coordinates and IDs only.
    @property
    def _raw(self) -> Optional[str]:
        text = self._raw_text
        if text is None and self._source is not None:
            text = self._raw_text = self._source.row_attributes(self._row)
            self._source = None
        return text

    @_raw.setter
    def _raw(self, value: Optional[str]) -> None:
        self._raw_text = value
        self._source = None

    def __getstate__(self):
        # Column 9 is read now: a pickled Feature must not need its database.
        self._raw  # noqa: B018 (materialises _raw_text)
        return {name: getattr(self, name) for name in Feature.__slots__ if name != "_source"}

    def __setstate__(self, state) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._source = None

    # -- attributes -------------------------------------------------------------
    @property
    def attributes(self) -> Attributes:
        if self._attributes is None:
            source = self._source  # (reading _raw lets go of it)
            pairs = _core.parse_attributes(self._raw or "", self._gff3)
            if len(pairs) == 1 and pairs[0] == (self.id, None) and self._row is not None:
                pairs = self._bare_id_pairs(source)
            self._attributes = from_pairs(pairs)
            self._pristine = {k: list(v) for k, v in self._attributes.items()}
            _core.track(self)
        return self._attributes

    def _bare_id_pairs(self, source):
        # An AUGUSTUS/BRAKER gene or transcript line: column 9 is the bare ID,
        # which the ingest read as the gene's gene_id (the transcript's
        # transcript_id, under the gene its exons name; GFF3: as ID).  Its
        # attributes say so, as gffutils' inferred features do (the rule is the
        # core's, shared with JSON lines and conversions); the line itself is
        # written as it was.
        if source is None:  # detached from its database: what the line alone says
            return [("ID" if self._gff3 else "gene_id" if self.featuretype == "gene" else "transcript_id", self.id)]
        return source.bare_id_attributes(self._row, self._gff3)

    @attributes.setter
    def attributes(self, value) -> None:
        a = Attributes()
        for k, v in (value or {}).items():
            a[k] = v
        self._attributes = a
        self._pristine = None
        _core.track(self)

    def __getitem__(self, key):
        if isinstance(key, int):  # gffutils: the fields by position, 0 (seqid) to 8 (attributes)
            if not 0 <= key < len(_POSITIONS):
                raise IndexError(f"Feature field index {key} out of range 0-{len(_POSITIONS) - 1}")
            return getattr(self, _POSITIONS[key])
        if isinstance(key, tuple):
            name, index = key
            return dict.__getitem__(self.attributes, name)[index]
        values = dict.__getitem__(self.attributes, key)
        if not constants.always_return_list and len(values) == 1:
            return values[0]
        return values

    def __setitem__(self, key, value) -> None:
        if isinstance(key, int):  # gffutils: the fields by position, 0 (seqid) to 8 (attributes)
            if not 0 <= key < len(_POSITIONS):
                raise IndexError(f"Feature field index {key} out of range 0-{len(_POSITIONS) - 1}")
            setattr(self, _POSITIONS[key], value)
            return
        self.attributes[key] = value

    def __contains__(self, key) -> bool:
        return key in self.attributes

    def keys(self):
        return self.attributes.keys()

    def values(self):
        return self.attributes.values()

    def items(self):
        return self.attributes.items()

    # -- aliases and derived values -------------------------------------------
    @property
    def bin(self) -> Optional[int]:
        """UCSC bin (computed on first use)."""
        if self._bin is None:
            self._bin = self.calc_bin()
        return self._bin

    @bin.setter
    def bin(self, value) -> None:
        self._bin = value

    @property
    def chrom(self) -> str:
        return self.seqid

    @chrom.setter
    def chrom(self, value: str) -> None:
        self.seqid = value

    @property
    def stop(self) -> Optional[int]:
        return self.end

    @stop.setter
    def stop(self, value: int) -> None:
        self.end = value

    def __len__(self) -> int:
        if self.start is None or self.end is None:
            return 0
        return self.end - self.start + 1

    def calc_bin(self, _bin=None) -> Optional[int]:
        """UCSC bin of the feature (smallest bin containing it)."""
        if _bin is not None:
            return _bin
        if self.start is None or self.end is None:
            return None
        return bins.bins(self.start, self.end, one=True)

    # -- text -------------------------------------------------------------------
    def _attribute_text(self) -> str:
        # Written in the style of the feature's dialect (gffutils' way to print a
        # GFF3 feature as GTF is to give it a GTF dialect); the line as read while
        # neither its attributes nor its format changed.
        d = self.dialect
        gff3 = d["fmt"] == "gff3" if isinstance(d, dict) and d.get("fmt") in ("gff3", "gtf") else self._gff3
        unchanged = self._attributes is None or (self._pristine is not None and self._attributes == self._pristine)
        if unchanged and gff3 == self._gff3 and not self.sort_attribute_values:
            return self._raw if self._raw not in (None, "") else "."
        attributes = self.attributes
        if self.sort_attribute_values:  # gffutils: each key's values in sorted order when written
            attributes = {k: sorted(v) for k, v in attributes.items()}
        return format_attributes(attributes, gff3, d)

    def __str__(self) -> str:
        fields = [
            self.seqid, self.source, self.featuretype,
            "." if self.start is None else str(self.start),
            "." if self.end is None else str(self.end),
            self.score, self.strand, self.frame, self._attribute_text(),
        ]
        fields.extend(self.extra)
        return "\t".join(str(x) for x in fields)

    def __repr__(self) -> str:
        start = "." if self.start is None else self.start
        end = "." if self.end is None else self.end
        return f"<Feature {self.featuretype} ({self.seqid}:{start}-{end}[{self.strand}]) at {hex(id(self))}>"

    # As in gffutils, by the line: a Feature equals another with the same line, and that line's string.
    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __ne__(self, other) -> bool:
        return str(self) != str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def astuple(self, encoding=None) -> Tuple:
        """(id, seqid, source, featuretype, start, end, score, strand, frame,
        attributes-JSON, extra-JSON, bin), as gffutils stores a row."""
        return (self.id, self.seqid, self.source, self.featuretype, self.start, self.end, self.score,
                self.strand, self.frame, json.dumps(dict(self.attributes)), json.dumps(self.extra),
                self.calc_bin())

    def sequence(self, fasta, use_strand: bool = True) -> str:
        """The feature's sequence from `fasta`: a path, an open gffbase FastaFile,
        a pysam.FastaFile, or anything indexed by seqid and sliced 0-based
        (pyfaidx.Fasta, a dict of strings); reverse-complemented on the minus
        strand when `use_strand`."""
        from .fasta import FastaFile, open_fasta, reverse_complement

        if hasattr(fasta, "fetch"):  # FastaFile, pysam.FastaFile
            seq = fasta.fetch(self.seqid, self.start, self.end) if isinstance(fasta, FastaFile) else \
                fasta.fetch(self.seqid, self.start - 1, self.end)
        elif isinstance(fasta, (str, os.PathLike)):  # indexed once, reused while the file is unchanged
            seq = open_fasta(fasta).fetch(self.seqid, self.start, self.end)
        else:  # pyfaidx.Fasta, a dict of sequences: fasta[seqid] sliced 0-based
            seq = str(fasta[self.seqid][self.start - 1:self.end])
        if use_strand and self.strand == "-":
            seq = reverse_complement(seq)
        return seq


# Queries build Feature objects in C++ (src/python/feature_factory.cpp): the
# same values `_from_row` sets, about 5x faster.  Any change to the slots
# above must keep the names that file writes.
_core.set_feature_class(Feature, _score_text)


def format_attributes(attributes: Dict[str, List[str]], gff3: bool, dialect: Optional[Dict[str, Any]] = None) -> str:
    """Column 9 text for `attributes` in the GFF3 or GTF style of `dialect`."""
    dialect = dialect or {}
    if gff3:
        parts = []
        for key, values in attributes.items():
            if not values:
                parts.append(_core.percent_encode(key, False))
            else:
                parts.append(_core.percent_encode(key, False) + "=" +
                             ",".join(_core.percent_encode(v, True) for v in values))
        text = (dialect.get("field separator") or ";").join(parts)
        if dialect.get("trailing semicolon"):
            text += ";"
        return text or "."
    quoted = dialect.get("quoted GFF2 values", True)
    sep = dialect.get("field separator", "; ")
    parts = []
    for key, values in attributes.items():
        if not values:  # `key ""` as read (a bare key cannot be written back in a quoted GTF)
            parts.append(f'{key} ""' if quoted else key)
        for v in values:
            parts.append(f'{key} "{v}"' if quoted else f"{key} {v}")
    text = sep.join(parts)
    if dialect.get("trailing semicolon", True) and text:
        text += ";"
    return text or "."


def feature_from_line(line: str, dialect=None, strict: bool = True, keep_order: bool = False) -> Feature:
    """Parses one GFF/GTF line into a Feature (gffutils.feature.feature_from_line).

    Eight columns are a feature without attributes.  strict=False (as in
    gffutils) also takes the line among blank lines and surrounding spaces, and
    splits a line without tabs at runs of spaces (its ninth field keeps its own).
    """
    from .errors import InvalidInputError

    if not strict:
        lines = [x.strip() for x in line.splitlines() if x.strip()]
        if len(lines) != 1:
            raise InvalidInputError(f"line: expected one GFF/GTF line, found {len(lines)}: {line[:200]!r}")
        line = lines[0]
    text = line.rstrip("\r\n")
    fields = text.split("\t") if strict or "\t" in text else text.split(None, 8)
    if len(fields) < 9:
        if strict and len(fields) < 8:
            raise InvalidInputError(f"line: expected 9 tab-separated columns (8 without attributes), found "
                                    f"{len(fields)}: {line[:200]!r}")
        fields += ["."] * (8 - len(fields)) + [""] * (len(fields) < 9)
    seqid, source, featuretype, start, end, score, strand, frame = fields[:8]
    attributes = "\t".join(fields[8:9])
    extra = fields[9:]
    if dialect is None:  # the line's own style (quoting, separators), kept when it is edited
        from .iterators import detect_dialect

        d = detect_dialect([attributes])
    else:
        d = dict(dialect)
    gff3 = d.get("fmt") == "gff3"
    f = Feature(seqid, source, featuretype, start, end, score, strand, frame, attributes, extra=extra,
                dialect=d, keep_order=keep_order)
    f._gff3 = gff3
    return f
