"""Shared fixtures for the gffbase Python test suite.

``shared_data`` is the directory of real annotations (``/work/shared/data``
next to the repository).  It is optional for a local run — tests that need it
skip with a clear reason — but CI sets ``GFFBASE_REQUIRE_SHARED_DATA=1`` and
then a missing directory is a failure, so a broken checkout cannot pass by
skipping everything.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import gffbase

from _corpora import SHARED_DATA, shared_data_available  # tests/python is on sys.path

REQUIRE_ENV = "GFFBASE_REQUIRE_SHARED_DATA"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: takes more than a few seconds (still runs by default; deselect with -m 'not slow')",
    )


def require_shared_data() -> Path:
    """The shared data directory, or skip (fail when GFFBASE_REQUIRE_SHARED_DATA=1)."""
    if shared_data_available():
        return SHARED_DATA
    msg = (f"shared annotation data not found at {SHARED_DATA} "
           f"(expected <repo>/../shared/data with MANIFEST.tsv)")
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{msg}; {REQUIRE_ENV}=1 requires it", pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of /work/shared/data (read-only); skips or fails when absent."""
    return require_shared_data()


@pytest.fixture(scope="session")
def example_gff3() -> str:
    return gffbase.example_filename("example.gff3")


@pytest.fixture(scope="session")
def example_gtf() -> str:
    return gffbase.example_filename("example.gtf")


@pytest.fixture(scope="session")
def gff3_db_path(tmp_path_factory, example_gff3) -> str:
    """The example GFF3 built once into a file (read-only for the tests)."""
    path = tmp_path_factory.mktemp("example") / "example.gff3.gffdb"
    gffbase.create_db(example_gff3, str(path))
    return str(path)


@pytest.fixture(scope="session")
def gff3_db(gff3_db_path):
    return gffbase.FeatureDB(gff3_db_path)


@pytest.fixture(scope="session")
def gtf_db(tmp_path_factory, example_gtf):
    path = tmp_path_factory.mktemp("example") / "example.gtf.gffdb"
    return gffbase.create_db(example_gtf, str(path))


@pytest.fixture(scope="session")
def gffbase_cli() -> str:
    """Path of the installed `gffbase` command."""
    exe = shutil.which("gffbase")
    if exe is None:
        pytest.fail("the `gffbase` command is not on PATH; install the package with `pip install .`",
                    pytrace=False)
    return exe
