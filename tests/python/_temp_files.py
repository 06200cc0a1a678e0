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


def writing_beside(pid: int, directory: Path, name: str) -> bool:
    """Whether process `pid` is writing the temporary file of `directory/name`: a named
    `<name>.tmp-<pid>-<n>`, or an unnamed file in `directory`, which /proc shows as
    `<directory>/#<inode> (deleted)`."""
    if list(directory.glob(name + ".tmp-*")):
        return True
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(f"{directory}/#"):
            return True
    return False
