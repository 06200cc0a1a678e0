"""The README's examples and every docs/ page run as tests (their code blocks assert)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))


def python_blocks(text: str):
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("page", [p for p in DOCS if python_blocks(p.read_text())], ids=lambda p: p.name)
def test_docs_page_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in python_blocks(page.read_text()):
        exec(compile(block, str(page), "exec"), namespace)


def test_readme_python_quickstart(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    block = python_blocks((ROOT / "README.md").read_text())[0]
    out = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True, check=True).stdout
    # Each print line in the README carries its expected output as a comment.
    expected = [m.strip() for m in re.findall(r"print\(.*\)\s+#\s*(.*)", block)]
    assert out.splitlines() == expected


def test_readme_cli_quickstart(tmp_path):
    import gffbase

    text = (ROOT / "README.md").read_text()
    block = re.search(r"## CLI quickstart\n\n```bash\n(.*?)```", text, flags=re.S).group(1)
    shutil.copy(gffbase.example_filename("example.gff3"), tmp_path / "example.gff3")
    for line in block.strip().splitlines():
        cmd = line.split("#")[0].strip()
        result = subprocess.run(cmd, shell=True, cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, f"{cmd}: {result.stderr}"
        assert result.stdout.strip() or cmd.startswith("gffbase export"), cmd
    gtf = (tmp_path / "example.gtf").read_text()
    assert gtf.count("\texon\t") == 7 and 'ID "tx1.e1"; Parent "tx1";' in gtf
