"""Benchmark corpora: which annotation files are measured, and what is in them.

Corpora come from the shared data set's MANIFEST.tsv (real files) plus one
synthetic GENCODE-scale file made by make_gencode_scale.py. Only rows whose
MANIFEST `format` column is GFF, GFF3 or GTF under 01_whole_genome/ and
02_chromosome_subsets/ are used; that rule drops FASTA, refFlat, genePred,
UCSC tables and `mm10.reduced.gtf.gz` (format "TSV ... NOT GTF").

`scan()` reads a corpus once (stdlib only) to get what the query workloads are
drawn from: each seqid's feature span and the sorted gene / transcript IDs.
Results are cached as JSON under bench/.cache/scan/.
"""
from __future__ import annotations

import csv
import gzip
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
DEFAULT_DATA = Path("/work/shared/data")
FORMATS = {"GFF": "gff3", "GFF3": "gff3", "GTF": "gtf"}
GROUPS = {"01_whole_genome": "whole_genome", "02_chromosome_subsets": "subset"}

# Short, stable names for the corpora the tables and targets talk about.
ALIASES = {
    "01_whole_genome/yeast_ensembl_R64-1-1.96/Saccharomyces_cerevisiae.R64-1-1.96.gtf.gz": "yeast",
    "01_whole_genome/mouse_mm10_dropseq/DERIVED_mm10_ensembl_like.gtf.gz": "mouse",
    "01_whole_genome/gencode_v38_polyAs/gencode.v38.polyAs.gff.gz": "gencode_v38_polyAs",
    "01_whole_genome/ecoli_K12_MG1655_refseq/GCF_000005845.2_ASM584v2_genomic.releaseA.gff.gz": "ecoli_refseq_A",
    "01_whole_genome/ecoli_K12_MG1655_refseq/GCF_000005845.2_ASM584v2_genomic.releaseB.gff.gz": "ecoli_refseq_B",
    "02_chromosome_subsets/flybase_dmel_r5.49_50k_lines/dmel-all-no-analysis-r5.49_50k_lines.gff": "dmel_50k",
    # MANIFEST says GFF3, but the content is GTF (transcript_id "..."): named by content.
    "02_chromosome_subsets/human_chr22_gencode_v38_basic_SQANTI3/gencode.v38.basic_chr22_corrected.cds.gff3": "chr22_gencode_cds",
    "02_chromosome_subsets/human_chr22_gencode_v38_basic_SQANTI3/gencode.v38.basic_chr22_corrected.gtf": "chr22_gencode_gtf",
    "02_chromosome_subsets/flybase_dmel_chr4_GAL/dmel-4-r5.46.genes.gff": "dmel_chr4_genes",
    "02_chromosome_subsets/human_chr22_refseq_GAL/Homo_sapiens.GRCh37.73.chr22.short.gff3.gz": "chr22_ensembl_short",
    "02_chromosome_subsets/human_chr22_refseq_GAL/refseq_chr22.trim.gff3": "chr22_refseq",
}

# --quick: small corpora only. Query workloads run on QUICK_QUERY.
QUICK = ["yeast", "dmel_chr4_genes", "chr22_ensembl_short"]
QUICK_QUERY = ["yeast"]
# Full run: every corpus is ingested; the query workloads run on this subset.
# Budget: the peers' one-by-one queries cost 2-13 ms each (gffutils on mouse,
# gffbase 0.3 everywhere), i.e. 10-65 s per 5,000-query run, whatever the
# corpus size, so all ~35 corpora x 3 runs would not fit in 30 minutes.
FULL_QUERY = ["yeast", "mouse", "gencode_scale_gz", "chr22_refseq"]
# The 1,000,000-region batched workload (ours only) runs on these.
QUICK_1M = ["yeast"]
FULL_1M = ["mouse"]

LARGE_LINES = 1_000_000   # size class "large" (the mouse GTF)
XL_LINES = 3_000_000      # size class "xl" (GENCODE-scale)


@dataclass
class Corpus:
    name: str
    path: str
    fmt: str                 # "gtf" | "gff3", sniffed from the attributes column
    gz: bool
    lines: int
    bytes: int
    uncompressed_bytes: int
    sha256: str
    group: str               # whole_genome | subset | synthetic
    source: str = ""
    manifest_format: str = ""
    rows: tuple | None = None   # ingest rows run on it (None: all); budget
    peers: bool = True          # False: only our tool is queried on it
    size_class: str = field(init=False)

    def __post_init__(self) -> None:
        self.size_class = ("xl" if self.lines >= XL_LINES
                           else "large" if self.lines >= LARGE_LINES else "small")

    def to_dict(self) -> dict:
        return asdict(self)


def _auto_name(rel: str) -> str:
    stem = Path(rel).name
    for ext in (".gz", ".gff3", ".gff", ".gtf"):
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
    return stem


def from_manifest(data_dir: Path = DEFAULT_DATA) -> list[Corpus]:
    """Every GFF/GFF3/GTF annotation in 01_whole_genome and 02_chromosome_subsets."""
    out: list[Corpus] = []
    with open(data_dir / "MANIFEST.tsv", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            rel, top = row["path"], row["path"].split("/", 1)[0]
            if top not in GROUPS or row["format"] not in FORMATS:
                continue
            out.append(Corpus(
                name=ALIASES.get(rel, _auto_name(rel)), path=str(data_dir / rel),
                fmt=sniff_format(str(data_dir / rel), FORMATS[row["format"]]), gz=rel.endswith(".gz"),
                manifest_format=row["format"],
                lines=int(row["lines"]), bytes=int(row["bytes"]),
                uncompressed_bytes=int(row["uncompressed_bytes"]),
                sha256=row["sha256"], group=GROUPS[top], source=row["source"]))
    names = [c.name for c in out]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise RuntimeError(f"corpus names collide: {sorted(dupes)}; add ALIASES")
    return sorted(out, key=lambda c: (c.lines, c.name))


def synthetic(plain: Path, gz: Path, info: dict) -> list[Corpus]:
    """The GENCODE-scale pair. Budget: the .gz copy gets every row but
    gffbase-rec (peers hit their caps; ours is queried on its default
    database); the plain copy, which only separates parsing from
    decompression, gets our library row alone."""
    common = dict(fmt="gtf", lines=info["lines"], uncompressed_bytes=info["bytes"],
                  group="synthetic", source=info["source"], manifest_format="GTF")
    return [
        Corpus(name="gencode_scale_gz", path=str(gz), gz=True, bytes=gz.stat().st_size,
               sha256=info["sha256_gz"], rows=("gffutils-default", "gffutils-rec", "gffbase03-default",
                                               "gffbase03-rec", "gffbase", "gffbase-cli"), **common),
        Corpus(name="gencode_scale", path=str(plain), gz=False, bytes=plain.stat().st_size,
               sha256=info["sha256"], rows=("gffbase",), peers=False, **common),
    ]


def select(corpora: list[Corpus], names: list[str] | None) -> list[Corpus]:
    if not names:
        return corpora
    by_name = {c.name: c for c in corpora}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise SystemExit(f"unknown corpus {missing}; known: {sorted(by_name)}")
    return [by_name[n] for n in names]


# ----------------------------------------------------------------- scanning
_GTF_ATTR = {k: re.compile(k + r'\s+"([^"]*)"') for k in ("gene_id", "transcript_id")}
_GFF_ID = re.compile(r"(?:^|;)\s*ID=([^;]*)")
TRANSCRIPT_TYPES = ("transcript", "mRNA")


def _open_text(path: str):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def _feature_id(fmt: str, ftype: str, attrs: str) -> str | None:
    """GFF3 `ID`, or the GTF gene_id / transcript_id value -- by content, not by
    the MANIFEST label (one "GFF3" file in the data set holds GTF attributes)."""
    if fmt == "gff3":
        m = _GFF_ID.search(attrs)
        return m.group(1) if m else None
    key = "gene_id" if ftype == "gene" else "transcript_id"
    m = _GTF_ATTR[key].search(attrs)
    return m.group(1) if m else None


def _sniff(attrs: str) -> str:
    return "gtf" if re.match(r'\s*[A-Za-z_][\w.]*\s+"', attrs) else "gff3"


def sniff_format(path: str, default: str, lines: int = 50) -> str:
    """gtf if the first feature lines carry `key "value"` attributes, else gff3."""
    with _open_text(path) as fh:
        for i, line in enumerate(fh):
            cols = line.rstrip("\r\n").split("\t")
            if not line.startswith("#") and len(cols) >= 9 and cols[8].strip() not in ("", "."):
                return _sniff(cols[8])
            if i > lines:
                break
    return default


def scan(corpus: Corpus) -> dict:
    """Seqid spans and sorted gene / transcript IDs of explicit lines (cached)."""
    key = f"{corpus.name}-{corpus.sha256[:16]}-v2"
    cached = CACHE / "scan" / f"{key}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    spans: dict[str, list[int]] = {}
    genes: set[str] = set()
    transcripts: set[str] = set()
    fmt = None
    with _open_text(corpus.path) as fh:
        for line in fh:
            if line.startswith("#"):
                if line.startswith("##FASTA"):
                    break
                continue
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) < 9:
                continue
            try:
                start, end = int(cols[3]), int(cols[4])
            except ValueError:
                continue
            span = spans.get(cols[0])
            if span is None:
                spans[cols[0]] = [start, end, 1]
            else:
                span[0] = min(span[0], start)
                span[1] = max(span[1], end)
                span[2] += 1
            ftype = cols[2]
            if fmt is None and cols[8].strip() not in ("", "."):
                fmt = _sniff(cols[8])
            if ftype == "gene" or ftype in TRANSCRIPT_TYPES:
                fid = _feature_id(fmt or corpus.fmt, ftype, cols[8])
                if fid:
                    (genes if ftype == "gene" else transcripts).add(fid)
    result = {"spans": spans, "genes": sorted(genes), "transcripts": sorted(transcripts),
              "detected_fmt": fmt or corpus.fmt}
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(result))
    return result
