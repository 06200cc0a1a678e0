"""Run the gffbase benchmarks: ONE command for everything.

    python bench/run.py [--quick] [--only WORKLOAD] [--corpus NAME]
                        [--tools gffutils,gffbase03,gffbase,gffbase-cli]
                        [--ours-python PATH] [--reps N] [--cap S] [--no-plots]

Writes bench/results/<timestamp>.json and bench/results/latest.json,
regenerates BENCHMARKS.md at the repo root (bench/report.py) and PNG plots in
bench/results/plots/ (bench/plots.py, run in its own venv). Peers are installed
into bench/.venvs/ on first use. Exit status: 0 = done and all tools agree;
1 = some query results disagree between tools (see BENCHMARKS.md); 2 = usage.
Standard library only, so it runs under whichever interpreter has our gffbase.
"""
from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import time
from pathlib import Path

import agreement
import corpora as corpora_mod
import execute
import floors
import machine
import make_gencode_scale
import peers
import report
import stats
import targets
import workloads
from tools import INGEST_REF, INGEST_ROWS, QUERY_DB, REFERENCE_ORDER, TOOLS, db_ext, ingest_rows

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"
CAPS = {"full": {"small": 600.0, "large": 150.0, "xl": 30.0, "default_large": 60.0},
        "quick": {"small": 60.0, "large": 60.0, "xl": 30.0, "default_large": 60.0}}


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small corpora only (< 3 minutes)")
    ap.add_argument("--only", action="append", help=f"workload(s), comma-separated: {','.join(workloads.WORKLOAD_NAMES)}")
    ap.add_argument("--corpus", action="append", help="corpus name(s), comma-separated (default: all / quick set)")
    ap.add_argument("--tools", default="auto",
                    help="comma-separated subset of gffutils,gffbase03,gffbase,gffbase-cli; "
                         "auto = peers + ours when importable and not 0.3.x")
    ap.add_argument("--ours-python", default=sys.executable, help="interpreter where our gffbase is installed")
    ap.add_argument("--reps", type=int, default=3, help="runs per cell (median of these; default 3)")
    ap.add_argument("--cap", type=float, help="per-run cap in s for small corpora (default 600 full, 60 quick)")
    ap.add_argument("--cap-large", type=float, help="cap for >= 1M-line corpora (default 150)")
    ap.add_argument("--cap-xl", type=float, help="cap for >= 3M-line corpora (default 30)")
    ap.add_argument("--cap-gffutils-default", type=float,
                    help="cap for gffutils-default on >= 1M-line corpora (default 60; its GTF inference takes > 10 min)")
    ap.add_argument("--gffbase03-default", action="store_true",
                    help="also ingest with gffbase 0.3's defaults (row gffbase03-default; off for budget)")
    ap.add_argument("--data", type=Path, default=corpora_mod.DEFAULT_DATA)
    ap.add_argument("--no-plots", action="store_true")
    args = ap.parse_args(argv)
    args.only = _split(args.only) or workloads.WORKLOAD_NAMES
    unknown = set(args.only) - set(workloads.WORKLOAD_NAMES)
    if unknown:
        ap.error(f"unknown workload(s) {sorted(unknown)}")
    args.corpus = _split(args.corpus)
    mode = "quick" if args.quick else "full"
    args.caps = dict(CAPS[mode])
    for key, val in (("small", args.cap), ("large", args.cap_large), ("xl", args.cap_xl),
                     ("default_large", args.cap_gffutils_default)):
        if val is not None:
            args.caps[key] = val
    if args.reps < 1:
        ap.error("--reps must be >= 1")
    return args


def _split(values):
    return [v for item in values or [] for v in item.split(",") if v]


class Bench:
    def __init__(self, args):
        self.args = args
        self.t0 = time.monotonic()
        self.stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.raw = RESULTS / "raw" / self.stamp
        self.cells: list[dict] = []
        self.notes: list[str] = []
        self.pythons: dict[str, str] = {}
        self.cli: str | None = None

    def log(self, msg: str) -> None:
        print(f"[{time.monotonic() - self.t0:7.1f}s] {msg}", file=sys.stderr, flush=True)

    # ------------------------------------------------------------ set-up
    def setup_tools(self) -> dict:
        wanted = (["gffutils", "gffbase03", "gffbase", "gffbase-cli"] if self.args.tools == "auto"
                  else _split([self.args.tools]))
        bad = set(wanted) - {"gffutils", "gffbase03", "gffbase", "gffbase-cli"}
        if bad:
            raise SystemExit(f"unknown tool(s) {sorted(bad)}")
        versions = {}
        for peer in ("gffutils", "gffbase03"):
            if peer in wanted:
                self.pythons[peer] = str(peers.ensure_venv(peer, log=self.log))
                versions[peer] = peers.probe(self.pythons[peer], TOOLS[peer]["module"], peers.VERSION_DISTS[peer])
        if {"gffbase", "gffbase-cli"} & set(wanted):
            ours = peers.ours_status(self.args.ours_python)
            versions["gffbase"] = ours
            if ours["available"]:
                self.pythons["gffbase"] = self.args.ours_python
                self.cli = peers.ours_cli(self.args.ours_python)
                versions["gffbase"]["cli"] = self.cli
            else:
                msg = f"our gffbase is not available under {self.args.ours_python}: {ours.get('why_not')}"
                self.notes.append(msg + " -- its rows are absent")
                self.log(msg)
                wanted = [t for t in wanted if t not in ("gffbase", "gffbase-cli")]
            if "gffbase-cli" in wanted and not self.cli:
                self.notes.append("`gffbase` console script not found beside --ours-python: no gffbase-cli row")
                wanted.remove("gffbase-cli")
        self.selected = wanted
        self.optional = {"gffbase03-default"} if self.args.gffbase03_default else set()
        self.query_tools = [t for t in ("gffutils", "gffbase03", "gffbase") if t in wanted]
        self.ref = next((t for t in REFERENCE_ORDER if t in self.query_tools), None)
        return versions

    def setup_corpora(self) -> list[corpora_mod.Corpus]:
        real = corpora_mod.from_manifest(self.args.data)
        want = self.args.corpus or (corpora_mod.QUICK if self.args.quick else None)
        need_synth = not self.args.quick and (not want or any(n.startswith("gencode_scale") for n in want))
        if need_synth:
            self.log("[setup] GENCODE-scale input (bench/make_gencode_scale.py; cached)")
            plain, gz, info = make_gencode_scale.ensure(self.args.data, CACHE)
            real += corpora_mod.synthetic(plain, gz, info)
        chosen = corpora_mod.select(real, want)
        qnames = self.args.corpus or (corpora_mod.QUICK_QUERY if self.args.quick else corpora_mod.FULL_QUERY)
        self.query_corpora = {c.name for c in chosen if c.name in qnames}
        names_1m = self.args.corpus or (corpora_mod.QUICK_1M if self.args.quick else corpora_mod.FULL_1M)
        self.corpora_1m = {c.name for c in chosen if c.name in names_1m}
        return chosen

    def cap(self, corpus, tool: str, row: str | None = None) -> float:
        """Per-run cap. The size-class caps exist to bound the peers; ours (the
        subject of the targets) always gets the small-corpus cap, so it is
        measured to completion unless it is pathologically slow. gffutils'
        defaults (GTF inference) get `default_large` on >= 1M-line corpora."""
        if tool == "gffbase":
            return max(self.args.caps[corpus.size_class], self.args.caps["small"])
        cap = self.args.caps[corpus.size_class]
        if row == "gffutils-default" and corpus.size_class != "small":
            cap = min(cap, self.args.caps["default_large"])
        return cap

    # ------------------------------------------------------------ cells
    def new_cell(self, workload, corpus, row, tool, note=None) -> dict:
        cell = {"workload": workload, "corpus": corpus.name, "row": row, "tool": tool, "runs": []}
        if note:
            cell["note"] = note
        self.cells.append(cell)
        return cell

    def _log_run(self, cell, rec) -> None:
        if rec.get("ok"):
            unit = next((w.unit for w in workloads.QUERY_WORKLOADS if w.name == cell["workload"]), "")
            extra = f" ({rec['rate']:,.0f} {unit}/s)" if rec.get("rate") else ""
            rss = f", rss {rec['peak_rss_kb'] / 1024:.0f} MB" if rec.get("peak_rss_kb") else ""
            status = f"{rec['seconds']:.4f} s{extra}{rss}"
        else:
            status = ("SKIPPED " if rec.get("skipped") else "CENSORED " if rec.get("censored") else "ERROR ") + str(rec.get("error"))[:160]
        self.log(f"{cell['workload']:<21} {cell['corpus']:<22} rep {rec['rep']} {cell['row']:<18} {status}")

    @staticmethod
    def _dead(cell) -> str | None:
        """After a censored or failed run, further runs of that cell are skipped."""
        last = cell["runs"][-1] if cell["runs"] else None
        if last and not last.get("ok"):
            return "skipped: " + ("an earlier run hit the cap" if last.get("censored") else "an earlier run failed")
        return None

    def db_path(self, corpus, row) -> Path:
        return CACHE / "dbs" / corpus.name / f"{row}{db_ext(row)}"

    def run_ingest(self, corpus) -> None:
        rows = self.rows_for(corpus)
        fcmds = floors.floor_commands(corpus.path, corpus.gz)
        fcells = {f: self.new_cell("floor", corpus, f, f) for f in fcmds}
        icells = {r: self.new_cell("ingest", corpus, r, INGEST_ROWS[r]["tool"]) for r in rows}
        for rep in range(self.args.reps):
            for name, cmd in fcmds.items():
                execute.warm_page_cache(corpus.path)
                rec = execute.floor(rep, cmd, self.cap(corpus, "floor"), self.raw / corpus.name / f"floor-{name}-{rep}")
                fcells[name]["runs"].append(rec)
            for row in rows:
                cell, db = icells[row], self.db_path(corpus, row)
                dead = self._dead(cell)
                if dead:
                    cell["runs"].append(execute.skipped(rep, dead))
                    continue
                execute.remove_db(db)
                db.parent.mkdir(parents=True, exist_ok=True)
                log = self.raw / corpus.name / f"ingest-{row}-{rep}"
                spec_row = INGEST_ROWS[row]
                cap = self.cap(corpus, spec_row["tool"], row)
                execute.warm_page_cache(corpus.path)
                if spec_row.get("cli"):
                    rec = execute.cli_ingest(rep, self.cli, corpus.path, db, cap, log, CACHE / "work")
                else:
                    spec = {"op": "ingest", "module": TOOLS[spec_row["tool"]]["module"], "input": corpus.path,
                            "db": str(db), "kwargs": spec_row["kwargs"]}
                    rec = execute.worker(rep, self.pythons[spec_row["tool"]], spec, cap, log, CACHE / "work")
                if rec.get("ok"):
                    self._write_stamp(corpus, row, db)
                else:
                    execute.remove_db(db)
                cell["runs"].append(rec)
                self._log_run(cell, rec)

    def rows_for(self, corpus) -> list[str]:
        return [r for r in ingest_rows(self.selected, self.optional) if corpus.rows is None or r in corpus.rows]

    def _stamp_key(self, corpus, row) -> dict:
        tool = INGEST_ROWS[row]["tool"]
        info = self.versions.get(tool, {})
        module_file = info.get("build_file") or info.get("module_file")
        # ours is rebuilt often under one version number: the build's mtime tells builds apart
        built = Path(module_file).stat().st_mtime if module_file and Path(module_file).exists() else None
        return {"row": row, "input_sha256": corpus.sha256, "kwargs": INGEST_ROWS[row].get("kwargs"),
                "versions": info.get("dists"), "module_mtime": built}

    def _write_stamp(self, corpus, row, db) -> None:
        Path(str(db) + ".stamp.json").write_text(json.dumps(self._stamp_key(corpus, row)))

    def query_db(self, corpus, tool) -> tuple[Path | None, str]:
        """The database `tool` queries: this run's ingest, a matching cached one, or a fresh build."""
        for row in QUERY_DB[tool]:
            if row not in self.rows_for(corpus):
                continue
            db = self.db_path(corpus, row)
            stamp = Path(str(db) + ".stamp.json")
            if db.exists() and stamp.exists() and json.loads(stamp.read_text()) == self._stamp_key(corpus, row):
                fresh = any(c["workload"] == "ingest" and c["corpus"] == corpus.name and c["row"] == row
                            for c in self.cells)
                return db, f"{row} ({'this run' if fresh else 'cached from an earlier run'})"
        if "ingest" in self.args.only:
            return None, "no database: ingest " + ", ".join(
                f"{r}: {self._ingest_state(corpus, r)}" for r in QUERY_DB[tool] if r in self.rows_for(corpus))
        row = next((r for r in QUERY_DB[tool] if r in self.rows_for(corpus)), QUERY_DB[tool][0])
        self.log(f"[prep] building {row} database for {corpus.name} (not timed)")
        db = self.db_path(corpus, row)
        execute.remove_db(db)
        db.parent.mkdir(parents=True, exist_ok=True)
        if INGEST_ROWS[row].get("cli"):
            rec = execute.cli_ingest(0, self.cli, corpus.path, db, self.cap(corpus, tool), self.raw / corpus.name / f"prep-{row}", CACHE / "work")
        else:
            spec = {"op": "ingest", "module": TOOLS[tool]["module"], "input": corpus.path, "db": str(db),
                    "kwargs": INGEST_ROWS[row]["kwargs"]}
            rec = execute.worker(0, self.pythons[tool], spec, self.cap(corpus, tool), self.raw / corpus.name / f"prep-{row}", CACHE / "work")
        if rec.get("ok"):
            self._write_stamp(corpus, row, db)
            return db, f"{row} (built untimed for the query workloads)"
        execute.remove_db(db)
        return None, f"no database: building {row} failed: {rec.get('error')}"

    def _ingest_state(self, corpus, row) -> str:
        for c in self.cells:
            if c["workload"] == "ingest" and c["corpus"] == corpus.name and c["row"] == row:
                return "censored" if any(r.get("censored") for r in c["runs"]) else "failed"
        return "not run"

    def run_queries(self, corpus) -> None:
        wl = [w for w in workloads.QUERY_WORKLOADS if w.name in self.args.only
              and (w.inputs != "regions_1m" or corpus.name in self.corpora_1m)]
        if not wl:
            return
        scan = corpora_mod.scan(corpus)
        want_1m = any(w.inputs == "regions_1m" and set(w.tools) & set(self.query_tools) for w in wl)
        inputs = workloads.write_inputs(scan, CACHE / "inputs" / f"{corpus.name}-{corpus.sha256[:16]}-v1", want_1m)
        tools_here = [t for t in self.query_tools if corpus.peers or t == "gffbase"]
        dbs = {t: self.query_db(corpus, t) for t in tools_here if t in {x for w in wl for x in w.tools}}
        for w in wl:
            cells = []
            for tool in tools_here:
                if tool not in w.tools:
                    continue
                db, how = dbs[tool]
                note = (f"n/a: corpus has no {w.inputs.split('_')[0]} to query" if inputs.get(w.inputs) is None
                        else how if db is None else None)
                cell = self.new_cell(w.name, corpus, tool, tool, note)
                cell["db_from"] = how if db is not None else None
                cell["db_path"] = str(db) if db is not None else None
                if not note:
                    cells.append((cell, db))
            for rep in range(self.args.reps):
                for cell, db in cells:
                    dead = self._dead(cell)
                    if dead:
                        cell["runs"].append(execute.skipped(rep, dead))
                        continue
                    spec = {"op": w.op, "module": TOOLS[cell["tool"]]["module"], "db": str(db),
                            "inputs": str(inputs[w.inputs]), "kwargs": w.kwargs, "n_opens": workloads.N_OPENS,
                            "agree_prefix": workloads.N_REGIONS if w.inputs == "regions_1m" else None}
                    execute.warm_page_cache(db)
                    rec = execute.worker(rep, self.pythons[cell["tool"]], spec, self.cap(corpus, cell["tool"]),
                                         self.raw / corpus.name / f"{w.name}-{cell['tool']}-{rep}", CACHE / "work")
                    cell["runs"].append(rec)
                    self._log_run(cell, rec)

    # ------------------------------------------------------------ summaries
    def summarise(self) -> None:
        index = {(c["workload"], c["corpus"], c["row"]): c for c in self.cells}
        for c in self.cells:
            c["summary"] = stats.cell_summary(c["runs"])
            if c["workload"] == "ingest":
                c["peak_rss_kb"] = stats.summarize([r["peak_rss_kb"] for r in c["runs"] if r.get("ok")])
                c["db_bytes"] = stats.summarize([r["db_bytes"] for r in c["runs"] if r.get("ok") and r.get("db_bytes")])
                corpus = next(x for x in self.corpora if x.name == c["corpus"])
                fl = index.get(("floor", c["corpus"], floors.reference_floor(corpus.gz)))
                c["ratio_to_floor"] = stats.paired_ratios(c["runs"], fl["runs"]) if fl else None
                ref = next((index[k] for k in (("ingest", c["corpus"], r) for r in INGEST_REF.get(self.ref, []))
                            if k in index and any(x.get("ok") for x in index[k]["runs"])), None)
                c["ratio_ref_row"] = ref["row"] if ref else None
            elif c["workload"] == "floor":
                continue
            else:
                c["rate"] = stats.summarize([r["rate"] for r in c["runs"] if r.get("rate")])
                ref = index.get((c["workload"], c["corpus"], self.ref))
            c["ratio_vs_ref"] = stats.paired_ratios(c["runs"], ref["runs"]) if ref and ref is not c else None

    def check_agreement(self) -> list[dict]:
        groups: dict[tuple, list] = {}
        for c in self.cells:
            w = next((w for w in workloads.QUERY_WORKLOADS if w.name == c["workload"]), None)
            if w and w.agree:
                groups.setdefault((w.agree, c["corpus"]), []).append({"label": f"{c['tool']}/{c['workload']}", "runs": c["runs"]})
        return [agreement.check(g, corpus, cells) for (g, corpus), cells in groups.items()]

    def prune_dbs(self, corpus) -> None:
        """Keep only the databases the query workloads use (reusable by a later
        `--only`); the rest were built to be timed and weighed, and GENCODE-scale
        ones take gigabytes each."""
        keep = {c.get("db_path") for c in self.cells if c["corpus"] == corpus.name and c.get("db_path")}
        folder = CACHE / "dbs" / corpus.name
        for row in INGEST_ROWS:
            db = self.db_path(corpus, row)
            if str(db) not in keep and folder.is_dir():
                execute.remove_db(db)

    def check_ours_unchanged(self) -> None:
        """Other people reinstall our package while benchmarks run: say so if it happened."""
        start = self.versions.get("gffbase", {})
        if not start.get("available"):
            return
        end = peers.ours_status(self.args.ours_python)
        was = start.get("build_file") or start.get("module_file")
        now = end.get("build_file") or end.get("module_file")
        changed = (not end.get("available") or was != now or
                   (Path(was).stat().st_mtime if was and Path(was).exists() else None) != self._ours_mtime)
        if changed:
            self.notes.append("our gffbase was reinstalled or changed while this run was going (its module file "
                              "changed): its rows may mix builds, and a missing CLI/module gives transient errors")

    # ------------------------------------------------------------ main
    def main(self) -> int:
        args = self.args
        self.log(f"gffbase benchmarks ({'quick' if args.quick else 'full'}), results -> {RESULTS}")
        self.versions = self.setup_tools()
        ours = self.versions.get("gffbase", {})
        ours_file = ours.get("build_file") or ours.get("module_file")
        self._ours_mtime = Path(ours_file).stat().st_mtime if ours_file and Path(ours_file).exists() else None
        self.log(f"tools: {', '.join(self.selected)}; ratios vs {self.ref}")
        if not args.no_plots:
            try:
                self.plot_python = str(peers.ensure_venv("report", log=self.log))
            except Exception as exc:  # plots are optional; tables are not
                self.notes.append(f"plots skipped: {exc}")
                self.plot_python = None
        self.machine = machine.describe(REPO)
        load, cores = self.machine["loadavg_at_start"][0], self.machine["cores_usable"]
        if load > 0.5 * cores:
            self.notes.append(f"machine busy at start (1-min load average {load:.1f} on {cores} cores): "
                              "timings are noisier than on an idle machine")
        self.corpora = self.setup_corpora()
        self.log(f"corpora: {len(self.corpora)}; query workloads on {len(self.query_corpora)}: {sorted(self.query_corpora)}")
        for corpus in self.corpora:
            if "ingest" in args.only:
                self.run_ingest(corpus)
            if corpus.name in self.query_corpora:
                self.run_queries(corpus)
            self.prune_dbs(corpus)
        self.check_ours_unchanged()
        self.summarise()
        agree = self.check_agreement()
        disagreements = [a for a in agree if a["agree"] is False]
        results = {
            "schema": 1,
            "meta": {"command": "python " + " ".join([str(Path(sys.argv[0]))] + sys.argv[1:]),
                     "mode": "quick" if args.quick else "full", "stamp": self.stamp,
                     "duration_s": time.monotonic() - self.t0, "reps": args.reps, "caps_s": args.caps,
                     "workloads": args.only, "reference_tool": self.ref, "tools": self.selected,
                     "ours_python": args.ours_python, "loadavg_at_end": list(__import__("os").getloadavg()),
                     "notes": self.notes, "seed": workloads.SEED},
            "machine": self.machine,
            "versions": self.versions,
            "corpora": [{**c.to_dict(), "query": c.name in self.query_corpora} for c in self.corpora],
            "cells": self.cells,
            "agreement": agree,
        }
        results["targets"] = targets.evaluate(results)
        results["exit_code"] = 1 if disagreements else 0
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"{self.stamp}.json"
        text = json.dumps(results, indent=1, default=str)
        out.write_text(text)
        (RESULTS / "latest.json").write_text(text)
        if not args.no_plots and self.plot_python:
            proc = subprocess.run([self.plot_python, str(BENCH / "plots.py"), str(out), str(RESULTS / "plots")],
                                  capture_output=True, text=True)
            self.log("plots: " + (proc.stdout.strip() or proc.stderr.strip()[-500:]))
        report.write(results, REPO / "BENCHMARKS.md")
        self.log(f"wrote {out.relative_to(REPO)}, bench/results/latest.json, BENCHMARKS.md")
        for a in disagreements:
            self.log(f"DISAGREEMENT {a['group']} on {a['corpus']}: {json.dumps(a['problems'])[:600]}")
        self.log(f"done in {time.monotonic() - self.t0:.0f} s; exit {results['exit_code']}")
        return results["exit_code"]


if __name__ == "__main__":
    sys.exit(Bench(parse_args()).main())
