"""Feature.sequence's FASTA reader (gffbase.fasta) against a naive reference:
the whole file read, headers split, line ends dropped, then sliced."""
from __future__ import annotations

import gzip
import os
import random

import pytest

from gffbase import fasta as fasta_mod
from gffbase.feature import feature_from_line


def naive(text: str) -> dict:
    seqs, name = {}, None
    for line in text.splitlines():
        if line.startswith(">"):
            name = line[1:].split()[0] if line[1:].split() else ""
            seqs[name] = []
        elif name is not None:
            seqs[name].append(line.strip("\r"))
    return {k: "".join(v) for k, v in seqs.items()}


def write_fasta(path, records, width, eol="\n", widths=None, final_newline=True):
    rng = random.Random(len(records) * 7 + width)
    parts = []
    for name, seq in records.items():
        parts.append(f">{name} some description{eol}")
        i = 0
        while i < len(seq):
            w = widths[rng.randrange(len(widths))] if widths else width
            parts.append(seq[i:i + w] + eol)
            i += w
    text = "".join(parts)
    if not final_newline:
        text = text.rstrip("\r\n")
    path.write_bytes(text.encode())
    return text


def random_records(seed, n=4):
    rng = random.Random(seed)
    return {f"chr{i}": "".join(rng.choice("ACGTN") for _ in range(rng.randrange(0, 700))) for i in range(n)}


CASES = {
    "regular": dict(width=60),
    "crlf": dict(width=50, eol="\r\n"),
    "one_long_line": dict(width=10_000),
    "irregular": dict(width=60, widths=[7, 60, 13, 60]),
    "no_final_newline": dict(width=61, final_newline=False),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_slice_matches_a_naive_read(tmp_path, case):
    records = random_records(hash(case) % 1000)
    records["empty"] = ""
    path = tmp_path / "g.fa"
    text = write_fasta(path, records, **CASES[case])
    want = naive(text)
    fa = fasta_mod.FastaFile(path)
    assert set(fa.keys()) == set(want)
    rng = random.Random(1)
    for name, seq in want.items():
        assert fa.length(name) == len(seq)
        for _ in range(60):
            a = rng.randrange(-5, len(seq) + 5)
            b = a + rng.randrange(0, 80)
            assert fa.fetch(name, a, b) == seq[max(1, a) - 1:max(0, min(b, len(seq)))], (name, a, b)
    fa.close()


def test_irregular_lines_give_the_right_bases_through_feature_sequence(tmp_path):
    path = tmp_path / "irregular.fa"
    path.write_text(">chr1\nACGTACGTAC\nGGGG\nTTTTTTTTTT\nCCCCC\n")
    f = feature_from_line("chr1\t.\texon\t11\t20\t.\t+\t.\tID=e1")
    assert f.sequence(str(path)) == "GGGGTTTTTT"  # the line-width arithmetic alone gave 9 bases
    f.strand = "-"
    assert f.sequence(str(path)) == "AAAAAACCCC"


def test_gzip_and_a_first_line_that_is_not_a_header(tmp_path):
    text = "\n>s1\nACGT\nAC\n>s2 x\n\n>s3\nGGGCCC\n"
    path = tmp_path / "g.fa.gz"
    path.write_bytes(gzip.compress(text.encode()))
    fa = fasta_mod.FastaFile(path)
    assert {k: fa.fetch(k, 1, 100) for k in fa.keys()} == {"s1": "ACGTAC", "s2": "", "s3": "GGGCCC"}


def test_a_file_is_indexed_once_and_again_when_it_changes(tmp_path, monkeypatch):
    path = tmp_path / "g.fa"
    path.write_text(">c\nAAAACCCCGG\n")
    scans = []
    real_open = fasta_mod._open_reader
    monkeypatch.setattr(fasta_mod, "_open_reader", lambda p: scans.append(1) or real_open(p))
    f = feature_from_line("c\t.\texon\t5\t8\t.\t+\t.\tID=e")
    assert [f.sequence(str(path)) for _ in range(50)] == ["CCCC"] * 50
    assert len(scans) == 1
    path.write_text(">c\nTTTTGGGGAAAAA\n")
    os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns + 10**9))
    assert f.sequence(str(path)) == "GGGG" and len(scans) == 2


def test_an_up_to_date_fai_is_used_and_a_stale_one_ignored(tmp_path):
    path = tmp_path / "g.fa"
    path.write_text(">a desc\nACGTA\nCG\n>b\nTTT\n")
    fai = tmp_path / "g.fa.fai"
    # As samtools faidx writes it, but with names of its own: which names the reader knows shows
    # whether it read the .fai or scanned the file.
    fai.write_text("a_fai\t7\t8\t5\t6\nb_fai\t3\t20\t3\t4\n")
    os.utime(fai, ns=(os.stat(path).st_mtime_ns + 10**9,) * 2)
    fa = fasta_mod.FastaFile(path)
    assert fa.keys() == ["a_fai", "b_fai"]
    assert (fa.fetch("a_fai", 1, 7), fa.fetch("b_fai", 2, 3)) == ("ACGTACG", "TT")
    os.utime(fai, ns=(os.stat(path).st_mtime_ns - 10**9,) * 2)  # older than the FASTA: not trusted
    fa = fasta_mod.FastaFile(path)
    assert fa.keys() == ["a", "b"] and fa.fetch("a", 1, 7) == "ACGTACG"
    os.utime(fai, ns=(os.stat(path).st_mtime_ns + 10**9,) * 2)
    fai.write_text("a\t99\t0\t5\t6\n")  # up to date but pointing past the file's end: scanned instead
    fa = fasta_mod.FastaFile(path)
    assert fa.keys() == ["a", "b"] and fa.length("a") == 7


def test_an_unknown_seqid_is_named(tmp_path):
    path = tmp_path / "g.fa"
    path.write_text(">chr1\nACGT\n")
    with pytest.raises(KeyError, match="no sequence named 'chr2'"):
        feature_from_line("chr2\t.\texon\t1\t2\t.\t+\t.\tID=e").sequence(str(path))


def test_slices_of_real_genomes_match_a_naive_read(shared_data):
    for rel in ("01_whole_genome/yeast_ensembl_R64-1-1.96/Saccharomyces_cerevisiae.R64-1-1.dna.toplevel.fa.gz",
                "02_chromosome_subsets/flybase_dmel_chr4_GAL/dmel-4-chromosome-r5.46.fasta"):
        path = shared_data / rel
        opener = gzip.open if rel.endswith(".gz") else open
        with opener(path, "rt") as fh:
            want = naive(fh.read())
        fa = fasta_mod.open_fasta(path)
        assert fasta_mod.open_fasta(path) is fa  # indexed once
        rng = random.Random(7)
        for name in sorted(want):
            seq = want[name]
            for _ in range(50):
                a = rng.randrange(1, len(seq) + 1)
                b = min(len(seq), a + rng.randrange(0, 5000))
                assert fa.fetch(name, a, b) == seq[a - 1:b], (rel, name, a, b)
