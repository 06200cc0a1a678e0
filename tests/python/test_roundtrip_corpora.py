"""export -> ingest -> export on every annotation corpus in ../shared/data.

For each GFF/GTF/GFF2/GVF file of the MANIFEST (all sizes, the 231 MB mouse GTF
included; the whole module takes well under a minute per 100 MB on a 2-core
machine), this module

1. builds a database (lenient, merge_strategy="create_unique"),
2. exports it in its own dialect with `gffbase export DB -o OUT` (GFF3 for
   GFF3 input, GTF for GTF/GFF2 input: the CLI default),
3. ingests that export and exports again,

and asserts that the two exports are byte-identical and that both databases
hold the same rows (count, types, seqids, and every row's ID, seqid, source,
type, start, end, score, strand and frame).  It also checks the design's
promise that the input text is stored verbatim: the feature lines of the first
export are the input's feature lines (read naively from the raw file), in
input order, except for lines gffbase reports in db.problems().

Three MANIFEST rows labelled GFF are not GFF at all (variant tables); they are
checked to be rejected instead (NOT_GFF).
"""

from __future__ import annotations

import collections
import re
import subprocess

import pytest

import gffbase
from _corpora import annotation_files, open_text, shared_data_available, unread_lines

ALL_SIZES = 1 << 40
# MANIFEST says GFF, but the lines are tab-separated variant tables with no GFF column layout
NOT_GFF = {
    "03_test_suites/gal_testdata/korean_indel.gff": "4 columns: chrom, pos, */+ALLELE, depth",
    "03_test_suites/gal_testdata/korean_snp.gff": "9 columns, but chrom, pos, ref, alleles, rsID ... (col 4 is 'CT')",
    "03_test_suites/gal_testdata/na18507_sanger_indel.gff": "10 columns starting N/A, chrom, pos, depth ...",
}
FILES = [f for f in annotation_files(ALL_SIZES) if f not in NOT_GFF] if shared_data_available() else []


def _export(cli: str, db_path, out_path, *options) -> bytes:
    r = subprocess.run([cli, "export", str(db_path), "-o", str(out_path), *options], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr == "", r.stderr
    return out_path.read_bytes()


def _raw_feature_lines(path):
    """(line number, text) of the input's feature lines: every non-blank, non-# line before ##FASTA / '>'."""
    out = []
    for n, line in enumerate(open_text(path), 1):
        line = line.rstrip("\r\n")
        if line.startswith("##FASTA") or line.startswith(">"):
            break
        if not line.strip() or line.startswith("#"):
            continue
        out.append((n, line))
    return out


def _export_feature_lines(data: bytes):
    out = []
    for line in data.decode("utf-8", errors="replace").split("\n"):
        if line.startswith("##FASTA"):
            break
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _all_rows(db):
    """Every row with coordinates (id, seqid, source, type, start, end, score, strand, frame), in file order."""
    t = db.region_batched([(s, 1, 1 << 62) for s in sorted(db.seqids())])
    t = t.sort_by([("file_order", "ascending")])
    return t.drop_columns(["query_idx", "query_seqid", "query_start", "query_end", "file_order"])


def _summary(db):
    types = sorted(db.featuretypes())
    return {
        "features": len(db),
        "types": {t: db.count_features_of_type(t) for t in types},
        "seqids": sorted(db.seqids()),
        "format": db.meta()["format"],
    }


@pytest.mark.slow
@pytest.mark.parametrize("rel", FILES or ["<no shared data>"])
def test_export_ingest_export(rel, shared_data, tmp_path, gffbase_cli):
    path = shared_data / rel
    assert path.is_file(), rel
    db1_path, db2_path = tmp_path / "a.gffdb", tmp_path / "b.gffdb"
    e1_path, e2_path = tmp_path / "export1", tmp_path / "export2"
    cleanup = [db1_path, db2_path, e1_path, e2_path]
    try:
        db1 = gffbase.create_db(str(path), str(db1_path), merge_strategy="create_unique")
        export1 = _export(gffbase_cli, db1_path, e1_path)
        db2 = gffbase.create_db(str(e1_path), str(db2_path), merge_strategy="create_unique")
        export2 = _export(gffbase_cli, db2_path, e2_path)

        # the round trip is a fixed point
        assert export1 == export2, f"{rel}: second export differs from the first"
        s1, s2 = _summary(db1), _summary(db2)
        assert s1["features"] > 0
        assert s1 == s2
        rows1, rows2 = _all_rows(db1), _all_rows(db2)
        assert rows1.num_rows == rows2.num_rows > 0
        assert rows1.equals(rows2), rel

        # the first export reproduces the input's feature lines verbatim, modulo reported problems
        raw = _raw_feature_lines(path)
        problems = db1.problems()
        problem_lines = {line for line, _, _ in problems}
        exported = _export_feature_lines(export1)
        mismatch, dropped = _align(raw, exported, problem_lines)
        assert mismatch is None, (rel, mismatch)
        assert len(raw) - len(exported) == len(dropped)
        unread = unread_lines(problems)
        assert dropped <= unread, sorted(dropped - unread)[:5]  # only lines with an error (or UCSC lines) go
        if not problems:
            assert exported == [text for _, text in raw]
        # inferred GTF genes/transcripts written out with --include-synthetic come back as ordinary rows
        n_synthetic = len(db1) - len(exported)
        assert n_synthetic >= 0
        if n_synthetic:
            assert s1["format"] != "gff3"
            e3_path, db3_path, e4_path = tmp_path / "export3", tmp_path / "c.gffdb", tmp_path / "export4"
            cleanup += [e3_path, db3_path, e4_path]
            export3 = _export(gffbase_cli, db1_path, e3_path, "--include-synthetic")
            assert len(_export_feature_lines(export3)) == len(db1)
            db3 = gffbase.create_db(str(e3_path), str(db3_path), merge_strategy="create_unique")
            assert _export(gffbase_cli, db3_path, e4_path, "--include-synthetic") == export3
            assert _export(gffbase_cli, db3_path, e4_path) == export3  # nothing is synthetic any more
            assert _summary(db3) == s1
            assert _all_rows(db3).equals(rows1), rel

        # the kept lines draw the same complaints on the second ingest (paths and line numbers aside), except
        # that lines read from space-separated columns were exported tab-separated (their quoted text differs)
        # and trailing tabs were not exported (their warning is gone)
        want = collections.Counter(_norm(p, path) for p in problems
                                   if p[0] not in dropped and "found columns separated by spaces" not in p[2]
                                   and "(a trailing tab)" not in p[2])
        got = collections.Counter(_norm(p, e1_path) for p in db2.problems())
        assert got == want, (rel, list((got - want).elements())[:2], list((want - got).elements())[:2])
    finally:
        for p in cleanup:  # the mouse databases are ~450 MB each; pytest keeps old temp dirs
            p.unlink(missing_ok=True)


def _norm(problem, path):
    """A problem without the file name and line numbers: (is_error, message)."""
    _, is_error, message = problem
    message = re.sub(r"^.*?:\d+: ", "", message.replace(str(path), "<file>"), count=1)
    message = re.sub(r"(?:\\t| )+", " ", message)  # the quoted line, tab- or space-separated
    return is_error, re.sub(r"\bline \d+", "line N", message)


def _align(raw, exported, problem_lines):
    """Walks the input and the export together: a clean input line must be the next exported line; a line
    reported as a problem may be missing (dropped) or differ (kept, rewritten).  Returns (None, dropped
    input line numbers) when they agree, else (a description of the first disagreement, ...)."""
    j = 0
    dropped = set()
    for k, (n, text) in enumerate(raw):
        if j < len(exported) and exported[j] == text:
            j += 1
        elif n in problem_lines:
            if j < len(exported) and exported[j] not in _upcoming(raw, k + 1, problem_lines):
                j += 1  # kept, but not verbatim
            else:
                dropped.add(n)
        else:
            return {"input line": n, "input": text, "export line": j,
                    "export": exported[j] if j < len(exported) else "<end of export>"}, dropped
    if j != len(exported):
        return {"extra exported lines": exported[j:j + 3]}, dropped
    return None, dropped


def _upcoming(raw, k, problem_lines):
    """Texts of raw[k:] up to and including the next line without a problem."""
    out = set()
    for n, text in raw[k:]:
        out.add(text)
        if n not in problem_lines:
            break
    return out


@pytest.mark.parametrize("rel", sorted(NOT_GFF))
def test_non_gff_files_are_rejected(rel, shared_data):
    with pytest.raises(gffbase.InvalidInputError, match="no feature lines found"):
        gffbase.create_db(str(shared_data / rel), ":memory:")


def test_every_annotation_file_is_covered(shared_data):
    files = annotation_files(ALL_SIZES)
    assert len(files) > 300
    assert set(FILES) | set(NOT_GFF) == set(files)
    assert "01_whole_genome/mouse_mm10_dropseq/DERIVED_mm10_ensembl_like.gtf.gz" in FILES
