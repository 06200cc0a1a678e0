"""Physical floors: the cost of just reading each input, measured in the same run.

  wc      wc -l FILE
  cat     cat FILE > /dev/null
  gzip    gzip -dc FILE > /dev/null        (.gz inputs only)

Ingest is reported as a ratio to the floor of its own input: `gzip` for .gz
files, `cat` otherwise. Floors are whole-process wall times (as is the CLI).
"""
from __future__ import annotations

FLOORS = ("wc", "cat", "gzip")


def floor_commands(path: str, gz: bool) -> dict[str, list[str]]:
    cmds = {"wc": ["wc", "-l", path], "cat": ["cat", path]}
    if gz:
        cmds["gzip"] = ["gzip", "-dc", path]
    return cmds


def reference_floor(gz: bool) -> str:
    return "gzip" if gz else "cat"
