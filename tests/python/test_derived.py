"""Derived features on the bundled examples, against values computed by hand.

example.gff3 exons (1-based, closed):
  tx1 (+): 1000-1500, 3000-3400, 8000-9000       CDS 1200-1500, 3000-3400, 8000-8300
  tx2 (+): 1000-1500,            8000-9000       (skips exon 2)
  tx3 (-): 20000-21000, 25000-26000              (ncRNA, no CDS)
"""

from __future__ import annotations

import pytest

import gffbase


def spans(features):
    return [(f.seqid, f.featuretype, f.start, f.end, f.strand) for f in features]


# -- introns -------------------------------------------------------------------------

def test_introns_are_per_transcript(gff3_db):
    introns = list(gff3_db.create_introns())
    by_tx = {}
    for i in introns:
        by_tx.setdefault(i.attributes["Parent"][0], []).append((i.start, i.end, i.strand))
    assert by_tx == {
        "tx1": [(1501, 2999, "+"), (3401, 7999, "+")],
        "tx2": [(1501, 7999, "+")],  # never pooled with tx1's exon 2
        "tx3": [(21001, 24999, "-")],
    }
    assert all(i.featuretype == "intron" and i.seqid == "chrX" for i in introns)
    assert all(i.source == "gffutils_derived" for i in introns)
    # the pooled "introns" of gene1 (1501-2999, 3401-7999) must not replace tx2's
    assert (1501, 7999) in [(i.start, i.end) for i in introns]


def test_intron_attributes_merge_the_flanking_exons(gff3_db):
    first = next(iter(gff3_db.create_introns()))
    assert first.attributes["Parent"] == ["tx1"]
    assert set(first.attributes["ID"]) >= {"tx1.e1", "tx1.e2"} or first.attributes["ID"] == ["tx1.e1-tx1.e2"]
    plain = next(iter(gff3_db.create_introns(merge_attributes=False)))
    assert dict(plain.attributes) == {}


def test_introns_of_gtf_match_gff3(gtf_db, gff3_db):
    gtf = sorted((i.attributes["transcript_id"][0], i.start, i.end, i.strand) for i in gtf_db.create_introns())
    gff = sorted((i.attributes["Parent"][0], i.start, i.end, i.strand) for i in gff3_db.create_introns())
    assert gtf == gff
    tx2 = [i for i in gtf_db.create_introns() if i.attributes["transcript_id"] == ["tx2"]]
    assert [(i.start, i.end) for i in tx2] == [(1501, 7999)]
    assert tx2[0].attributes["gene_id"] == ["gene1"]
    assert str(tx2[0]).split("\t")[:8] == ["chrX", "gffutils_derived", "intron", "1501", "7999", ".", "+", "."]


def test_introns_with_parent_featuretype(gff3_db):
    assert spans(gff3_db.create_introns(parent_featuretype="ncRNA")) == [("chrX", "intron", 21001, 24999, "-")]
    assert [(i.start, i.end) for i in gff3_db.create_introns(parent_featuretype="mRNA", new_featuretype="gap")] \
        == [(1501, 2999), (3401, 7999), (1501, 7999)]
    assert {i.featuretype for i in gff3_db.create_introns(new_featuretype="gap")} == {"gap"}


def test_intron_id_is_joined_like_gffutils(gff3_db):
    first = next(iter(gff3_db.create_introns()))
    assert first.attributes["ID"] == ["tx1.e1-tx1.e2"]


# -- splice sites -----------------------------------------------------------------------

def test_splice_sites_are_two_bp_and_strand_aware(gff3_db):
    sites = list(gff3_db.create_splice_sites())
    got = sorted((s.attributes["Parent"][0], s.featuretype, s.start, s.end, s.strand) for s in sites)
    assert got == sorted([
        ("tx1", "five_prime_cis_splice_site", 1501, 1502, "+"),
        ("tx1", "three_prime_cis_splice_site", 2998, 2999, "+"),
        ("tx1", "five_prime_cis_splice_site", 3401, 3402, "+"),
        ("tx1", "three_prime_cis_splice_site", 7998, 7999, "+"),
        ("tx2", "five_prime_cis_splice_site", 1501, 1502, "+"),
        ("tx2", "three_prime_cis_splice_site", 7998, 7999, "+"),
        # minus strand: the donor (5') is at the intron's right end
        ("tx3", "five_prime_cis_splice_site", 24998, 24999, "-"),
        ("tx3", "three_prime_cis_splice_site", 21001, 21002, "-"),
    ])
    assert all(len(s) == 2 for s in sites)


# -- interfeatures -------------------------------------------------------------------------

def test_interfeatures(gff3_db):
    tx1_exons = list(gff3_db.children("tx1", featuretype="exon", order_by="start"))
    gaps = list(gff3_db.interfeatures(tx1_exons))
    assert spans(gaps) == [("chrX", "inter_exon_exon", 1501, 2999, "+"), ("chrX", "inter_exon_exon", 3401, 7999, "+")]
    named = list(gff3_db.interfeatures(tx1_exons, new_featuretype="gap", merge_attributes=False))
    assert [(g.featuretype, g.start, g.end) for g in named] == [("gap", 1501, 2999), ("gap", 3401, 7999)]
    assert all(dict(g.attributes) == {} for g in named)
    # unsorted input is sorted by start; gaps are between *consecutive* features (as in
    # gffutils: no running maximum), overlapping neighbours give none, a strand change gives '.'
    genes_and_exons = [gff3_db["gene2"], gff3_db["tx1.e2"], gff3_db["gene1"], gff3_db["tx2.e2"]]
    mixed = list(gff3_db.interfeatures(genes_and_exons, new_featuretype="gap"))
    assert spans(mixed) == [("chrX", "gap", 3401, 7999, "+"), ("chrX", "gap", 9001, 19999, ".")]
    assert list(gff3_db.interfeatures([gff3_db["tx1.e1"]])) == []


# -- merge ---------------------------------------------------------------------------------

def test_merge(gff3_db):
    merged = list(gff3_db.merge(gff3_db.features_of_type("exon")))
    assert [(f.start, f.end, f.strand) for f in merged] == [
        (1000, 1500, "+"), (3000, 3400, "+"), (8000, 9000, "+"), (20000, 21000, "-"), (25000, 26000, "-")]
    assert all(f.featuretype == "exon" for f in merged)
    # overlapping and touching features of different types become one sequence_feature
    feats = [gffbase.Feature("c", "s", "a", 10, 20, strand="+"), gffbase.Feature("c", "s", "b", 21, 30, strand="+"),
             gffbase.Feature("c", "s", "a", 15, 18, strand="+"), gffbase.Feature("c", "s", "a", 32, 40, strand="+"),
             gffbase.Feature("c", "s", "a", 35, 50, strand="-")]
    out = list(gff3_db.merge(feats))
    assert [(f.featuretype, f.start, f.end, f.strand) for f in out] == [
        ("sequence_feature", 10, 30, "+"), ("a", 32, 40, "+"), ("a", 35, 50, "-")]
    out = list(gff3_db.merge(feats, ignore_strand=True))
    assert [(f.start, f.end) for f in out] == [(10, 30), (32, 50)]
    genes = list(gff3_db.merge(gff3_db.all_features(), ignore_strand=True))
    assert [(f.start, f.end) for f in genes] == [(1000, 9000), (20000, 26000)]


def test_merge_all(gff3_db):
    out = gff3_db.merge_all(featuretypes_groups=("exon",))
    assert [(f.start, f.end) for f in out] == [(1000, 1500), (3000, 3400), (8000, 9000), (20000, 21000),
                                               (25000, 26000)]


# -- children_bp ----------------------------------------------------------------------------

def test_children_bp(gff3_db):
    # gene1 exons: 501 + 401 + 1001 (tx1) + 501 + 1001 (tx2)
    assert gff3_db.children_bp("gene1") == 3405
    # merged: 1000-1500, 3000-3400, 8000-9000
    assert gff3_db.children_bp("gene1", merge=True) == 1903
    assert gff3_db.children_bp("tx1") == 1903
    assert gff3_db.children_bp(gff3_db["tx2"]) == 1502
    # the split CDS: 301 + 401 + 301
    assert gff3_db.children_bp("tx1", child_featuretype="CDS") == 1003
    assert gff3_db.children_bp("gene2") == 2002
    assert gff3_db.children_bp("tx1.e1") == 0


# -- BED12 ------------------------------------------------------------------------------------

def test_bed12_coding_transcript(gff3_db):
    fields = gff3_db.bed12("tx1").split("\t")
    assert len(fields) == 12
    chrom, start, end, name, score, strand, tstart, tend, rgb, count, sizes, starts = fields
    assert (chrom, start, end, name, score, strand) == ("chrX", "999", "9000", "tx1", "0", "+")
    # thick part from the CDS, 0-based half-open: 1200-8300 -> 1199, 8300
    assert (tstart, tend) == ("1199", "8300")
    assert rgb == "0,0,0" and count == "3"
    assert [int(x) for x in sizes.rstrip(",").split(",")] == [501, 401, 1001]
    assert [int(x) for x in starts.rstrip(",").split(",")] == [0, 2000, 7000]


def test_bed12_noncoding_and_minus_strand(gff3_db):
    f = gff3_db.bed12("tx3").split("\t")
    assert f[:6] == ["chrX", "19999", "26000", "tx3", "0", "-"]
    # No CDS: gffutils writes the feature's own (1-based) start and end as the thick part.
    assert (f[6], f[7]) == ("20000", "26000")
    assert f[9] == "2"
    assert [int(x) for x in f[10].rstrip(",").split(",")] == [1001, 1001]
    assert [int(x) for x in f[11].rstrip(",").split(",")] == [0, 5000]
    tx2 = gff3_db.bed12(gff3_db["tx2"]).split("\t")
    assert tx2[9] == "2" and [int(x) for x in tx2[11].rstrip(",").split(",")] == [0, 7000]


def test_bed12_options(gff3_db):
    named = gff3_db.bed12("tx1", name_field="Name", color="255,0,0").split("\t")
    assert named[3] == "ABC1-201" and named[8] == "255,0,0"
    # Blocks must start and end with the feature (gffutils raises otherwise): CDS blocks don't.
    with pytest.raises(ValueError, match="first block starts at 1200"):
        gff3_db.bed12("tx1", block_featuretype="CDS")
    with pytest.raises(ValueError):
        gff3_db.bed12("tx1", thick_featuretype="CDS", thin_featuretype="five_prime_UTR")


def test_bed12_blocks_reconstruct_the_exons(gff3_db):
    for tx in ("tx1", "tx2", "tx3"):
        f = gff3_db.bed12(tx).split("\t")
        start0 = int(f[1])
        sizes = [int(x) for x in f[10].rstrip(",").split(",")]
        starts = [int(x) for x in f[11].rstrip(",").split(",")]
        blocks = [(start0 + s + 1, start0 + s + n) for s, n in zip(starts, sizes)]
        exons = sorted((e.start, e.end) for e in gff3_db.children(tx, featuretype="exon"))
        assert blocks == exons
        assert start0 + starts[-1] + sizes[-1] == int(f[2])
