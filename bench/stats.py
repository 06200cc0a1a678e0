"""Summaries of repeated runs, and ratios paired run-by-run.

A cell is one tool x workload x corpus with a list of runs; run i of every
tool in a cell group was made in the same round i (tools interleaved), so
ratio_i = time(tool, i) / time(reference, i) pairs runs made close together.
Censored runs (hit the cap) only ever produce bounds (">cap"), never numbers.
"""
from __future__ import annotations

import statistics


def summarize(values: list[float]) -> dict | None:
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def cell_summary(runs: list[dict], metric: str = "seconds") -> dict:
    ok = [r[metric] for r in runs if r.get("ok") and r.get(metric) is not None]
    censored = [r for r in runs if r.get("censored")]
    errors = [r.get("error") for r in runs if not r.get("ok") and not r.get("censored") and not r.get("skipped")]
    return {
        "metric": metric,
        "stats": summarize(ok),
        "censored": bool(censored) and not ok,
        "cap_s": censored[0]["cap_s"] if censored else None,
        "error": errors[0] if errors and not ok else None,
        "n_runs": len(runs),
    }


def paired_ratios(runs: list[dict], ref_runs: list[dict], metric: str = "seconds") -> dict | None:
    """Median [min-max] of run-by-run time ratios tool / reference.

    > 1 means the reference is faster. If the tool was censored in a round
    where the reference finished, that round gives a lower bound cap/ref; the
    result is then reported as a bound (`lower_bound`) instead of a median.
    """
    by_rep = {r["rep"]: r for r in ref_runs if r.get("ok")}
    ratios, bounds = [], []
    for r in runs:
        ref = by_rep.get(r["rep"])
        if ref is None or not ref.get(metric):
            continue
        if r.get("ok") and r.get(metric) is not None:
            ratios.append(r[metric] / ref[metric])
        elif r.get("censored"):
            bounds.append(r["cap_s"] / ref[metric])
    if ratios:
        return {**summarize(ratios), "paired": len(ratios)}
    if bounds:
        return {"lower_bound": min(bounds), "paired": 0}
    return None
