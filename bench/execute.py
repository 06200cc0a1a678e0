"""Execute one run of one cell in a fresh subprocess and normalise its record.

A run record always has: rep, ok, censored, seconds (timed section; None if
not ok), wall_s (whole process), peak_rss_kb, and error when not ok.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
from pathlib import Path

import runner
from worker import MARK

BENCH = Path(__file__).resolve().parent
WORKER = BENCH / "worker.py"
SIDECARS = ("", ".wal", "-wal", "-journal", "-shm", ".stamp.json")


def remove_db(db: Path) -> None:
    """Delete a database with everything named after it: sidecars, the stamp,
    and the temporary files a killed build leaves (ours: `<db>.tmp-<pid>-<n>`,
    gffbase 0.3: `<db>.gffbase-building.<pid>[.wal]`) -- gigabytes on GENCODE-scale."""
    if db.parent.is_dir():
        for p in db.parent.glob(glob.escape(db.name) + "*"):
            if p.is_file() or p.is_symlink():
                p.unlink(missing_ok=True)


def fresh_tmpdir(work: Path) -> Path:
    """An empty TMPDIR for one run, so temporary files of killed runs do not pile up."""
    tmp = work / "tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True, exist_ok=True)
    return tmp


def warm_page_cache(*paths) -> None:
    """Reads each file (and a database's sidecars) once, untimed, right before
    a run: the method promises a warm cache, and this machine's page cache is
    reclaimed within seconds of other runs (seen: a 452 MB database read cold
    made 5,000 region queries take 0.22-0.45 s instead of 0.05 s).  Applied to
    every tool alike."""
    for p in paths:
        for s in SIDECARS[:-1]:
            f = Path(str(p) + s)
            if f.is_file():
                with open(f, "rb", buffering=0) as fh:
                    while fh.read(8 << 20):
                        pass


def db_bytes(db: Path) -> int | None:
    sizes = [Path(str(db) + s).stat().st_size for s in SIDECARS[:-1] if Path(str(db) + s).is_file()]
    return sum(sizes) if sizes else None


def _record(rep: int, proc: dict) -> dict:
    return {"rep": rep, "wall_s": proc["wall_s"], "peak_rss_kb": proc["peak_rss_kb"],
            "censored": proc["censored"], "cap_s": proc["cap_s"], "rc": proc["rc"]}


def floor(rep: int, cmd: list[str], cap_s: float, log: Path) -> dict:
    proc = runner.run(cmd, cap_s=cap_s, log_prefix=log, discard_stdout=True, measure_rss=False)
    rec = _record(rep, proc)
    rec["ok"] = proc["rc"] == 0 and not proc["censored"]
    rec["seconds"] = proc["wall_s"] if rec["ok"] else None
    if not rec["ok"] and not proc["censored"]:
        rec["error"] = f"exit {proc['rc']}: {proc['stderr_tail'][-300:]}"
    return rec


def worker(rep: int, python: str, spec: dict, cap_s: float, log: Path, cwd: Path) -> dict:
    """Run worker.py under `python` with `spec`; returns the merged run record."""
    cwd.mkdir(parents=True, exist_ok=True)
    # One BLAS thread: importing pyarrow loads numpy's OpenBLAS, whose worker
    # thread busy-waits for a while after it starts, right when the timed call
    # begins (children_batched 50k on mouse: median 71 ms with it, 62 ms
    # without, 10 runs each). No tool under test uses BLAS.
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", TMPDIR=str(fresh_tmpdir(cwd)), OPENBLAS_NUM_THREADS="1")
    proc = runner.run([python, str(WORKER)], stdin_text=json.dumps(spec), cap_s=cap_s,
                      log_prefix=log, cwd=cwd, env=env)
    rec = _record(rep, proc)
    result = None
    for line in proc["stdout"].splitlines():
        if line.startswith(MARK):
            result = json.loads(line[len(MARK):])
    if proc["censored"]:
        rec.update(ok=False, seconds=None, error=f"censored: still running at the {cap_s:g} s cap")
    elif result is None:
        rec.update(ok=False, seconds=None,
                   error=f"worker died without a result (exit {proc['rc']}): {proc['stderr_tail'][-500:]}")
    else:
        rec.update(result)
        if not result.get("ok"):
            rec["seconds"] = None
    if rec.get("vmhwm_kb"):  # the worker's own high-water mark: a lower bound on the peak
        rec["peak_rss_kb"] = max(rec["peak_rss_kb"] or 0, rec["vmhwm_kb"])
    if rec.get("ok") and rec.get("n") and rec.get("seconds"):
        rec["rate"] = rec["n"] / rec["seconds"]
    return rec


def cli_ingest(rep: int, cli: str, src: str, db: Path, cap_s: float, log: Path, cwd: Path) -> dict:
    """`gffbase ingest INPUT -o DB --force`, timed as a whole process."""
    cwd.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TMPDIR=str(fresh_tmpdir(cwd)))
    proc = runner.run([cli, "ingest", src, "-o", str(db), "--force"], cap_s=cap_s,
                      log_prefix=log, cwd=cwd, env=env)
    rec = _record(rep, proc)
    size = db_bytes(db)
    rec["ok"] = proc["rc"] == 0 and not proc["censored"] and size is not None
    rec["seconds"] = proc["wall_s"] if rec["ok"] else None
    rec["db_bytes"] = size if rec["ok"] else None
    if proc["censored"]:
        rec["error"] = f"censored: still running at the {cap_s:g} s cap"
    elif not rec["ok"]:
        rec["error"] = (f"exit {proc['rc']}" + ("" if size else ", no database written")
                        + f": {proc['stderr_tail'][-500:].strip()}")
    return rec


def skipped(rep: int, reason: str) -> dict:
    return {"rep": rep, "ok": False, "censored": False, "skipped": True, "seconds": None, "error": reason}
