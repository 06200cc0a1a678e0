"""Where and when a run happened: CPU, cores, memory, OS, date, repo state."""
from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path


def _cpuinfo(key: str) -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _meminfo_kb(key: str) -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _os_release() -> str | None:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return None


def _git(repo: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=20)
        return proc.stdout.strip() if proc.returncode == 0 else None
    except OSError:
        return None


def describe(repo: Path) -> dict:
    mem = _meminfo_kb("MemTotal")
    return {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu_model": _cpuinfo("model name"),
        "cpu_mhz": _cpuinfo("cpu MHz"),
        "cores_online": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem / 1024 / 1024, 1) if mem else None,
        "os": _os_release(),
        "kernel": platform.release(),
        "loadavg_at_start": os.getloadavg(),
        "repo_commit": _git(repo, "rev-parse", "HEAD") or "no commit yet",
        "repo_dirty": bool(_git(repo, "status", "--porcelain", "--untracked-files=no")),
        "cache": "warm (page cache never dropped; each run's input or database is read once, untimed, right before it)",
    }
