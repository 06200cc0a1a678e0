"""update / delete / add_relation: a .gffdb is rebuilt beside the old one and
renamed over it; the FeatureDB sees the change, readers holding the old file keep
the old data, and a failed rebuild leaves the file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

import gffbase


@pytest.fixture
def db(tmp_path, example_gff3):
    return gffbase.create_db(example_gff3, str(tmp_path / "ex.gffdb"))


def _leftovers(directory: Path):
    return sorted(p.name for p in directory.iterdir() if p.name != "ex.gffdb")


def test_update_adds_features_atomically(db, tmp_path):
    path = Path(db.dbfn)
    inode = path.stat().st_ino
    old_reader = gffbase.FeatureDB(db.dbfn)
    new = gffbase.feature_from_line("chrX\tnew\tgene\t40000\t41000\t.\t+\t.\tID=gene3;Name=NEW")
    child = "chrX\tnew\tmRNA\t40000\t41000\t.\t+\t.\tID=tx4;Parent=gene3"
    returned = db.update([new, child])
    assert returned is db
    assert "gene3" in db and len(db) == 17
    assert str(db["gene3"]) == "chrX\tnew\tgene\t40000\t41000\t.\t+\t.\tID=gene3;Name=NEW"
    assert [f.id for f in db.children("gene3")] == ["tx4"]
    assert [f.id for f in db.region("chrX:40500-40600")] == ["gene3", "tx4"]
    # the old content is all still there, directives included
    assert [f.id for f in db.children("tx1", featuretype="exon")] == ["tx1.e1", "tx1.e2", "tx1.e3"]
    assert len(db.segments("cds1")) == 3
    assert db.directives == ["gff-version 3", "sequence-region chrX 1 60000"]  # without "##", as gffutils
    # a new file was renamed into place; an earlier reader still sees the old one
    assert path.stat().st_ino != inode
    assert "gene3" not in old_reader and len(old_reader) == 15
    assert _leftovers(tmp_path) == []
    # a fresh open sees the change
    assert "gene3" in gffbase.FeatureDB(db.dbfn)
    gffbase.FeatureDB(db.dbfn).verify()


def test_update_from_a_file_and_a_database(db, tmp_path):
    extra = tmp_path / "extra.gff3"
    extra.write_text("chrY\tsrc\tgene\t10\t20\t.\t-\t.\tID=y1\n")
    db.update(str(extra))
    assert db["y1"].seqid == "chrY"
    assert sorted(db.seqids()) == ["chrX", "chrY"]
    other = gffbase.create_db("chrZ\tsrc\tgene\t5\t6\t.\t+\t.\tID=z1\n", str(tmp_path / "other.gffdb"),
                              from_string=True)
    db.update(other)
    assert "z1" in db and "y1" in db and len(db) == 17


def test_delete(db):
    db.delete("tx2")
    assert "tx2" not in db
    assert len(db) == 14
    assert [f.id for f in db.children("gene1", level=1)] == ["tx1"]
    # like gffutils, deleting does not cascade: the exons stay, now without a parent
    assert "tx2.e1" in db and list(db.parents("tx2.e1")) == []
    db.delete([db["tx3.e1"], "tx3.e2"])
    assert list(db.children("tx3")) == []
    assert len(db) == 12
    db.delete("cds1")  # every row of a multi-line feature
    assert "cds1" not in db and db.count_features_of_type("CDS") == 0


def test_delete_on_gtf_keeps_inferred_features_consistent(tmp_path, example_gtf):
    gtf = gffbase.create_db(example_gtf, str(tmp_path / "ex.gffdb"))
    tx2_exons = [f.id for f in gtf.children("tx2")]
    assert len(tx2_exons) == 2
    gtf.delete(tx2_exons[1])  # the exon at 8000-9000
    assert len(list(gtf.children("tx2"))) == 1
    # inferred transcript extent follows the remaining exon
    assert (gtf["tx2"].start, gtf["tx2"].end) == (1000, 1500)
    assert (gtf["gene1"].start, gtf["gene1"].end) == (1000, 9000)


def test_add_relation(db):
    db.add_relation("gene2", "tx2")
    assert sorted(f.id for f in db.parents("tx2", level=1)) == ["gene1", "gene2"]
    assert db["tx2"].attributes["Parent"] == ["gene1", "gene2"]
    assert "tx2.e1" in {f.id for f in db.children("gene2")}
    # idempotent
    db.add_relation("gene2", "tx2")
    assert db["tx2"].attributes["Parent"] == ["gene1", "gene2"]
    # the untouched features keep their exact text
    assert str(db["tx1"]) == "chrX\texample\tmRNA\t1000\t9000\t.\t+\t.\tID=tx1;Parent=gene1;Name=ABC1-201;tag=MANE_Select"


def test_add_relation_with_funcs(db):
    def tag_child(f):
        f.attributes["linked"] = ["yes"]
        return f

    db.add_relation(db["gene2"], db["tx1.e1"], child_func=tag_child)
    e = db["tx1.e1"]
    assert e.attributes["Parent"] == ["tx1", "gene2"]
    assert e.attributes["linked"] == ["yes"]


def test_errors_leave_the_file_untouched(db, tmp_path, example_gtf):
    before = Path(db.dbfn).read_bytes()
    with pytest.raises(KeyError):
        db.add_relation("no-such-id", "tx1")
    dup = "chrX\tsrc\tgene\t1\t10\t.\t+\t.\tID=gene1\n"
    with pytest.raises(ValueError):
        db.update([dup.replace("gene\t", "exon\t")])  # an exon reusing ID gene1: duplicate
    assert Path(db.dbfn).read_bytes() == before
    assert _leftovers(tmp_path) == []
    assert len(db) == 15
    gtf = gffbase.create_db(example_gtf, str(tmp_path / "g.gffdb"))
    with pytest.raises(ValueError):
        gtf.add_relation("gene1", "tx3")  # GTF relations come from gene_id/transcript_id
    mem = gffbase.create_db(example_gtf, ":memory:")
    with pytest.raises(ValueError):
        mem.add_relation("gene1", "tx3")  # GTF, in memory too


def test_update_with_created_introns(db):
    db.update(list(db.create_introns()))
    assert db.count_features_of_type("intron") == 4


def test_update_honours_merge_strategy(db):
    dup = "chrX\tsrc\tCDS\t100\t200\t.\t+\t0\tID=tx1.e1;Parent=tx1"  # same ID, another type
    db.update([dup], merge_strategy="create_unique")
    assert "tx1.e1_1" in db


def test_a_rebuild_keeps_the_build_options(tmp_path):
    """update()/delete() rebuild with the options the database was made with: inference off
    stays off, an id_spec keeps naming features (the defaults used to come back)."""
    gtf = tmp_path / "opts.gtf"
    gtf.write_text("".join(f'c\ts\texon\t{i * 100}\t{i * 100 + 50}\t.\t+\t.\tgene_id "g"; transcript_id "t"; '
                           f'exon_id "E{i}";\n' for i in range(1, 4)))
    dbfn = str(tmp_path / "opts.gffdb")
    db = gffbase.create_db(str(gtf), dbfn, disable_infer_genes=True, disable_infer_transcripts=True,
                           id_spec={"exon": "exon_id"})
    assert sorted(f.id for f in db.all_features()) == ["E1", "E2", "E3"]
    types, n = sorted(db.featuretypes()), len(db)
    exon = next(db.features_of_type("exon"))
    db.delete(exon)
    assert sorted(db.featuretypes()) == types and "gene" not in types
    assert len(db) == n - 1
    assert exon.id not in db
    assert all(f.id == f.attributes["exon_id"][0] for f in db.features_of_type("exon"))
    meta = db.meta()["options"]
    assert "infer_genes=0" in meta and "infer_transcripts=0" in meta and "id_spec=exon:exon_id|" in meta


def test_update_replace_and_merge_an_existing_feature(db):
    """gffutils' idiom: edit a feature and put it back (it used to become a second row of the feature)."""
    n = len(db)
    f = db["tx1"]
    f.attributes["Note"] = ["edited"]
    db.update([f], merge_strategy="replace")
    assert db["tx1"].attributes["Note"] == ["edited"] and len(db) == n
    assert [r.id for r in db.children("tx1", level=1)][:1]  # its children still hang under it
    g = db["tx1"]
    g.attributes["Note"] = ["second"]
    db.update([g], merge_strategy="merge")
    assert db["tx1"].attributes["Note"] == ["edited", "second"] and len(db) == n


def test_in_memory_databases_are_edited_like_files(tmp_path, example_gff3):
    """update / delete on a ':memory:' database (gffutils allows both) give what
    the same edits give on a file; a FeatureDB sharing the old database keeps it."""
    on_disk = gffbase.create_db(example_gff3, str(tmp_path / "ex.gffdb"))
    mem = gffbase.create_db(example_gff3, ":memory:")
    earlier = gffbase.FeatureDB(mem)  # shares the database built first
    new = "chrX\tnew\tgene\t40000\t41000\t.\t+\t.\tID=gene3;Name=NEW"
    for d in (on_disk, mem):
        assert d.update([new]) is d
        d.delete("tx2")
    assert mem.dbfn == ":memory:"
    assert [str(f) for f in mem.all_features()] == [str(f) for f in on_disk.all_features()]
    assert "gene3" in mem and "tx2" not in mem and "tx2.e1" in mem
    assert [f.id for f in mem.children("gene1")] == [f.id for f in on_disk.children("gene1")]
    assert "gene3" not in earlier and "tx2" in earlier and len(earlier) == 15
    with pytest.raises(ValueError):  # a failed edit leaves the database as it was
        mem.update(["chrX\tsrc\texon\t1\t10\t.\t+\t.\tID=gene1"])
    assert [str(f) for f in mem.all_features()] == [str(f) for f in on_disk.all_features()]


def test_edits_keep_the_fasta_section_and_where_directives_stood(tmp_path, gffbase_cli):
    # A Bakta/Prokka-style file: pragmas, a "###" between features, a
    # mid-file ##sequence-region, and the genome after ##FASTA.  Each edit
    # rebuilds from the database's lines: none of those may move or go.
    text = ("##gff-version 3\n#!genome-build test-1\n##sequence-region c1 1 120\n"
            "c1\tp\tgene\t1\t60\t.\t+\t.\tID=g1\n"
            "c1\tp\tCDS\t1\t60\t.\t+\t0\tID=cds1;Parent=g1\n###\n"
            "##sequence-region c2 1 60\n"
            "c2\tp\tgene\t1\t30\t.\t-\t.\tID=g2\n"
            "c2\tp\tCDS\t1\t30\t.\t-\t0\tID=cds2;Parent=g2\n#!annotation-date 2024\n"
            "##FASTA\n>c1\n" + "ATG" * 40 + "\n>c2\n" + "ACGT" * 15 + "\n")
    path = tmp_path / "b.gff3"
    path.write_text(text)
    db = gffbase.create_db(str(path), str(tmp_path / "b.gffdb"))
    want = db.sequences_batched(["cds1", "cds2"], featuretype="CDS")["sequence"].to_pylist()
    lines = text.splitlines(keepends=True)

    def exported():
        import subprocess
        r = subprocess.run([gffbase_cli, "export", db.dbfn], capture_output=True, text=True, check=True)
        return r.stdout

    db.delete(["g2", "cds2"])
    assert exported() == "".join(lines[:7] + lines[9:])
    assert db.sequences_batched(["cds1"], featuretype="CDS")["sequence"].to_pylist() == want[:1]
    db.update([gffbase.feature_from_line("c2\tp\tgene\t1\t30\t.\t-\t.\tID=g3")])
    # a new feature goes after the last line's directives, before ##FASTA
    assert exported() == "".join(lines[:7] + lines[9:10] + ["c2\tp\tgene\t1\t30\t.\t-\t.\tID=g3\n"] + lines[10:])
    assert db.pragmas == {"genome-build": "test-1", "annotation-date": "2024"}
    plus = ("ACGT" * 15)[:30]
    minus = plus[::-1].translate(str.maketrans("ACGT", "TGCA"))
    assert db.sequences_batched(["g3"], featuretype="gene")["sequence"].to_pylist() == [minus]
