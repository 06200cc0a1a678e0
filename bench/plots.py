"""PNG plots of one results file (matplotlib, headless Agg).

    bench/.venvs/report/bin/python bench/plots.py RESULTS.json OUT_DIR

run.py calls this inside bench/.venvs/report (matplotlib + numpy), so the
interpreter running the benchmarks needs neither. Censored runs are drawn as
hollow triangles at the cap, labelled ">cap", never as measured values.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"gffbase": "#1b9e77", "gffbase-cli": "#66a61e", "gffbase03": "#d95f02", "gffbase03-rec": "#d95f02",
          "gffbase03-default": "#e6ab02", "gffutils": "#7570b3", "gffutils-rec": "#7570b3",
          "gffutils-default": "#e7298a", "gzip": "#999999", "cat": "#555555", "wc": "#bbbbbb"}
RATE = {"region": "queries / s", "children": "calls / s", "children_warm": "calls / s"}


def _cells(results, workload):
    return [c for c in results["cells"] if c["workload"] == workload]


def ingest_scatter(results, out: Path, key: str, ylabel: str, fname: str) -> None:
    lines = {c["name"]: c["lines"] for c in results["corpora"]}
    fig, ax = plt.subplots(figsize=(9.5, 5.5))
    rows = {}
    for c in _cells(results, "ingest") + (_cells(results, "floor") if key == "seconds" else []):
        rows.setdefault(c["row"], []).append(c)
    for row, cells in sorted(rows.items()):
        xs, ys, lo, hi, cx, cy = [], [], [], [], [], []
        for c in cells:
            s = c["summary"]
            st = s["stats"] if key == "seconds" else c.get("peak_rss_kb")
            if st:
                scale = 1 if key == "seconds" else 1 / 1024
                xs.append(lines[c["corpus"]])
                ys.append(st["median"] * scale)
                lo.append((st["median"] - st["min"]) * scale)
                hi.append((st["max"] - st["median"]) * scale)
            elif s["censored"] and key == "seconds":
                cx.append(lines[c["corpus"]])
                cy.append(s["cap_s"])
        style = dict(color=COLORS.get(row, None), label=row)
        if row in ("wc", "cat", "gzip"):
            style.update(marker=".", linestyle="none", alpha=0.6)
        else:
            style.update(marker="o", linestyle="none")
        if xs:
            ax.errorbar(xs, ys, yerr=[lo, hi], capsize=2, **style)
        if cx:
            ax.scatter(cx, cy, marker="^", facecolors="none", edgecolors=COLORS.get(row, "k"), s=70,
                       label=f"{row} censored (>cap)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("input lines")
    ax.set_ylabel(ylabel)
    ax.set_title(f"ingest: {ylabel} vs input size (median, min–max; warm cache)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(out / fname, dpi=110)
    plt.close(fig)


def workload_bars(results, out: Path, workload: str) -> bool:
    cells = [c for c in _cells(results, workload) if c.get("summary")]
    corpora = [c["name"] for c in results["corpora"] if any(x["corpus"] == c["name"] for x in cells)]
    tools = [t for t in ("gffbase", "gffbase03", "gffutils") if any(x["tool"] == t for x in cells)]
    if not corpora or not tools:
        return False
    rate = workload in RATE
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(corpora) + 2), 4.8))
    width = 0.8 / len(tools)
    labelled: set = set()
    for j, tool in enumerate(tools):
        for i, corpus in enumerate(corpora):
            c = next((x for x in cells if x["tool"] == tool and x["corpus"] == corpus), None)
            x = i + (j - (len(tools) - 1) / 2) * width
            st = c and (c.get("rate") if rate else c["summary"]["stats"])
            if st:  # dots, not bars: bars on a log axis exaggerate whatever the axis floor is
                ax.errorbar(x, st["median"], yerr=[[st["median"] - st["min"]], [st["max"] - st["median"]]],
                            color=COLORS[tool], marker="o", markersize=7, capsize=3, linestyle="none",
                            label=tool if tool not in labelled else None)
                labelled.add(tool)
            elif c and c["summary"]["censored"]:
                ax.annotate(f"{tool}: censored >{c['summary']['cap_s']:g}s", (x, 0.03),
                            xycoords=("data", "axes fraction"), ha="center", fontsize=7, rotation=90)
    ax.set_xticks(range(len(corpora)))
    ax.set_xticklabels(corpora, rotation=20, ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel(RATE.get(workload, "seconds (lower is better)"))
    ax.set_title(f"{workload} (median, min–max; warm cache)")
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / f"{workload}.png", dpi=110)
    plt.close(fig)
    return True


def main() -> int:
    results = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    made = []
    if _cells(results, "ingest"):
        ingest_scatter(results, out, "seconds", "seconds", "ingest_time.png")
        ingest_scatter(results, out, "rss", "peak RSS (MB)", "ingest_rss.png")
        made += ["ingest_time.png", "ingest_rss.png"]
    for w in sorted({c["workload"] for c in results["cells"]} - {"ingest", "floor"}):
        if workload_bars(results, out, w):
            made.append(f"{w}.png")
    print(f"{len(made)} plots in {out}: {', '.join(made)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
