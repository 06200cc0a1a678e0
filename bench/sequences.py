"""Sequences benchmark: gffbase against gffread on a whole genome, side by side.

    python bench/sequences.py [--reps N] [--ours-python PATH]

What is measured, on the yeast genome (Ensembl R64-1-1.96: the corpus in
../shared/data with both a GTF and its genome), for each product -- spliced
transcripts (gffread -w), coding sequences (-x) and proteins (-y) of every
transcript:

  gffread            `gffread -g GENOME -w|-x|-y OUT GTF`: one process that
                     parses the GTF, then writes the sequences
  gffbase-cli        `gffbase sequences DB --of-type transcript --fasta GENOME
                     ...` on a database built beforehand (untimed): one process
  gffbase-cli+ingest the same, plus `gffbase ingest GTF` before it: the sum of
                     the two processes' wall times in the same round (what a
                     user with only the GTF waits for)

Every figure is a whole-process wall time (as gffread can only be timed), the
median of --reps rounds; in each round the tools run one after another, and
ratios are paired round by round. Inputs are plain files in the page cache:
the genome is decompressed once (untimed) and each tool's FASTA index (.fai)
is built by an untimed first run. Each round's outputs are compared record by
record (agreement: see `_compare`).

Writes bench/results/sequences-<stamp>.json and sequences-latest.json, then
regenerates BENCHMARKS.md (bench/report.py renders this section from
sequences-latest.json beside the main run's tables). Standard library only.
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import json
import shutil
import sys
import time
from pathlib import Path

import corpora as corpora_mod
import machine
import peers
import report
import runner
import stats

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache" / "sequences"
RESULTS = BENCH / "results"
LATEST = RESULTS / "sequences-latest.json"
YEAST = "01_whole_genome/yeast_ensembl_R64-1-1.96/"
ANNOTATION = YEAST + "Saccharomyces_cerevisiae.R64-1-1.96.gtf.gz"
GENOME = YEAST + "Saccharomyces_cerevisiae.R64-1-1.dna.toplevel.fa.gz"
CAP_S = 300.0

# product -> (gffread's flag, our `gffbase sequences` options, title)
PRODUCTS = {
    "transcripts": ("-w", [], "spliced transcripts (gffread -w)"),
    "cds": ("-x", ["--type", "CDS", "--type", "stop_codon"], "coding sequences (gffread -x)"),
    "proteins": ("-y", ["--type", "CDS", "--type", "stop_codon", "--translate"], "proteins (gffread -y)"),
}
TOOLS = ("gffread", "gffbase-cli", "gffbase-cli+ingest")


def read_fasta(path: Path) -> dict[str, str]:
    """{first word of the header: sequence, upper case}."""
    out, name, parts = {}, None, []
    with open(path) as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith(">"):
                if name is not None:
                    out[name] = "".join(parts).upper()
                name, parts = line[1:].split()[0], []
            elif line:
                parts.append(line)
    if name is not None:
        out[name] = "".join(parts).upper()
    return out


def _compare(product: str, ours: dict[str, str], theirs: dict[str, str]) -> dict:
    """Records of gffread's output and ours, matched by name.

    Two known conventions are normalised first, and counted: a transcript
    whose gene has the same ID is `<id>` in gffread and `<id>_1` in gffbase
    (as gffutils names it); gffread writes a stop inside a protein as '.',
    NCBI (and gffbase) as '*'. A protein that differs only in its first letter
    where gffbase reads an alternative start codon of a complete CDS as M
    (NCBI's convention; gffread reads it literally) is counted apart."""
    renamed = {k[:-2]: v for k, v in ours.items() if k.endswith("_1") and k[:-2] in theirs and k[:-2] not in ours}
    ours = {**{k: v for k, v in ours.items() if not (k.endswith("_1") and k[:-2] in renamed)}, **renamed}
    if product == "proteins":
        theirs = {k: v.replace(".", "*") for k, v in theirs.items()}
    common = ours.keys() & theirs.keys()
    equal = sum(ours[k] == theirs[k] for k in common)
    start_m = sorted(k for k in common if ours[k] != theirs[k] and ours[k][1:] == theirs[k][1:] and ours[k][:1] == "M")
    other = sorted(k for k in common if ours[k] != theirs[k] and k not in start_m)
    return {"gffread_records": len(theirs), "gffbase_records": len(ours), "equal": equal,
            "renamed_id_1": len(renamed), "differ_start_codon_as_m": start_m, "differ_other": other[:20],
            "n_differ_other": len(other), "only_gffread": sorted(theirs.keys() - ours.keys())[:20],
            "only_gffbase": sorted(ours.keys() - theirs.keys())[:20]}


class SequencesBench:
    def __init__(self, args):
        self.args = args
        self.stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.raw = RESULTS / "raw" / f"sequences-{self.stamp}"
        self.t0 = time.monotonic()

    def log(self, msg: str) -> None:
        print(f"[{time.monotonic() - self.t0:7.1f}s] {msg}", file=sys.stderr, flush=True)

    def _run(self, cmd: list[str], log: str) -> dict:
        proc = runner.run(cmd, cap_s=CAP_S, log_prefix=self.raw / log, discard_stdout=True)
        rec = {"wall_s": proc["wall_s"], "peak_rss_kb": proc["peak_rss_kb"], "rc": proc["rc"],
               "censored": proc["censored"], "cap_s": CAP_S}
        rec["ok"] = proc["rc"] == 0 and not proc["censored"]
        rec["seconds"] = proc["wall_s"] if rec["ok"] else None
        if not rec["ok"]:
            rec["error"] = (f"censored at {CAP_S:g} s" if proc["censored"]
                            else f"exit {proc['rc']}: {proc['stderr_tail'][-300:].strip()}")
        return rec

    def prepare(self, data: Path) -> dict:
        """Plain copies of the GTF and the genome (untimed), and our database."""
        CACHE.mkdir(parents=True, exist_ok=True)
        files = {}
        for key, rel in (("gtf", ANNOTATION), ("genome", GENOME)):
            src = data / rel
            dst = CACHE / Path(rel).name[:-3]
            if not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime:
                self.log(f"[prep] decompressing {src.name}")
                with gzip.open(src, "rb") as fin, open(str(dst) + ".part", "wb") as fout:
                    shutil.copyfileobj(fin, fout, 8 << 20)
                Path(str(dst) + ".part").rename(dst)
            files[key] = dst
        files["db"] = CACHE / "yeast.gffdb"
        files["ingest_db"] = CACHE / "yeast-timed.gffdb"
        rec = self._run([self.cli, "ingest", str(files["gtf"]), "-o", str(files["db"]), "--force", "-q"], "prep-ingest")
        if not rec["ok"]:
            raise SystemExit(f"building the yeast database failed: {rec['error']}")
        return files

    @staticmethod
    def output(files: dict, product: str, tool: str) -> Path:
        return files["out"] / f"{product}-{tool}.fa"

    def commands(self, product: str, files: dict) -> dict[str, list[list[str]]]:
        """Each tool's processes for one product, run in order and timed together."""
        flag, ours, _ = PRODUCTS[product]

        def query(db: Path, tool: str) -> list[str]:
            return [self.cli, "sequences", str(db), "--of-type", "transcript", "--fasta", str(files["genome"]),
                    "--skip-unavailable", "-o", str(self.output(files, product, tool)), *ours]

        return {"gffread": [[self.gffread, "-g", str(files["genome"]), flag,
                             str(self.output(files, product, "gffread")), str(files["gtf"])]],
                "gffbase-cli": [query(files["db"], "gffbase-cli")],
                "gffbase-cli+ingest": [[self.cli, "ingest", str(files["gtf"]), "-o", str(files["ingest_db"]),
                                        "--force", "-q"], query(files["ingest_db"], "gffbase-cli+ingest")]}

    def main(self) -> int:
        self.gffread = shutil.which("gffread")
        if self.gffread is None:
            raise SystemExit("gffread is not installed (scripts/install-deps.sh installs Debian's package)")
        ours = peers.ours_status(self.args.ours_python)
        self.cli = peers.ours_cli(self.args.ours_python) if ours.get("available") else None
        if not self.cli:
            raise SystemExit(f"our gffbase CLI was not found beside {self.args.ours_python}")
        gffread_version = runner.run([self.gffread, "--version"], cap_s=30, log_prefix=self.raw / "gffread-version",
                                     measure_rss=False)["stdout"].strip() or "unknown"
        files = self.prepare(self.args.data)
        files["out"] = CACHE / "out"
        files["out"].mkdir(exist_ok=True)
        cells, agreement = [], {}
        for product in PRODUCTS:
            cmds = self.commands(product, files)
            for tool in TOOLS:
                self.output(files, product, tool).unlink(missing_ok=True)
            for tool, steps in cmds.items():  # untimed: each tool's .fai, and warm caches
                for k, cmd in enumerate(steps):
                    self._run(cmd, f"{product}-{tool}-warmup-{k}")
            runs = {tool: [] for tool in TOOLS}
            for rep in range(self.args.reps):
                for tool, steps in cmds.items():
                    parts = [self._run(cmd, f"{product}-{tool}-{rep}-{k}") for k, cmd in enumerate(steps)]
                    failed = next((p for p in parts if not p["ok"]), None)
                    rec = {"rep": rep, "ok": failed is None,
                           "seconds": sum(p["seconds"] for p in parts) if failed is None else None,
                           "steps_s": [p["wall_s"] for p in parts],
                           "peak_rss_kb": max(p["peak_rss_kb"] or 0 for p in parts),
                           "censored": any(p["censored"] for p in parts)}
                    if failed:
                        rec["error"] = failed["error"]
                    runs[tool].append(rec)
                    shown = f"{rec['seconds']:.3f} s" if rec["ok"] else "ERROR " + rec["error"][:120]
                    self.log(f"{product:<12} rep {rep} {tool:<19} {shown}")
            paths = [self.output(files, product, tool) for tool in ("gffbase-cli", "gffread")]
            agreement[product] = (_compare(product, *map(read_fasta, paths)) if all(p.exists() for p in paths)
                                  else {"error": "not compared: a tool wrote no output (see its errors above)"})
            for tool in TOOLS:
                cells.append({"product": product, "tool": tool, "runs": runs[tool],
                              "summary": stats.cell_summary(runs[tool]),
                              "peak_rss_kb": stats.summarize([r["peak_rss_kb"] for r in runs[tool] if r["ok"]]),
                              # gffread's time / this tool's, round by round: how many times faster
                              "speedup_vs_gffread": stats.paired_ratios(runs["gffread"], runs[tool])
                              if tool != "gffread" else None})
        results = {
            "schema": 1,
            "meta": {"command": "python " + " ".join([str(Path(sys.argv[0]))] + sys.argv[1:]), "stamp": self.stamp,
                     "duration_s": time.monotonic() - self.t0, "reps": self.args.reps,
                     "annotation": ANNOTATION, "genome": GENOME,
                     "transcripts": sum(1 for line in open(files["gtf"]) if "\ttranscript\t" in line)},
            "machine": machine.describe(REPO),
            "versions": {"gffread": gffread_version, "gffbase": ours},
            "cells": cells,
            "agreement": agreement,
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        text = json.dumps(results, indent=1, default=str)
        (RESULTS / f"sequences-{self.stamp}.json").write_text(text)
        LATEST.write_text(text)
        main_results = RESULTS / "latest.json"
        if main_results.exists():
            report.write(json.loads(main_results.read_text()), REPO / "BENCHMARKS.md")
            self.log("wrote bench/results/sequences-latest.json and BENCHMARKS.md")
        return 0


def render(r: dict) -> list[str]:
    """The BENCHMARKS.md section of a sequences results file."""
    m = r["meta"]
    out = ["## Sequences: gffbase vs gffread", "",
           f"Separate run: `{m['command']}` at {r['machine']['date_utc']} (commit "
           f"{r['machine']['repo_commit'][:10]}), {m['reps']} rounds, {m['duration_s'] / 60:.1f} min; "
           f"gffread {r['versions']['gffread']}. Yeast genome, `{Path(m['annotation']).name}` "
           f"({m['transcripts']:,} transcripts). Whole-process wall time, median [min–max]; speed-up = gffread's "
           f"time ÷ the tool's, paired round by round (> 1: faster than gffread). `gffbase-cli` queries a database built beforehand; "
           f"`gffbase-cli+ingest` adds building it from the GTF in the same round, as gffread parses the GTF "
           f"on every run. Method: `bench/sequences.py`.", "",
           "| product | tool | time | speed-up vs gffread | peak RSS |", "|---|---|---|---|---|"]
    for c in r["cells"]:
        s = c["summary"]["stats"]
        time_s = (f"{report.fmt_time(s['median'])} [{report.fmt_time(s['min'])}–{report.fmt_time(s['max'])}]"
                  if s else f"**ERROR** {c['summary'].get('error') or ''}"[:120])
        ratio = report.fmt_ratio(c["speedup_vs_gffread"], c["tool"] == "gffread")
        rss = report.fmt_mb(c["peak_rss_kb"]["median"] * 1024) if c.get("peak_rss_kb") else ""
        out.append(f"| {PRODUCTS[c['product']][2]} | {c['tool']} | {time_s} | {ratio} | {rss} |")
    out += ["", "Same sequences? gffread's records against gffbase's, matched by name:", ""]
    for product, a in r["agreement"].items():
        if "error" in a:
            out.append(f"- {PRODUCTS[product][2]}: {a['error']}.")
            continue
        notes = []
        if a["renamed_id_1"]:
            notes.append(f"{a['renamed_id_1']} transcripts named `<id>_1` by gffbase (their gene has the same ID)")
        if a["differ_start_codon_as_m"]:
            notes.append(f"{len(a['differ_start_codon_as_m'])} differ only in a first M read from an alternative "
                         f"start codon ({', '.join(a['differ_start_codon_as_m'][:5])})")
        if a["n_differ_other"]:
            notes.append(f"**{a['n_differ_other']} differ otherwise** ({', '.join(a['differ_other'][:5])})")
        for side in ("only_gffread", "only_gffbase"):
            if a[side]:
                notes.append(f"{len(a[side])} only in {side[5:]} ({', '.join(a[side][:5])})")
        out.append(f"- {PRODUCTS[product][2]}: {a['equal']:,} of {a['gffread_records']:,} equal"
                   + ("; " + "; ".join(notes) if notes else "") + ".")
    return out + [""]


def section() -> list[str]:
    """The section for BENCHMARKS.md, or nothing before the first run."""
    return render(json.loads(LATEST.read_text())) if LATEST.exists() else []


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5, help="rounds (default 5; figures are medians)")
    ap.add_argument("--ours-python", default=sys.executable, help="interpreter where our gffbase is installed")
    ap.add_argument("--data", type=Path, default=corpora_mod.DEFAULT_DATA)
    args = ap.parse_args(argv)
    if args.reps < 1:
        ap.error("--reps must be >= 1")
    return args


if __name__ == "__main__":
    sys.exit(SequencesBench(parse_args()).main())
