"""Workload definitions and their deterministic inputs.

Every random choice uses random.Random(SEED) (Mersenne Twister; its
random()/randrange()/sample() sequences are stable across CPython versions).

Region queries: a seqid is chosen with probability proportional to the length
of its feature span (max end - min start + 1 over all features on it), i.e.
query starts are uniform over the annotated bp of the whole corpus; the start
is uniform on [min start, max end] of that seqid; the window length is uniform
on 1,000..5,000 bp, end = start + length - 1 (1-based closed, overlap).
The 1,000,000-region list continues the same stream, so its first 5,000
regions are the 5,000-region list (its counts are checked against it).

Anchors: gene IDs (featuretype `gene`) and transcript IDs (`transcript` or
`mRNA`) of the corpus' explicit lines -- GTF gene_id / transcript_id values,
GFF3 `ID` -- sorted, then `random.Random(SEED).sample(k)` (all of them, shuffled,
if fewer than k). Taking them from the file rather than from each tool's
database gives every tool the same anchors.
"""
from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20260501
N_REGIONS = 5_000
N_REGIONS_1M = 1_000_000
WINDOW = (1_000, 5_000)
N_GENES = 500
N_TRANSCRIPTS = (5_000, 50_000)
N_OPENS = 7
N_SAMPLE = 20          # queries whose result IDs are compared across tools

ALL_QUERY_TOOLS = ("gffutils", "gffbase03", "gffbase")
BATCHED_TOOLS = ("gffbase03", "gffbase")


@dataclass(frozen=True)
class Workload:
    name: str
    op: str                       # worker.py operation
    title: str
    tools: tuple
    inputs: str                   # key of the input list
    agree: str | None             # agreement group; None = nothing to compare
    unit: str = "queries"
    kwargs: dict = field(default_factory=dict)
    nominal: int = N_REGIONS      # planned n; a corpus with fewer anchors gives less


QUERY_WORKLOADS = [
    Workload("region", "region", "5,000 region queries, one by one (db.region)",
             ALL_QUERY_TOOLS, "regions_5000", "region"),
    Workload("region_batched", "region_batched", "5,000 region queries, batched to Arrow (db.region_batched)",
             BATCHED_TOOLS, "regions_5000", "region"),
    Workload("region_batched_1m", "region_batched", "1,000,000 region queries, batched to Arrow (ours only)",
             ("gffbase",), "regions_1m", "region", nominal=N_REGIONS_1M),
    Workload("children", "children", "500 genes' children(), one by one",
             ALL_QUERY_TOOLS, "genes_500", "children", unit="calls", nominal=N_GENES),
    Workload("children_warm", "children", "500 genes' children(), one by one, after an untimed first pass (warm)",
             ALL_QUERY_TOOLS, "genes_500", "children", unit="calls", kwargs={"warm": True}, nominal=N_GENES),
    Workload("children_batched_5k", "children_batched", "children_batched of 5,000 transcripts -> exons, Arrow",
             BATCHED_TOOLS, "transcripts_5000", "children_batched_5k", unit="anchors",
             kwargs={"featuretype": "exon"}, nominal=N_TRANSCRIPTS[0]),
    Workload("children_batched_50k", "children_batched", "children_batched of 50,000 transcripts -> exons, Arrow",
             BATCHED_TOOLS, "transcripts_50000", "children_batched_50k", unit="anchors",
             kwargs={"featuretype": "exon"}, nominal=N_TRANSCRIPTS[1]),
    Workload("open", "open", f"database open (FeatureDB(path) + one region query), median of {N_OPENS}",
             ALL_QUERY_TOOLS, "regions_5000", "open", unit="opens", nominal=N_OPENS),
]
WORKLOAD_NAMES = ["ingest"] + [w.name for w in QUERY_WORKLOADS]


def make_regions(spans: dict, n: int, seed: int = SEED) -> list[tuple[str, int, int]]:
    seqids = sorted(spans)
    cum, total = [], 0
    for s in seqids:
        total += spans[s][1] - spans[s][0] + 1
        cum.append(total)
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s = seqids[bisect.bisect_right(cum, rng.random() * total)]
        lo, hi = spans[s][0], spans[s][1]
        start = rng.randint(lo, hi)
        out.append((s, start, start + rng.randint(*WINDOW) - 1))
    return out


def sample_ids(ids: list[str], k: int, seed: int = SEED) -> list[str]:
    pool = sorted(ids)
    return random.Random(seed).sample(pool, min(k, len(pool)))


def write_inputs(scan: dict, out_dir: Path, want_1m: bool) -> dict[str, Path | None]:
    """Write the input lists of one corpus; None where the corpus has none."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path | None] = {}
    n_regions = N_REGIONS_1M if want_1m else N_REGIONS
    regions_1m = out_dir / "regions_1m.tsv"
    regions = out_dir / "regions_5000.tsv"
    if not regions.exists() or (want_1m and not regions_1m.exists()):
        regs = make_regions(scan["spans"], n_regions) if scan["spans"] else []
        regions.write_text("".join(f"{s}\t{a}\t{b}\n" for s, a, b in regs[:N_REGIONS]))
        if want_1m:
            regions_1m.write_text("".join(f"{s}\t{a}\t{b}\n" for s, a, b in regs))
    paths["regions_5000"] = regions if scan["spans"] else None
    paths["regions_1m"] = regions_1m if want_1m and scan["spans"] else None
    genes = out_dir / "genes_500.txt"
    if not genes.exists():
        genes.write_text("".join(g + "\n" for g in sample_ids(scan["genes"], N_GENES)))
    paths["genes_500"] = genes if scan["genes"] else None
    for k in N_TRANSCRIPTS:
        p = out_dir / f"transcripts_{k}.txt"
        if not p.exists():
            p.write_text("".join(t + "\n" for t in sample_ids(scan["transcripts"], k)))
        paths[f"transcripts_{k}"] = p if scan["transcripts"] else None
    return paths
