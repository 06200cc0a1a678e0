"""Small helpers gffutils users reach for."""

from __future__ import annotations

import os
from typing import IO, Iterable, Optional, Tuple, Union

from .derived import merge_attributes
from .feature import Feature

__all__ = ["example_filename", "merge_attributes", "GFFWriter", "synthetic_annotation", "asinterval", "is_gff_db",
           "infer_dialect", "to_unicode", "dialect_compare", "sanitize_gff_db", "sanitize_gff_file"]


def asinterval(feature: Feature):
    """The feature as a pybedtools.Interval (pybedtools must be installed)."""
    try:
        import pybedtools
    except ImportError:
        raise ImportError("asinterval needs pybedtools (pip install pybedtools)") from None
    return pybedtools.create_interval_from_list(str(feature).split("\t"))


def is_gff_db(db_fname) -> bool:
    """Whether `db_fname` is a gffbase database (by its magic bytes; gffutils
    looked for a .db name)."""
    from . import _core

    try:
        with open(db_fname, "rb") as fh:
            head = fh.read(len(_core.DB_MAGIC))
    except OSError:
        return False
    return head == _core.DB_MAGIC


def infer_dialect(attributes: str) -> dict:
    """gffutils' dialect dict of one column-9 text (GFF3 or GTF, quoting, separators)."""
    from .iterators import detect_dialect

    return detect_dialect([attributes])


def to_unicode(obj, encoding: str = "utf-8"):
    """`obj` as str (bytes are decoded)."""
    return obj.decode(encoding) if isinstance(obj, (bytes, bytearray)) else obj


def dialect_compare(dialect1: dict, dialect2: dict) -> dict:
    """gffutils.helpers.dialect_compare: {"added": {...}, "removed": {...}}, the (key, value) pairs of
    dialect2 that dialect1 lacks, and the reverse (lists, as "order" is, compared by their items)."""
    def pairs(d):
        return {(k, tuple(v) if isinstance(v, list) else v) for k, v in d.items()}

    def back(items):
        return {k: list(v) if isinstance(dict.get(dialect1, k, dialect2.get(k)), list) else v for k, v in items}

    old, new = pairs(dialect1), pairs(dialect2)
    return {"added": back(new - old), "removed": back(old - new)}


def sanitize_gff_db(db, gid_field: str = "gid"):
    """gffutils.helpers.sanitize_gff_db: an in-memory database of `db`'s genes and their descendants, each
    feature with start <= end (swapped where not) and a `gid_field` attribute naming its gene (grep-able)."""
    from .create import create_db

    def sanitized():
        for recs in db.iter_by_parent_childs():
            gene_id = recs[0].id
            for rec in recs:
                if rec.start is not None and rec.end is not None and rec.start > rec.end:
                    rec.start, rec.end = rec.end, rec.start
                rec.attributes[gid_field] = [gene_id]
                yield rec

    return create_db(sanitized(), ":memory:", verbose=False)


def sanitize_gff_file(gff_fname, in_memory: bool = True, in_place: bool = False) -> None:
    """gffutils.helpers.sanitize_gff_file: a GFF file (or gffbase database) written back sanitized
    (sanitize_gff_db), gene by gene in GFFWriter's canonical order, to stdout or, in_place, over the file."""
    import sys

    from .create import create_db
    from .interface import FeatureDB

    if is_gff_db(gff_fname):
        db = FeatureDB(gff_fname)
    else:  # in_memory=False asked gffutils for a .db file beside the input; a database in memory serves the same
        db = create_db(gff_fname, ":memory:", verbose=False)
    sanitized = sanitize_gff_db(db)
    out = GFFWriter(gff_fname if in_place else sys.stdout, in_place=in_place)
    for gene in sanitized.features_of_type("gene"):
        out.write_gene_recs(sanitized, gene.id)
    out.close()


def example_filename(fn: str) -> str:
    """Path of an example annotation bundled with gffbase (see gffbase/data/)."""
    from importlib import resources  # imported here: it is slow and rarely needed
    path = resources.files("gffbase").joinpath("data", fn)
    if not path.is_file():
        available = sorted(p.name for p in resources.files("gffbase").joinpath("data").iterdir())
        raise FileNotFoundError(f"no bundled example {fn!r}; available: {', '.join(available)}")
    return str(path)


class GFFWriter:
    """Writes Features (or whole genes from a database) as GFF lines."""

    def __init__(self, out: Union[str, os.PathLike, IO[str]], with_header: bool = True, in_place: bool = False):
        """`out`: a path or an open text stream.  in_place=True (a path): the lines go to a file beside it,
        renamed over it by close(), so the file being rewritten stays readable, and whole, until then."""
        self._own = isinstance(out, (str, os.PathLike))
        self._replace: Optional[Tuple[str, str]] = None  # (temporary, target) for in_place
        if self._own and in_place:
            import tempfile

            target = os.fspath(out)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(target)),
                                       prefix="." + os.path.basename(target) + ".", suffix=".tmp")
            self.out = os.fdopen(fd, "w")
            self._replace = (tmp, target)
        else:
            self.out = open(out, "w") if self._own else out
        if with_header:
            self.out.write("##gff-version 3\n")

    def write_rec(self, rec: Feature) -> None:
        self.out.write(str(rec) + "\n")

    def write_recs(self, recs: Iterable[Feature]) -> None:
        for r in recs:
            self.write_rec(r)

    def write_gene_recs(self, db, gene_id: str) -> None:
        """The gene, then its mRNAs, longest (summed exon length) first, each
        followed by its children (write_mRNA_children), then the gene's other
        direct children, each followed by its descendants: gffutils' canonical
        order (which left out the descendants of a gene's ncRNA, tRNA, ...)."""
        self.write_rec(db[gene_id])
        mrnas = list(db.children(gene_id, featuretype="mRNA"))
        lengths = {m.id: sum(len(e) for e in db.children(m, featuretype="exon")) for m in mrnas}
        for mrna_id in sorted(lengths, key=lengths.get, reverse=True):  # stable: ties keep their order
            self.write_rec(db[mrna_id])
            self.write_mRNA_children(db, mrna_id)
        # Each then followed by its own descendants: gffutils wrote a gene's ncRNA or tRNA but not its exons.
        for child in db.children(gene_id, level=1):
            if child.featuretype != "mRNA":
                self.write_rec(child)
                self.write_recs(db.children(child, order_by="start"))

    def write_mRNA_children(self, db, mrna_id: str) -> None:
        """The mRNA's exons by start, each followed by its own children, then its other children."""
        others = []
        for child in db.children(mrna_id, order_by="start"):
            if child.featuretype == "exon":
                self.write_rec(child)
                self.write_exon_children(db, child)
            else:
                others.append(child)
        self.write_recs(others)

    def write_exon_children(self, db, exon_id) -> None:
        self.write_recs(db.children(exon_id, order_by="start"))

    def close(self) -> None:
        if self._own and not self.out.closed:
            self.out.close()
            if self._replace is not None:
                os.replace(*self._replace)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def synthetic_annotation(n_genes: int = 1000, seqids: int = 3, seed: int = 1, fmt: str = "gff3") -> str:
    """A deterministic, realistic-looking annotation (genes, mRNAs, exons, CDS) as text.

    Used by the README's demo and by tests that need more than the bundled
    examples; no network and no third-party data.
    """
    import random

    rng = random.Random(seed)
    lines = ["##gff-version 3"] if fmt == "gff3" else []
    for s in range(seqids):
        seqid = f"chr{s + 1}"
        pos = 1000
        for g in range(n_genes // seqids + (1 if s < n_genes % seqids else 0)):
            gid = f"G{s + 1}_{g + 1:05d}"
            strand = "+" if rng.random() < 0.5 else "-"
            n_tx = 1 + (rng.random() < 0.4) + (rng.random() < 0.2)
            n_ex = rng.randint(1, 8)
            exons = []
            p = pos
            for _ in range(n_ex):
                length = rng.randint(80, 400)
                exons.append((p, p + length - 1))
                p += length + rng.randint(100, 2000)
            gstart, gend = exons[0][0], exons[-1][1]
            if fmt == "gff3":
                lines.append(f"{seqid}\tsynthetic\tgene\t{gstart}\t{gend}\t.\t{strand}\t.\tID={gid};Name=gene{gid}")
            for t in range(n_tx):
                tid = f"{gid}.t{t + 1}"
                tex = exons if t == 0 else [e for i, e in enumerate(exons) if i % (t + 1) == 0 or i == len(exons) - 1]
                ts, te = tex[0][0], tex[-1][1]
                if fmt == "gff3":
                    lines.append(f"{seqid}\tsynthetic\tmRNA\t{ts}\t{te}\t.\t{strand}\t.\tID={tid};Parent={gid}")
                for k, (a, b) in enumerate(tex):
                    if fmt == "gff3":
                        lines.append(f"{seqid}\tsynthetic\texon\t{a}\t{b}\t.\t{strand}\t.\tID={tid}.e{k + 1};Parent={tid}")
                        lines.append(f"{seqid}\tsynthetic\tCDS\t{a}\t{b}\t.\t{strand}\t0\tID={tid}.cds;Parent={tid}")
                    else:
                        attrs = f'gene_id "{gid}"; transcript_id "{tid}"; exon_number "{k + 1}";'
                        lines.append(f"{seqid}\tsynthetic\texon\t{a}\t{b}\t.\t{strand}\t.\t{attrs}")
                        lines.append(f"{seqid}\tsynthetic\tCDS\t{a}\t{b}\t.\t{strand}\t0\t{attrs}")
            pos = gend + rng.randint(500, 5000)
    return "\n".join(lines) + "\n"
