"""Run one measured subprocess: wall time, peak RSS, cap (censoring).

Peak RSS. The command runs under GNU time (`/usr/bin/time -f %M`), whose
`ru_maxrss` of its child covers the command and every descendant it waited
for. Measuring from this harness instead would be wrong: a child's ru_maxrss
survives fork+exec, so it would start at the harness' own RSS. On top, the
summed VmRSS of all live descendants is polled from /proc (catches concurrent
helper processes); the figure is the larger of the two. Without GNU time only
the polled figure exists (the worker adds its own VmHWM).

Wall time is taken by a thread blocked in os.wait4, so it is not quantised by
the polling interval. A run still going at `cap_s` gets its process group
killed and is marked censored: reported as ">cap", never extrapolated.
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

POLL_S = 0.05
RESCAN_S = 1.0
TIME_BIN = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def _vmrss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def descendants(root: int) -> list[int]:
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    stat = fh.read()
                parent[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [root]
    while frontier:
        node = frontier.pop()
        kids = [c for c, p in parent.items() if p == node]
        found.extend(kids)
        frontier.extend(kids)
    return found


def run(cmd: list[str], *, stdin_text: str | None = None, cap_s: float, log_prefix: Path,
        cwd: str | Path | None = None, env: dict | None = None, measure_rss: bool = True,
        discard_stdout: bool = False) -> dict:
    """Run `cmd`; stdout/stderr go to <log_prefix>.out/.err (stdout to /dev/null if discard_stdout)."""
    log_prefix.parent.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_prefix.with_suffix(".out"), log_prefix.with_suffix(".err")
    rss_path = log_prefix.with_suffix(".rss")
    rss_path.unlink(missing_ok=True)
    wrapped = bool(measure_rss and TIME_BIN)
    full = [TIME_BIN, "-f", "%M", "-o", str(rss_path), *cmd] if wrapped else list(cmd)
    done: dict = {}
    with open(os.devnull if discard_stdout else out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
                                stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True)

        def reap() -> None:
            _, status, _ = os.wait4(proc.pid, 0)
            done["t"], done["status"] = time.perf_counter(), status

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        if stdin_text is not None:
            try:
                proc.stdin.write(stdin_text.encode())
                proc.stdin.close()
            except BrokenPipeError:
                pass
        censored, polled, watched, last_scan = False, 0, [], 0.0
        while True:
            waiter.join(POLL_S)
            if not waiter.is_alive():
                break
            now = time.perf_counter()
            if now - t0 > cap_s:
                censored = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                waiter.join()
                break
            if measure_rss:
                if now - last_scan > RESCAN_S:
                    watched = descendants(proc.pid) + ([] if wrapped else [proc.pid])
                    last_scan = now
                polled = max(polled, sum(_vmrss_kb(p) for p in watched))
        proc.returncode = os.waitstatus_to_exitcode(done["status"])
    timed_kb = 0
    if wrapped and rss_path.exists():
        lines = rss_path.read_text().split()
        timed_kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    return {
        "wall_s": done["t"] - t0,
        "rc": proc.returncode,
        "censored": censored,
        "cap_s": cap_s,
        "peak_rss_kb": max(timed_kb, polled) if measure_rss else None,
        "stdout": "" if discard_stdout else out_path.read_text(errors="replace"),
        "stderr_tail": err_path.read_text(errors="replace")[-2000:],
    }
