"""Ensembl's and NCBI's "#!" pragma lines (#!genome-build ...) and UCSC
custom-track header lines (track / browser): pragmas are kept as the input
wrote them and read into FeatureDB.pragmas; UCSC lines are skipped with a
warning, never read as features."""

from __future__ import annotations

import gzip

import gffbase

TEXT = (
    "##gff-version 3\n"
    "#!genome-build GRCh38.p14\n"
    "#!genome-build-accession NCBI_Assembly:GCF_000001405.40\n"
    "# a comment, not a pragma\n"
    "track name=genes description=\"many words so that it has nine or more fields\" visibility=2\n"
    "browser position chr1:1-1000\n"
    "chr1\tsrc\tgene\t1\t100\t.\t+\t.\tID=g1\n"
    "chr1\tsrc\tmRNA\t1\t100\t.\t+\t.\tID=t1;Parent=g1\n"
    "#!annotation-date 2023-10\n"
)


def _db(tmp_path, text=TEXT, name="p.gff3"):
    path = tmp_path / name
    path.write_text(text)
    return gffbase.create_db(str(path), str(tmp_path / (name + ".gffdb")))


def test_pragmas_are_read_apart_from_directives(tmp_path):
    db = _db(tmp_path)
    assert db.directives == ["gff-version 3"]  # gffutils' list: "##" lines only
    assert db.pragmas == {"genome-build": "GRCh38.p14",
                          "genome-build-accession": "NCBI_Assembly:GCF_000001405.40",
                          "annotation-date": "2023-10"}
    # the track and browser lines are not features, and are said
    assert [f.id for f in db.all_features()] == ["g1", "t1"]
    problems = db.problems()
    assert [(line, error) for line, error, _ in problems] == [(5, False), (6, False)]
    assert all("found a UCSC genome browser" in message for _, _, message in problems)
    # whole tables: meta gains the pragmas, directives stays "##" only
    meta = {r["key"]: r["value"] for r in db.to_arrow("meta").to_pylist()}
    assert meta["#!genome-build"] == "GRCh38.p14" and meta["#!annotation-date"] == "2023-10"
    assert db.to_arrow("directives").column("directive").to_pylist() == ["gff-version 3"]
    assert db.sql("SELECT value FROM meta WHERE key = '#!genome-build'").fetchall() == [("GRCh38.p14",)]


def test_a_pragma_named_twice_keeps_its_first_value_and_bare_names_count(tmp_path):
    db = _db(tmp_path, "#!genome-build A\n#!genome-build B\n#!flag\n#!\n"
                       "c\ts\tgene\t1\t10\t.\t+\t.\tID=g\n")
    assert db.pragmas == {"genome-build": "A", "flag": ""}


def test_update_keeps_pragmas_where_they_stood(tmp_path):
    db = _db(tmp_path)
    extra = gffbase.Feature("chr1", "src", "exon", 1, 50, attributes={"ID": ["e1"], "Parent": ["t1"]})
    db2 = db.update([extra])
    assert db2.pragmas == db.pragmas
    assert "e1" in db2
    dropped = db.delete(["t1"])
    assert dropped.pragmas == db.pragmas and "t1" not in dropped


def test_data_iterator_skips_ucsc_lines(tmp_path):
    (tmp_path / "p.gff3").write_text(TEXT)
    it = gffbase.DataIterator(str(tmp_path / "p.gff3"))
    assert [f.attributes["ID"][0] for f in it] == ["g1", "t1"]
    assert it.directives == ["gff-version 3"]


def _naive_pragmas(path):
    out = {}
    with gzip.open(path, "rt") as fh:
        for line in fh:
            if line.startswith("#!"):
                name, _, value = line[2:].strip().partition(" ")
                out.setdefault(name, value.strip())
    return out


def test_real_ensembl_and_refseq_pragmas(shared_data, tmp_path):
    yeast = shared_data / "01_whole_genome/yeast_ensembl_R64-1-1.96/Saccharomyces_cerevisiae.R64-1-1.96.gtf.gz"
    ecoli = (shared_data / "01_whole_genome/ecoli_K12_MG1655_refseq/"
             "GCF_000005845.2_ASM584v2_genomic.releaseA.gff.gz")
    y = gffbase.create_db(str(yeast), str(tmp_path / "y.gffdb"), merge_strategy="create_unique")
    assert y.pragmas == _naive_pragmas(yeast)
    assert y.pragmas["genome-build"] == "R64-1-1" and len(y.pragmas) == 5
    e = gffbase.create_db(str(ecoli), str(tmp_path / "e.gffdb"), merge_strategy="create_unique")
    assert e.pragmas == _naive_pragmas(ecoli)
    assert e.pragmas["genome-build-accession"] == "NCBI_Assembly:GCF_000005845.2"
