"""Render a results JSON as BENCHMARKS.md (tables only; plots are plots.py).

    python bench/report.py [bench/results/latest.json] [-o BENCHMARKS.md]

Standard library only. Every number comes from the results file; nothing is
computed here except formatting.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import method
from workloads import QUERY_WORKLOADS

BENCH = Path(__file__).resolve().parent
CHUNK = 6                                      # corpus columns per table
RATE_WORKLOADS = {"region": "q/s", "children": "calls/s", "children_warm": "calls/s"}
INGEST_ORDER = ["gffbase", "gffbase-rec", "gffbase-cli", "gffbase03-rec", "gffbase03-default", "gffutils-rec", "gffutils-default"]


def fmt_time(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s" if s < 100 else f"{s:.0f} s"


def fmt_rate(x: float) -> str:
    return f"{x / 1e6:.3g}M" if x >= 1e6 else f"{x / 1e3:.3g}k" if x >= 1e3 else f"{x:.3g}"


def fmt_mb(b: float) -> str:
    return f"{b / 2**20:.3g} MB" if b < 2**30 else f"{b / 2**30:.3g} GB"


def fmt_ratio(r: dict | None, is_ref: bool) -> str:
    if is_ref:
        return "ref"
    if not r:
        return ""
    if "lower_bound" in r:
        return f">×{r['lower_bound']:.3g}"
    return f"×{r['median']:.3g} [{r['min']:.3g}–{r['max']:.3g}]"


def _status(cell: dict | None) -> str | None:
    if cell is None:
        return "—"
    if cell.get("note"):
        return cell["note"]
    s = cell["summary"]
    if s["censored"]:
        return f"**CENSORED** (>{s['cap_s']:g} s)"
    if s["stats"] is None:
        err = (s.get("error") or "no successful run").split(":")[0]
        return f"**ERROR** {err}"
    return None


def _spread(st: dict, f) -> str:
    return f"{f(st['median'])} [{f(st['min'])}–{f(st['max'])}]"


def _n_note(cell, nominal) -> str:
    """Say so when a corpus had fewer anchors than the workload plans for."""
    n = next((r.get("n") for r in cell["runs"] if r.get("ok") and r.get("n")), None)
    return f"<br><sub>n={n:,} (corpus has fewer)</sub>" if nominal and n and n < nominal else ""


def time_cell(cell, ref_label, row, nominal=None) -> str:
    bad = _status(cell)
    if bad:
        return bad
    text = _spread(cell["summary"]["stats"], fmt_time) + _n_note(cell, nominal)
    ratio = fmt_ratio(cell.get("ratio_vs_ref"), row == ref_label)
    return text + (f"<br>{ratio}" if ratio else "")


def rate_cell(cell, ref_label, row, unit, nominal=None) -> str:
    bad = _status(cell)
    if bad:
        return bad
    st = cell["rate"]
    text = f"{fmt_rate(st['median'])} {unit} [{fmt_rate(st['min'])}–{fmt_rate(st['max'])}]" + _n_note(cell, nominal)
    ratio = fmt_ratio(cell.get("ratio_vs_ref"), row == ref_label)
    return text + (f"<br>{ratio}" if ratio else "")


def table(rows: list[str], corpora: list[dict], cell_text, first="tool") -> list[str]:
    out = []
    for i in range(0, len(corpora), CHUNK):
        chunk = corpora[i:i + CHUNK]
        out.append("| " + first + " | " + " | ".join(f"{c['name']}<br><sub>{c['lines']:,} lines{' .gz' if c['gz'] else ''}</sub>" for c in chunk) + " |")
        out.append("|---|" + "---:|" * len(chunk))
        for row in rows:
            out.append(f"| {row} | " + " | ".join(cell_text(row, c["name"]) for c in chunk) + " |")
        out.append("")
    return out


class Report:
    def __init__(self, results: dict):
        self.r = results
        self.index = {(c["workload"], c["corpus"], c["row"]): c for c in results["cells"]}
        ref = results["meta"]["reference_tool"]
        self.ref_tool = ref
        self.ref_ingest = {"gffbase": "gffbase", "gffbase03": "gffbase03-rec", "gffutils": "gffutils-rec"}.get(ref)

    def _ref_row(self, corpus):
        """The row ingest ratios on `corpus` are relative to (run.py picks it)."""
        return next((c.get("ratio_ref_row") for c in self.r["cells"]
                     if c["workload"] == "ingest" and c["corpus"] == corpus and c.get("ratio_ref_row")), None)

    def cell(self, w, corpus, row):
        return self.index.get((w, corpus, row))

    def corpora_with(self, workload):
        names = {c["corpus"] for c in self.r["cells"] if c["workload"] == workload}
        return [c for c in self.r["corpora"] if c["name"] in names]

    def rows_of(self, workload, order):
        rows = {c["row"] for c in self.r["cells"] if c["workload"] == workload}
        return [x for x in order if x in rows]

    # -------------------------------------------------------------- sections
    def ingest(self) -> list[str]:
        corp = self.corpora_with("ingest")
        if not corp:
            return []
        rows = self.rows_of("ingest", INGEST_ORDER)
        out = ["## Ingest", "",
               f"Time of `create_db` inside the worker (CLI: the whole process), median [min–max] of the runs; "
               f"second line: paired ratio to `{self.ref_ingest}` (time / its time; higher = {self.ref_ingest} faster).", ""]
        out += table(rows, corp, lambda row, c: time_cell(self.cell("ingest", c, row), self._ref_row(c), row))
        fallbacks = sorted({(self._ref_row(c["name"]), c["name"]) for c in corp
                            if self._ref_row(c["name"]) not in (None, self.ref_ingest)})
        for ref_row, corpus in fallbacks:
            out.append(f"- {corpus}: `{self.ref_ingest}` failed, so its ratios are against `{ref_row}`.")
        out += [""] if fallbacks else []
        out += ["### Ingest time / physical floor", "",
                "Paired ratio of ingest time to the floor of the same input (`gzip -dc` for .gz, `cat` otherwise).", ""]

        def floor_ratio(row, c):
            cell = self.cell("ingest", c, row)
            return _status(cell) or fmt_ratio(cell.get("ratio_to_floor"), False) or "—"
        out += table(rows, corp, floor_ratio)
        out += ["### Peak RSS during ingest", "", "Whole worker process (interpreter + library), median [min–max].", ""]

        def rss(row, c):
            cell = self.cell("ingest", c, row)
            return _status(cell) or _spread({k: v * 1024 for k, v in cell["peak_rss_kb"].items() if k != "n"}, fmt_mb)
        out += table(rows, corp, rss)
        out += ["### Database size", ""]

        def size(row, c):
            cell = self.cell("ingest", c, row)
            return _status(cell) or (fmt_mb(cell["db_bytes"]["median"]) if cell.get("db_bytes") else "—")
        out += table(rows, corp, size)
        out += ["### Physical floors", "", "Whole-process wall time, median [min–max].", ""]

        def fl(row, c):
            cell = self.cell("floor", c, row)
            return "—" if cell is None else (_status(cell) or _spread(cell["summary"]["stats"], fmt_time))
        out += table(["wc", "cat", "gzip"], corp, fl, first="floor")
        return out

    def queries(self) -> list[str]:
        out = []
        for w in QUERY_WORKLOADS:
            corp = self.corpora_with(w.name)
            if not corp:
                continue
            rows = self.rows_of(w.name, ["gffbase", "gffbase03", "gffutils"])
            unit = RATE_WORKLOADS.get(w.name)
            out += [f"## {w.title}", ""]
            if unit:
                out += [f"Throughput ({unit}), median [min–max] over runs; second line: paired time ratio to `{self.ref_tool}`.", ""]
                out += table(rows, corp, lambda row, c, w=w, unit=unit: rate_cell(self.cell(w.name, c, row), self.ref_tool, row, unit, w.nominal))
            else:
                out += [f"Time of the call, median [min–max] over runs; second line: paired ratio to `{self.ref_tool}`.", ""]
                out += table(rows, corp, lambda row, c, w=w: time_cell(self.cell(w.name, c, row), self.ref_tool, row, w.nominal if w.name != "open" else None))
            missing = [t for t in ("gffutils", "gffbase03", "gffbase") if t not in w.tools and t in self.r["meta"]["tools"]]
            if missing:
                out += [f"Not applicable: {', '.join(missing)} (no such API, or this workload is ours only).", ""]
        return out

    def targets(self) -> list[str]:
        out = ["## Targets", "", "| target | corpus | measured | status |", "|---|---|---:|---|"]
        for t in self.r.get("targets", []):
            status = {"met": "✅ met", "missed": "❌ " + t["detail"], "not measured": "— not measured: " + str(t["detail"])}[t["status"]]
            out.append(f"| {t['target']} | {t['corpus']} | {t['measured'] or '—'} | {status} |")
        return out + [""]

    def agreement(self) -> list[str]:
        out = ["## Agreement between tools", "",
               "Same inputs, same answers? Compared: total result count, SHA-1 of per-query counts, and the "
               "result IDs of 20 fixed queries (children: the anchor itself excluded).", "",
               "| check | corpus | agree | compared | totals |", "|---|---|---|---|---|"]
        for a in self.r.get("agreement", []):
            mark = {True: "✅ yes", False: "❌ **NO**", None: "n/a (one tool)"}[a["agree"]]
            totals = ", ".join(f"{k}: {v:,}" for k, v in a["totals"].items())
            out.append(f"| {a['group']} | {a['corpus']} | {mark} | {', '.join(a['compared'])} | {totals} |")
        out.append("")
        for a in self.r.get("agreement", []):
            if a["agree"] is False:
                out += [f"**{a['group']} / {a['corpus']} disagreement:**", "", "```",
                        json.dumps(a["problems"], indent=1)[:3000], "```", ""]
            for label, note in a.get("notes", {}).items():
                out.append(f"- {a['group']} / {a['corpus']}: `{label}` returned the anchor itself in "
                           f"{note['self_included']:,} calls (raw total {note['raw_total']:,}); excluded before comparing.")
        return out + [""]

    def problems(self) -> list[str]:
        """Every censored, failed or not-applicable cell; one line per (corpus, row, reason)."""
        grouped: dict[tuple, list[str]] = {}
        for c in self.r["cells"]:
            s = c.get("summary") or {}
            if s.get("censored"):
                what = f"censored at {s['cap_s']:g} s"
            elif c.get("note"):
                what = c["note"]
            elif s.get("error") and not s.get("stats"):
                what = s["error"]
            else:
                continue
            grouped.setdefault((c["corpus"], c["row"], str(what)[:400]), []).append(c["workload"])
        out = ["## Errors, censored runs and gaps", ""]
        for (corpus, row, what), wls in grouped.items():
            out.append(f"- `{corpus}` / `{row}` ({', '.join(wls)}): {what}")
        return out + (["None.", ""] if not grouped else [""])

    def plots(self) -> list[str]:
        plot_dir = BENCH / "results" / "plots"
        pngs = sorted(plot_dir.glob("*.png")) if plot_dir.exists() else []
        if not pngs:
            return []
        return ["## Plots", ""] + [f"![{p.stem}](bench/results/plots/{p.name})" for p in pngs] + [""]

    def render(self) -> str:
        m = self.r["meta"]
        head = ["# gffbase benchmarks", "",
                f"<!-- generated by bench/report.py from bench/results/{m['stamp']}.json; do not edit by hand -->", "",
                f"Generated {self.r['machine']['date_utc']} by `{m['command']}` ({m['mode']} mode, "
                f"{m['duration_s'] / 60:.1f} min). Regenerate everything with `python bench/run.py` "
                f"(`--quick` for the small smoke run).", ""]
        disagree = [a for a in self.r.get("agreement", []) if a["agree"] is False]
        head += [f"**Agreement: {'❌ ' + str(len(disagree)) + ' check(s) disagree' if disagree else '✅ all compared tools agree'}.** "
                 f"Warm cache throughout. Ratios are paired run by run; CENSORED = hit the per-run cap (never extrapolated).", ""]
        for n in m.get("notes", []):
            head.append(f"> note: {n}")
        import sequences  # its own run (bench/sequences.py) and results file; imported here, as it imports this module
        return "\n".join(head + [""] + self.targets() + method.render(self.r) + self.ingest() + self.queries()
                         + sequences.section() + self.agreement() + self.problems() + self.plots()) + "\n"


def write(results: dict, path: Path) -> None:
    path.write_text(Report(results).render())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="?", type=Path, default=BENCH / "results" / "latest.json")
    ap.add_argument("-o", "--output", type=Path, default=BENCH.parent / "BENCHMARKS.md")
    args = ap.parse_args()
    write(json.loads(args.results.read_text()), args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
