"""Run one measured subprocess: wall time, peak RSS, cap (censoring).

Peak RSS is the larger of
  * `ru_maxrss` from os.wait4() on the child: the child's own high-water mark,
    and that of any descendant it waited for (Linux semantics), and
  * the largest sum of VmRSS over the child and all its live descendants seen
    by polling /proc every POLL_S seconds (catches concurrent helpers).
A run still going at `cap_s` gets its whole process group killed and is marked
censored; its time is reported as ">cap", never extrapolated.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

POLL_S = 0.05


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _descendants(root: int) -> list[int]:
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            parent[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [], [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        found.extend(kids)
        frontier.extend(kids)
    return found


def _tree_rss_kb(pid: int, scan_tree: bool) -> int:
    pids = [pid] + (_descendants(pid) if scan_tree else [])
    return sum(_status_kb(p, "VmRSS:") for p in pids)


def run(cmd: list[str], *, stdin_text: str | None = None, cap_s: float,
        log_prefix: Path, cwd: str | Path | None = None, env: dict | None = None,
        scan_tree: bool = True, discard_stdout: bool = False) -> dict:
    """Run `cmd`; stdout/stderr go to <log_prefix>.out/.err (read back after).

    discard_stdout sends stdout to /dev/null instead (the `cat`/`gzip` floors).
    """
    log_prefix.parent.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_prefix.with_suffix(".out"), log_prefix.with_suffix(".err")
    with open(os.devnull if discard_stdout else out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
                                stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True)
        if stdin_text is not None:
            proc.stdin.write(stdin_text.encode())
            proc.stdin.close()
        censored, polled_peak, polls = False, 0, 0
        while True:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - t0
            if elapsed > cap_s:
                censored = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                pid, status, rusage = os.wait4(proc.pid, 0)
                break
            # Scanning all of /proc costs a few ms: do it every 10th poll only.
            polled_peak = max(polled_peak, _tree_rss_kb(proc.pid, scan_tree and polls % 10 == 0))
            polls += 1
            time.sleep(POLL_S if elapsed > 0.5 else POLL_S / 5)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    if censored:  # reap stragglers of the killed group, best effort
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return {
        "wall_s": wall,
        "rc": proc.returncode,
        "censored": censored,
        "cap_s": cap_s,
        "peak_rss_kb": max(rusage.ru_maxrss, polled_peak),
        "stdout": "" if discard_stdout else out_path.read_text(errors="replace"),
        "stderr_tail": err_path.read_text(errors="replace")[-2000:],
    }
