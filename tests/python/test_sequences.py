"""FeatureDB.sequences_batched and `gffbase sequences`: spliced transcripts and
coding sequences, checked against a naive reference (the whole FASTA read into
a dict, each transcript's parts found by a plain walk, sliced, joined and
reverse-complemented in Python) and against biology (a coding sequence is a
whole number of codons, starts with ATG and ends with a stop codon)."""
from __future__ import annotations

import gzip
import json
import random
import subprocess

import pyarrow as pa
import pytest

import gffbase
from gffbase.errors import FeatureNotFoundError, InvalidArgumentError

COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A", "N": "N", "a": "t", "c": "g", "g": "c", "t": "a", "n": "n"}


def naive_fasta(path) -> dict:
    opener = gzip.open if str(path).endswith(".gz") else open
    seqs, name = {}, None
    with opener(path, "rt") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if line.startswith(">"):
                name = line[1:].split()[0]
                seqs[name] = []
            elif name is not None:
                seqs[name].append(line)
    return {k: "".join(v) for k, v in seqs.items()}


def naive_revcomp(s: str) -> str:
    return "".join(COMPLEMENT.get(c, c) for c in reversed(s))


def naive_spliced(db, genome: dict, anchor_id: str, part_types) -> str:
    """Direct children of the part types (every line of each), sorted, joined, strand applied."""
    anchor = db[anchor_id]
    parts = []
    for child in db.children(anchor_id, level=1):
        if child.featuretype in part_types:
            parts.append((child.start, child.end))
    if not parts and anchor.featuretype in part_types:
        parts = [(anchor.start, anchor.end)]
    seq = "".join(genome[anchor.seqid][s - 1:e] for s, e in sorted(set(parts)))
    return naive_revcomp(seq) if anchor.strand == "-" else seq


YEAST = "01_whole_genome/yeast_ensembl_R64-1-1.96/"
STOPS = {"TAA", "TAG", "TGA"}


@pytest.fixture(scope="module")
def yeast(shared_data, tmp_path_factory):
    path = tmp_path_factory.mktemp("seq") / "yeast.gffdb"
    db = gffbase.create_db(str(shared_data / YEAST / "Saccharomyces_cerevisiae.R64-1-1.96.gtf.gz"), str(path),
                           merge_strategy="create_unique")
    return db, shared_data / YEAST / "Saccharomyces_cerevisiae.R64-1-1.dna.toplevel.fa.gz"


def test_yeast_spliced_transcripts_equal_the_naive_reference(yeast):
    db, fasta = yeast
    genome = naive_fasta(fasta)
    tx = sorted(f.id for f in db.features_of_type("transcript"))
    sample = random.Random(3).sample(tx, 400)
    t = db.sequences_batched(sample, fasta)
    assert t.column_names == ["anchor", "seqid", "start", "end", "strand", "parts", "length", "sequence", "problem"]
    assert t["anchor"].to_pylist() == sample  # input order
    for row in t.to_pylist():
        want = naive_spliced(db, genome, row["anchor"], {"exon"})
        assert row["sequence"] == want, row["anchor"]
        assert row["length"] == len(want) and row["problem"] is None
    # Transcripts with introns are among them (the joining is exercised).
    assert max(t["parts"].to_pylist()) >= 2


def test_yeast_coding_sequences_are_whole_codons_from_atg_to_a_stop(yeast):
    db, fasta = yeast
    tx = [f.id for f in db.features_of_type("transcript")]
    t = db.sequences_batched(tx, fasta, featuretype=["CDS", "stop_codon"], missing="null")
    coding = [s for s in t["sequence"].to_pylist() if s is not None]
    assert len(coding) > 6000
    assert all(len(s) % 3 == 0 for s in coding)
    assert all(s[-3:] in STOPS for s in coding)
    # Mitochondrial genes may start otherwise (ATA); nearly all start with ATG.
    assert sum(s.startswith("ATG") for s in coding) / len(coding) > 0.99
    # Non-coding transcripts have no CDS: null, and the problem says why.
    nulls = [(a, p) for a, s, p in zip(t["anchor"].to_pylist(), t["sequence"].to_pylist(), t["problem"].to_pylist())
             if s is None]
    assert nulls and all("has no CDS or stop_codon children" in p for _, p in nulls)
    # Without missing="null" the first of them is an error naming it.
    with pytest.raises(FeatureNotFoundError, match=f"feature '{nulls[0][0]}'"):
        db.sequences_batched(tx, fasta, featuretype="CDS")


def test_dmel_chr4_mrnas_and_cds_equal_the_naive_reference(shared_data, tmp_path):
    base = shared_data / "02_chromosome_subsets/flybase_dmel_chr4_GAL"
    db = gffbase.create_db(str(base / "dmel-4-r5.46.genes.gff"), str(tmp_path / "d.gffdb"),
                           merge_strategy="create_unique")
    fasta = base / "dmel-4-chromosome-r5.46.fasta"
    genome = naive_fasta(fasta)
    mrnas = [f.id for f in db.features_of_type("mRNA")]
    assert len(mrnas) > 50
    for part in ("exon", "CDS"):
        t = db.sequences_batched(mrnas, str(fasta), featuretype=part, missing="null")
        for row in t.to_pylist():
            if row["sequence"] is None:
                continue
            assert row["sequence"] == naive_spliced(db, genome, row["anchor"], {part}), (part, row["anchor"])
        assert t["sequence"].null_count < len(mrnas) // 2


def test_ecoli_refseq_cds_translate_from_start_to_stop(shared_data, tmp_path):
    base = shared_data / "01_whole_genome/ecoli_K12_MG1655_refseq"
    db = gffbase.create_db(str(base / "GCF_000005845.2_ASM584v2_genomic.releaseA.gff.gz"), str(tmp_path / "e.gffdb"),
                           merge_strategy="create_unique")
    cds = [f.id for f in db.features_of_type("CDS") if "pseudo" not in f.attributes]
    # A CDS is its own part (NCBI writes one CDS line per gene; a split one has several under one ID).
    t = db.sequences_batched(cds, str(base / "GCF_000005845.2_ASM584v2_genomic.fna.gz"), featuretype="CDS")
    seqs = t["sequence"].to_pylist()
    assert len(seqs) > 4000
    whole = [s for s in seqs if len(s) % 3 == 0 and s[-3:] in STOPS]
    assert len(whole) / len(seqs) > 0.99
    # Bacteria start with ATG, GTG or TTG.
    assert sum(s[:3] in ("ATG", "GTG", "TTG") for s in seqs) / len(seqs) > 0.99


EMBEDDED = """##gff-version 3
chrA\tt\tgene\t3\t20\t.\t-\t.\tID=g1
chrA\tt\tmRNA\t3\t20\t.\t-\t.\tID=t1;Parent=g1
chrA\tt\texon\t3\t6\t.\t-\t.\tID=e1;Parent=t1
chrA\tt\texon\t15\t20\t.\t-\t.\tID=e2;Parent=t1
chrA\tt\tCDS\t4\t6\t.\t-\t0\tID=c1;Parent=t1
chrA\tt\tCDS\t15\t17\t.\t-\t0\tID=c1;Parent=t1
chrA\tt\tncRNA\t1\t4\t.\t+\t.\tID=nc1
chrB\tt\texon\t1\t4\t.\t+\t.\tID=far;Parent=t1
chrZ\tt\tmRNA\t1\t4\t.\t+\t.\tID=t_nowhere
chrZ\tt\texon\t1\t4\t.\t+\t.\tID=e_nowhere;Parent=t_nowhere
##FASTA
>chrA some description
ACGTACGTAC
GGGGTTTTTT
>chrB
CCCC
"""


@pytest.fixture()
def embedded(tmp_path):
    path = tmp_path / "e.gff3"
    path.write_text(EMBEDDED.replace("chrB\tt\texon\t1\t4\t.\t+\t.\tID=far;Parent=t1\n", ""))
    return gffbase.create_db(str(path), str(tmp_path / "e.gffdb"))


CHR_A = "ACGTACGTAC" "GGGGTTTTTT"


def bases(start, end):
    return CHR_A[start - 1:end]


def test_the_database_s_own_fasta_section_and_the_exact_bases(embedded):
    t = embedded.sequences_batched(["t1", "c1", "e2", "nc1"], featuretype=["exon", "CDS", "ncRNA"])
    got = dict(zip(t["anchor"].to_pylist(), t["sequence"].to_pylist()))
    # t1 joins its exons and CDS lines (both asked): 3-6, 4-6, 15-17, 15-20, in coordinate order.
    assert got["t1"] == naive_revcomp(bases(3, 6) + bases(4, 6) + bases(15, 17) + bases(15, 20))
    assert got["c1"] == naive_revcomp(bases(4, 6) + bases(15, 17))  # a CDS over two lines, spliced
    assert got["e2"] == naive_revcomp(bases(15, 20))
    assert got["nc1"] == bases(1, 4)
    row = t.to_pylist()[0]
    assert (row["seqid"], row["start"], row["end"], row["strand"], row["parts"], row["length"]) == \
        ("chrA", 3, 20, "-", 4, 16)
    plain = embedded.sequences_batched(["t1"], featuretype="exon", use_strand=False)
    assert plain["sequence"].to_pylist() == [bases(3, 6) + bases(15, 20)]


def test_unavailable_sequences_are_named_or_null(embedded, tmp_path):
    with pytest.raises(FeatureNotFoundError, match="feature 't_nowhere': its seqid 'chrZ' is not in"):
        embedded.sequences_batched(["t1", "t_nowhere"])
    t = embedded.sequences_batched(["t1", "t_nowhere", "no-such-id", "g1"], missing="null")
    assert t["anchor"].to_pylist() == ["t1", "t_nowhere", "g1"]  # unknown IDs give no row
    assert t["sequence"].to_pylist()[1:] == [None, None]
    problems = t["problem"].to_pylist()
    assert problems[0] is None and "chrZ" in problems[1]
    assert "'g1' (gene) has no exon children" in problems[2]
    short = tmp_path / "short.fa"
    short.write_text(">chrA\nACGTACGTAC\n")
    with pytest.raises(InvalidArgumentError, match=r"feature 't1': part chrA:15-20 \(line 5\) lies outside chrA"):
        embedded.sequences_batched(["t1"], str(short))


def test_a_part_on_another_seqid_is_refused(tmp_path):
    path = tmp_path / "trans.gff3"
    path.write_text(EMBEDDED)
    db = gffbase.create_db(str(path), ":memory:")
    with pytest.raises(InvalidArgumentError, match="a part lies on seqid 'chrB'"):
        db.sequences_batched(["t1"])


def test_no_fasta_anywhere_and_bad_arguments(tmp_path, embedded):
    path = tmp_path / "n.gff3"
    path.write_text(EMBEDDED.split("##FASTA")[0])
    db = gffbase.create_db(str(path), ":memory:")
    with pytest.raises(FeatureNotFoundError, match="holds no ##FASTA section: pass a FASTA file"):
        db.sequences_batched(["t1"])
    with pytest.raises(InvalidArgumentError, match="missing"):
        embedded.sequences_batched(["t1"], missing="skip")
    with pytest.raises(InvalidArgumentError, match="featuretype"):
        embedded.sequences_batched(["t1"], featuretype=[])
    with pytest.raises(InvalidArgumentError, match="fasta"):
        embedded.sequences_batched(["t1"], fasta=42)
    with pytest.raises(OSError, match="absent.fa"):
        embedded.sequences_batched(["t1"], fasta=str(tmp_path / "absent.fa"))
    bad = tmp_path / "bad.fa"
    bad.write_text(">a\nACGT\n>a\nTTTT\n")
    with pytest.raises(ValueError, match=r"bad.fa:3: sequence name 'a' is used twice"):
        embedded.sequences_batched(["t1"], fasta=str(bad))


def test_errors_in_the_fasta_section_name_the_input_file_and_line(tmp_path):
    path = tmp_path / "dup.gff3"
    text = EMBEDDED.replace("chrB\tt\texon\t1\t4\t.\t+\t.\tID=far;Parent=t1\n", "") + ">chrA\nAC\n"
    path.write_text(text)
    db = gffbase.create_db(str(path), str(tmp_path / "dup.gffdb"))
    line = text.splitlines().index(">chrA") + 1  # the second chrA (the first has a description)
    with pytest.raises(ValueError, match=f"dup.gff3:{line}: sequence name 'chrA' is used twice"):
        db.sequences_batched(["t1"])


def test_containers_features_and_empty_input(embedded, tmp_path):
    empty = embedded.sequences_batched([])
    assert empty.num_rows == 0 and "sequence" in empty.column_names
    assert embedded.sequences_batched([embedded["t1"]])["anchor"].to_pylist() == ["t1"]
    assert embedded.sequences_batched(pa.array(["e1"]))["sequence"].to_pylist() == [naive_revcomp(bases(3, 6))]
    df = embedded.sequences_batched(["e1", "e2"], format="pandas")
    assert list(df["anchor"]) == ["e1", "e2"]
    # A FASTA file, a FastaFile and Feature.sequence all go through the same reader.
    fa = tmp_path / "own.fa"
    fa.write_text(embedded._db.fasta())
    assert embedded.sequences_batched(["e1"], gffbase.fasta.FastaFile(fa))["sequence"].to_pylist() == \
        [embedded["e1"].sequence(str(fa))]


def test_cli_sequences_match_python(gffbase_cli, embedded, tmp_path, shared_data):
    dbp = embedded.dbfn
    r = subprocess.run([gffbase_cli, "sequences", dbp, "t1", "e1", "-w", "4"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    want_t1 = naive_revcomp(bases(3, 6) + bases(15, 20))
    assert r.stdout.splitlines()[:4] == [">t1 chrA:3-20(-)", want_t1[:4], want_t1[4:8], want_t1[8:]]
    r = subprocess.run([gffbase_cli, "sequences", dbp, "--of-type", "mRNA", "-f", "jsonl"], capture_output=True,
                       text=True)
    assert r.returncode == 1 and "feature 't_nowhere': its seqid 'chrZ'" in r.stderr
    recs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["anchor"] for x in recs] == ["t1"] and recs[0]["sequence"] == want_t1 and recs[0]["parts"] == 2
    r = subprocess.run([gffbase_cli, "sequences", dbp, "--of-type", "mRNA", "--skip-unavailable", "-f", "tsv",
                        "nope"], capture_output=True, text=True)
    assert r.returncode == 1 and "no feature with ID 'nope'" in r.stderr and "left out 1 feature" in r.stderr
    assert r.stdout.splitlines() == ["anchor\tseqid\tstart\tend\tstrand\tparts\tlength\tsequence",
                                     f"t1\tchrA\t3\t20\t-\t2\t10\t{want_t1}"]
    # Yeast through the CLI equals Python's table.
    ydb = tmp_path / "y.gffdb"
    fasta = shared_data / YEAST / "Saccharomyces_cerevisiae.R64-1-1.dna.toplevel.fa.gz"
    subprocess.run([gffbase_cli, "ingest", shared_data / YEAST / "Saccharomyces_cerevisiae.R64-1-1.96.gtf.gz", "-o",
                    ydb, "--merge-strategy", "create_unique"], check=True, capture_output=True)
    r = subprocess.run([gffbase_cli, "sequences", ydb, "--of-type", "transcript", "--fasta", fasta, "-t", "CDS",
                        "--skip-unavailable", "-w", "0"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    cli = dict(zip((h[1:].split()[0] for h in lines[0::2]), lines[1::2]))
    db = gffbase.FeatureDB(str(ydb))
    t = db.sequences_batched(list(cli), fasta, featuretype="CDS")
    assert dict(zip(t["anchor"].to_pylist(), t["sequence"].to_pylist())) == cli
    assert len(cli) > 6000
