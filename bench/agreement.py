"""Do the tools return the same answers? (Honesty check for every query workload.)

Each query run returns an `answer`: total result count, a SHA-1 of the
per-query counts, and the sorted result IDs of 20 fixed queries. Within one
agreement group (e.g. `region` = one-by-one and batched region queries over the
same 5,000 regions, plus the first 5,000 of the 1M batched list) every tool's
answer must be identical, and every run of one tool must give the same answer
as its first run. Anything else is `"agree": false` with details, and makes
run.py exit non-zero after writing all results.
"""
from __future__ import annotations

COMPARED = ("total", "queries", "counts_sha1", "sample_ids")


def _key(answer: dict) -> tuple:
    return tuple(repr(answer.get(k)) for k in COMPARED)


def _diff(a: dict, b: dict) -> dict:
    out = {}
    for k in ("total", "queries", "counts_sha1"):
        if a.get(k) != b.get(k):
            out[k] = [a.get(k), b.get(k)]
    sa, sb = a.get("sample_ids", {}), b.get("sample_ids", {})
    for q in sorted(set(sa) | set(sb), key=int):
        if sa.get(q) != sb.get(q):
            only_a = sorted(set(sa.get(q, [])) - set(sb.get(q, [])))[:5]
            only_b = sorted(set(sb.get(q, [])) - set(sa.get(q, [])))[:5]
            out.setdefault("sample_query_diffs", []).append(
                {"query": int(q), "only_first": only_a, "only_second": only_b})
            if len(out["sample_query_diffs"]) >= 5:
                break
    return out


def check(group: str, corpus: str, cells: list[dict]) -> dict:
    """cells: [{"label": "gffutils/region", "runs": [...]}, ...] of one group x corpus."""
    answers, problems = {}, []
    for cell in cells:
        ok_runs = [r for r in cell["runs"] if r.get("ok") and "answer" in r]
        if not ok_runs:
            continue
        first = ok_runs[0]["answer"]
        answers[cell["label"]] = first
        for r in ok_runs[1:]:
            if _key(r["answer"]) != _key(first):
                problems.append({"nondeterministic": cell["label"], "rep": r["rep"],
                                 "diff": _diff(first, r["answer"])})
    labels = list(answers)
    for other in labels[1:]:
        if _key(answers[other]) != _key(answers[labels[0]]):
            problems.append({"pair": [labels[0], other], "diff": _diff(answers[labels[0]], answers[other])})
    agree = None if len(labels) < 2 and not problems else not problems
    return {
        "group": group, "corpus": corpus, "agree": agree, "compared": labels,
        "totals": {k: v.get("total") for k, v in answers.items()},
        "notes": {k: {x: v[x] for x in ("raw_total", "self_included") if x in v} for k, v in answers.items()
                  if v.get("self_included")},
        "problems": problems,
    }
