"""Readers are unaffected by rebuilds: reader processes and threads query a
database continuously while `gffbase ingest --force` replaces it (rename over
the path) many times.  Every answer must be exactly one of the two versions'
answers -- never an error, never a mixture -- and a reader that keeps one
FeatureDB open keeps seeing the version it opened.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest

import gffbase

REBUILDS = 12
PROBE_GENE = "G1_00007"

# The probe: one tuple that touches every kind of query.  It must equal the
# probe of exactly one version, and its source_name must say which.
PROBE = r'''
def probe(db):
    return [
        db.meta()["source_name"],
        len(db),
        db.count_features_of_type("gene"),
        sorted(f.id for f in db.children(PROBE_GENE)),
        [f.id for f in db.parents(PROBE_GENE + ".t1.e1")],
        sum(1 for _ in db.region("chr1:1-300000")),
        sum(1 for _ in db.features_with_attribute("Parent", PROBE_GENE)),
        db.children_batched([PROBE_GENE]).num_rows,
        db.region_batched([("chr2", 1, 300000)]).num_rows,
    ]
'''

READER = r'''
import json, os, sys, time
import gffbase
PROBE_GENE = sys.argv[3]
''' + PROBE + r'''
db_path, stop, mode = sys.argv[1], sys.argv[2], sys.argv[4]
expected = json.loads(sys.argv[5])
seen, errors, n = set(), [], 0
held = gffbase.FeatureDB(db_path) if mode == "hold" else None
first = None
while not os.path.exists(stop) or n < 3:
    try:
        db = held if held is not None else gffbase.FeatureDB(db_path)
        got = json.loads(json.dumps(probe(db)))
        version = next((k for k, v in expected.items() if v == got), None)
        if version is None:
            errors.append(f"answer matches neither version: {got}")
        else:
            seen.add(version)
            if mode == "hold":
                first = first or version
                if version != first:
                    errors.append(f"held reader switched from {first} to {version}")
    except Exception as e:
        errors.append(f"{type(e).__name__}: {e}")
    n += 1
    if len(errors) > 20:
        break
print(json.dumps({"iterations": n, "seen": sorted(seen), "errors": errors}))
'''


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    d = tmp_path_factory.mktemp("versions")
    srcs = {"A": d / "A.gff3", "B": d / "B.gff3"}
    srcs["A"].write_text(gffbase.synthetic_annotation(3000, seed=11))
    srcs["B"].write_text(gffbase.synthetic_annotation(2500, seed=12))
    expected = {}
    ns = {"PROBE_GENE": PROBE_GENE}
    exec(PROBE, ns)
    for name, src in srcs.items():
        ref = d / f"{name}.gffdb"
        gffbase.create_db(str(src), str(ref))
        expected[name] = json.loads(json.dumps(ns["probe"](gffbase.FeatureDB(str(ref)))))
        expected[name][0] = str(src)  # the served copy is built by the CLI from the same path
    assert expected["A"][1:] != expected["B"][1:]
    return srcs, expected


@pytest.mark.slow
def test_readers_see_one_complete_version_during_rebuilds(tmp_path, versions, gffbase_cli):
    srcs, expected = versions
    db = tmp_path / "served.gffdb"
    stop = tmp_path / "stop"

    def rebuild(name):
        subprocess.run([gffbase_cli, "ingest", str(srcs[name]), "-o", str(db), "--force", "-q", "-t", "1"],
                       check=True)

    rebuild("A")
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop), PROBE_GENE, mode,
                                 json.dumps(expected)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for mode in ("reopen", "reopen", "hold")]

    # Threads in this process: one shared FeatureDB re-opened per iteration by
    # one thread, and one long-held handle shared by two threads.
    ns = {"PROBE_GENE": PROBE_GENE}
    exec(PROBE, ns)
    probe = ns["probe"]
    thread_results = []
    held = gffbase.FeatureDB(str(db))
    held_version = next(k for k, v in expected.items() if v == json.loads(json.dumps(probe(held))))

    def thread_reader(mode):
        seen, errors, n = set(), [], 0
        while not stop.exists() or n < 3:
            try:
                d = held if mode == "hold" else gffbase.FeatureDB(str(db))
                got = json.loads(json.dumps(probe(d)))
                version = next((k for k, v in expected.items() if v == got), None)
                if version is None or (mode == "hold" and version != held_version):
                    errors.append(f"{mode}: unexpected answer {got}")
                else:
                    seen.add(version)
            except Exception as e:  # noqa: BLE001 -- any exception is a failure
                errors.append(f"{type(e).__name__}: {e}")
            n += 1
        thread_results.append({"mode": mode, "iterations": n, "seen": sorted(seen), "errors": errors})

    threads = [threading.Thread(target=thread_reader, args=(m,)) for m in ("reopen", "hold", "hold")]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        for i in range(REBUILDS):
            rebuild("B" if i % 2 == 0 else "A")
            time.sleep(0.1)
    finally:
        stop.touch()
        for t in threads:
            t.join(timeout=120)
        outputs = []
        for p in readers:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, f"reader process died ({p.returncode}): {err[-2000:]}"
            outputs.append(json.loads(out))

    print("reader iterations:", [r["iterations"] for r in outputs], [r["iterations"] for r in thread_results])
    for r in outputs + thread_results:
        assert r["errors"] == [], r["errors"][:5]
        assert r["iterations"] >= 3
    # Re-opening readers observed the rebuilds; held readers stayed on their version.
    reopening = outputs[:2] + [r for r in thread_results if r["mode"] == "reopen"]
    assert any(len(r["seen"]) == 2 for r in reopening), reopening
    assert len(outputs[2]["seen"]) == 1
    assert [r["seen"] for r in thread_results if r["mode"] == "hold"] == [[held_version]] * 2
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_threads_share_one_database(tmp_path, versions):
    """One FeatureDB, many threads at once (queries release the GIL): same answers."""
    srcs, expected = versions
    path = tmp_path / "shared.gffdb"
    gffbase.create_db(str(srcs["A"]), str(path))
    db = gffbase.FeatureDB(str(path))
    ns = {"PROBE_GENE": PROBE_GENE}
    exec(PROBE, ns)
    probe = ns["probe"]
    want = json.loads(json.dumps(probe(db)))
    errors = []

    def work():
        try:
            for _ in range(20):
                if json.loads(json.dumps(probe(db))) != want:
                    errors.append("different answer")
                db.children_batched([f"G1_{i:05d}" for i in range(1, 400)], threads=2)
        except Exception as e:  # noqa: BLE001
            errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert want[1:] == expected["A"][1:]
