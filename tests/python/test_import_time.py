"""`import gffbase` stays light: no pyarrow / polars / duckdb / pandas until a
feature that needs them is used.  (The 100 ms target is measured in bench/;
here only a generous wall-clock bound.)"""

from __future__ import annotations

import json
import subprocess
import sys
import time

HEAVY = ["pyarrow", "polars", "duckdb", "pandas"]

PROBE = f"""
import json, sys, time
t = time.perf_counter()
import gffbase
elapsed = time.perf_counter() - t
print(json.dumps({{"elapsed": elapsed, "loaded": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
"""


def _probe(code: str) -> dict:
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_import_does_not_load_heavy_modules():
    out = _probe(PROBE)
    assert out["loaded"] == [], f"import gffbase loaded {out['loaded']}"


def test_import_is_quick():
    # the whole interpreter start included; best of three to avoid a cold page cache
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        _probe(PROBE)
        best = min(best, time.perf_counter() - t)
    assert best < 0.5, f"python -c 'import gffbase' took {best:.3f} s"
    assert _probe(PROBE)["elapsed"] < 0.5


def test_basic_queries_stay_light():
    code = """
import json, sys
import gffbase
db = gffbase.create_db(gffbase.example_filename("example.gff3"), ":memory:")
ids = [f.id for f in db.children("tx1")] + [f.id for f in db.region("chrX:1-2000")]
assert ids
print(json.dumps({"loaded": sorted(m for m in %r if m in sys.modules)}))
""" % (HEAVY,)
    assert _probe(code)["loaded"] == []
