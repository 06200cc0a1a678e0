"""The project's performance targets, checked against one results file.

Each target yields {id, target, corpus, measured, status, detail}; status is
"met", "missed" (with by how much) or "not measured" (with why). Medians are
compared with thresholds; ratios are the run-by-run paired medians; a peer
that hit its cap gives only a lower bound, which meets a ratio target only if
the bound alone already does.
"""
from __future__ import annotations

OURS = "gffbase"


def _cell(results, workload, corpus, row):
    for c in results["cells"]:
        if c["workload"] == workload and c["corpus"] == corpus and c["row"] == row:
            return c
    return None


def _why_missing(results, cell, corpus):
    if not any(c["name"] == corpus for c in results["corpora"]):
        return f"corpus {corpus} not in this run" + (" (--quick)" if results["meta"]["mode"] == "quick" else "")
    if OURS not in results["meta"]["tools"]:
        return "our gffbase not in this run"
    if cell is None:
        return "workload not run"
    s = cell.get("summary") or {}
    if s.get("censored"):
        return f"censored at {s.get('cap_s'):g} s cap"
    return cell.get("note") or s.get("error") or "no successful run"


def _fmt(x, unit):
    if unit == "s":
        return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"
    if unit == "/s":
        return f"{x:,.0f}/s"
    if unit == "x":
        return f"{x:.2f}x" if x < 10 else f"{x:.1f}x"
    return f"{x:.2f}{unit}"


def _verdict(value, threshold, unit, higher_is_better):
    met = value >= threshold if higher_is_better else value <= threshold
    if met:
        return "met", ""
    factor = threshold / value if higher_is_better else value / threshold
    return "missed", f"missed by {factor:.2f}x ({_fmt(value, unit)} vs {'>=' if higher_is_better else '<='} {_fmt(threshold, unit)})"


def _ours_value(results, workload, corpus, key, row=OURS):
    cell = _cell(results, workload, corpus, row)
    if cell is None or not cell.get("summary", {}).get("stats"):
        return None, _why_missing(results, cell, corpus) + (
            " (library create_db with defaults; see the ingest table for gffbase-rec / gffbase-cli)"
            if workload == "ingest" and cell is not None else "")
    if key == "rate":
        return (cell.get("rate") or {}).get("median"), None
    return cell["summary"]["stats"]["median"], None


def _target(tid, text, corpus, value, why, threshold, unit, higher):
    if value is None:
        return {"id": tid, "target": text, "corpus": corpus, "measured": None, "status": "not measured", "detail": why}
    status, detail = _verdict(value, threshold, unit, higher)
    return {"id": tid, "target": text, "corpus": corpus, "measured": _fmt(value, unit), "status": status, "detail": detail}


def _ratio_target(results, tid, text, workload, corpus, peer_rows, threshold):
    """Ours must be >= threshold x faster than each peer row: the worst row counts."""
    ours = _cell(results, workload, corpus, OURS)
    if ours is None or not ours.get("summary", {}).get("stats"):
        return _target(tid, text, corpus, None, _why_missing(results, ours, corpus), threshold, "x", True)
    worst, bound_only, label = None, False, None
    for row in peer_rows:
        cell = _cell(results, workload, corpus, row)
        r = (cell or {}).get("ratio_vs_ref")
        if not r:
            continue
        value = r.get("median", r.get("lower_bound"))
        if worst is None or value < worst:
            worst, bound_only, label = value, "lower_bound" in r, row
    if worst is None:
        return _target(tid, text, corpus, None, f"no successful or censored run of {', '.join(peer_rows)}",
                       threshold, "x", True)
    t = _target(tid, text, corpus, worst, None, threshold, "x", True)
    t["measured"] = (">" if bound_only else "") + t["measured"] + f" (vs {label})"
    if bound_only and t["status"] == "missed":
        t["status"], t["detail"] = "not measured", f"{label} hit its cap: ratio is only known to exceed {worst:.1f}x"
    return t


def evaluate(results: dict) -> list[dict]:
    out = []
    v, why = _ours_value(results, "ingest", "mouse", "seconds")
    out.append(_target("ingest_mouse", "ingest mouse GTF (1.16M lines) < 1 s", "mouse", v, why, 1.0, "s", False))
    out.append(_ratio_target(results, "ingest_vs_gffutils", ">= 100x faster ingest than gffutils (recommended options)",
                             "ingest", "mouse", ["gffutils-rec"], 100))
    out.append(_ratio_target(results, "ingest_vs_gffbase03", ">= 20x faster ingest than gffbase 0.3 (faster of its two configurations)",
                             "ingest", "mouse", ["gffbase03-rec", "gffbase03-default"], 20))
    cell = _cell(results, "ingest", "mouse", OURS)
    r = (cell or {}).get("ratio_to_floor")
    out.append(_target("gz_floor", "ingest from .gz within 1.5x of `gzip -dc` on the same file", "mouse",
                       r.get("median") if r else None, _why_missing(results, cell, "mouse"), 1.5, "x", False))
    for corpus in ("gencode_scale_gz", "gencode_scale"):
        v, why = _ours_value(results, "ingest", corpus, "seconds")
        out.append(_target(f"ingest_{corpus}", "GENCODE-scale (~6M lines) ingest < 10 s", corpus, v, why, 10.0, "s", False))
    for corpus in ("mouse", "gencode_scale_gz"):
        cell = _cell(results, "ingest", corpus, OURS)
        if cell and cell.get("peak_rss_kb") and cell.get("db_bytes"):
            ratio = cell["peak_rss_kb"]["max"] * 1024 / cell["db_bytes"]["median"]
            out.append(_target(f"rss_{corpus}", "peak RSS < 2x final .gffdb size (worst run)", corpus, ratio, None, 2.0, "x", False))
        else:
            out.append(_target(f"rss_{corpus}", "peak RSS < 2x final .gffdb size (worst run)", corpus, None,
                               _why_missing(results, cell, corpus), 2.0, "x", False))
    out.append(_size_target(results))
    for corpus in ("yeast", "mouse"):
        v, why = _ours_value(results, "region", corpus, "rate")
        out.append(_target(f"region_rate_{corpus}", "single region query from Python >= 100,000/s", corpus, v, why, 100_000, "/s", True))
        out.append(_ratio_target(results, f"region_vs_gffutils_{corpus}", "single region query >= 50x gffutils",
                                 "region", corpus, ["gffutils"], 50))
        out.append(_ratio_target(results, f"region_vs_gffbase03_{corpus}", "single region query >= 50x gffbase 0.3",
                                 "region", corpus, ["gffbase03"], 50))
    v, why = _ours_value(results, "region_batched_1m", "mouse", "seconds")
    out.append(_target("region_batched_1m", "region_batched of 1,000,000 random 1-5 kb regions to Arrow < 1 s", "mouse", v, why, 1.0, "s", False))
    for corpus in ("yeast", "mouse"):
        v, why = _ours_value(results, "children", corpus, "rate")
        out.append(_target(f"children_rate_{corpus}", "children() >= 50,000 calls/s", corpus, v, why, 50_000, "/s", True))
    v, why = _ours_value(results, "children_batched_50k", "mouse", "seconds")
    out.append(_target("children_batched_50k", "children_batched 50,000 transcripts -> exons as Arrow < 50 ms", "mouse", v, why, 0.05, "s", False))
    for corpus in ("mouse", "gencode_scale_gz"):
        v, why = _ours_value(results, "open", corpus, "seconds")
        out.append(_target(f"open_{corpus}", "open < 5 ms (FeatureDB(path) + one query, median)", corpus, v, why, 0.005, "s", False))
    return out


def _size_target(results):
    text = ".gffdb no larger than gffutils' SQLite (worst corpus)"
    worst = None
    for c in results["cells"]:
        if c["workload"] != "ingest" or c["row"] != OURS or not c.get("db_bytes"):
            continue
        peer = _cell(results, "ingest", c["corpus"], "gffutils-rec")
        if peer and peer.get("db_bytes"):
            ratio = c["db_bytes"]["median"] / peer["db_bytes"]["median"]
            if worst is None or ratio > worst[0]:
                worst = (ratio, c["corpus"])
    if worst is None:
        why = "our gffbase not in this run" if OURS not in results["meta"]["tools"] else "no corpus with both databases"
        return _target("db_size", text, "all", None, why, 1.0, "x", False)
    return _target("db_size", text, worst[1], worst[0], None, 1.0, "x", False)
