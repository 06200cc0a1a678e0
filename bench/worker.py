"""Benchmark worker: ONE measurement inside one tool's interpreter.

    <venv>/bin/python bench/worker.py < spec.json

Standard library only (plus the tool under test and, for batched operations,
pyarrow, which the tool brings). The spec is a JSON object:
  op        ingest | region | region_batched | children | children_batched | open
  module    module to import (gffutils | gffbase)
  db        database path;  input: annotation path (ingest)
  kwargs    extra keyword arguments (create_db options, featuretype, ...)
  inputs    path of the query list (regions TSV or one ID per line)
  n_opens   open: how many opens (the median is reported)
  agree_prefix   only the first N queries enter the agreement answer
The result is ONE line on stdout, prefixed with MARK, holding a JSON object:
{"ok": true, "seconds": <timed section>, "n": <queries>, "answer": {...}} or
{"ok": false, "error": "...", "traceback": "..."}: a tool that raises is a
result, not a crash. Only the call(s) under test are inside the timed section;
reading inputs and checking answers happen outside it.
"""
import hashlib
import importlib
import json
import os
import statistics
import sys
import time
import traceback

MARK = "@@BENCH_RESULT@@ "
N_SAMPLE = 20
MAX_SAMPLE_IDS = 50
ID_COLUMNS = ("id", "descendant_id", "child_id", "child")


def vm_kb(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def db_bytes(path):
    total = 0
    for suffix in ("", ".wal", "-wal", "-journal", "-shm"):
        if os.path.exists(path + suffix):
            total += os.path.getsize(path + suffix)
    return total


def close(db):
    fn = getattr(db, "close", None)
    if callable(fn):
        fn()
    elif getattr(db, "conn", None) is not None:   # gffutils: sqlite3 connection
        db.conn.close()


def load_regions(path):
    out = []
    with open(path) as fh:
        for line in fh:
            s, a, b = line.rstrip("\n").split("\t")
            out.append((s, int(a), int(b)))
    return out


def load_ids(path):
    with open(path) as fh:
        return [line.rstrip("\n") for line in fh if line.strip()]


def sample_positions(n):
    return sorted({i * n // N_SAMPLE for i in range(N_SAMPLE)}) if n else []


def answer(counts, sample_ids, **extra):
    """What tools must agree on: totals, per-query counts, sampled result IDs."""
    digest = hashlib.sha1(",".join(map(str, counts)).encode()).hexdigest()
    return {"total": sum(counts), "queries": len(counts), "counts_sha1": digest,
            "sample_ids": {str(k): sorted(v)[:MAX_SAMPLE_IDS] for k, v in sample_ids.items()},
            **extra}


def op_ingest(mod, spec):
    t0 = time.perf_counter()
    db = mod.create_db(spec["input"], spec["db"], **spec.get("kwargs", {}))
    seconds = time.perf_counter() - t0
    close(db)
    return {"seconds": seconds, "db_bytes": db_bytes(spec["db"])}


def op_region(mod, spec):
    regions = load_regions(spec["inputs"])
    keep = set(sample_positions(min(len(regions), spec.get("agree_prefix") or len(regions))))
    db = mod.FeatureDB(spec["db"])
    counts, kept = [0] * len(regions), {}
    region = db.region
    t0 = time.perf_counter()
    for i, r in enumerate(regions):
        feats = list(region(region=r))
        counts[i] = len(feats)
        if i in keep:
            kept[i] = feats
    seconds = time.perf_counter() - t0
    ids = {i: [f.id for f in feats] for i, feats in kept.items()}
    return {"seconds": seconds, "n": len(regions), "answer": answer(counts, ids)}


def _as_table(result):
    import pyarrow as pa
    return result if isinstance(result, pa.Table) else pa.table(result)


def _id_column(table):
    for name in ID_COLUMNS:
        if name in table.column_names:
            return name
    raise KeyError(f"no ID column among {ID_COLUMNS} in {table.column_names}")


def _counts_by_index(index_col, n):
    import pyarrow.compute as pc
    counts = [0] * n
    vc = pc.value_counts(index_col)
    for value, count in zip(vc.field("values").to_pylist(), vc.field("counts").to_pylist()):
        counts[value] = count
    return counts


def _sample_rows(table, key_col, keys, id_col):
    import pyarrow as pa
    import pyarrow.compute as pc
    mask = pc.is_in(table[key_col], value_set=pa.array(list(keys), type=table[key_col].type))
    rows = table.filter(mask)
    out = {}
    for k, fid in zip(rows[key_col].to_pylist(), rows[id_col].to_pylist()):
        out.setdefault(k, []).append(fid)
    return out


def _import_arrow():
    # Imports are excluded from timings (see the method): a tool that imports
    # pyarrow lazily on its first batched call must not be charged for it.
    import pyarrow  # noqa: F401


def op_region_batched(mod, spec):
    regions = load_regions(spec["inputs"])
    prefix = spec.get("agree_prefix") or len(regions)
    db = mod.FeatureDB(spec["db"])
    _import_arrow()
    t0 = time.perf_counter()
    table = _as_table(db.region_batched(regions, format="arrow"))
    seconds = time.perf_counter() - t0
    counts = _counts_by_index(table["query_idx"], len(regions))
    keep = sample_positions(min(prefix, len(regions)))
    kept = _sample_rows(table, "query_idx", keep, _id_column(table))
    ids = {i: kept.get(i, []) for i in keep}
    return {"seconds": seconds, "n": len(regions), "rows": table.num_rows,
            "columns": table.column_names, "answer": answer(counts[:prefix], ids)}


def op_children(mod, spec):
    genes = load_ids(spec["inputs"])
    keep = set(sample_positions(len(genes)))
    db = mod.FeatureDB(spec["db"])
    children = db.children
    results = [None] * len(genes)
    if spec.get("kwargs", {}).get("warm"):
        # Steady state: a first pass maps the pages, checks the checksums and
        # fills the caches these calls need; only the second is timed.
        for g in genes:
            list(children(g))
    t0 = time.perf_counter()
    for i, g in enumerate(genes):
        results[i] = list(children(g))
    seconds = time.perf_counter() - t0
    # Agreement ignores the anchor itself: gffutils' GTF relations hold a
    # self-edge (gene -> gene), so its children() yields the anchor too.
    raw = [len(r) for r in results]
    ids = [[f.id for f in r if f.id != g] for g, r in zip(genes, results)]
    counts = [len(x) for x in ids]
    return {"seconds": seconds, "n": len(genes),
            "answer": answer(counts, {i: ids[i] for i in keep},
                             raw_total=sum(raw), self_included=sum(a - b for a, b in zip(raw, counts)))}


def op_children_batched(mod, spec):
    anchors = load_ids(spec["inputs"])
    db = mod.FeatureDB(spec["db"])
    _import_arrow()
    t0 = time.perf_counter()
    table = _as_table(db.children_batched(anchors, format="arrow", **spec.get("kwargs", {})))
    seconds = time.perf_counter() - t0
    id_col = _id_column(table)
    position = {a: i for i, a in enumerate(anchors)}
    counts = [0] * len(anchors)
    for a in table["anchor"].to_pylist():
        counts[position[a]] += 1
    keep = sample_positions(len(anchors))
    kept = _sample_rows(table, "anchor", [anchors[i] for i in keep], id_col)
    ids = {i: kept.get(anchors[i], []) for i in keep}
    return {"seconds": seconds, "n": len(anchors), "rows": table.num_rows,
            "columns": table.column_names, "answer": answer(counts, ids)}


def op_open(mod, spec):
    region = load_regions(spec["inputs"])[0]
    times, counts = [], []
    for _ in range(spec.get("n_opens", 7)):
        t0 = time.perf_counter()
        db = mod.FeatureDB(spec["db"])
        n = len(list(db.region(region=region)))
        times.append(time.perf_counter() - t0)
        counts.append(n)
        close(db)
    return {"seconds": statistics.median(times), "n": len(times), "open_times": times,
            "answer": answer(counts[:1], {})}


OPS = {"ingest": op_ingest, "region": op_region, "region_batched": op_region_batched,
       "children": op_children, "children_batched": op_children_batched, "open": op_open}


def main():
    spec = json.loads(sys.stdin.read() if len(sys.argv) < 2 else sys.argv[1])
    result = {"ok": False}
    try:
        t0 = time.perf_counter()
        mod = importlib.import_module(spec["module"])
        result["import_s"] = time.perf_counter() - t0
        result["rss_after_import_kb"] = vm_kb("VmRSS:")
        result.update(OPS[spec["op"]](mod, spec))
        result["ok"] = True
    except BaseException as exc:  # noqa: BLE001 -- every failure is a result
        result["error"] = f"{type(exc).__name__}: {exc}"[:1000]
        result["traceback"] = traceback.format_exc()[-3000:]
    result["vmhwm_kb"] = vm_kb("VmHWM:")
    sys.stdout.flush()
    print(MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
