"""The tools under comparison and the ingest configurations ("rows") of each.

Tool names used on the command line (`--tools`):
  gffutils     gffutils 0.13            (venv bench/.venvs/gffutils)
  gffbase03    gffbase 0.3.0 from PyPI  (venv bench/.venvs/gffbase03)
  gffbase      ours, imported by --ours-python
  gffbase-cli  ours, `gffbase ingest INPUT -o DB --force` (ingest only)
"""
from __future__ import annotations

# Maintainer-recommended gffutils options (also given to gffbase 0.3, which
# mirrors gffutils' create_db). For GFF3 input the disable_infer_* flags are
# irrelevant but harmless.
RECOMMENDED = {"disable_infer_genes": True, "disable_infer_transcripts": True,
               "merge_strategy": "create_unique", "keep_order": False}

TOOLS = {
    "gffutils": {"module": "gffutils", "venv": "gffutils", "ext": ".sqlite"},
    "gffbase03": {"module": "gffbase", "venv": "gffbase03", "ext": ".duckdb"},
    "gffbase": {"module": "gffbase", "venv": None, "ext": ".gffdb"},
}

# Ingest rows, in table order. `kwargs` go to create_db(path, dbfn, **kwargs).
INGEST_ROWS = {
    "gffutils-default": {"tool": "gffutils", "kwargs": {"force": True}},
    "gffutils-rec": {"tool": "gffutils", "kwargs": {"force": True, **RECOMMENDED}},
    "gffbase03-default": {"tool": "gffbase03", "kwargs": {"force": True}},
    "gffbase03-rec": {"tool": "gffbase03", "kwargs": {"force": True, **RECOMMENDED}},
    "gffbase": {"tool": "gffbase", "kwargs": {"force": True}},
    "gffbase-rec": {"tool": "gffbase", "kwargs": {"force": True, **RECOMMENDED}},
    "gffbase-cli": {"tool": "gffbase", "cli": True},
}
ROW_SELECTOR = {"gffutils-default": "gffutils", "gffutils-rec": "gffutils",
                "gffbase03-default": "gffbase03", "gffbase03-rec": "gffbase03",
                "gffbase": "gffbase", "gffbase-rec": "gffbase", "gffbase-cli": "gffbase-cli"}

# Which ingest row's database each tool queries (first one that succeeded).
# Every tool queries the database built with the recommended options: the
# defaults reject common inputs (duplicate IDs), take far longer (gffutils'
# GTF inference), and would make the tools' feature sets differ.
QUERY_DB = {"gffutils": ["gffutils-rec", "gffutils-default"],
            "gffbase03": ["gffbase03-rec", "gffbase03-default"],
            "gffbase": ["gffbase-rec", "gffbase", "gffbase-cli"]}
# Reference row for ingest ratios, with fallbacks for corpora where it failed.
INGEST_REF = {"gffbase": ["gffbase", "gffbase-rec", "gffbase-cli"],
              "gffbase03": ["gffbase03-rec", "gffbase03-default"],
              "gffutils": ["gffutils-rec", "gffutils-default"]}

ALL_SELECTORS = ["gffutils", "gffbase03", "gffbase", "gffbase-cli"]
REFERENCE_ORDER = ["gffbase", "gffbase03", "gffutils"]   # "ratio vs" column


# Rows left out unless asked for (--gffbase03-default): budget. In trials it
# failed like gffutils-default (duplicate IDs) or raised SynthesisConflictError.
OPTIONAL_ROWS = {"gffbase03-default"}


def ingest_rows(selected: list[str], optional: set[str] = frozenset()) -> list[str]:
    return [row for row, sel in ROW_SELECTOR.items()
            if sel in selected and (row not in OPTIONAL_ROWS or row in optional)]


def db_ext(row: str) -> str:
    return TOOLS[INGEST_ROWS[row]["tool"]]["ext"]
