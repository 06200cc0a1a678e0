"""Helpers for tests of temporary files: a database or an export is written
beside its path, unnamed (O_TMPFILE) where the file system allows, else as
`<name>.tmp-<pid>-<n>`, and renamed into place when complete."""
from __future__ import annotations

import os
from pathlib import Path


def unnamed_files_supported(directory: Path) -> bool:
    """Whether files in `directory` can be created unnamed (O_TMPFILE), as gffbase tries first."""
    if not hasattr(os, "O_TMPFILE") or not os.access("/proc/self/fd", os.X_OK):
        return False
    try:
        fd = os.open(directory, os.O_TMPFILE | os.O_RDWR, 0o644)
    except OSError:
        return False
    os.close(fd)
    return True


def open_files(pid: int) -> list:
    """What process `pid`'s descriptors point at, as /proc shows them (empty once it is gone)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return []
    targets = []
    for fd in fds:
        try:
            targets.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            pass
    return targets


def writing_beside(pid: int, directory: Path, name: str) -> bool:
    """Whether process `pid` is writing the temporary file of `directory/name`: a named
    `<name>.tmp-<pid>-<n>`, or an unnamed file in `directory`, which /proc shows as
    `<directory>/#<inode> (deleted)`."""
    if list(directory.glob(name + ".tmp-*")):
        return True
    return any(t.startswith(f"{directory}/#") for t in open_files(pid))
