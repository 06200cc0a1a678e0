"""The installed `gffbase` command (exit codes: 0 ok, 1 error, 2 usage)."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

import gffbase
from _temp_files import writing_beside  # tests/python is on sys.path

SUBCOMMANDS = ["ingest", "validate", "info", "get", "children", "parents", "region", "export"]


def run(exe, *args, stdin=None, cwd=None):
    return subprocess.run([exe, *map(str, args)], input=stdin, capture_output=True, text=True, timeout=60,
                          cwd=cwd)


def feature_lines(path):
    return [line for line in Path(path).read_text().splitlines() if line and not line.startswith("#")]


def ids_of(stdout):
    out = []
    for line in stdout.splitlines():
        if not line or line.startswith("#"):
            continue
        col9 = line.split("\t")[8]
        out.append(next(kv[3:] for kv in col9.split(";") if kv.startswith("ID=")))
    return out


@pytest.fixture(scope="module")
def cli_db(gffbase_cli, example_gff3, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "example.gffdb"
    r = run(gffbase_cli, "ingest", example_gff3, "-o", out, "-q")
    assert r.returncode == 0, r.stderr
    return out


def test_help_lists_every_subcommand(gffbase_cli):
    r = run(gffbase_cli, "--help")
    assert r.returncode == 0
    for cmd in SUBCOMMANDS:
        assert f"\n  {cmd} " in r.stdout, cmd
    for cmd in SUBCOMMANDS:
        sub = run(gffbase_cli, cmd, "--help")
        assert sub.returncode == 0, cmd
        assert f"usage: gffbase {cmd}" in sub.stdout


def test_version(gffbase_cli):
    r = run(gffbase_cli, "--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"gffbase {gffbase.__version__}"


def test_no_arguments_and_unknown_command_are_usage_errors(gffbase_cli):
    r = run(gffbase_cli)
    assert r.returncode == 2 and "usage: gffbase" in (r.stdout + r.stderr)
    r = run(gffbase_cli, "frobnicate")
    assert r.returncode == 2 and "frobnicate" in r.stderr
    r = run(gffbase_cli, "info")
    assert r.returncode == 2 and "usage: gffbase info" in r.stderr


def test_ingest_writes_a_database_python_can_open(gffbase_cli, example_gff3, tmp_path):
    out = tmp_path / "ex.gffdb"
    r = run(gffbase_cli, "ingest", example_gff3, "-o", out)
    assert r.returncode == 0, r.stderr
    assert "13 features" in r.stdout + r.stderr
    db = gffbase.FeatureDB(str(out))
    assert len(db) == 15 and db["tx1"].attributes["tag"] == ["MANE_Select"]
    # exists -> error without --force
    again = run(gffbase_cli, "ingest", example_gff3, "-o", out)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert run(gffbase_cli, "ingest", example_gff3, "-o", out, "--force", "-q").returncode == 0


def test_ingest_default_output_name(gffbase_cli, example_gff3, tmp_path):
    src = tmp_path / "copy.gff3"
    src.write_text(Path(example_gff3).read_text())
    r = run(gffbase_cli, "ingest", src, "-q")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    made = [p.name for p in tmp_path.iterdir() if p.suffix == ".gffdb"]
    assert len(made) == 1 and made[0].startswith("copy")


def test_ingest_from_stdin(gffbase_cli, example_gff3, tmp_path):
    out = tmp_path / "stdin.gffdb"
    r = run(gffbase_cli, "ingest", "-", "-o", out, "-q", stdin=Path(example_gff3).read_text())
    assert r.returncode == 0, r.stderr
    assert sorted(str(f) for f in gffbase.FeatureDB(str(out)).all_features()) == sorted(feature_lines(example_gff3))


def test_ingest_missing_file(gffbase_cli, tmp_path):
    r = run(gffbase_cli, "ingest", tmp_path / "missing.gff3", "-o", tmp_path / "x.gffdb")
    assert r.returncode == 1
    assert "missing.gff3" in r.stderr
    assert not (tmp_path / "x.gffdb").exists()


def test_children(gffbase_cli, cli_db):
    r = run(gffbase_cli, "children", cli_db, "gene1", "--level", "1")
    assert r.returncode == 0, r.stderr
    assert ids_of(r.stdout) == ["tx1", "tx2"]
    r = run(gffbase_cli, "children", cli_db, "tx1", "-t", "exon")
    assert ids_of(r.stdout) == ["tx1.e1", "tx1.e2", "tx1.e3"]
    assert r.stdout.splitlines()[0] == "chrX\texample\texon\t1000\t1500\t.\t+\t.\tID=tx1.e1;Parent=tx1"
    r = run(gffbase_cli, "children", cli_db, "gene1")
    assert sorted(ids_of(r.stdout)) == sorted(
        ["tx1", "tx2", "tx1.e1", "tx1.e2", "tx1.e3", "cds1", "cds1", "cds1", "tx2.e1", "tx2.e2"])
    r = run(gffbase_cli, "children", cli_db, "no-such-id")
    assert r.returncode == 1 and "no-such-id" in r.stderr


def test_parents(gffbase_cli, cli_db):
    r = run(gffbase_cli, "parents", cli_db, "tx1.e2")
    assert r.returncode == 0
    assert sorted(ids_of(r.stdout)) == ["gene1", "tx1"]
    r = run(gffbase_cli, "parents", cli_db, "tx1.e2", "-l", "2")
    assert ids_of(r.stdout) == ["gene1"]


def test_region(gffbase_cli, cli_db):
    r = run(gffbase_cli, "region", cli_db, "chrX:1400-3000")
    assert r.returncode == 0, r.stderr
    assert sorted(ids_of(r.stdout)) == sorted(["tx1.e1", "tx2.e1", "gene1", "tx1", "tx2", "cds1", "tx1.e2", "cds1"])
    r = run(gffbase_cli, "region", cli_db, "chrX:20500-20600", "--strand", "-")
    assert sorted(ids_of(r.stdout)) == ["gene2", "tx3", "tx3.e1"]
    r = run(gffbase_cli, "region", cli_db, "chrX:20500-20600:+")
    assert r.returncode == 0 and r.stdout == ""
    r = run(gffbase_cli, "region", cli_db, "chrX:900-1600", "--within", "-t", "exon")
    assert sorted(ids_of(r.stdout)) == ["tx1.e1", "tx2.e1"]
    r = run(gffbase_cli, "region", cli_db, "chrX:100-50")
    assert r.returncode == 2 and "start is after end" in r.stderr


def test_region_bed_from_stdin(gffbase_cli, cli_db):
    # BED is 0-based half-open: 999-1500 is 1000-1500
    r = run(gffbase_cli, "region", cli_db, "--regions", "-", "-t", "exon", stdin="chrX\t999\t1500\n")
    assert r.returncode == 0, r.stderr
    assert sorted(ids_of(r.stdout)) == ["tx1.e1", "tx2.e1"]
    r = run(gffbase_cli, "region", cli_db, "--regions", "-", "-t", "exon", stdin="chrX:25000-25000\n")
    assert ids_of(r.stdout) == ["tx3.e2"]
    # BED6: its strand column selects the strand ('.': any).
    for strand, want in (("+", ["tx1.e1", "tx2.e1"]), ("-", []), (".", ["tx1.e1", "tx2.e1"])):
        r = run(gffbase_cli, "region", cli_db, "--regions", "-", "-t", "exon", stdin=f"chrX\t999\t1500\tq\t0\t{strand}\n")
        assert r.returncode == 0, r.stderr
        assert sorted(ids_of(r.stdout)) == want, strand


def test_region_and_id_lists_as_users_write_them(gffbase_cli, cli_db, tmp_path):
    # gzip lists, UCSC track/browser headers, blank lines and comments (which
    # still count for line numbers), leading blanks before an ID.
    bed = tmp_path / "r.bed.gz"
    bed.write_bytes(gzip.compress(b"track name=peaks\nbrowser position chrX:1-100\n\n# c\nchrX\t999\t1500\n"))
    r = run(gffbase_cli, "region", cli_db, "--regions", bed, "-t", "exon")
    assert r.returncode == 0, r.stderr
    assert sorted(ids_of(r.stdout)) == ["tx1.e1", "tx2.e1"]
    ids = tmp_path / "ids.txt.gz"
    ids.write_bytes(gzip.compress(b"  tx1\n\ntx2 second word\n"))
    r = run(gffbase_cli, "get", cli_db, "--ids", ids)
    assert r.returncode == 0 and ids_of(r.stdout) == ["tx1", "tx2"], r.stderr
    # Errors name the line as the file numbers it; a space-separated "BED" line is refused, not read as a seqid.
    r = run(gffbase_cli, "region", cli_db, "--regions", "-", stdin="\n# header\nchrX:1-5\n\nchrX 999 1500\n")
    assert r.returncode == 1 and \
        '-:5: expected seqid:start-end or a tab-separated BED line, found "chrX 999 1500"' in r.stderr, r.stderr
    # An unknown seqid is said, once, with the database's own names; an insertion point is its two flanking bases.
    r = run(gffbase_cli, "region", cli_db, "--regions", "-", "-t", "exon",
            stdin="chr9:1-5\nchr9\t1\t5\nchrX\t1500\t1500\n")
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("seqid 'chr9' is not in the database (its seqids: chrX)") == 1 and "-:1:" in r.stderr
    assert sorted(ids_of(r.stdout)) == ["tx1.e1", "tx2.e1"]  # 1500-1501 touches the exons ending at 1500


def test_get_formats(gffbase_cli, cli_db):
    r = run(gffbase_cli, "get", cli_db, "cds1")
    assert r.returncode == 0
    assert len(r.stdout.splitlines()) == 3  # every line of the split CDS
    bed = run(gffbase_cli, "get", cli_db, "cds1", "-f", "bed").stdout.splitlines()
    assert [line.split("\t")[:3] for line in bed] == [["chrX", "1199", "1500"], ["chrX", "2999", "3400"],
                                                      ["chrX", "7999", "8300"]]
    js = json.loads(run(gffbase_cli, "get", cli_db, "tx1", "-f", "jsonl").stdout)
    assert js["id"] == "tx1" and js["start"] == 1000 and js["attributes"]["tag"] == ["MANE_Select"]
    r = run(gffbase_cli, "get", cli_db, "nope")
    assert r.returncode == 1
    # IDs from stdin: blank lines (spaces or tabs only) and comments are skipped.
    r = run(gffbase_cli, "get", cli_db, "--ids", "-", stdin="tx1\n  \n\t\n# a comment\ntx2\n")
    assert r.returncode == 0, r.stderr
    assert ids_of(r.stdout) == ["tx1", "tx2"]


def test_export_reproduces_the_input(gffbase_cli, cli_db, example_gff3):
    r = run(gffbase_cli, "export", cli_db)
    assert r.returncode == 0
    want = [line for line in Path(example_gff3).read_text().splitlines() if line.startswith("##") or
            (line and not line.startswith("#"))]
    assert r.stdout.splitlines() == want
    bed12 = run(gffbase_cli, "export", cli_db, "-f", "bed12").stdout.splitlines()
    tx1 = next(line for line in bed12 if line.split("\t")[3] == "tx1").split("\t")
    assert tx1[:8] == ["chrX", "999", "9000", "tx1", "0", "+", "1199", "8300"]
    # --type: a BED12 track of the transcripts alone (every feature is a row otherwise).
    track = run(gffbase_cli, "export", cli_db, "-f", "bed12", "-t", "mRNA", "--type", "ncRNA").stdout.splitlines()
    assert [line.split("\t")[3] for line in track] == ["tx1", "tx2", "tx3"]
    assert "\t".join(tx1) in track
    genes = run(gffbase_cli, "export", cli_db, "-t", "gene").stdout.splitlines()
    assert [line.split("\t")[8] for line in genes if not line.startswith("#")] == [
        line.split("\t")[8] for line in want if "\tgene\t" in line]
    assert run(gffbase_cli, "export", cli_db, "-f", "tsv", "-t", "no_such_type").stdout.count("\n") == 1  # header


def test_space_separated_gtf_is_read_as_gtf_and_exported_tab_separated(gffbase_cli, tmp_path):
    src = tmp_path / "spaces.gtf"
    src.write_text('chr1 src exon 1 100 . + . gene_id "g1"; transcript_id "t1";\n'
                   'chr1 src exon 200 300 . + . gene_id "g1"; transcript_id "t1";\n')
    db = tmp_path / "spaces.gffdb"
    r = run(gffbase_cli, "ingest", src, "-o", db)
    assert r.returncode == 0, r.stderr
    assert "found columns separated by spaces" in r.stderr
    # Detected from the same column 9 lenient mode reads: a GTF, genes inferred.
    assert " gtf (" in r.stdout
    kids = run(gffbase_cli, "children", db, "g1")
    assert kids.returncode == 0, kids.stderr
    assert [line.split("\t")[2] for line in kids.stdout.splitlines()] == ["exon", "transcript", "exon"]
    # Written tab-separated (as str(Feature) writes them), so the export is a
    # valid file that strict mode reads, and exporting it again is identical.
    out = run(gffbase_cli, "export", db)
    assert out.stdout.splitlines() == [
        'chr1\tsrc\texon\t1\t100\t.\t+\t.\tgene_id "g1"; transcript_id "t1";',
        'chr1\tsrc\texon\t200\t300\t.\t+\t.\tgene_id "g1"; transcript_id "t1";']
    again = tmp_path / "again.gffdb"
    r2 = run(gffbase_cli, "ingest", "-", "-o", again, "--strict", stdin=out.stdout)
    assert r2.returncode == 0, r2.stderr
    assert run(gffbase_cli, "export", again).stdout == out.stdout
    py = gffbase.FeatureDB(str(db))
    assert [str(f) for f in py.children("g1", featuretype="exon")] == out.stdout.splitlines()


def test_ingest_refuses_special_files_its_own_input_and_an_empty_path(gffbase_cli, example_gff3, tmp_path):
    src = tmp_path / "a.gff3"
    src.write_bytes(Path(example_gff3).read_bytes())
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = run(gffbase_cli, "ingest", src, "-o", fifo, "--force")
    assert r.returncode == 1
    assert f"{fifo}: is not a regular file (a device, FIFO or socket), expected a .gffdb file path" in r.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced"
    r = run(gffbase_cli, "ingest", src, "-o", src, "--force")
    assert r.returncode != 0
    assert f"{src}: is the input file itself; choose another database path" in r.stderr
    assert src.read_bytes() == Path(example_gff3).read_bytes()
    r = run(gffbase_cli, "ingest", src, "-o", "")
    assert r.returncode != 0
    assert "the database path is empty" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gff3", "fifo"]


def test_export_never_damages_the_database_or_an_existing_file(gffbase_cli, example_gff3, tmp_path):
    db = tmp_path / "x.gffdb"
    assert run(gffbase_cli, "ingest", example_gff3, "-o", db, "-q").returncode == 0
    before = db.read_bytes()
    r = run(gffbase_cli, "export", db, "-f", "jsonl", "-o", db)
    assert r.returncode == 1
    assert f"{db}: is the database being read; choose another output path" in r.stderr
    assert db.read_bytes() == before
    # A database that fails its checksums half-way through the export: the
    # file it was to replace keeps its bytes, and no partial file is left.
    lines = ["##gff-version 3"] + [f"c\t.\tgene\t{i * 10 + 1}\t{i * 10 + 5}\t.\t+\t.\tID=g{i}" for i in range(20000)]
    (tmp_path / "big.gff3").write_text("\n".join(lines) + "\n")
    big = tmp_path / "big.gffdb"
    assert run(gffbase_cli, "ingest", tmp_path / "big.gff3", "-o", big, "-q").returncode == 0
    data = bytearray(big.read_bytes())
    at = data.find(b"ID=g15000")
    data[at + 3] ^= 1
    big.write_bytes(bytes(data))
    keep = tmp_path / "important.txt"
    keep.write_text("important\n")
    r = run(gffbase_cli, "export", big, "-o", keep)
    assert r.returncode == 1
    assert "fails its checksum" in r.stderr
    assert keep.read_text() == "important\n"
    assert not [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
    # A good export replaces the file.
    r = run(gffbase_cli, "export", db, "-o", keep)
    assert r.returncode == 0, r.stderr
    assert keep.read_text() == run(gffbase_cli, "export", db).stdout
    # Through a symlink: the file it names is replaced with its permissions, the link kept; /dev/stdout is
    # written through (here a pipe), never renamed over.
    os.chmod(keep, 0o600)
    link = tmp_path / "link.gff"
    link.symlink_to(keep.name)
    r = run(gffbase_cli, "export", db, "-f", "bed", "-o", link)
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and stat.S_IMODE(os.stat(keep).st_mode) == 0o600
    assert keep.read_text() == run(gffbase_cli, "export", db, "-f", "bed").stdout
    r = run(gffbase_cli, "export", db, "-f", "bed", "-o", "/dev/stdout")
    assert r.returncode == 0, r.stderr
    assert r.stdout == keep.read_text()


def test_region_seqids_with_colons_and_a_bad_strand(gffbase_cli, tmp_path):
    src = tmp_path / "c.gff3"
    src.write_text("HLA-A*01:01\t.\tgene\t1\t100\t.\t+\t.\tID=h1\n"
                   "HLA-A*01\t.\tgene\t1\t100\t.\t+\t.\tID=h2\n"
                   "chrUn:KI270\t.\tgene\t5\t50\t.\t-\t.\tID=u1\n")
    db = tmp_path / "c.gffdb"
    assert run(gffbase_cli, "ingest", src, "-o", db, "-q").returncode == 0
    assert ids_of(run(gffbase_cli, "region", db, "HLA-A*01:01").stdout) == ["h1"]
    assert ids_of(run(gffbase_cli, "region", db, "HLA-A*01:1-10").stdout) == ["h2"]
    assert ids_of(run(gffbase_cli, "region", db, "chrUn:KI270:-").stdout) == ["u1"]
    r = run(gffbase_cli, "region", db, "HLA-A*01:1-10:x")
    assert r.returncode == 2
    assert 'strand "x" is not one of + - . ?' in r.stderr


def test_exports_stay_well_formed_on_hostile_values(gffbase_cli, tmp_path):
    src = tmp_path / "h.gff3"
    src.write_text("##gff-version 3\n"
                   "c\t.\tmRNA\t100\t200\t.\t+\t.\tID=t\n"
                   "c\t.\texon\t150\t300\t.\t+\t.\tID=e1;Parent=t\n"   # exons outside their mRNA
                   "c\t.\texon\t20\t60\t.\t+\t.\tID=e2;Parent=t\n"
                   "c\t.\tCDS\t40\t250\t.\t+\t0\tID=c1;Parent=t\n"
                   "c\t.\tgene\t1\t10\tinf\t+\t.\tID=g\tx;Note=a\tb\n")  # tabs kept by lenient mode
    db = tmp_path / "h.gffdb"
    r = run(gffbase_cli, "ingest", src, "-o", db)
    assert r.returncode == 0, r.stderr
    assert "column 6 (score): expected a finite number or '.', found \"inf\"" in r.stderr
    # JSON lines parse, with the non-finite score as null.
    rows = [json.loads(line) for line in run(gffbase_cli, "export", db, "-f", "jsonl").stdout.splitlines()]
    assert rows[-1]["score"] is None and rows[-1]["id"] == "g\tx"
    # TSV and BED keep their column counts: tabs in values are written as \t.
    tsv = run(gffbase_cli, "export", db, "-f", "tsv").stdout.splitlines()
    assert {len(line.split("\t")) for line in tsv} == {10}
    assert tsv[-1].split("\t")[0] == "g\\tx"
    bed = run(gffbase_cli, "export", db, "-f", "bed").stdout.splitlines()
    assert {len(line.split("\t")) for line in bed} == {6}
    # BED12: the blocks (exons 20-60 and 150-300) define the span, the first
    # block starts at 0 and the last ends at chromEnd; thick is clamped into it.
    t = next(line.split("\t") for line in run(gffbase_cli, "export", db, "-f", "bed12").stdout.splitlines()
             if line.split("\t")[3] == "t")
    assert t == ["c", "19", "300", "t", "0", "+", "39", "250", "0", "2", "41,151,", "0,130,"]


def test_bed12_of_genes_without_exons_and_over_a_circular_origin(gffbase_cli, tmp_path):
    # NCBI PGAP: a gene over the origin is two lines with one ID (one BED12 row, two blocks); a gene whose
    # only child is its CDS is one block over the gene, the CDS its thick part (as gffutils' bed12).
    gff = tmp_path / "p.gff3"
    gff.write_text("##gff-version 3\n"
                   "c\tRefSeq\tgene\t5800\t6000\t.\t+\t.\tID=g1\nc\tRefSeq\tgene\t1\t150\t.\t+\t.\tID=g1\n"
                   "c\tRefSeq\tCDS\t5800\t6000\t.\t+\t0\tID=c1;Parent=g1\n"
                   "c\tRefSeq\tCDS\t1\t150\t.\t+\t0\tID=c1;Parent=g1\n"
                   "c\tRefSeq\tgene\t1000\t2000\t.\t+\t.\tID=g5\n"
                   "c\tRefSeq\tCDS\t1100\t1900\t.\t+\t0\tID=c5;Parent=g5\n")
    db = tmp_path / "p.gffdb"
    assert run(gffbase_cli, "ingest", gff, "-o", db, "-q").returncode == 0
    out = run(gffbase_cli, "export", db, "-f", "bed12", "-t", "gene").stdout.splitlines()
    assert out == ["c\t0\t6000\tg1\t0\t+\t0\t6000\t0\t2\t150,201,\t0,5799,",
                   "c\t999\t2000\tg5\t0\t+\t1099\t1900\t0\t1\t1001,\t0,"]
    assert run(gffbase_cli, "get", db, "g1", "-f", "bed12").stdout.splitlines() == out[:1]


def test_bed12_of_cds_only_transcripts_split_cds_other_seqids_and_no_coordinates(gffbase_cli, tmp_path):
    # GeneMark/ExonHunter GTF: CDS lines only, the blocks are the CDS; a CDS over several lines is coding
    # over all of them; an exon on another seqid is not a block; a row without coordinates is no BED line.
    gtf = tmp_path / "c.gtf"
    gtf.write_text('chr1\ts\tCDS\t101\t200\t.\t+\t0\tgene_id "G1"; transcript_id "T1";\n'
                   'chr1\ts\tCDS\t501\t600\t.\t+\t2\tgene_id "G1"; transcript_id "T1";\n')
    gff = tmp_path / "x.gff3"
    gff.write_text("##gff-version 3\nchr1\ts\tmRNA\t100\t500\t.\t+\t.\tID=t1\n"
                   "chr1\ts\texon\t100\t200\t.\t+\t.\tID=e1;Parent=t1\n"
                   "chr2\ts\texon\t300\t400\t.\t+\t.\tID=e2;Parent=t1\n"
                   "chr1\ts\texon\t450\t500\t.\t+\t.\tID=e3;Parent=t1\n"
                   "chr1\ts\tCDS\t150\t200\t.\t+\t0\tID=c1;Parent=t1\n"
                   "chr1\ts\tCDS\t450\t470\t.\t+\t2\tID=c1;Parent=t1\n"
                   "chr1\ts\tgene\t.\t.\t.\t+\t.\tID=g0\n")
    out = {}
    for src in (gtf, gff):
        db = tmp_path / (src.name + ".gffdb")
        assert run(gffbase_cli, "ingest", src, "-o", db, "-q").returncode == 0
        for line in run(gffbase_cli, "export", db, "-f", "bed12", "--include-synthetic").stdout.splitlines():
            out[line.split("\t")[3]] = line.split("\t")
    assert out["T1"][1:3] == ["100", "600"] and out["T1"][9:] == ["2", "100,100,", "0,400,"]
    assert out["t1"][:3] == ["chr1", "99", "500"] and out["t1"][9:] == ["2", "101,51,", "0,350,"]
    assert out["c1"][6:8] == ["149", "470"]  # thick over both lines
    assert "g0" not in out


def test_derive_agrees_with_python_and_writes_valid_lines(gffbase_cli, cli_db):
    db = gffbase.FeatureDB(str(cli_db))
    # children-bp counts exons by default, as db.children_bp does
    r = run(gffbase_cli, "derive", cli_db, "children-bp", "gene1", "tx2")
    assert r.stdout.splitlines() == [f"gene1\t{db.children_bp('gene1')}", f"tx2\t{db.children_bp('tx2')}"]
    # splice sites: the same sites as Python (both ends of every intron)
    sites = [line.split("\t") for line in run(gffbase_cli, "derive", cli_db, "splice-sites").stdout.splitlines()]
    cli_sites = sorted((int(c[3]), int(c[4])) for c in sites)
    assert cli_sites == sorted((f.start, f.end) for f in db.create_splice_sites())
    # GTF lines carry gene_id and transcript_id; TSV has a header
    gtf = run(gffbase_cli, "derive", cli_db, "introns", "-f", "gtf").stdout.splitlines()
    assert gtf and all(line.split("\t")[8].startswith('gene_id "gene') and 'transcript_id "tx' in line for line in gtf)
    tsv = run(gffbase_cli, "derive", cli_db, "introns", "-f", "tsv").stdout.splitlines()
    assert tsv[0] == "seqid\tfeaturetype\tstart\tend\tstrand\tparent" and len(tsv) == len(gtf) + 1


def test_derive_ids_limit_the_result_to_those_features_and_their_descendants(gffbase_cli, cli_db):
    def derive(*args):
        r = run(gffbase_cli, "derive", cli_db, *args, "-f", "tsv")
        return r.returncode, [line.split("\t") for line in r.stdout.splitlines()[1:]]
    _, every = derive("introns")
    assert {c[5] for c in every} == {"tx1", "tx2", "tx3"}
    rc, tx2 = derive("introns", "tx2")
    assert rc == 0 and tx2 == [c for c in every if c[5] == "tx2"] and len(tx2) == 1
    rc, gene1 = derive("introns", "gene1")  # a gene: its transcripts' introns
    assert rc == 0 and gene1 == [c for c in every if c[5] in ("tx1", "tx2")]
    rc, sites = derive("splice-sites", "tx3")
    assert rc == 0 and len(sites) == 2 and {c[5] for c in sites} == {"tx3"}
    rc, merged = derive("merged", "gene1", "-t", "exon")  # the union of the gene's exons
    assert rc == 0 and [(c[2], c[3]) for c in merged] == [("1000", "1500"), ("3000", "3400"), ("8000", "9000")]
    rc, rows = derive("introns", "tx2", "NO_SUCH_ID")  # named, exit 1, the rest still given
    assert rc == 1 and rows == tx2
    r = run(gffbase_cli, "derive", cli_db, "introns", "NO_SUCH_ID")
    assert "no feature with ID 'NO_SUCH_ID'" in r.stderr


def test_gtf_to_gff3_links_a_line_under_an_inferred_transcript_to_its_real_gene(gffbase_cli, tmp_path):
    gtf = tmp_path / "m.gtf"
    gtf.write_text('NC_012920.1\tRefSeq\tgene\t8366\t8572\t.\t+\t.\tgene_id "ATP8"; transcript_id "";\n'
                   'NC_012920.1\tRefSeq\tCDS\t8366\t8569\t.\t+\t0\t'
                   'gene_id "ATP8"; transcript_id "unknown_transcript_1";\n')
    db, gff3, again = tmp_path / "m.gffdb", tmp_path / "m.gff3", tmp_path / "m2.gffdb"
    assert run(gffbase_cli, "ingest", gtf, "-o", db, "-q").returncode == 0
    # By default the inferred transcript is written and named; without it, the CDS names the gene line.
    full = run(gffbase_cli, "export", db, "-f", "gff3").stdout
    assert [line.split("\t")[2] for line in full.splitlines()[1:]] == ["gene", "transcript", "CDS"]
    assert run(gffbase_cli, "export", db, "-f", "gff3", "--exclude-synthetic", "-o", gff3).returncode == 0
    cds = [line for line in gff3.read_text().splitlines() if "\tCDS\t" in line][0]
    assert cds.split("\t")[8].startswith("Parent=ATP8;")
    assert run(gffbase_cli, "ingest", gff3, "-o", again, "-q").returncode == 0
    assert [line.split("\t")[2] for line in run(gffbase_cli, "children", again, "ATP8").stdout.splitlines()] == ["CDS"]


def test_jsonl_of_augustus_bare_id_lines_gives_their_meaning(gffbase_cli, tmp_path):
    gtf = tmp_path / "aug.gtf"
    gtf.write_text("chr1\tAUGUSTUS\tgene\t100\t900\t0.5\t+\t.\tg1\n"
                   "chr1\tAUGUSTUS\ttranscript\t100\t900\t0.5\t+\t.\tg1.t1\n"
                   'chr1\tAUGUSTUS\tCDS\t100\t300\t0.8\t+\t0\ttranscript_id "g1.t1"; gene_id "g1";\n')
    db = tmp_path / "aug.gffdb"
    assert run(gffbase_cli, "ingest", gtf, "-o", db, "-q").returncode == 0
    lines = run(gffbase_cli, "export", db, "-f", "jsonl").stdout.splitlines()
    rows = {r["id"]: r["attributes"] for r in map(json.loads, lines)}
    assert rows["g1"] == {"gene_id": ["g1"]}
    assert rows["g1.t1"] == {"transcript_id": ["g1.t1"], "gene_id": ["g1"]}
    assert run(gffbase_cli, "export", db).stdout.splitlines()[0].endswith("\tg1")  # written as it was


def test_bed12_thick_part_includes_gtf_stop_codon(gffbase_cli, tmp_path):
    # GENCODE's CDS leaves out the stop codon; UCSC's thickEnd (genePred cdsEnd) includes it.
    gtf = tmp_path / "stop.gtf"
    gtf.write_text("".join("\t".join(c) + "\n" for c in [
        ("c", "s", "exon", "100", "500", ".", "+", ".", 'gene_id "g"; transcript_id "t";'),
        ("c", "s", "CDS", "150", "397", ".", "+", "0", 'gene_id "g"; transcript_id "t";'),
        ("c", "s", "start_codon", "150", "152", ".", "+", "0", 'gene_id "g"; transcript_id "t";'),
        ("c", "s", "stop_codon", "398", "400", ".", "+", "0", 'gene_id "g"; transcript_id "t";')]))
    db = tmp_path / "stop.gffdb"
    assert run(gffbase_cli, "ingest", gtf, "-o", db, "-q").returncode == 0
    lines = run(gffbase_cli, "export", db, "-f", "bed12", "--include-synthetic").stdout.splitlines()
    t = next(line.split("\t") for line in lines if line.split("\t")[3] == "t")
    assert t[6:8] == ["149", "400"]
    cds = next(line.split("\t") for line in lines if line.split("\t")[1:3] == ["149", "397"])
    assert cds[6:8] == ["149", "397"]  # a CDS on its own line is all thick


def _gtf_of(gffbase_cli, tmp_path, name, rows):
    """GFF3 rows -> ingest -> `export -f gtf`: (type, column 9) per line."""
    src = tmp_path / f"{name}.gff3"
    src.write_text("##gff-version 3\n" + "".join("\t".join(c) + "\n" for c in rows))
    db = tmp_path / f"{name}.gffdb"
    assert run(gffbase_cli, "ingest", src, "-o", db, "-q").returncode == 0
    gtf = run(gffbase_cli, "export", db, "-f", "gtf").stdout
    (tmp_path / f"{name}.gtf").write_text(gtf)
    return [(x.split("\t")[2], x.split("\t")[8].rstrip(";")) for x in gtf.splitlines() if not x.startswith("#")]


def test_gff3_to_gtf_finds_transcripts_without_gene_lines_and_skips_non_transcript_parents(gffbase_cli, tmp_path):
    # gffread / StringTie / miniprot GFF3: transcripts with no gene line above them.  Their exons are
    # theirs (one transcript_id), not each its own transcript; gene_id is the line's gene_id or geneID.
    out = _gtf_of(gffbase_cli, tmp_path, "nogene", [
        ("c", "s", "transcript", "1", "500", ".", "+", ".", "ID=T1;geneID=G1"),
        ("c", "s", "exon", "1", "100", ".", "+", ".", "Parent=T1"),
        ("c", "s", "exon", "400", "500", ".", "+", ".", "Parent=T1"),
        ("c", "s", "mRNA", "900", "990", ".", "+", ".", "ID=T2;transcript_id=tx2;gene_id=G2"),
        ("c", "s", "CDS", "900", "990", ".", "+", "0", "Parent=T2")])
    assert [a.split("; ")[:2] for _, a in out] == [['gene_id "G1"', 'transcript_id "T1"']] * 3 + [
        ['gene_id "G2"', 'transcript_id "tx2"']] * 2
    back = tmp_path / "nogene2.gffdb"
    assert run(gffbase_cli, "ingest", tmp_path / "nogene.gtf", "-o", back, "-q").returncode == 0
    kids = run(gffbase_cli, "children", back, "T1", "-f", "tsv").stdout.splitlines()[1:]
    assert sorted(line.split("\t")[3] for line in kids) == ["exon", "exon"]
    # TAIR10: a CDS names its mRNA and its protein (a root, Derives_from the mRNA): one line, under the mRNA;
    # the protein line names no transcript.
    out = _gtf_of(gffbase_cli, tmp_path, "tair", [
        ("c", "TAIR10", "gene", "1", "500", ".", "+", ".", "ID=AT1;Name=AT1"),
        ("c", "TAIR10", "mRNA", "1", "500", ".", "+", ".", "ID=AT1.1;Parent=AT1"),
        ("c", "TAIR10", "protein", "50", "450", ".", "+", ".", "ID=AT1.1-Protein;Derives_from=AT1.1"),
        ("c", "TAIR10", "exon", "1", "500", ".", "+", ".", "Parent=AT1.1"),
        ("c", "TAIR10", "CDS", "50", "450", ".", "+", "0", "Parent=AT1.1,AT1.1-Protein")])
    assert [(t, a.split("; ")[:2]) for t, a in out] == [
        ("gene", ['gene_id "AT1"', 'ID "AT1"']),
        ("mRNA", ['gene_id "AT1"', 'transcript_id "AT1.1"']),
        ("protein", ['gene_id "AT1.1-Protein"', 'ID "AT1.1-Protein"']),
        ("exon", ['gene_id "AT1"', 'transcript_id "AT1.1"']),
        ("CDS", ['gene_id "AT1"', 'transcript_id "AT1.1"'])]
    # A prokaryote gene with its CDS right below: the gene is their transcript; its own line stays a gene line.
    # A leaf right below a gene that has transcripts (FlyBase) belongs to the gene alone.
    out = _gtf_of(gffbase_cli, tmp_path, "pro", [
        ("c", "RefSeq", "gene", "1", "300", ".", "+", ".", "ID=gene-b0001"),
        ("c", "RefSeq", "CDS", "1", "300", ".", "+", "0", "ID=cds-b0001;Parent=gene-b0001"),
        ("c", "FlyBase", "gene", "1000", "2000", ".", "+", ".", "ID=FBgn1"),
        ("c", "FlyBase", "mRNA", "1000", "2000", ".", "+", ".", "ID=FBtr1;Parent=FBgn1"),
        ("c", "FlyBase", "exon", "1000", "2000", ".", "+", ".", "Parent=FBtr1"),
        ("c", "FlyBase", "orthologous_to", "1000", "2000", ".", "+", ".", "Parent=FBgn1")])
    assert [(t, a.split("; ")[:2]) for t, a in out] == [
        ("gene", ['gene_id "gene-b0001"', 'ID "gene-b0001"']),
        ("CDS", ['gene_id "gene-b0001"', 'transcript_id "gene-b0001"']),
        ("gene", ['gene_id "FBgn1"', 'ID "FBgn1"']),
        ("mRNA", ['gene_id "FBgn1"', 'transcript_id "FBtr1"']),
        ("exon", ['gene_id "FBgn1"', 'transcript_id "FBtr1"']),
        ("orthologous_to", ['gene_id "FBgn1"', 'Parent "FBgn1"'])]


def test_utf16_input_is_named(gffbase_cli, tmp_path):
    # Windows' "Unicode" save: read as UTF-8 it gave two errors a line and a hint about '?'.
    line = "chr1\tx\tgene\t1\t90\t.\t+\t.\tID=g1\n"
    for name, data in (("bom.gff3", line.encode("utf-16")), ("le.gff3", line.encode("utf-16-le")),
                       ("be.gff3", line.encode("utf-16-be"))):
        path = tmp_path / name
        path.write_bytes(data)
        r = run(gffbase_cli, "ingest", path, "-o", tmp_path / "u.gffdb")
        assert r.returncode != 0 and f"{path}: the input is UTF-16 text; gffbase reads UTF-8" in r.stderr, r.stderr
        assert "iconv" in r.stderr and not (tmp_path / "u.gffdb").exists()
    r = subprocess.run([gffbase_cli, "ingest", "-", "-o", str(tmp_path / "u.gffdb")], input=line.encode("utf-16"),
                       capture_output=True)
    assert r.returncode != 0 and b"-: the input is UTF-16 text" in r.stderr, r.stderr


def test_gff_version_header_contradicted_by_the_lines_is_said(gffbase_cli, tmp_path):
    # A spreadsheet's GFF3: column 9 quoted whole reads as GFF2, with no IDs or Parents.  The header
    # said GFF3: warned (strict too), naming the header line; the lines are read as they are written.
    quoted = tmp_path / "excel.gff3"
    quoted.write_text('##gff-version 3\nchr1\tx\tgene\t1\t900\t.\t+\t.\t"ID=g1;Name=foo, bar"\n'
                      'chr1\tx\tmRNA\t1\t900\t.\t+\t.\t"ID=t1;Parent=g1"\n')
    for mode in ([], ["--strict"]):
        r = run(gffbase_cli, "ingest", quoted, "-o", tmp_path / "q.gffdb", "--force", *mode)
        assert r.returncode == 0, r.stderr
        assert (f"{quoted}:1: warning: ##gff-version 3: expected GFF3 attributes (key=value;key=value), as the "
                "header declares, found 2 of the 2 lines checked written GTF/GFF2-style; read as gff2") in r.stderr
        assert "spreadsheet" in r.stderr
    r = run(gffbase_cli, "ingest", quoted, "-o", tmp_path / "q.gffdb", "--force", "--format", "gff2")
    assert "header declares" not in r.stderr  # chosen by the user
    # GFF1-style groups under a GFF2 header: no line written either way, so the header decides.
    groups = tmp_path / "groups.gff"
    groups.write_text("##gff-version 2\nchr1\tx\texon\t1\t90\t.\t+\t.\tgeneA\n")
    r = run(gffbase_cli, "ingest", groups, "-o", tmp_path / "g.gffdb", "--force")
    assert r.returncode == 0 and ", gff2 (" in r.stdout + r.stderr and "warning" not in r.stderr, r


def test_gff3_to_gtf_keeps_transcripts_without_exon_lines_apart(gffbase_cli, tmp_path):
    # A gene's mRNAs and lncRNA with no exon lines under them are still its transcripts: each was
    # written with the gene's ID as transcript_id, so the three came back from the GTF as one.
    out = _gtf_of(gffbase_cli, tmp_path, "childless", [
        ("chr1", "x", "gene", "5", "500", ".", "+", ".", "ID=g1"),
        ("chr1", "x", "mRNA", "5", "300", ".", "+", ".", "ID=t1;Parent=g1"),
        ("chr1", "x", "mRNA", "100", "500", ".", "+", ".", "ID=t2;Parent=g1"),
        ("chr1", "x", "lnc_RNA", "600", "900", ".", "+", ".", "ID=t3;Parent=g1"),
        ("chr1", "x", "gene", "1000", "1300", ".", "+", ".", "ID=g2"),
        ("chr1", "x", "CDS", "1000", "1300", ".", "+", "0", "ID=c2;Parent=g2")])
    assert [(t, a.split("; ")[:2]) for t, a in out] == [
        ("gene", ['gene_id "g1"', 'ID "g1"']),
        ("mRNA", ['gene_id "g1"', 'transcript_id "t1"']),
        ("mRNA", ['gene_id "g1"', 'transcript_id "t2"']),
        ("lnc_RNA", ['gene_id "g1"', 'transcript_id "t3"']),
        ("gene", ['gene_id "g2"', 'ID "g2"']),
        ("CDS", ['gene_id "g2"', 'transcript_id "g2"'])]  # a prokaryote gene is its CDS's transcript


def test_gff3_to_gtf_writes_features_in_no_gene_with_empty_ids(gffbase_cli, tmp_path):
    # NCBI's `region` and repeat_region lines belong to no gene.  GTF 2.2 writes such features with
    # gene_id "" and transcript_id "" (its `inter`); named by their own IDs, each came back from the
    # GTF as an inferred gene (944 bogus genes on the E. coli RefSeq GFF3).  Lone features of a gene
    # model's types (a CDS without a gene, a gene without children) keep their own names.
    out = _gtf_of(gffbase_cli, tmp_path, "ncbi", [
        ("NC_1", "RefSeq", "region", "1", "5000", ".", "+", ".", "ID=NC_1:1..5000;gbkey=Src"),
        ("NC_1", "RefSeq", "gene", "10", "300", ".", "+", ".", "ID=gene-b1"),
        ("NC_1", "RefSeq", "CDS", "10", "300", ".", "+", "0", "ID=cds-b1;Parent=gene-b1"),
        ("NC_1", "RefSeq", "repeat_region", "400", "450", ".", "+", ".", "ID=id-rep1;rpt_family=REP"),
        ("NC_1", "Prokka", "CDS", "600", "900", ".", "-", "0", "ID=PROKKA_1"),
        ("NC_1", "RefSeq", "pseudogene", "1000", "1300", ".", "+", ".", "ID=gene-b2"),
        ("NC_1", "RefSeq", "five_prime_UTR", "1400", "1450", ".", "+", ".", "ID=utr1")])
    assert [(t, a.split("; ")[:3]) for t, a in out] == [
        ("region", ['gene_id ""', 'transcript_id ""', 'ID "NC_1:1..5000"']),
        ("gene", ['gene_id "gene-b1"', 'ID "gene-b1"']),
        ("CDS", ['gene_id "gene-b1"', 'transcript_id "gene-b1"', 'ID "cds-b1"']),
        ("repeat_region", ['gene_id ""', 'transcript_id ""', 'ID "id-rep1"']),
        ("CDS", ['gene_id "PROKKA_1"', 'ID "PROKKA_1"']),
        ("pseudogene", ['gene_id "gene-b2"', 'ID "gene-b2"']),
        ("five_prime_UTR", ['gene_id "utr1"', 'ID "utr1"'])]
    back = tmp_path / "ncbi2.gffdb"
    r = run(gffbase_cli, "ingest", tmp_path / "ncbi.gtf", "-o", back)
    assert r.returncode == 0 and "empty-id" not in r.stderr and "non-empty ID" not in r.stderr, r.stderr
    # Back from the GTF: genes for the gene model's lines only; the region and the repeat are in none.
    genes = run(gffbase_cli, "export", back, "-f", "tsv", "-t", "gene").stdout.splitlines()[1:]
    assert sorted(line.split("\t")[0] for line in genes) == ["PROKKA_1", "gene-b1", "gene-b2", "utr1"]
    for t in ("region", "repeat_region"):
        rows = run(gffbase_cli, "export", back, "-f", "tsv", "-t", t).stdout.splitlines()[1:]
        assert len(rows) == 1
        assert run(gffbase_cli, "parents", back, rows[0].split("\t")[0], "-f", "tsv").stdout.splitlines()[1:] == []


def test_gff3_to_gtf_to_gff3_is_valid_gff3_with_the_hierarchy(gffbase_cli, tmp_path):
    # The GTF carries each line's GFF3 ID and Parent as plain attributes.  Back to GFF3, the hierarchy written
    # is the database's: an mRNA's ID=t1 beside the inferred transcript t1 gave two features with one ID, and an
    # Ensembl gene's own ID=gene:ENSG1 was not what its transcripts' Parent=ENSG1 named.
    out = _gtf_of(gffbase_cli, tmp_path, "rt", [
        ("c1", "src", "gene", "1", "1000", ".", "+", ".", "ID=gene:ENSG1;gene_id=ENSG1"),
        ("c1", "src", "mRNA", "1", "1000", ".", "+", ".", "ID=t1;Parent=gene:ENSG1"),
        ("c1", "src", "exon", "1", "100", ".", "+", ".", "ID=e1;Parent=t1"),
        ("c1", "src", "exon", "200", "1000", ".", "+", ".", "ID=e2;Parent=t1")])
    assert len(out) == 4
    db2, gff3 = tmp_path / "rt2.gffdb", tmp_path / "rt2.gff3"
    assert run(gffbase_cli, "ingest", tmp_path / "rt.gtf", "-o", db2, "-q").returncode == 0
    gff3.write_text(run(gffbase_cli, "export", db2, "-f", "gff3").stdout)
    r = run(gffbase_cli, "ingest", gff3, "-o", tmp_path / "rt3.gffdb", "--merge-strategy", "error")
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr  # no duplicate ID, no unknown Parent
    cols = [line.split("\t") for line in gff3.read_text().splitlines() if not line.startswith("#")]
    assert [(c[2], c[8].split(";")[:2]) for c in cols] == [
        ("gene", ["ID=ENSG1", "gene_id=ENSG1"]),
        ("transcript", ["ID=t1", "Parent=ENSG1"]),
        ("mRNA", ["Parent=t1", "gene_id=ENSG1"]),
        ("exon", ["ID=e1", "Parent=t1"]),
        ("exon", ["ID=e2", "Parent=t1"])]
    kids = run(gffbase_cli, "children", tmp_path / "rt3.gffdb", "ENSG1", "-f", "tsv").stdout.splitlines()[1:]
    assert sorted(line.split("\t")[3] for line in kids) == ["exon", "exon", "mRNA", "transcript"]


def test_gtf_asked_for_from_a_gff2_database_is_gtf(gffbase_cli, tmp_path):
    # RepeatMasker GFF2: no gene_id anywhere.  Its own dialect (no --format) is the input, verbatim; `-f gtf`
    # gives GTF: gene_id "" and transcript_id "" (in no gene) before the line's own attributes, no GFF2 version.
    src = tmp_path / "rm.gff"
    src.write_text("##gff-version 2\n"
                   "chr1\tRepeatMasker\tsimilarity\t10001\t10468\t1.3\t+\t.\tTarget \"Motif:(TAACCC)n\" 1 471\n"
                   "chr1\tRepeatMasker\tsimilarity\t10469\t11447\t11.4\t-\t.\tTarget \"Motif:L1MC5a\" 5432 6399\n")
    db = tmp_path / "rm.gffdb"
    assert run(gffbase_cli, "ingest", src, "-o", db, "-q").returncode == 0
    assert run(gffbase_cli, "export", db).stdout == src.read_text()
    gtf = run(gffbase_cli, "export", db, "-f", "gtf").stdout
    assert gtf.splitlines() == [
        'chr1\tRepeatMasker\tsimilarity\t10001\t10468\t1.3\t+\t.\tgene_id ""; transcript_id ""; Target "Motif:(TAACCC)n" 1 471',
        'chr1\tRepeatMasker\tsimilarity\t10469\t11447\t11.4\t-\t.\tgene_id ""; transcript_id ""; Target "Motif:L1MC5a" 5432 6399']
    assert run(gffbase_cli, "region", db, "chr1:10000-10100", "-f", "gtf").stdout == gtf.splitlines(True)[0]
    (tmp_path / "rm.gtf").write_text(gtf)
    r = run(gffbase_cli, "ingest", tmp_path / "rm.gtf", "-o", tmp_path / "rm2.gffdb", "--format", "gtf")
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr


def test_bed12_of_a_zero_start_feature_stays_inside_its_span_and_scores_agree_with_bed6(gffbase_cli, tmp_path):
    # A feature starting at 0 (kept with a zero-start warning): chromStart is 0, and its first block was one
    # base longer than the line (bedtools bed12tobed6 gave 0-464 for a 0-463 gene).  BED12's score column is
    # the score BED6 writes (it was always 0).
    src = tmp_path / "z.gff3"
    src.write_text("##gff-version 3\n"
                   "c\ts\tmRNA\t0\t463\t7.5\t+\t.\tID=m\n"
                   "c\ts\texon\t0\t272\t.\t+\t.\tParent=m\n"
                   "c\ts\texon\t356\t463\t.\t+\t.\tParent=m\n")
    db = tmp_path / "z.gffdb"
    assert run(gffbase_cli, "ingest", src, "-o", db, "-q").returncode == 0
    bed12 = run(gffbase_cli, "export", db, "-f", "bed12", "-t", "mRNA").stdout.split("\t")
    bed6 = run(gffbase_cli, "export", db, "-f", "bed", "-t", "mRNA").stdout.split("\t")
    assert bed12[1:5] == ["0", "463", "m", "7.5"] and bed6[1:5] == ["0", "463", "m", "7.5"]
    sizes = [int(x) for x in bed12[10].rstrip(",").split(",")]
    starts = [int(x) for x in bed12[11].rstrip(",\n").split(",")]
    assert (sizes, starts) == ([272, 108], [0, 355])
    assert starts[-1] + sizes[-1] == int(bed12[2]) - int(bed12[1])  # the last block ends at chromEnd


def test_a_type_no_feature_has_is_said_with_the_databases_types(gffbase_cli, cli_db):
    # `-t mrna` where the type is mRNA found nothing and said nothing.
    for args in (("children", cli_db, "gene1", "-t", "Exon"), ("region", cli_db, "chrX:1-60000", "-t", "mrna"),
                 ("export", cli_db, "-f", "bed12", "-t", "mrna"), ("derive", cli_db, "merged", "-t", "exxon"),
                 ("derive", cli_db, "introns", "--exon-type", "EXON")):
        r = run(gffbase_cli, *args)
        bad = args[args.index("-t") + 1] if "-t" in args else "EXON"
        assert r.returncode == 0 and r.stdout == "", (args, r.stdout)
        assert r.stderr == (f"gffbase {args[0]}: warning: no feature has type '{bad}' "
                            "(the database's types: CDS, exon, gene, mRNA, ncRNA)\n"), args
    assert run(gffbase_cli, "children", cli_db, "gene1", "-t", "exon").stderr == ""


def test_ingest_refuses_stdout_as_the_database_and_lists_name_what_they_expected(gffbase_cli, example_gff3, tmp_path):
    r = run(gffbase_cli, "ingest", example_gff3, "-o", "-", cwd=tmp_path)
    assert r.returncode == 2 and "cannot go to standard output" in r.stderr
    assert not (tmp_path / "-").exists()  # it wrote a database named '-'
    db = tmp_path / "e.gffdb"
    assert run(gffbase_cli, "ingest", example_gff3, "-o", db, "-q").returncode == 0
    for option in ("--ids", "--regions"):
        command = "get" if option == "--ids" else "region"
        r = run(gffbase_cli, command, db, option, tmp_path)
        assert r.returncode == 1 and f"{tmp_path}: is a directory, expected a file of IDs or regions" in r.stderr


def test_gtf_to_gff3_to_gtf_keeps_the_transcripts(gffbase_cli, tmp_path):
    # gffread -T: transcript and exon lines, no gene lines.  GTF -> GFF3 (transcripts become roots carrying
    # transcript_id and gene_id) -> GTF gives back the same transcripts, not orphans beside inferred ones.
    gtf = tmp_path / "g.gtf"
    gtf.write_text("".join("\t".join(c) + "\n" for c in [
        ("c", "StringTie", "transcript", "1", "500", "1000", "+", ".", 'transcript_id "S.1.1"; gene_id "S.1";'),
        ("c", "StringTie", "exon", "1", "100", "1000", "+", ".", 'transcript_id "S.1.1"; gene_id "S.1";'),
        ("c", "StringTie", "exon", "400", "500", "1000", "+", ".", 'transcript_id "S.1.1"; gene_id "S.1";'),
        ("c", "StringTie", "transcript", "1", "300", "1000", "+", ".", 'transcript_id "S.1.2"; gene_id "S.1";'),
        ("c", "StringTie", "exon", "1", "300", "1000", "+", ".", 'transcript_id "S.1.2"; gene_id "S.1";')]))
    db = tmp_path / "g.gffdb"
    assert run(gffbase_cli, "ingest", gtf, "-o", db, "-q").returncode == 0
    (tmp_path / "g.gff3").write_text(run(gffbase_cli, "export", db, "-f", "gff3").stdout)
    db2 = tmp_path / "g2.gffdb"
    assert run(gffbase_cli, "ingest", tmp_path / "g.gff3", "-o", db2, "-q").returncode == 0
    (tmp_path / "g2.gtf").write_text(run(gffbase_cli, "export", db2, "-f", "gtf").stdout)
    db3 = tmp_path / "g3.gffdb"
    assert run(gffbase_cli, "ingest", tmp_path / "g2.gtf", "-o", db3, "-q").returncode == 0
    types = run(gffbase_cli, "info", db3).stdout
    assert re.search(r"transcript\s+2\b", types) and re.search(r"gene\s+1\b", types), types
    kids = run(gffbase_cli, "children", db3, "S.1.1", "-f", "tsv").stdout.splitlines()[1:]
    assert sorted(line.split("\t")[4] for line in kids) == ["1", "400"]


def test_converting_between_gff3_and_gtf_keeps_the_hierarchy(gffbase_cli, tmp_path):
    src = tmp_path / "c.gff3"
    src.write_text("##gff-version 3\n"
                   "c\t.\tgene\t1\t1000\t.\t+\t.\tID=g;Name=G1\n"
                   "c\t.\ttranscript\t1\t1000\t.\t+\t.\tID=t1;Parent=g\n"
                   "c\t.\texon\t1\t100\t.\t+\t.\tParent=t1\n"
                   "c\t.\tCDS\t50\t100\t.\t+\t0\tID=cds1;Parent=t1\n")
    db = tmp_path / "c.gffdb"
    assert run(gffbase_cli, "ingest", src, "-o", db, "-q").returncode == 0
    gtf = run(gffbase_cli, "export", db, "-f", "gtf").stdout
    assert gtf.splitlines()[-1].split("\t")[8] == 'gene_id "g"; transcript_id "t1"; ID "cds1"; Parent "t1";'
    assert gtf.splitlines()[0].split("\t")[8] == 'gene_id "g"; ID "g"; Name "G1";'  # a root: no transcript
    (tmp_path / "c.gtf").write_text(gtf)
    back = tmp_path / "back.gffdb"
    r = run(gffbase_cli, "ingest", tmp_path / "c.gtf", "-o", back)
    assert r.returncode == 0 and " 0 synthetic" in r.stdout, r.stdout + r.stderr
    kids = run(gffbase_cli, "children", back, "g", "-f", "tsv").stdout.splitlines()[1:]
    assert sorted(line.split("\t")[3] for line in kids) == ["CDS", "exon", "transcript"]
    # GTF -> GFF3 (with the inferred gene and transcript): ID and Parent.
    gff3 = run(gffbase_cli, "export", back, "-f", "gff3", "--include-synthetic").stdout
    (tmp_path / "back.gff3").write_text(gff3)
    again = tmp_path / "again.gffdb"
    assert run(gffbase_cli, "ingest", tmp_path / "back.gff3", "-o", again, "-q", "--strict").returncode == 0
    kids = run(gffbase_cli, "children", again, "g", "-f", "tsv").stdout.splitlines()[1:]
    assert sorted(line.split("\t")[3] for line in kids) == ["CDS", "exon", "transcript"]
    tx = next(line.split("\t")[8].split(";") for line in gff3.splitlines() if "\ttranscript\t" in line)
    assert "ID=t1" in tx and "Parent=g" in tx
    # A '"' inside a GFF3 value is percent-encoded in GTF, which has no escape for it.
    (tmp_path / "q.gff3").write_text('##gff-version 3\nc\t.\tgene\t1\t10\t.\t+\t.\tID=q;Note=12" insert;Alias=x\n')
    q = tmp_path / "q.gffdb"
    assert run(gffbase_cli, "ingest", tmp_path / "q.gff3", "-o", q, "-q").returncode == 0
    q_gtf = run(gffbase_cli, "export", q, "-f", "gtf").stdout
    assert q_gtf.split("\t")[8] == 'gene_id "q"; ID "q"; Note "12%22 insert"; Alias "x";\n'
    (tmp_path / "q.gtf").write_text(q_gtf)
    assert run(gffbase_cli, "ingest", tmp_path / "q.gtf", "-o", tmp_path / "q2.gffdb", "--strict").returncode == 0
    # An exon shared by isoforms (Parent=t1,t2) is one GTF line per transcript: GTF names one per line.
    (tmp_path / "sh.gff3").write_text("##gff-version 3\n" + "".join("\t".join(c) + "\n" for c in [
        ("c", "s", "gene", "1", "100", ".", "+", ".", "ID=g"),
        ("c", "s", "mRNA", "1", "100", ".", "+", ".", "ID=t1;Parent=g"),
        ("c", "s", "mRNA", "1", "100", ".", "+", ".", "ID=t2;Parent=g"),
        ("c", "s", "exon", "1", "10", ".", "+", ".", "ID=e1;Parent=t1,t2")]))
    sh = tmp_path / "sh.gffdb"
    assert run(gffbase_cli, "ingest", tmp_path / "sh.gff3", "-o", sh, "-q").returncode == 0
    exons = [x.split("\t")[8] for x in run(gffbase_cli, "export", sh, "-f", "gtf").stdout.splitlines()
             if "\texon\t" in x]
    assert exons == ['gene_id "g"; transcript_id "t1"; ID "e1"; Parent "t1"; Parent "t2";',
                     'gene_id "g"; transcript_id "t2"; ID "e1"; Parent "t1"; Parent "t2";']
    # So are a tab, LF or CR (GFF3's %09, %0A, %0D, decoded): written raw, they split the column or the line.
    (tmp_path / "nl.gff3").write_text("##gff-version 3\nc\t.\tgene\t1\t10\t.\t+\t.\tID=n;Note=a%0Ab%0D;p=x%09y\n")
    nl = tmp_path / "nl.gffdb"
    assert run(gffbase_cli, "ingest", tmp_path / "nl.gff3", "-o", nl, "-q").returncode == 0
    nl_gtf = run(gffbase_cli, "export", nl, "-f", "gtf").stdout
    assert nl_gtf.split("\t", 8)[8] == 'gene_id "n"; ID "n"; Note "a%0Ab%0D"; p "x%09y";\n'
    (tmp_path / "nl.gtf").write_text(nl_gtf)
    assert run(gffbase_cli, "ingest", tmp_path / "nl.gtf", "-o", tmp_path / "nl2.gffdb", "--strict").returncode == 0
    # Lines that carry gene_id/transcript_id of their own (RefSeq, Ensembl GFF3): the gene's and transcript's own
    # values name them on every line, so all lines of a gene agree.
    (tmp_path / "rs.gff3").write_text(
        "##gff-version 3\n"
        "c\t.\tgene\t1\t100\t.\t+\t.\tID=gene:G1;gene_id=G1\n"
        "c\t.\tmRNA\t1\t100\t.\t+\t.\tID=tx:T1;Parent=gene:G1;transcript_id=T1\n"
        "c\t.\texon\t1\t100\t.\t+\t.\tParent=tx:T1;gene_id=other;transcript_id=other\n")
    rs = tmp_path / "rs.gffdb"
    assert run(gffbase_cli, "ingest", tmp_path / "rs.gff3", "-o", rs, "-q").returncode == 0
    rs_gtf = [line.split("\t")[8] for line in run(gffbase_cli, "export", rs, "-f", "gtf").stdout.splitlines()]
    assert rs_gtf == ['gene_id "G1"; ID "gene:G1";',
                      'gene_id "G1"; transcript_id "T1"; ID "tx:T1"; Parent "gene:G1";',
                      'gene_id "G1"; transcript_id "T1"; Parent "tx:T1";']
    # A GTF that never held ID or Parent gets them from its hierarchy.
    (tmp_path / "plain.gtf").write_text('c\t.\texon\t1\t100\t.\t+\t.\tgene_id "G"; transcript_id "T";\n')
    plain = tmp_path / "plain.gffdb"
    assert run(gffbase_cli, "ingest", tmp_path / "plain.gtf", "-o", plain, "-q").returncode == 0
    lines = run(gffbase_cli, "export", plain, "-f", "gff3", "--include-synthetic").stdout.splitlines()
    assert {line.split("\t")[2]: line.split("\t")[8] for line in lines[1:]} == {
        "gene": "ID=G;gene_id=G", "transcript": "ID=T;Parent=G;gene_id=G;transcript_id=T",
        "exon": "Parent=T;gene_id=G;transcript_id=T"}
    # Converting writes them by default (a GFF3 needs its parents), each just before its first child line;
    # --exclude-synthetic leaves them out, and then nothing names them.
    assert run(gffbase_cli, "export", plain, "-f", "gff3").stdout.splitlines() == lines
    assert [line.split("\t")[2] for line in lines[1:]] == ["gene", "transcript", "exon"]
    lines = run(gffbase_cli, "export", plain, "-f", "gff3", "--exclude-synthetic").stdout.splitlines()
    assert [line.split("\t")[8] for line in lines[1:]] == ["gene_id=G;transcript_id=T"]
    # In the input's own dialect the export is the input: no inferred lines unless asked for.
    assert run(gffbase_cli, "export", plain).stdout == (tmp_path / "plain.gtf").read_text()
    r = run(gffbase_cli, "export", plain, "--include-synthetic", "--exclude-synthetic")
    assert r.returncode == 2 and "give one or the other" in r.stderr


def test_info(gffbase_cli, cli_db):
    r = run(gffbase_cli, "info", cli_db, "--verify")
    assert r.returncode == 0, r.stderr
    assert "features: 13" in r.stdout and "rows: 15" in r.stdout
    assert "exon" in r.stdout and "chrX" in r.stdout
    r = run(gffbase_cli, "info", Path(cli_db).parent / "nope.gffdb")
    assert r.returncode == 1


def test_validate_json(gffbase_cli, example_gff3, tmp_path):
    r = run(gffbase_cli, "validate", example_gff3, "--json")
    assert r.returncode == 0
    report = json.loads(r.stdout)
    assert report["ok"] is True and report["errors"] == 0 and report["features"] == 13
    assert report["problems"] == []
    bad = tmp_path / "bad.gff3"
    bad.write_text("##gff-version 3\nchr1\tx\tgene\t1\t100\t.\t+\t.\tID=g1\nchr1\tx\tgene\tabc\t100\t.\t+\t.\tID=g2\n")
    r = run(gffbase_cli, "validate", bad, "--json")
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert report["ok"] is False and report["errors"] == 1
    (p,) = report["problems"]
    assert p["line"] == 3 and p["severity"] == "error" and p["field"] == "column 4 (start)"
    # plain text names file:line
    r = run(gffbase_cli, "validate", bad)
    assert r.returncode == 1 and f"{bad}:3:" in (r.stdout + r.stderr)


def test_validate_json_reports_an_unreadable_input_too(gffbase_cli, tmp_path):
    r = run(gffbase_cli, "validate", tmp_path, "--json")
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert report["ok"] is False and report["dialect"] is None and report["problems"] == []
    assert report["fatal"] == f"{tmp_path}: is a directory, expected an annotation file"


def test_lines_ending_in_cr_alone_are_explained(gffbase_cli, tmp_path):
    src = tmp_path / "mac.gff3"
    src.write_bytes(b"##gff-version 3\rc\t.\tgene\t1\t100\t.\t+\t.\tID=a\r")
    r = run(gffbase_cli, "ingest", src, "-o", tmp_path / "mac.gffdb")
    assert r.returncode == 1
    assert ("no feature lines found (its lines end in a carriage return alone, as on classic Mac OS: the whole "
            "file reads as one line)\n  hint: convert the line ends to newlines, e.g. tr '\\r' '\\n'") in r.stderr
    src.write_bytes(b"c\t.\tgene\t1\t100\t.\t+\t.\tID=a\rc\t.\tgene\t1\t100\t.\t+\t.\tID=b\r")
    r = run(gffbase_cli, "validate", src)
    assert "hint: the line holds a carriage return: if the file's lines end in CR alone" in r.stdout


def test_validate_stdin(gffbase_cli, example_gtf):
    r = run(gffbase_cli, "validate", "-", "--json", stdin=Path(example_gtf).read_text())
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["ok"] is True and report["errors"] == 0


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [("export",), ("info",), ("get", "tx1"), ("region", "chrX:1-100000")])
def test_output_cut_short_by_a_failed_write_is_an_error(gffbase_cli, cli_db, args):
    # A full disk behind a shell redirection: the command must not exit 0 with its output cut short.
    with open("/dev/full", "w") as full:
        r = subprocess.run([gffbase_cli, args[0], str(cli_db), *args[1:]], stdout=full, stderr=subprocess.PIPE,
                           text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    assert "No space left on device" in r.stderr


def test_export_of_a_line_with_200k_distinct_keys_is_not_quadratic(gffbase_cli, tmp_path):
    # Keys were grouped by a linear search per item: 200k distinct keys took ~26 s to export as JSON lines.
    n = 200_000
    src = tmp_path / "k.gff3"
    src.write_text("##gff-version 3\nc\t.\tgene\t1\t10\t.\t+\t.\tID=g;" + ";".join(f"k{i}=v{i}" for i in range(n)) + "\n")
    db = tmp_path / "k.gffdb"
    assert run(gffbase_cli, "ingest", src, "-o", db, "-q").returncode == 0
    t0 = time.perf_counter()
    r = run(gffbase_cli, "export", db, "-f", "jsonl")
    seconds = time.perf_counter() - t0
    assert r.returncode == 0, r.stderr
    attrs = json.loads(r.stdout)["attributes"]
    assert len(attrs) == n + 1 and list(attrs)[:3] == ["ID", "k0", "k1"] and attrs[f"k{n - 1}"] == [f"v{n - 1}"]
    gtf = run(gffbase_cli, "export", db, "-f", "gtf").stdout
    assert gtf.count('"; k') == n
    assert seconds < 10, seconds  # linear: well under a second


def test_absurd_thread_counts_are_clamped_not_fatal(gffbase_cli, tmp_path, example_gff3):
    # --threads 100000 made 400,000 parse chunks and, once the system refused a thread, aborted
    # (std::terminate) leaving the temporary file; threads are now capped at 256, and a thread that
    # cannot start has its work done by the caller.
    big = tmp_path / "big.gff3"
    body = [line for line in Path(example_gff3).read_text().splitlines(keepends=True) if not line.startswith("#")]
    with open(big, "w") as out:
        out.write("##gff-version 3\n")
        for i in range(3000):  # > 1 MB of text: parsed in parallel chunks
            out.write("".join(line.replace("chrX", f"c{i}").replace("ID=", f"ID=r{i}.").replace("Parent=", f"Parent=r{i}.")
                              .replace(",", f",r{i}.") for line in body))
    db = tmp_path / "big.gffdb"
    r = run(gffbase_cli, "ingest", big, "-o", db, "--threads", "100000")
    assert r.returncode == 0, r.stderr
    assert "39000 features (45000 rows" in r.stdout, r.stdout  # 13 features a copy (cds1 is 3 rows)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.gff3", "big.gffdb"]
    py = gffbase.create_db(str(big), str(tmp_path / "py.gffdb"), threads=100000)
    assert py.count_features_of_type("exon") == 7 * 3000


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_mid_ingest_removes_the_temporary_file_and_keeps_the_old_database(gffbase_cli, tmp_path, sig,
                                                                                   example_gff3):
    # Ctrl-C, timeout(1), a scheduler: the <db>.tmp-<pid>-<n> being written used to stay behind.
    from gffbase.helpers import synthetic_annotation

    src = tmp_path / "big.gff3"
    src.write_text(synthetic_annotation(50_000))
    db = tmp_path / "a.gffdb"
    assert run(gffbase_cli, "ingest", example_gff3, "-o", db, "-q").returncode == 0
    before = db.read_bytes()
    p = subprocess.Popen([gffbase_cli, "ingest", str(src), "-o", str(db), "--force", "-q"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not writing_beside(p.pid, tmp_path, "a.gffdb") and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    if p.poll() is not None:
        pytest.skip("the ingest finished before its temporary file was seen")
    p.send_signal(sig)
    assert p.wait(timeout=60) == -sig
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.gffdb", "big.gff3"]
    assert db.read_bytes() == before


def test_an_input_cut_short_mid_ingest_is_a_clear_error_not_a_bus_error(gffbase_cli, tmp_path, example_gff3):
    # Plain input is read through a mapping: truncated by another process mid-ingest, the pages past its new
    # end raise SIGBUS, which killed the CLI with "Bus error" (exit -7).  Now an error naming the cause.
    src = tmp_path / "big.gtf"
    text = "".join(f'c1\tsrc\texon\t{i * 10 + 1}\t{i * 10 + 5}\t.\t+\t.\tgene_id "g{i // 4}"; '
                   f'transcript_id "t{i // 2}";\n' for i in range(1_000_000)).encode()  # ~80 MB
    db = tmp_path / "a.gffdb"
    assert run(gffbase_cli, "ingest", example_gff3, "-o", db, "-q").returncode == 0
    before = db.read_bytes()
    seen = []
    for attempt in range(6):
        src.write_bytes(text)
        p = subprocess.Popen([gffbase_cli, "ingest", str(src), "-o", str(db), "--force", "-q"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.02 + 0.01 * attempt)
        os.truncate(src, 1000)
        _out, err = p.communicate(timeout=120)
        err = err.decode()
        assert p.returncode in (0, 1), (p.returncode, err)  # never a signal
        assert sorted(x.name for x in tmp_path.iterdir()) == ["a.gffdb", "big.gtf"]
        if p.returncode == 1:
            assert db.read_bytes() == before  # the old database is intact
        seen.append(err)
        if "was cut short or rewritten in place by another process" in err:
            break
    else:
        pytest.skip(f"the truncation never landed mid-read: {seen}")
    assert "hint: replace files by writing a new one and renaming it over the old" in err


def test_a_nul_byte_in_a_path_is_refused_before_anything_is_written(tmp_path, example_gff3, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(gffbase.InvalidArgumentError, match="NUL byte"):
        gffbase.create_db(example_gff3, "fresh\0.gffdb")
    with pytest.raises(gffbase.InvalidArgumentError, match="NUL byte"):
        gffbase.create_db(str(tmp_path / "in\0.gff3"), "out.gffdb")
    assert list(tmp_path.iterdir()) == []  # the core read "fresh\0..." as "fresh" and wrote it


def test_a_fifo_or_a_gffdb_in_the_wrong_place_is_a_clear_error(tmp_path, example_gff3, gffbase_cli):
    fifo = tmp_path / "f.gffdb"
    os.mkfifo(fifo)
    r = subprocess.run([gffbase_cli, "info", str(fifo)], capture_output=True, text=True, timeout=30)  # it waited
    assert r.returncode == 1 and "is not a regular file (a FIFO, device or socket)" in r.stderr, r.stderr
    with pytest.raises(gffbase.GffbaseError, match="not a regular file"):
        gffbase.FeatureDB(str(fifo))
    db = tmp_path / "a.gffdb"
    gffbase.create_db(example_gff3, str(db))
    r = subprocess.run([gffbase_cli, "ingest", str(db), "-o", str(tmp_path / "b.gffdb")], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 1 and "is a .gffdb database, not an annotation" in r.stderr, r.stderr
    assert not (tmp_path / "b.gffdb").exists()


def test_bed_regions_must_be_whole_numbers_and_bad_bytes_are_escaped(gffbase_cli, cli_db):
    ok = run(gffbase_cli, "region", cli_db, "--regions", "-", stdin="chrX\t999\t1500\n")
    assert ok.returncode == 0 and "tx1" in ok.stdout
    for line, shown in [("chrX\t0\t5abc\n", r'found "chrX\t0\t5abc"'), ("chrX\t\t5\n", r'found "chrX\t\t5"')]:
        r = run(gffbase_cli, "region", cli_db, "--regions", "-", stdin=line)
        assert r.returncode == 1 and "-:1: expected a BED line (chrom<TAB>start<TAB>end, 0-based, start <= end), " \
            + shown in r.stderr, r.stderr
    r = subprocess.run([gffbase_cli, "region", str(cli_db), "--regions", "-"], input=b"chrX\t0\xff\t5\n",
                       capture_output=True, timeout=60)
    assert r.returncode == 1 and rb'found "chrX\t0\xff\t5"' in r.stderr, r.stderr


def test_a_database_name_of_255_bytes_can_be_written(gffbase_cli, tmp_path, example_gff3):
    # <name>.tmp-<pid>-<n> was too long for the file system: "cannot create a temporary file: File name too long".
    db = tmp_path / ("d" * 249 + ".gffdb")
    r = run(gffbase_cli, "ingest", example_gff3, "-o", db)
    assert r.returncode == 0, r.stderr
    out = tmp_path / ("e" * 250 + ".gff3")
    assert run(gffbase_cli, "export", db, "-o", out).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([db.name, out.name])
    assert feature_lines(out) == feature_lines(example_gff3)


def test_gtf_export_of_a_root_with_60k_leaf_children_is_not_quadratic(gffbase_cli, tmp_path):
    # Each leaf asked whether its root has transcripts by scanning all the root's children: 10 s here.
    rows = ["##gff-version 3", "c\t.\tregion\t1\t1000000\t.\t+\t.\tID=r"]
    rows += [f"c\t.\tCDS\t{i * 10 + 1}\t{i * 10 + 5}\t.\t+\t0\tParent=r" for i in range(60_000)]
    src = tmp_path / "wide.gff3"
    src.write_text("\n".join(rows) + "\n")
    db = tmp_path / "wide.gffdb"
    assert run(gffbase_cli, "ingest", src, "-o", db, "-q").returncode == 0
    t0 = time.perf_counter()
    gtf = run(gffbase_cli, "export", db, "-f", "gtf").stdout.splitlines()
    seconds = time.perf_counter() - t0
    assert len(gtf) == 60_001 and gtf[-1].endswith('gene_id "r"; transcript_id "r"; Parent "r";')
    assert seconds < 5, seconds  # linear: a few hundredths of a second


def test_problem_counts_are_totals_past_the_kept_list(gffbase_cli, tmp_path):
    """A database keeps the first 10,000 problems; the counts printed are the totals,
    and say so (ingest printed '... 9995 more problems' for 12,001, info counted the
    kept list only: '10000 (10000 errors, 0 warnings)')."""
    path = tmp_path / "bad.gff3"
    with open(path, "w") as fh:
        fh.write("##gff-version 3\n")
        for i in range(12000):
            fh.write(f"chr1\t.\tgene\t{i + 1}\tX\t.\t+\t.\tID=g{i}\n")
        fh.write("chr1\t.\tgene\t1\t5\t.\t+\t.\tID=ok;Parent=missing\n")
    db = tmp_path / "bad.gffdb"
    r = run(gffbase_cli, "ingest", path, "-o", db)
    assert r.returncode == 0, r.stderr
    assert f"... 11996 more problems (see `gffbase validate {path}` or `gffbase info {db} --problems`, " \
           "which lists the first 10000)" in r.stderr
    info = run(gffbase_cli, "info", db)
    assert "problems recorded: 12000 errors, 1 warnings (the database keeps the first 10000)\n" in info.stdout
    few = tmp_path / "few.gff3"
    few.write_text("##gff-version 3\n" + "".join(f"chr1\t.\tgene\t{i + 1}\tX\t.\t+\t.\tID=g{i}\n" for i in range(7))
                   + "chr1\t.\tgene\t1\t5\t.\t+\t.\tID=ok\n")
    r = run(gffbase_cli, "ingest", few, "-o", tmp_path / "few.gffdb")
    assert f"... 2 more problems (see `gffbase validate {few}` or `gffbase info {tmp_path / 'few.gffdb'} --problems`)\n" \
        in r.stderr


@pytest.mark.parametrize("args, message", [
    (["--threads", "-3"], "--threads: expected a number of threads (0: every core), found '-3'"),
    (["--threads", "4x"], "--threads: expected a number of threads (0: every core), found '4x'"),
    (["--id-spec", "gene:"], "--id-spec: expected KEY or TYPE:KEY, found 'gene:'"),
    (["--id-spec", ":Name"], "--id-spec: expected KEY or TYPE:KEY, found ':Name'"),
    (["--id-spec", ""], "--id-spec: expected KEY or TYPE:KEY, found ''"),
])
def test_malformed_ingest_options_are_usage_errors(gffbase_cli, example_gff3, tmp_path, args, message):
    """They were taken silently (std::stoi read '-3' and '4x'; an empty key named nothing)."""
    r = run(gffbase_cli, "ingest", example_gff3, "-o", tmp_path / "x.gffdb", *args)
    assert r.returncode == 2 and f"gffbase ingest: error: {message}\n" in r.stderr
    assert not (tmp_path / "x.gffdb").exists()
