"""The gffutils-compatible API on the bundled examples (example.gff3 / example.gtf).

example.gff3 (1-based, closed; file order):
  gene1 gene 1000-9000 +   tx1 mRNA 1000-9000 (tag=MANE_Select)
    tx1.e1 1000-1500, tx1.e2 3000-3400, tx1.e3 8000-9000
    cds1 CDS split over 3 lines: 1200-1500 (0), 3000-3400 (2), 8000-8300 (1)
  tx2 mRNA 1000-9000 (Note="skips exon 2; retained intron", %3B-encoded)
    tx2.e1 1000-1500, tx2.e2 8000-9000
  gene2 gene 20000-26000 -   tx3 ncRNA 20000-26000: tx3.e1 20000-21000, tx3.e2 25000-26000
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import gffbase
from gffbase import FeatureNotFoundError, GffbaseError, InvalidArgumentError, InvalidInputError


def ids(features):
    return [f.id for f in features]


def example_lines(path):
    return [line.rstrip("\n") for line in Path(path).read_text().splitlines()
            if line and not line.startswith("#")]


# -- building --------------------------------------------------------------------

def test_create_db_to_file_and_reopen(tmp_path, example_gff3):
    dbfn = tmp_path / "ex.gffdb"
    db = gffbase.create_db(example_gff3, str(dbfn))
    assert isinstance(db, gffbase.FeatureDB)
    assert dbfn.is_file() and dbfn.stat().st_size > 0
    assert len(db) == 15  # rows: 15 feature lines
    again = gffbase.FeatureDB(str(dbfn))
    assert again.dbfn == str(dbfn)
    assert len(again) == 15
    assert again["tx1"].start == 1000
    again.verify()


def test_create_db_refuses_to_overwrite_without_force(tmp_path, example_gff3):
    dbfn = str(tmp_path / "ex.gffdb")
    gffbase.create_db(example_gff3, dbfn)
    with pytest.raises(GffbaseError):
        gffbase.create_db(example_gff3, dbfn)
    db = gffbase.create_db(example_gff3, dbfn, force=True)
    assert len(db) == 15


def test_create_db_in_memory(example_gff3):
    db = gffbase.create_db(example_gff3, ":memory:")
    assert db.dbfn == ":memory:"
    assert len(db) == 15
    assert db["gene2"].strand == "-"


def test_create_db_from_string(example_gff3):
    text = Path(example_gff3).read_text()
    db = gffbase.create_db(text, ":memory:", from_string=True)
    assert sorted(set(ids(db.all_features()))) == sorted(
        {"gene1", "tx1", "tx1.e1", "tx1.e2", "tx1.e3", "cds1", "tx2", "tx2.e1", "tx2.e2", "gene2", "tx3",
         "tx3.e1", "tx3.e2"})


def test_gtf_example(gtf_db):
    assert sorted(gtf_db.featuretypes()) == ["CDS", "exon", "gene", "transcript"]
    assert gtf_db.count_features_of_type("exon") == 7
    assert gtf_db.count_features_of_type("CDS") == 3
    # genes and transcripts inferred from gene_id / transcript_id
    assert (gtf_db["gene1"].start, gtf_db["gene1"].end) == (1000, 9000)
    assert (gtf_db["tx3"].start, gtf_db["tx3"].end, gtf_db["tx3"].strand) == (20000, 26000, "-")
    assert ids(gtf_db.children("gene1", level=1)) == ["tx1", "tx2"]
    tx1_kids = list(gtf_db.children("tx1", level=1))
    assert sorted(f.featuretype for f in tx1_kids) == ["CDS"] * 3 + ["exon"] * 3
    assert [f.id for f in gtf_db.parents(tx1_kids[0].id, level=2)] == ["gene1"]
    # a quoted value containing ';' is one value
    e = next(f for f in gtf_db.features_of_type("exon") if f.attributes.get("note"))
    assert e.attributes["note"] == ["retained; intron"]
    assert gtf_db.dialect["fmt"] == "gtf"


# -- lookups -----------------------------------------------------------------------

def test_getitem(gff3_db):
    f = gff3_db["tx1"]
    assert (f.seqid, f.source, f.featuretype, f.start, f.end, f.score, f.strand, f.frame) == \
           ("chrX", "example", "mRNA", 1000, 9000, ".", "+", ".")
    assert f.id == "tx1"
    assert f.attributes["tag"] == ["MANE_Select"]
    assert gff3_db[f].id == "tx1"  # a Feature works as a key


def test_missing_id_raises_feature_not_found(gff3_db):
    with pytest.raises(FeatureNotFoundError) as info:
        gff3_db["no-such-id"]
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, GffbaseError)
    assert "no-such-id" in str(info.value)
    # As in gffutils, an ID no feature has has no relatives (scripts loop over IDs from elsewhere).
    assert list(gff3_db.children("no-such-id")) == [] and list(gff3_db.parents("no-such-id")) == []
    assert list(gff3_db.children("no-such-id", order_by="start")) == []
    with pytest.raises(KeyError):
        gff3_db.segments("no-such-id")


def test_contains(gff3_db):
    assert "tx1" in gff3_db
    assert "cds1" in gff3_db
    assert "cds1_1" not in gff3_db
    assert "nope" not in gff3_db
    assert gff3_db["tx2"] in gff3_db
    assert 5 not in gff3_db


def test_count_features_of_type(gff3_db):
    assert gff3_db.count_features_of_type("exon") == 7
    assert gff3_db.count_features_of_type("CDS") == 3  # rows
    assert gff3_db.count_features_of_type("gene") == 2
    assert gff3_db.count_features_of_type("mRNA") == 2
    assert gff3_db.count_features_of_type("nonexistent") == 0
    assert gff3_db.count_features_of_type() == 15


def test_featuretypes_and_seqids(gff3_db):
    assert list(gff3_db.featuretypes()) == ["CDS", "exon", "gene", "mRNA", "ncRNA"]
    assert list(gff3_db.seqids()) == ["chrX"]


def test_features_of_type(gff3_db):
    exons = list(gff3_db.features_of_type("exon"))
    assert sorted(ids(exons)) == sorted(["tx1.e1", "tx1.e2", "tx1.e3", "tx2.e1", "tx2.e2", "tx3.e1", "tx3.e2"])
    assert all(f.featuretype == "exon" for f in exons)
    # several types
    both = list(gff3_db.features_of_type(["gene", "ncRNA"]))
    assert sorted(ids(both)) == ["gene1", "gene2", "tx3"]
    # limit is a region (overlap)
    assert sorted(ids(gff3_db.features_of_type("exon", limit="chrX:2000-9000"))) == ["tx1.e2", "tx1.e3", "tx2.e2"]
    assert sorted(ids(gff3_db.features_of_type("exon", limit=("chrX", 1400, 1600)))) == ["tx1.e1", "tx2.e1"]
    assert ids(gff3_db.features_of_type("exon", limit="chrX:1400-3500", completely_within=True)) == ["tx1.e2"]
    # strand
    assert sorted(ids(gff3_db.features_of_type("exon", strand="-"))) == ["tx3.e1", "tx3.e2"]
    assert ids(gff3_db.features_of_type("gene", strand="+")) == ["gene1"]
    # order_by / reverse
    starts = [f.start for f in gff3_db.features_of_type("exon", order_by="start")]
    assert starts == sorted(starts) == [1000, 1000, 3000, 8000, 8000, 20000, 25000]
    rev = [f.start for f in gff3_db.features_of_type("exon", order_by="start", reverse=True)]
    assert rev == sorted(starts, reverse=True)
    ends = [f.end for f in gff3_db.features_of_type(["exon", "CDS"], order_by=("end", "start"))]
    assert ends == sorted(ends)
    with pytest.raises(InvalidArgumentError):
        list(gff3_db.features_of_type("exon", order_by="no_such_column"))


def test_all_features(gff3_db, example_gff3):
    rows = list(gff3_db.all_features())
    assert len(rows) == 15
    assert sorted(str(f) for f in rows) == sorted(example_lines(example_gff3))
    by_file = list(gff3_db.all_features(order_by="file_order"))
    assert [str(f) for f in by_file] == example_lines(example_gff3)
    assert sorted(ids(gff3_db.all_features(strand="-"))) == ["gene2", "tx3", "tx3.e1", "tx3.e2"]
    assert sorted(ids(gff3_db.all_features(limit="chrX:20500-20600"))) == ["gene2", "tx3", "tx3.e1"]
    assert ids(gff3_db.all_features(featuretype="ncRNA")) == ["tx3"]


# -- hierarchy ---------------------------------------------------------------------------

def test_children_levels(gff3_db):
    assert ids(gff3_db.children("gene1", level=1)) == ["tx1", "tx2"]
    level2 = ids(gff3_db.children("gene1", level=2))
    assert sorted(set(level2)) == ["cds1", "tx1.e1", "tx1.e2", "tx1.e3", "tx2.e1", "tx2.e2"]
    assert level2.count("cds1") == 3  # one per row of the split CDS
    assert list(gff3_db.children("gene1", level=3)) == []  # exact depth, not "up to"
    every = ids(gff3_db.children("gene1"))
    assert sorted(every) == sorted(ids(gff3_db.children("gene1", level=1)) + level2)
    assert list(gff3_db.children("tx1.e1")) == []


def test_children_featuretype(gff3_db):
    assert ids(gff3_db.children("tx1", featuretype="exon")) == ["tx1.e1", "tx1.e2", "tx1.e3"]
    assert ids(gff3_db.children("gene1", featuretype="mRNA")) == ["tx1", "tx2"]
    mixed = ids(gff3_db.children("gene1", featuretype=["CDS", "mRNA"]))
    assert sorted(mixed) == ["cds1", "cds1", "cds1", "tx1", "tx2"]
    assert list(gff3_db.children("gene1", featuretype="ncRNA")) == []
    assert ids(gff3_db.children("gene1", level=1, featuretype="exon")) == []


def test_children_order_limit_and_feature_argument(gff3_db):
    starts = [f.start for f in gff3_db.children("tx1", order_by="start")]
    assert starts == sorted(starts)
    rev = [f.start for f in gff3_db.children("tx1", order_by="start", reverse=True)]
    assert rev == sorted(starts, reverse=True)
    assert sorted(ids(gff3_db.children("gene1", limit="chrX:2900-3500"))) == ["cds1", "tx1", "tx1.e2", "tx2"]
    assert ids(gff3_db.children(gff3_db["tx3"])) == ["tx3.e1", "tx3.e2"]


def test_parents(gff3_db):
    assert ids(gff3_db.parents("tx1.e2")) == ["gene1", "tx1"]
    assert ids(gff3_db.parents("tx1.e2", level=1)) == ["tx1"]
    assert ids(gff3_db.parents("tx1.e2", level=2)) == ["gene1"]
    assert list(gff3_db.parents("tx1.e2", level=3)) == []
    assert ids(gff3_db.parents("cds1", featuretype="gene")) == ["gene1"]
    assert ids(gff3_db.parents("tx3.e2", featuretype=["ncRNA", "gene"])) == ["gene2", "tx3"]
    assert list(gff3_db.parents("gene1")) == []
    assert ids(gff3_db.parents(gff3_db["tx2.e2"], level=1)) == ["tx2"]


def test_iter_by_parent_childs(gff3_db):
    groups = list(gff3_db.iter_by_parent_childs("gene"))
    assert [g[0].id for g in groups] == ["gene1", "gene2"]
    assert sorted(ids(groups[1][1:])) == ["tx3", "tx3.e1", "tx3.e2"]
    assert sorted(set(ids(groups[0][1:]))) == ["cds1", "tx1", "tx1.e1", "tx1.e2", "tx1.e3", "tx2", "tx2.e1",
                                                "tx2.e2"]
    mrna = list(gff3_db.iter_by_parent_childs("mRNA", level=1))
    assert [[f.id for f in g] for g in mrna] == [
        ["tx1"] + ids(gff3_db.children("tx1", level=1)),
        ["tx2", "tx2.e1", "tx2.e2"],
    ]


def test_segments_of_split_cds(gff3_db):
    segs = gff3_db.segments("cds1")
    assert [(s.start, s.end, s.frame) for s in segs] == [(1200, 1500, "0"), (3000, 3400, "2"), (8000, 8300, "1")]
    assert all(s.id == "cds1" and s.featuretype == "CDS" for s in segs)
    assert (gff3_db["cds1"].start, gff3_db["cds1"].end) == (1200, 1500)  # db[id] is the first row
    assert [s.start for s in gff3_db.segments("tx1")] == [1000]


# -- regions -----------------------------------------------------------------------------

def test_region_string(gff3_db):
    assert sorted(ids(gff3_db.region("chrX:1400-3000"))) == sorted(
        ["tx1.e1", "tx2.e1", "gene1", "tx1", "tx2", "cds1", "tx1.e2", "cds1"])
    # 1-based closed: touching the last base counts
    assert "tx1.e1" in ids(gff3_db.region("chrX:1500-1500"))
    assert "tx1.e1" not in ids(gff3_db.region("chrX:1501-1600"))
    assert "tx1.e2" in ids(gff3_db.region("chrX:2000-3000"))
    assert "tx1.e2" not in ids(gff3_db.region("chrX:2000-2999"))
    assert ids(gff3_db.region("chrX:1,400-1,450", featuretype="CDS")) == ["cds1"]


def test_region_with_strand(gff3_db):
    assert sorted(ids(gff3_db.region("chrX:20500-20600:-"))) == ["gene2", "tx3", "tx3.e1"]
    assert ids(gff3_db.region("chrX:20500-20600:+")) == []
    assert ids(gff3_db.region("chrX:1000-1000", strand="-")) == []
    assert sorted(ids(gff3_db.region(("chrX", 20500, 20600), strand="-"))) == ["gene2", "tx3", "tx3.e1"]
    assert ids(gff3_db.region(("chrX", 20500, 20600, "+"))) == []


def test_region_tuple_feature_and_kwargs(gff3_db):
    assert sorted(ids(gff3_db.region(("chrX", 8500, 8600)))) == ["gene1", "tx1", "tx1.e3", "tx2", "tx2.e2"]
    assert sorted(ids(gff3_db.region(gff3_db["tx1.e2"]))) == ["cds1", "gene1", "tx1", "tx1.e2", "tx2"]
    assert sorted(ids(gff3_db.region(seqid="chrX", start=8500, end=8600))) == \
        ["gene1", "tx1", "tx1.e3", "tx2", "tx2.e2"]
    assert sorted(ids(gff3_db.region(seqid="chrX", start=25500))) == ["gene2", "tx3", "tx3.e2"]
    assert sorted(ids(gff3_db.region(seqid="chrX", end=1100))) == ["gene1", "tx1", "tx1.e1", "tx2", "tx2.e1"]
    assert len(list(gff3_db.region(seqid="chrX"))) == 15
    assert len(list(gff3_db.region("chrX"))) == 15
    assert list(gff3_db.region("chrY:1-100000")) == []
    assert ids(gff3_db.region("chrX:9001-19999")) == []


def test_region_completely_within(gff3_db):
    assert ids(gff3_db.region("chrX:900-1600", completely_within=True)) == ["tx1.e1", "tx2.e1", "cds1"]
    assert sorted(ids(gff3_db.region("chrX:1000-9000", completely_within=True))) == sorted(
        ["tx1.e1", "tx2.e1", "gene1", "tx1", "tx2", "cds1", "tx1.e2", "cds1", "cds1", "tx1.e3", "tx2.e2"])
    assert ids(gff3_db.region("chrX:1001-9000", completely_within=True, featuretype="gene")) == []


def test_region_errors(gff3_db):
    with pytest.raises(InvalidArgumentError):
        list(gff3_db.region("chrX:500-100"))
    with pytest.raises(ValueError):
        list(gff3_db.region("chrX:abc-def"))
    with pytest.raises(InvalidArgumentError):
        list(gff3_db.region())
    with pytest.raises(InvalidArgumentError):
        list(gff3_db.region(("chrX", 1)))
    # A region and seqid/start/end together: gffutils raises; they used to be ignored,
    # so region("chrX", 5, 10) (positional) silently returned all of chrX.
    for call in (lambda: gff3_db.region("chrX", 5, 10), lambda: gff3_db.region("chrX:1-200", seqid="chrX"),
                 lambda: gff3_db.region(("chrX", 1, 10), end=5)):
        with pytest.raises(InvalidArgumentError, match="not both"):
            list(call())
    # Bad coordinates are the library's own error, naming the field.
    with pytest.raises(InvalidArgumentError, match="region end: expected an integer"):
        list(gff3_db.region(("chrX", 1, "x")))
    with pytest.raises(InvalidArgumentError, match=r"regions\[1\] = .*: start: expected an integer, found .a."):
        gff3_db.region_batched([("chrX", 1, 5), ("chrX", "a", 5)])
    # As the CLI: no empty seqid, no '+' signs
    for bad in (":1-5", "chrX:+1-+5", "chrX:1-+5"):
        with pytest.raises(InvalidArgumentError):
            list(gff3_db.region(bad))


def test_region_tuple_with_open_ends(gff3_db):
    """(seqid, None, None) is the whole seqid, as in gffutils (it raised TypeError)."""
    assert len(list(gff3_db.region(("chrX", None, None)))) == 15
    assert ids(gff3_db.region(("chrX", None, 1100))) == ids(gff3_db.region(seqid="chrX", end=1100))
    assert ids(gff3_db.region(("chrX", 25500, None))) == ids(gff3_db.region(seqid="chrX", start=25500))


def test_gffutils_submodules_are_attributes():
    """After `import gffbase as gffutils`, gffutils code reaches these as attributes."""
    assert callable(gffbase.merge_criteria.seqid)
    assert issubclass(gffbase.exceptions.FeatureNotFoundError, KeyError)
    assert issubclass(gffbase.exceptions.EmptyInputError, gffbase.GffbaseError)
    assert gffbase.gffwriter.GFFWriter is gffbase.GFFWriter
    assert gffbase.version.version == gffbase.__version__


def test_bad_arguments_raise_invalid_argument_as_the_cli_rejects_them(gff3_db):
    # Each of these used to return [] or raise a raw TypeError from the binding.
    for level in (0, -1, 1.5, "1"):
        with pytest.raises(InvalidArgumentError, match="level: expected None"):
            list(gff3_db.children("gene1", level=level))
        with pytest.raises(InvalidArgumentError, match="level: expected None"):
            gff3_db.children_batched(["gene1"], level=level)
    for call in (lambda: list(gff3_db.region("chrX:1-100", strand="x")),
                 lambda: list(gff3_db.features_of_type("exon", strand="+-")),
                 lambda: list(gff3_db.all_features(strand="plus")),
                 lambda: gff3_db.region_batched([("chrX", 1, 100)], strand="x")):
        with pytest.raises(InvalidArgumentError, match="strand: expected one of"):
            call()
    with pytest.raises(InvalidArgumentError, match="end: expected a coordinate below 2\\^63"):
        list(gff3_db.region(seqid="chrX", start=1, end=2 ** 64))
    with pytest.raises(InvalidArgumentError, match="end 18446744073709551616 is not a coordinate"):
        gff3_db.region_batched([("chrX", 1, 2 ** 64)])
    with pytest.raises(InvalidArgumentError, match="an empty string"):
        list(gff3_db.region(""))
    np = pytest.importorskip("numpy")  # integer types other than int are levels too
    assert ids(gff3_db.children("gene1", level=np.int64(1))) == ["tx1", "tx2"]
    assert gff3_db.children_batched(["gene1"], level=np.int32(1)).num_rows == 2


def test_seqids_with_colons_are_taken_whole(tmp_path):
    text = ("HLA-A*01:01\t.\tgene\t1\t100\t.\t+\t.\tID=h1\n"
            "HLA-A*01\t.\tgene\t1\t100\t.\t+\t.\tID=h2\n"
            "chrUn:KI270\t.\tgene\t5\t50\t.\t-\t.\tID=u1\n")
    db = gffbase.create_db(text, str(tmp_path / "c.gffdb"), from_string=True)
    assert ids(db.region("HLA-A*01:01")) == ["h1"]  # the seqid, not HLA-A*01 from position 1
    assert ids(db.region("HLA-A*01:1-10")) == ["h2"]
    assert ids(db.region("chrUn:KI270")) == ["u1"]
    assert ids(db.region("chrUn:KI270:-")) == ["u1"]
    assert ids(db.region("chrUn:KI270:+")) == []
    assert ids(db.region("chrUn:KI270:1-10")) == ["u1"]
    t = db.region_batched(["HLA-A*01:01", "chrUn:KI270", "HLA-A*01:50-60"])
    assert list(zip(t.column("query_idx").to_pylist(), t.column("id").to_pylist())) == [
        (0, "h1"), (1, "u1"), (2, "h2")]


# -- Feature ---------------------------------------------------------------------------------

def test_feature_fields_and_aliases(gff3_db):
    f = gff3_db["tx2"]
    assert f.chrom == f.seqid == "chrX"
    assert f.stop == f.end == 9000
    assert len(f) == 9000 - 1000 + 1
    assert f.score == "." and f.frame == "."
    assert isinstance(f.start, int) and isinstance(f.end, int)
    assert f["Name"] == ["ABC1-202"]
    assert f["Name", 0] == "ABC1-202"
    assert "Note" in f and "tag" not in f
    assert list(f.keys()) == ["ID", "Parent", "Name", "Note"]
    assert repr(f).startswith("<Feature mRNA (chrX:1000-9000[+])")


def test_feature_attributes_percent_decoding(gff3_db):
    note = gff3_db["tx2"].attributes["Note"]
    assert note == ["skips exon 2; retained intron"]
    assert ";" in note[0]


def test_feature_multivalued_attributes():
    line = "chr1\tsrc\tgene\t10\t20\t.\t+\t.\tID=g1;Alias=a,b,c;Dbxref=GO:1%2C2,X:3"
    f = gffbase.feature_from_line(line)
    assert f.attributes["Alias"] == ["a", "b", "c"]
    assert f.attributes["Dbxref"] == ["GO:1,2", "X:3"]  # %2C inside a value is not a separator
    db = gffbase.create_db(line + "\n", ":memory:", from_string=True)
    assert db["g1"].attributes["Alias"] == ["a", "b", "c"]
    assert db["g1"].attributes["Dbxref"] == ["GO:1,2", "X:3"]
    assert str(db["g1"]) == line


def test_str_reproduces_input_lines(gff3_db, gtf_db, example_gff3, example_gtf):
    assert sorted(str(f) for f in gff3_db.all_features()) == sorted(example_lines(example_gff3))
    assert str(gff3_db["tx2"]) == ("chrX\texample\tmRNA\t1000\t9000\t.\t+\t.\t"
                                   "ID=tx2;Parent=gene1;Name=ABC1-202;Note=skips exon 2%3B retained intron")
    file_rows = [str(f) for f in gtf_db.features_of_type(["exon", "CDS"])]
    assert sorted(file_rows) == sorted(example_lines(example_gtf))
    # reading attributes does not change the text
    f = gff3_db["tx2"]
    _ = f.attributes["Note"]
    assert str(f).endswith("Note=skips exon 2%3B retained intron")


def test_changed_attributes_are_reencoded(gff3_db):
    f = gff3_db["tx2"]
    f.attributes["Note"] = ["a;b", "c,d"]
    assert str(f).endswith("Note=a%3Bb,c%2Cd")
    g = gffbase.feature_from_line(str(f))
    assert g.attributes["Note"] == ["a;b", "c,d"]


def test_astuple_and_calc_bin(gff3_db):
    f = gff3_db["tx1.e1"]
    t = f.astuple()
    assert t[:10][:9] == ("tx1.e1", "chrX", "example", "exon", 1000, 1500, ".", "+", ".")
    assert t[9] == '{"ID": ["tx1.e1"], "Parent": ["tx1"]}'
    assert t[10] == "[]"
    # UCSC binning of 0-based [999, 1500): both ends in the same 128 kb bin -> 4681 + 0
    assert f.calc_bin() == 4681
    assert t[11] == 4681
    big = gffbase.Feature("chr1", start=1, end=200_000)  # spans two 128 kb bins -> a 1 Mb bin
    assert big.calc_bin() == 585
    far = gffbase.Feature("chr1", start=300_001, end=300_100)  # 0-based 300000 >> 17 == 2
    assert far.calc_bin() == 4683


def test_feature_from_line():
    line = "chr2\tsrc\texon\t5\t50\t7.5\t-\t.\tID=e1;Parent=t1"
    f = gffbase.feature_from_line(line)
    assert (f.seqid, f.source, f.featuretype, f.start, f.end, f.score, f.strand, f.frame) == \
           ("chr2", "src", "exon", 5, 50, "7.5", "-", ".")
    assert f.attributes == {"ID": ["e1"], "Parent": ["t1"]}
    assert str(f) == line
    gtf = 'chr2\tsrc\texon\t5\t50\t.\t+\t.\tgene_id "g1"; transcript_id "t1";'
    g = gffbase.feature_from_line(gtf)
    assert g.attributes == {"gene_id": ["g1"], "transcript_id": ["t1"]}
    assert str(g) == gtf
    with pytest.raises(ValueError):
        gffbase.feature_from_line("chr1\tsrc\texon\t5")
    loose = gffbase.feature_from_line("chr1\tsrc\texon\t5\t9", strict=False)
    assert (loose.start, loose.end, loose.strand) == (5, 9, ".")


# -- errors ----------------------------------------------------------------------------------

def test_error_hierarchy():
    assert issubclass(gffbase.InvalidInputError, ValueError)
    assert issubclass(gffbase.InvalidArgumentError, ValueError)
    assert issubclass(gffbase.FeatureNotFoundError, KeyError)
    assert issubclass(gffbase.GffbaseIOError, OSError)
    assert issubclass(gffbase.CorruptDatabaseError, OSError)
    for cls in (InvalidInputError, InvalidArgumentError, FeatureNotFoundError, gffbase.GffbaseIOError,
                gffbase.CorruptDatabaseError):
        assert issubclass(cls, GffbaseError)


def test_strict_parse_error_names_file_and_line(tmp_path):
    path = tmp_path / "bad.gff3"
    path.write_text("##gff-version 3\n"
                    "chr1\tx\tgene\t1\t100\t.\t+\t.\tID=g1\n"
                    "chr1\tx\tgene\tabc\t100\t.\t+\t.\tID=g2\n")
    with pytest.raises(ValueError) as info:
        gffbase.create_db(str(path), ":memory:", strict=True)
    assert isinstance(info.value, InvalidInputError)
    msg = str(info.value)
    assert f"{path}:3:" in msg
    assert "column 4 (start)" in msg and '"abc"' in msg
    # lenient (default): the bad line is recorded and the rest is kept
    db = gffbase.create_db(str(path), ":memory:")
    assert ids(db.all_features()) == ["g1"]
    (line, is_error, message), = db.problems()
    assert line == 3 and is_error and f"{path}:3:" in message


def test_missing_input_is_oserror(tmp_path):
    with pytest.raises(OSError) as info:
        gffbase.create_db(str(tmp_path / "missing.gff3"), ":memory:")
    assert isinstance(info.value, gffbase.GffbaseIOError)
    assert "missing.gff3" in str(info.value)


def test_opening_a_non_database_is_corrupt_error(tmp_path, example_gff3):
    with pytest.raises(OSError) as info:
        gffbase.FeatureDB(example_gff3)
    assert isinstance(info.value, gffbase.CorruptDatabaseError)
    with pytest.raises(gffbase.GffbaseIOError):
        gffbase.FeatureDB(str(tmp_path / "nope.gffdb"))


def test_truncated_database_is_detected(tmp_path, gff3_db_path):
    data = Path(gff3_db_path).read_bytes()
    cut = tmp_path / "cut.gffdb"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(gffbase.CorruptDatabaseError):
        gffbase.FeatureDB(str(cut)).verify()


def test_duplicate_ids_follow_merge_strategy():
    text = "chr1\tx\tgene\t1\t100\t.\t+\t.\tID=g1\nchr2\tx\tgene\t1\t100\t.\t+\t.\tID=g1\n"
    with pytest.raises(ValueError) as info:
        gffbase.create_db(text, ":memory:", from_string=True)
    assert ":2:" in str(info.value)
    unique = gffbase.create_db(text, ":memory:", from_string=True, merge_strategy="create_unique")
    assert sorted(ids(unique.all_features())) == ["g1", "g1_1"]
    assert unique["g1_1"].seqid == "chr2"


# -- pickling, processes, threads ---------------------------------------------------------------

def test_pickle_round_trips_as_path(gff3_db_path):
    db = gffbase.FeatureDB(gff3_db_path)
    blob = pickle.dumps(db)
    assert len(blob) < 500  # a path, not the data
    assert gff3_db_path.encode() in blob
    again = pickle.loads(blob)
    assert again.dbfn == gff3_db_path
    assert ids(again.children("tx1", featuretype="exon")) == ["tx1.e1", "tx1.e2", "tx1.e3"]


def test_a_database_opened_by_a_relative_path_unpickles_to_the_same_file(gff3_db_path, tmp_path, monkeypatch):
    # Workers (Ray, Dask, joblib) unpickle in directories of their own: "db/ann.gffdb" opened another file there.
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    for d in (here, elsewhere):
        (d / "db").mkdir(parents=True)
    shutil.copy(gff3_db_path, here / "db" / "ann.gffdb")
    gffbase.create_db("c\ts\tgene\t1\t9\t.\t+\t.\tID=other\n", str(elsewhere / "db" / "ann.gffdb"), from_string=True)
    monkeypatch.chdir(here)
    blob = pickle.dumps(gffbase.FeatureDB("db/ann.gffdb"))
    monkeypatch.chdir(elsewhere)
    again = pickle.loads(blob)
    assert "tx1" in again and "other" not in again
    assert gffbase.FeatureDB("db/ann.gffdb")["other"].start == 1  # a new FeatureDB still opens what it is told


def test_in_memory_database_refuses_to_pickle(example_gff3):
    db = gffbase.create_db(example_gff3, ":memory:")
    with pytest.raises(TypeError):
        pickle.dumps(db)


def _children_in_worker(args):
    db, fid = args
    return os.getpid(), [f.id for f in db.children(fid, level=1)]


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_database_in_a_process_pool(gff3_db_path, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"start method {method!r} not available here")
    db = gffbase.FeatureDB(gff3_db_path)
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:
        results = pool.map(_children_in_worker, [(db, "gene1"), (db, "tx3"), (db, "tx2")])
    assert [r[1] for r in results] == [["tx1", "tx2"], ["tx3.e1", "tx3.e2"], ["tx2.e1", "tx2.e2"]]
    assert all(pid != os.getpid() for pid, _ in results)


def test_database_shared_by_threads(gff3_db):
    expected = {fid: ids(gff3_db.children(fid)) for fid in ("gene1", "gene2", "tx1", "tx2", "tx3")}
    regions = {r: ids(gff3_db.region(r)) for r in ("chrX:1000-2000", "chrX:20000-30000", "chrX:3000-8000")}
    errors = []
    barrier = threading.Barrier(8)

    def work(_):
        barrier.wait()
        for _ in range(200):
            for fid, want in expected.items():
                if ids(gff3_db.children(fid)) != want:
                    errors.append(fid)
            for r, want in regions.items():
                if ids(gff3_db.region(r)) != want:
                    errors.append(r)

    with ThreadPoolExecutor(8) as ex:
        list(ex.map(work, range(8)))
    assert errors == []


def test_gffutils_script_idioms(tmp_path, example_gtf):
    """Calls gffutils scripts make, answered as gffutils answers them."""
    # a missing database file: gffutils raises ValueError
    with pytest.raises(ValueError):
        gffbase.FeatureDB(str(tmp_path / "missing.db"))
    with pytest.raises(gffbase.DatabaseNotFoundError):
        gffbase.FeatureDB(str(tmp_path / "missing.db"))
    assert gffbase.DuplicateIDError is gffbase.errors.DuplicateIDError
    # infer_gene_extent=False (gffutils before 0.8.4): no inference at all
    flat = gffbase.create_db(example_gtf, ":memory:", infer_gene_extent=False)
    assert "gene" not in flat.featuretypes() and "transcript" not in flat.featuretypes()
    db = gffbase.create_db(example_gtf, ":memory:")
    # directives without "##", in the database and from a DataIterator
    text = "##gff-version 3\n##sequence-region c 1 100\nc\ts\tgene\t1\t10\t.\t+\t.\tID=g\n"
    (tmp_path / "d.gff3").write_text(text)
    assert gffbase.create_db(str(tmp_path / "d.gff3"), ":memory:").directives == [
        "gff-version 3", "sequence-region c 1 100"]
    it = gffbase.DataIterator(str(tmp_path / "d.gff3"))
    list(it)
    assert it.directives == ["gff-version 3", "sequence-region c 1 100"]
    # region(start=, end=) without a seqid: every seqid
    assert sorted(f.id for f in db.region(start=1000, end=1100)) == sorted(
        f.id for f in db.region(seqid="chrX", start=1000, end=1100))
    assert list(db.region(start=1000, end=1100))
    # a sequence from anything indexed by seqid and sliced 0-based (pyfaidx.Fasta, a dict)
    exon = next(db.features_of_type("exon", order_by="start"))
    genome = {"chrX": "A" * 999 + "CG" + "T" * 10000}
    assert exon.sequence(genome, use_strand=False)[:2] == "CG"


def test_relations_view_has_each_pair_once(tmp_path):
    # an exon of two transcripts of one gene: one (gene, exon, 2) row, as gffutils' unique index keeps it
    text = "".join("\t".join(c) + "\n" for c in [
        ("c", "s", "gene", "1", "100", ".", "+", ".", "ID=g"),
        ("c", "s", "mRNA", "1", "100", ".", "+", ".", "ID=t1;Parent=g"),
        ("c", "s", "mRNA", "1", "100", ".", "+", ".", "ID=t2;Parent=g"),
        ("c", "s", "exon", "1", "10", ".", "+", ".", "ID=e1;Parent=t1,t2")])
    db = gffbase.create_db("##gff-version 3\n" + text, ":memory:", from_string=True)
    rows = db.execute("SELECT child FROM relations WHERE parent = 'g' AND level = 2 ORDER BY child").fetchall()
    assert [r[0] for r in rows] == ["e1"]


def test_out_of_range_arguments_are_the_library_own_errors_or_clamped(gff3_db, example_gff3):
    """These raised the binding's TypeError ('incompatible function arguments')."""
    assert list(gff3_db.children("gene1", level=2 ** 40)) == []  # deeper than any hierarchy: nothing
    assert gff3_db.children_batched(["gene1"], level=2 ** 33).num_rows == 0
    assert len(gffbase.create_db(example_gff3, ":memory:", threads=10 ** 30)) == 15  # capped
    for threads in (-1, 1.5, "2", True):
        with pytest.raises(InvalidArgumentError, match="threads: expected an integer >= 0"):
            gffbase.create_db(example_gff3, ":memory:", threads=threads)
    for spec in ([None], {"gene": 5}, ["ID", 3]):
        with pytest.raises(InvalidArgumentError, match="id_spec: expected attribute names"):
            gffbase.create_db(example_gff3, ":memory:", id_spec=spec)


def test_an_explicit_end_before_start_is_refused_as_region_batched_refuses_it(gff3_db):
    # (seqid, 17_000_000, 0) read end 0 as "to the end of the seqid" and gave thousands of features.
    for call in (lambda: gff3_db.region(("chrX", 5000, 0)), lambda: gff3_db.region(seqid="chrX", start=5000, end=0),
                 lambda: gff3_db.region("chrX:5000-0"), lambda: gff3_db.region_batched([("chrX", 5000, 0)])):
        with pytest.raises(gffbase.errors.InvalidArgumentError, match="start is after end|after end"):
            list(call())
    assert len(list(gff3_db.region(("chrX", None, None)))) == len(list(gff3_db.region(seqid="chrX"))) == 15
    assert [f.id for f in gff3_db.region(("chrX", 25500, None))] == ["gene2", "tx3", "tx3.e2"]
