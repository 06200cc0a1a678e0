"""Proteins: FeatureDB.sequences_batched(..., translate=...) and `gffbase sequences
--translate`, checked against a naive translator written here from NCBI's tables,
against NCBI's own protein records (E. coli RefSeq: every protein begins with M,
selenoproteins carry U), and, side by side, against gffread (Debian's package,
which scripts/install-deps.sh installs): its spliced transcripts (-w), coding
sequences (-x) and proteins (-y) on the yeast genome."""
from __future__ import annotations

import gzip
import os
import random
import shutil
import subprocess

import pytest

import gffbase
from gffbase.errors import InvalidArgumentError
from gffbase.fasta import translate

from conftest import REQUIRE_ENV
from test_sequences import YEAST, naive_fasta, naive_spliced, yeast  # noqa: F401 (a fixture)

BASES = "TCAG"
# NCBI's tables 1 and 11, written out as NCBI prints them (codons in TCAG order).
NCBI = {
    1: ("FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
        "---M---------------M---------------M----------------------------"),
    11: ("FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
         "---M---------------M------------MMMM---------------M------------"),
}


def naive_translate(cds: str, table: int = 1, phase: int = 0, complete_start: bool = True) -> str:
    """Codon by codon from the table text: unambiguous bases only (anything else is X)."""
    amino, starts = NCBI[table]
    out = []
    cds = cds.upper()[phase:]
    for i in range(0, len(cds) - 2, 3):
        codon = cds[i:i + 3]
        if any(b not in BASES for b in codon):
            out.append("X")
            continue
        k = BASES.index(codon[0]) * 16 + BASES.index(codon[1]) * 4 + BASES.index(codon[2])
        out.append("M" if i == 0 and complete_start and starts[k] == "M" else amino[k])
    if out and out[-1] == "*":
        out.pop()
    return "".join(out)


def test_translate_function_matches_the_naive_translator_on_random_sequences():
    rng = random.Random(11)
    for _ in range(2000):
        cds = "".join(rng.choice("ACGTacgt") for _ in range(rng.randrange(0, 40)))
        table = rng.choice([1, 11])
        phase = rng.randrange(3)
        complete = rng.random() < 0.5
        assert translate(cds, table, phase, complete) == naive_translate(cds, table, phase, complete), (cds, table)
    assert translate("ATGNNNGCNTAA") == "MXA"  # ambiguity codes: GCN is alanine whatever N is
    with pytest.raises(InvalidArgumentError, match="genetic_code: expected an NCBI genetic code"):
        translate("ATG", 7)
    with pytest.raises(InvalidArgumentError, match="phase: expected 0, 1 or 2"):
        translate("ATG", 1, 3)
    with pytest.raises(InvalidArgumentError, match="genetic_code: expected an NCBI genetic code"):
        translate("ATG", 2**40)
    # A CDS that begins mid-codon is 5'-partial: by default its first codon is read literally.
    assert translate("CGTGAAA", 11, phase=1) == "VK"
    assert translate("CGTGAAA", 11, phase=1, complete_start=True) == "MK"


def test_yeast_proteins_equal_the_naive_translation_of_the_naive_cds(yeast):
    db, fasta = yeast
    genome = naive_fasta(fasta)
    coding = sorted({f.id for f in db.features_of_type("transcript")
                     if any(True for _ in db.children(f.id, featuretype="CDS", level=1))})
    sample = random.Random(5).sample(coding, 300)
    t = db.sequences_batched(sample, fasta, featuretype=["CDS", "stop_codon"], translate=True)
    assert t["anchor"].to_pylist() == sample
    for row in t.to_pylist():
        cds = naive_spliced(db, genome, row["anchor"], {"CDS", "stop_codon"})
        assert row["length"] == len(cds)  # still the bases joined
        # Ensembl's yeast CDS all begin in phase 0: the whole CDS is read.
        assert row["sequence"] == naive_translate(cds), row["anchor"]
    proteins = t["sequence"].to_pylist()
    assert sum(p.startswith("M") for p in proteins) / len(proteins) > 0.99
    # Nuclear genes read with the standard code have no stop inside.
    nuclear = [p for p, s in zip(proteins, t["seqid"].to_pylist()) if s != "Mito"]
    assert sum("*" in p for p in nuclear) == 0


def test_ecoli_refseq_proteins_are_ncbi_s(shared_data, tmp_path):
    base = shared_data / "01_whole_genome/ecoli_K12_MG1655_refseq"
    db = gffbase.create_db(str(base / "GCF_000005845.2_ASM584v2_genomic.releaseB.gff.gz"), str(tmp_path / "e.gffdb"),
                           merge_strategy="create_unique")
    fasta = str(base / "GCF_000005845.2_ASM584v2_genomic.fna.gz")
    proteins = [f for f in db.features_of_type("CDS") if f.attributes.get("protein_id")]
    assert all(f.attributes["transl_table"] == ["11"] for f in proteins)
    t = db.sequences_batched([f.id for f in proteins], fasta, featuretype="CDS", translate=True)
    seqs = dict(zip(t["anchor"].to_pylist(), t["sequence"].to_pylist()))
    assert len(seqs) > 3900
    # NCBI's protein records: GTG and TTG starts read as M under table 11, no stop inside or at the end...
    assert all(s.startswith("M") and "*" not in s for s in seqs.values())
    tc = db.sequences_batched(list(seqs), fasta, featuretype="CDS")
    cds = dict(zip(tc["anchor"].to_pylist(), tc["sequence"].to_pylist()))
    assert sum(c[:3] != "ATG" for c in cds.values()) > 300
    # ...and the TGA that transl_except names is selenocysteine (fdhF, fdnG, fdoG).
    sec = {f.id for f in proteins if "transl_except" in f.attributes}
    assert len(sec) == 3
    for i in sec:
        assert seqs[i].count("U") == 1, i
        k = seqs[i].index("U")
        assert cds[i][3 * k:3 * k + 3] == "TGA"
    # With table 1 forced, GTG starts are valine and the selenocysteines still U.
    t1 = db.sequences_batched(list(seqs), fasta, featuretype="CDS", translate=1)
    one = dict(zip(t1["anchor"].to_pylist(), t1["sequence"].to_pylist()))
    assert all(one[i].startswith("V") for i in seqs if cds[i][:3] == "GTG")
    assert all("U" in one[i] for i in sec)


def test_phase_partial_ends_and_bad_tables(tmp_path):
    # chrB by position: 1-6 GTGAAA, 7-9 CCC, 10-15 TTTTAA, 16 C, 17-21 TCAGG, 22-23 AA, 24-28 GCATG, 29-30 CC.
    text = ("##gff-version 3\n"
            "chrB\tt\tCDS\t1\t6\t.\t+\t0\tID=p1;transl_table=11\n"
            "chrB\tt\tCDS\t10\t15\t.\t+\t0\tID=p1;transl_table=11\n"
            "chrB\tt\tCDS\t1\t15\t.\t+\t0\tID=p2;transl_table=11;start_range=.,1\n"
            "chrB\tt\tmRNA\t17\t28\t.\t-\t.\tID=m1\n"
            "chrB\tt\tCDS\t17\t21\t.\t-\t2\tParent=m1\n"
            "chrB\tt\tCDS\t24\t28\t.\t-\t1\tParent=m1\n"
            "chrB\tt\tCDS\t1\t6\t.\t+\t0\tID=x1;transl_table=abc\n"
            "##FASTA\n>chrB\nGTGAAACCCTTTTAACTCAGGAAGCATGCC\n")
    (tmp_path / "c.gff3").write_text(text)
    db = gffbase.create_db(str(tmp_path / "c.gff3"), str(tmp_path / "c.gffdb"))
    t = db.sequences_batched(["p1", "p2", "m1"], featuretype="CDS", translate=True)
    assert t["sequence"].to_pylist() == ["MKF", "VKPF", "MP"]
    assert t["length"].to_pylist() == [12, 15, 10]
    t = db.sequences_batched(["m1", "x1"], featuretype="CDS", translate=True, missing="null")
    assert t["sequence"].to_pylist() == ["MP", None]
    assert t["problem"].to_pylist()[1] == ("feature 'x1': transl_table=abc (line 8) names no NCBI genetic code "
                                           "(1-6, 9-16, 21-33)")
    with pytest.raises(InvalidArgumentError, match="transl_table=abc"):
        db.sequences_batched(["x1"], featuretype="CDS", translate=True)
    assert db.sequences_batched(["x1"], featuretype="CDS", translate=11)["sequence"].to_pylist() == ["MK"]
    import numpy as np
    assert db.sequences_batched(["x1"], featuretype="CDS", translate=np.int64(11))["sequence"].to_pylist() == ["MK"]
    with pytest.raises(InvalidArgumentError, match="cannot be asked without the strand"):
        db.sequences_batched(["m1"], featuretype="CDS", translate=True, use_strand=False)
    for bad in (7, 0, "11", 1.0, 2**40):
        with pytest.raises(InvalidArgumentError, match="translate: expected True, False or an NCBI genetic code"):
            db.sequences_batched(["p1"], featuretype="CDS", translate=bad)


def _gffread():
    exe = shutil.which("gffread")
    if exe is None:
        msg = "gffread is not installed (scripts/install-deps.sh installs Debian's package)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{msg}; {REQUIRE_ENV}=1 requires it", pytrace=False)
        pytest.skip(msg)
    return exe


def _read_fasta(path) -> dict:
    return {k: v.upper() for k, v in naive_fasta(path).items()}


@pytest.mark.slow
def test_cli_transcripts_cds_and_proteins_equal_gffread_s(yeast, shared_data, gffbase_cli, tmp_path):
    gffread = _gffread()
    db, fasta_gz = yeast
    # gffread reads plain files (it writes a .fai beside the FASTA).
    genome = tmp_path / "yeast.fa"
    genome.write_text("".join(f">{k}\n{v}\n" for k, v in naive_fasta(fasta_gz).items()))
    gtf = tmp_path / "yeast.gtf"
    with gzip.open(shared_data / YEAST / "Saccharomyces_cerevisiae.R64-1-1.96.gtf.gz", "rt") as src:
        gtf.write_text(src.read())
    subprocess.run([gffread, "-w", str(tmp_path / "g_tx.fa"), "-x", str(tmp_path / "g_cds.fa"),
                    "-y", str(tmp_path / "g_prot.fa"), "-g", str(genome), str(gtf)], check=True,
                   capture_output=True)
    ours = {}
    for name, extra in (("tx", []), ("cds", ["--type", "CDS", "--type", "stop_codon"]),
                        ("prot", ["--type", "CDS", "--type", "stop_codon", "--translate"])):
        out = tmp_path / f"o_{name}.fa"
        run = subprocess.run([gffbase_cli, "sequences", db.dbfn, "--of-type", "transcript", "--fasta", str(genome),
                              "--skip-unavailable", "-o", str(out), *extra], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        ours[name] = _read_fasta(out)
    theirs = {name: _read_fasta(tmp_path / f"g_{name}.fa") for name in ("tx", "cds", "prot")}
    # gffread names a transcript whose gene has the same ID by that ID; gffutils (and gffbase) give the
    # transcript the unique ID "<id>_1".  Everything else is named alike.
    renamed = {k[:-2]: v for k, v in ours["tx"].items() if k.endswith("_1") and k[:-2] in theirs["tx"]}
    assert len(renamed) < 20
    assert {**{k: v for k, v in ours["tx"].items() if k[:-2] not in renamed}, **renamed} == theirs["tx"]
    assert ours["cds"] == theirs["cds"]
    assert len(ours["prot"]) == len(theirs["prot"]) > 6000
    # gffread writes a stop as '.' and reads alternative start codons literally; NCBI's convention
    # (and ours) reads a complete CDS's TTG/CTG start as M.  Apart from those first letters: equal.
    differ = []
    for k, want in theirs["prot"].items():
        got = ours["prot"][k]
        want = want.replace(".", "*")
        if got != want:
            assert got[1:] == want[1:] and got[0] == "M" and ours["cds"][k][:3] in ("TTG", "CTG"), k
            differ.append(k)
    assert len(differ) < 5


def test_cli_translate_matches_python_and_refuses_bad_codes(yeast, gffbase_cli, tmp_path):
    db, fasta = yeast
    ids = sorted(f.id for f in db.features_of_type("transcript"))[:200]
    (tmp_path / "ids.txt").write_text("\n".join(ids) + "\n")
    run = subprocess.run([gffbase_cli, "sequences", db.dbfn, "--ids", str(tmp_path / "ids.txt"), "--fasta",
                          str(fasta), "--type", "CDS", "--type", "stop_codon", "--translate", "-f", "tsv",
                          "--skip-unavailable"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    rows = [line.split("\t") for line in run.stdout.splitlines()[1:]]
    t = db.sequences_batched(ids, fasta, featuretype=["CDS", "stop_codon"], translate=True, missing="null")
    want = {a: s for a, s in zip(t["anchor"].to_pylist(), t["sequence"].to_pylist()) if s is not None}
    assert {r[0]: r[7] for r in rows} == want and len(want) > 150
    assert all(int(r[6]) >= 3 * len(r[7]) for r in rows)  # length: the bases, not the protein
    for args, msg in ((["--translate", "--genetic-code", "7"], "--genetic-code: expected an NCBI genetic code "
                                                               "(1-6, 9-16, 21-33), found '7'"),
                      (["--genetic-code", "11"], "--genetic-code goes with --translate"),
                      (["--translate", "--no-strand"], "it cannot go with --no-strand")):
        bad = subprocess.run([gffbase_cli, "sequences", db.dbfn, ids[0], "--fasta", str(fasta), *args],
                             capture_output=True, text=True)
        assert bad.returncode == 2 and msg in bad.stderr, bad.stderr
