"""Virtual environments for the peers (and for plotting), and version probes.

Each peer lives in its own venv under bench/.venvs/ (gitignored) because
gffbase 0.3.0 on PyPI shares our import name `gffbase`. Our own gffbase is the
one importable by `--ours-python` (default: the interpreter running run.py).

Pins, and why:
* gffutils==0.13 (the version under comparison).
* gffbase==0.3.0 with duckdb<2. gffbase 0.3.0 declares `duckdb>=1.4.1`, so
  pip resolves duckdb 2.0.0, with which its batched Arrow path raises
  AttributeError (`_materialize_batched` evaluates `cur.fetch_arrow_table`, gone
  in duckdb 2.0, as a getattr default). duckdb<2 (1.5.x) is the newest release
  it works with; the installed versions are recorded in every result file.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
VENVS = BENCH / ".venvs"

VENV_REQUIREMENTS = {
    "gffutils": ["gffutils==0.13"],
    "gffbase03": ["gffbase==0.3.0", "duckdb<2"],
    "report": ["matplotlib", "numpy"],
}
# Distributions whose versions are recorded for each tool's interpreter.
VERSION_DISTS = {
    "gffutils": ["gffutils", "pyfaidx", "simplejson", "argh"],
    "gffbase03": ["gffbase", "duckdb", "pyarrow"],
    "gffbase": ["gffbase", "pyarrow", "duckdb", "numpy"],
}


def venv_python(name: str) -> Path:
    return VENVS / name / "bin" / "python"


def ensure_venv(name: str, log=print) -> Path:
    """Create bench/.venvs/<name> and install its pinned requirements once."""
    reqs = VENV_REQUIREMENTS[name]
    py = venv_python(name)
    stamp = VENVS / name / "bench-requirements.json"
    if py.exists() and stamp.exists() and json.loads(stamp.read_text()) == reqs:
        return py
    log(f"[setup] creating venv {name}: {' '.join(reqs)}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENVS / name)], check=True)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    proc = subprocess.run([str(py), "-m", "pip", "install", "-q", *reqs],
                          env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"pip install into {name} failed:\n{proc.stderr[-3000:]}")
    stamp.write_text(json.dumps(reqs))
    return py


_PROBE = r"""
import json, sys, platform, importlib, importlib.metadata as md
mod, dists = sys.argv[1], sys.argv[2].split(",")
out = {"python": platform.python_version(), "executable": sys.executable, "dists": {}}
for d in dists:
    try:
        out["dists"][d] = md.version(d)
    except md.PackageNotFoundError:
        pass
try:
    m = importlib.import_module(mod)
    out["module_version"] = getattr(m, "__version__", None)
    out["module_file"] = getattr(m, "__file__", None)
    # The compiled core, rebuilt by every install (pip keeps the .py files' mtimes).
    out["build_file"] = getattr(getattr(m, "_core", None), "__file__", None) or out["module_file"]
    out["has_FeatureDB"] = hasattr(m, "FeatureDB")
    out["has_region_batched"] = hasattr(getattr(m, "FeatureDB", None), "region_batched")
    out["has_children_batched"] = hasattr(getattr(m, "FeatureDB", None), "children_batched")
    if mod == "gffutils":
        import sqlite3
        out["sqlite"] = sqlite3.sqlite_version
    out["importable"] = True
except Exception as exc:
    out["importable"] = False
    out["error"] = f"{type(exc).__name__}: {exc}"
print(json.dumps(out))
"""


def probe(python: str | Path, module: str, dists: list[str]) -> dict:
    """Versions of `dists` and import status of `module` under `python`."""
    try:
        proc = subprocess.run([str(python), "-c", _PROBE, module, ",".join(dists)],
                              capture_output=True, text=True, timeout=120, cwd="/")
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except Exception as exc:  # missing interpreter, crash on import, ...
        return {"importable": False, "error": f"{type(exc).__name__}: {exc}"}


def ours_status(python: str | Path) -> dict:
    """Ours counts as available only if FeatureDB imports and it is not 0.3.x."""
    info = probe(python, "gffbase", VERSION_DISTS["gffbase"])
    version = str(info.get("module_version") or "")
    info["available"] = bool(info.get("importable") and info.get("has_FeatureDB")
                             and not version.startswith("0.3"))
    if info.get("importable") and version.startswith("0.3"):
        info["why_not"] = f"gffbase {version} under {python} is the PyPI peer, not ours"
    elif not info["available"]:
        info["why_not"] = info.get("error", "gffbase.FeatureDB missing")
    return info


def ours_cli(python: str | Path) -> str | None:
    """The `gffbase` console script installed beside --ours-python, if any."""
    cand = Path(python).parent / "gffbase"
    if cand.exists():
        return str(cand)
    real = Path(os.path.realpath(python)).parent / "gffbase"
    return str(real) if real.exists() else None
