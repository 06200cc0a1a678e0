"""children_batched / parents_batched / region_batched: schema, formats, consumers,
and equality with a loop over the single-call API on a real file (yeast GTF)."""

from __future__ import annotations

import collections
import random

import pytest

import gffbase

pa = pytest.importorskip("pyarrow")

HIERARCHY_COLUMNS = ["anchor", "descendant_id", "seqid", "source", "featuretype", "start", "end", "score",
                     "strand", "frame", "file_order", "depth"]
REGION_COLUMNS = ["query_idx", "query_seqid", "query_start", "query_end", "id", "seqid", "source", "featuretype",
                  "start", "end", "score", "strand", "frame", "file_order"]
YEAST = "01_whole_genome/yeast_ensembl_R64-1-1.96/Saccharomyces_cerevisiae.R64-1-1.96.gtf.gz"


def _plain(table):
    """Dictionary-encoded columns decoded, so values compare as Python objects."""
    return table.to_pylist()


# -- schema -----------------------------------------------------------------------------

def test_children_batched_schema(gff3_db):
    t = gff3_db.children_batched(["gene1", "tx3"])
    assert isinstance(t, pa.Table)
    assert t.column_names == HIERARCHY_COLUMNS
    types = {f.name: f.type for f in t.schema}
    for col in ("start", "end", "file_order"):
        assert pa.types.is_int64(types[col]), col
    assert pa.types.is_int32(types["depth"])
    assert pa.types.is_floating(types["score"])
    # The IDs are plain strings, as in gffbase 0.3 (code builds value sets
    # from their type); strand and frame: a fixed dictionary of four, one
    # byte a row.
    for col in ("anchor", "descendant_id"):
        assert pa.types.is_large_string(types[col]), col
    pc = pytest.importorskip("pyarrow.compute")
    anchors = t.column("anchor")
    assert pc.is_in(anchors, value_set=pa.array(["tx3"], type=anchors.type)).to_pylist().count(True) == 2
    for col in ("strand", "frame"):
        assert types[col] == pa.dictionary(pa.int8(), pa.large_string()), col
    rows = _plain(t)
    assert collections.Counter(r["anchor"] for r in rows) == {"gene1": 10, "tx3": 2}
    tx3 = [r for r in rows if r["anchor"] == "tx3"]
    assert tx3 == [
        {"anchor": "tx3", "descendant_id": "tx3.e1", "seqid": "chrX", "source": "example", "featuretype": "exon",
         "start": 20000, "end": 21000, "score": None, "strand": "-", "frame": ".", "file_order": 13, "depth": 1},
        {"anchor": "tx3", "descendant_id": "tx3.e2", "seqid": "chrX", "source": "example", "featuretype": "exon",
         "start": 25000, "end": 26000, "score": None, "strand": "-", "frame": ".", "file_order": 14, "depth": 1},
    ]
    depths = {(r["descendant_id"], r["start"]): r["depth"] for r in rows if r["anchor"] == "gene1"}
    assert depths[("tx1", 1000)] == 1 and depths[("tx1.e2", 3000)] == 2 and depths[("cds1", 8000)] == 2


def test_parents_batched_schema(gff3_db):
    t = gff3_db.parents_batched(["cds1", "tx3.e1"])
    assert t.column_names == HIERARCHY_COLUMNS
    got = sorted((r["anchor"], r["descendant_id"], r["depth"]) for r in _plain(t))
    assert got == [("cds1", "gene1", 2), ("cds1", "tx1", 1), ("tx3.e1", "gene2", 2), ("tx3.e1", "tx3", 1)]


def test_region_batched_schema(gff3_db):
    t = gff3_db.region_batched([("chrX", 1400, 3000), "chrX:20000-20001", ("chrY", 1, 10)])
    assert isinstance(t, pa.Table)
    assert t.column_names == REGION_COLUMNS
    rows = _plain(t)
    by_q = collections.defaultdict(list)
    for r in rows:
        by_q[r["query_idx"]].append(r["id"])
    assert sorted(by_q[0]) == sorted(["tx1.e1", "tx2.e1", "gene1", "tx1", "tx2", "cds1", "tx1.e2", "cds1"])
    assert sorted(by_q[1]) == ["gene2", "tx3", "tx3.e1"]
    assert 2 not in by_q
    q0 = next(r for r in rows if r["query_idx"] == 0)
    assert (q0["query_seqid"], q0["query_start"], q0["query_end"]) == ("chrX", 1400, 3000)
    q1 = next(r for r in rows if r["query_idx"] == 1)
    assert (q1["query_seqid"], q1["query_start"], q1["query_end"]) == ("chrX", 20000, 20001)
    # query_seqid is categorical like seqid, over the same dictionary
    types = {f.name: f.type for f in t.schema}
    assert pa.types.is_dictionary(types["query_seqid"]) and types["query_seqid"] == types["seqid"]


def test_region_batched_filters(gff3_db):
    assert gff3_db.region_batched(["chrX:1000-1200"], featuretype="CDS").column("id").to_pylist() == ["cds1"]
    within = gff3_db.region_batched([("chrX", 900, 1600)], completely_within=True)
    assert within.column("id").to_pylist() == ["tx1.e1", "tx2.e1", "cds1"]
    minus = gff3_db.region_batched([("chrX", 1, 100000)], strand="-")
    assert sorted(minus.column("id").to_pylist()) == ["gene2", "tx3", "tx3.e1", "tx3.e2"]
    kids = gff3_db.children_batched(["gene1"], level=2, featuretype=["CDS"])
    assert kids.column("descendant_id").to_pylist() == ["cds1", "cds1", "cds1"]
    assert gff3_db.parents_batched(["tx1.e1"], level=2).column("descendant_id").to_pylist() == ["gene1"]


def test_empty_inputs_keep_the_full_schema(gff3_db):
    for t, cols in ((gff3_db.children_batched([]), HIERARCHY_COLUMNS),
                    (gff3_db.parents_batched([]), HIERARCHY_COLUMNS),
                    (gff3_db.region_batched([]), REGION_COLUMNS)):
        assert t.num_rows == 0
        assert t.column_names == cols
    full = gff3_db.children_batched(["gene1"]).schema
    assert gff3_db.children_batched([]).schema == full
    # no match at all is also an empty table with the schema
    none = gff3_db.region_batched([("chrZ", 1, 10)])
    assert none.num_rows == 0 and none.column_names == REGION_COLUMNS


def test_unknown_anchor_gives_no_rows(gff3_db):
    t = gff3_db.children_batched(["no-such-id", "tx3"])
    assert set(t.column("anchor").to_pylist()) == {"tx3"}


def test_anchors_can_be_features(gff3_db):
    by_id = _plain(gff3_db.children_batched(["gene1", "tx2"]))
    by_feature = _plain(gff3_db.children_batched([gff3_db["gene1"], gff3_db["tx2"]]))
    assert by_feature == by_id
    single = gff3_db.children_batched(gff3_db["tx3"])
    assert single.column("descendant_id").to_pylist() == ["tx3.e1", "tx3.e2"]
    regions = gff3_db.region_batched([gff3_db["tx3.e2"]])
    assert sorted(regions.column("id").to_pylist()) == ["gene2", "tx3", "tx3.e2"]


def test_anchor_lists_mixing_ids_and_features(gff3_db):
    mixed = _plain(gff3_db.children_batched(["gene1", gff3_db["tx2"]]))
    assert mixed == _plain(gff3_db.children_batched(["gene1", "tx2"]))


def test_non_ascii_anchor_ids(tmp_path):
    # IDs reach the core as views of the str objects' UTF-8.
    path = tmp_path / "u.gff3"
    path.write_text("##gff-version 3\n"
                    "chr1\t.\tgene\t1\t100\t.\t+\t.\tID=g\u00e8ne\u4e00\n"
                    "chr1\t.\tmRNA\t1\t100\t.\t+\t.\tID=t\u00e9;Parent=g\u00e8ne\u4e00\n", encoding="utf-8")
    db = gffbase.create_db(str(path), str(tmp_path / "u.gffdb"), force=True)
    t = db.children_batched(["g\u00e8ne\u4e00", "absent"])
    assert t.column("anchor").to_pylist() == ["g\u00e8ne\u4e00"]
    assert t.column("descendant_id").to_pylist() == ["t\u00e9"]


def test_type_errors(gff3_db):
    with pytest.raises(TypeError):
        gff3_db.children_batched([1, 2])
    with pytest.raises(TypeError):
        gff3_db.parents_batched(["tx1", 3])
    with pytest.raises(TypeError):
        gff3_db.region_batched([1])


def test_unknown_format_is_value_error(gff3_db):
    with pytest.raises(ValueError):
        gff3_db.children_batched(["gene1"], format="xml")
    with pytest.raises(ValueError):
        gff3_db.region_batched([("chrX", 1, 10)], format="json")
    with pytest.raises(gffbase.InvalidArgumentError):
        gff3_db.parents_batched(["tx1"], format="arrows")


# -- formats and consumers ------------------------------------------------------------------

def test_formats(gff3_db):
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    np = pytest.importorskip("numpy")
    ref = gff3_db.children_batched(["gene1", "tx3"])
    for fmt in ("df", "pandas"):
        df = gff3_db.children_batched(["gene1", "tx3"], format=fmt)
        assert isinstance(df, pd.DataFrame)
        assert list(df.columns) == HIERARCHY_COLUMNS
        assert df["descendant_id"].tolist() == ref.column("descendant_id").to_pylist()
    p = gff3_db.children_batched(["gene1", "tx3"], format="polars")
    assert isinstance(p, pl.DataFrame)
    assert p.columns == HIERARCHY_COLUMNS
    assert p["start"].to_list() == ref.column("start").to_pylist()
    n = gff3_db.children_batched(["gene1", "tx3"], format="numpy")
    assert list(n) == HIERARCHY_COLUMNS
    assert isinstance(n["start"], np.ndarray) and n["start"].dtype == np.int64
    assert n["depth"].tolist() == ref.column("depth").to_pylist()
    r = gff3_db.region_batched([("chrX", 1, 2000)], format="polars")
    assert isinstance(r, pl.DataFrame) and r.columns == REGION_COLUMNS


def test_consumers_read_the_arrow_result(gff3_db):
    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    t = gff3_db.children_batched(["gene1", "tx3"])
    assert pa.table(t).num_rows == t.num_rows == 12
    df = pl.DataFrame(t)
    assert df.shape == (12, 12)
    assert df.filter(pl.col("anchor") == "tx3")["descendant_id"].to_list() == ["tx3.e1", "tx3.e2"]
    con = duckdb.connect()
    con.register("kids", t)
    assert con.sql("SELECT anchor, count(*) FROM kids GROUP BY 1 ORDER BY 1").fetchall() == [("gene1", 10), ("tx3", 2)]
    assert con.sql("SELECT max(depth) FROM kids").fetchall() == [(2,)]
    regions = gff3_db.region_batched([("chrX", 1, 1000), ("chrX", 25000, 25000)])
    con.register("hits", regions)
    assert con.sql("SELECT query_idx, count(*) FROM hits GROUP BY 1 ORDER BY 1").fetchall() == [(0, 5), (1, 3)]


def test_region_batched_accepts_a_table(gff3_db):
    q = pa.table({"seqid": ["chrX", "chrX"], "start": [1000, 20000], "end": [1000, 20000]})
    t = gff3_db.region_batched(q)
    by_q = collections.defaultdict(set)
    for r in _plain(t):
        by_q[r["query_idx"]].add(r["id"])
    assert by_q[0] == {"tx1.e1", "tx2.e1", "gene1", "tx1", "tx2"}
    assert by_q[1] == {"tx3.e1", "gene2", "tx3"}


# -- equality with the single-call API on a real file -----------------------------------------

@pytest.fixture(scope="module")
def yeast(shared_data, tmp_path_factory):
    path = shared_data / YEAST
    if not path.is_file():
        pytest.fail(f"{path} is listed in the brief but missing from the shared data")
    return gffbase.create_db(str(path), str(tmp_path_factory.mktemp("yeast") / "yeast.gffdb"),
                             merge_strategy="create_unique")


def _score(s):
    return None if s == "." else float(s)


def _loop_hierarchy(db, anchors, kind, level=None, featuretype=None):
    out = []
    for a in anchors:
        depth_of = {}
        if level is None:
            for d in range(1, 10):
                for f in getattr(db, kind)(a, level=d, featuretype=featuretype):
                    depth_of.setdefault(f.file_order, d)
        for f in getattr(db, kind)(a, level=level, featuretype=featuretype):
            out.append((a, f.id, f.seqid, f.source, f.featuretype, f.start, f.end, _score(f.score), f.strand,
                        f.frame, f.file_order, level if level is not None else depth_of[f.file_order]))
    return out


def _batched_rows(table, names):
    return [tuple(r[c] for c in names) for r in table.to_pylist()]


@pytest.mark.slow
def test_children_batched_equals_loop_on_yeast(yeast):
    genes = [f.id for f in yeast.features_of_type("gene")]
    assert len(genes) > 7000
    rng = random.Random(7)
    anchors = rng.sample(genes, 1500) + rng.sample([f.id for f in yeast.features_of_type("transcript")], 500)
    batched = _batched_rows(yeast.children_batched(anchors), HIERARCHY_COLUMNS)
    looped = _loop_hierarchy(yeast, anchors, "children")
    assert sorted(batched, key=repr) == sorted(looped, key=repr)
    # rows come grouped by anchor, in input order
    order = {a: i for i, a in enumerate(anchors)}
    idx = [order[r[0]] for r in batched]
    assert idx == sorted(idx)
    # level and featuretype filters too
    b1 = _batched_rows(yeast.children_batched(anchors[:300], level=2, featuretype=["exon", "CDS"]),
                       HIERARCHY_COLUMNS)
    l1 = _loop_hierarchy(yeast, anchors[:300], "children", level=2, featuretype=["exon", "CDS"])
    assert sorted(b1, key=repr) == sorted(l1, key=repr) and b1


@pytest.mark.slow
def test_parents_batched_equals_loop_on_yeast(yeast):
    rng = random.Random(8)
    exons = rng.sample([f.id for f in yeast.features_of_type(["exon", "CDS", "start_codon"])], 2000)
    batched = _batched_rows(yeast.parents_batched(exons), HIERARCHY_COLUMNS)
    looped = _loop_hierarchy(yeast, exons, "parents")
    assert sorted(batched, key=repr) == sorted(looped, key=repr)
    assert len(batched) >= 2 * len(exons) - 50  # transcript and gene for (nearly) every exon


@pytest.mark.slow
def test_region_batched_equals_loop_on_yeast(yeast):
    rng = random.Random(9)
    seqids = list(yeast.seqids())
    span = {s: max(f.end for f in yeast.region(s)) for s in seqids}
    regions = []
    for _ in range(2000):
        s = rng.choice(seqids)
        a = rng.randint(1, span[s])
        regions.append((s, a, a + rng.choice([0, 10, 500, 5000, 50_000])))
    regions.append(("not-a-seqid", 1, 100))
    t = yeast.region_batched(regions)
    batched = _batched_rows(t, REGION_COLUMNS)
    looped = []
    for i, (s, a, b) in enumerate(regions):
        for f in yeast.region((s, a, b)):
            looped.append((i, s, a, b, f.id, f.seqid, f.source, f.featuretype, f.start, f.end, _score(f.score),
                           f.strand, f.frame, f.file_order))
    assert sorted(batched, key=repr) == sorted(looped, key=repr)
    assert [r[0] for r in batched] == sorted(r[0] for r in batched)  # in query order
    # with featuretype / completely_within / strand
    t2 = yeast.region_batched(regions[:500], featuretype="gene", completely_within=True, strand="-")
    got = sorted((r["query_idx"], r["id"]) for r in t2.to_pylist())
    want = sorted((i, f.id) for i, (s, a, b) in enumerate(regions[:500])
                  for f in yeast.region((s, a, b), featuretype="gene", completely_within=True, strand="-"))
    assert got == want


def test_region_batched_large_batches_in_any_order(yeast):
    # >= 4096 regions take the radix-sorted locality order (seqid code and a
    # clamped start packed beside the query index): shuffled seqids, unknown
    # ones, starts at 0 and near the int64 range must still give every query
    # its own hits, in query order.
    rng = random.Random(11)
    seqids = list(yeast.seqids())
    span = {s: max(f.end for f in yeast.region(s)) for s in seqids}
    regions = []
    for k in range(6000):
        s = rng.choice(seqids + ["not-a-seqid"])
        if k % 997 == 0:
            regions.append((s, 0, 5000))
        elif k % 1009 == 0:
            regions.append((s, (1 << 62) - 10, 1 << 62))
        else:
            a = rng.randint(1, span.get(s, 1000))
            regions.append((s, a, a + rng.choice([0, 100, 3000])))
    t = yeast.region_batched(regions)
    got = list(zip(t.column("query_idx").to_pylist(), t.column("id").to_pylist()))
    want = [(i, f.id) for i, r in enumerate(regions) for f in yeast.region(r)]
    assert got == want


def test_threads_do_not_change_results(yeast):
    genes = [f.id for f in yeast.features_of_type("gene")][:3000]
    one = yeast.children_batched(genes, threads=1)
    many = yeast.children_batched(genes, threads=4)
    assert one.equals(many)


# -- regions as db.region() reads them (helper sweep: strands were ignored, tables misread) ------

def _region_ids(db, region, **kw):
    return [f.id for f in db.region(region, **kw)]


def test_region_batched_honours_the_strand_a_region_names(gff3_db):
    db = gff3_db
    regions = ["chrX:20500-20600:-", "chrX:20500-20600:+", ("chrX", 900, 3100, "+"), ("chrX", 900, 3100, "-"),
               db["tx3.e1"], "chrX:900-3100"]
    t = db.region_batched(regions)
    got = collections.defaultdict(list)
    for q, i in zip(t.column("query_idx").to_pylist(), t.column("id").to_pylist()):
        got[q].append(i)
    for q, r in enumerate(regions):
        assert sorted(got[q]) == sorted(_region_ids(db, r)), r
    assert got[1] == [] and got[3] == [] and got[0]  # the strand filtered something out
    # strand= wins over the region's own, as in db.region (and the tuple fast path agrees with the general one)
    for regions in ([("chrX", 900, 3100, "+")], ["chrX:900-3100:+"]):
        t = db.region_batched(regions, strand="-")
        assert t.column("id").to_pylist() == _region_ids(db, regions[0], strand="-")
    with pytest.raises(gffbase.InvalidArgumentError, match="strand"):
        db.region_batched([("chrX", 1, 5, "x"), "chrX:1-5"])


def test_region_batched_tables_single_regions_and_open_sides(gff3_db):
    db = gff3_db
    table = pa.table({"seqid": ["chrX", "chrX"], "start": [900, 900], "end": [3100, 3100], "strand": ["-", None]})
    t = db.region_batched(table)
    assert t.filter(pa.compute.equal(t["query_idx"], 0)).num_rows == len(_region_ids(db, "chrX:900-3100:-"))
    assert t.filter(pa.compute.equal(t["query_idx"], 1)).num_rows == len(_region_ids(db, "chrX:900-3100"))
    pd = pytest.importorskip("pandas")
    with pytest.raises(gffbase.InvalidArgumentError, match=r"needs columns seqid .* found columns \['chrX', 'begin'"):
        db.region_batched(pd.DataFrame({"chrX": ["chrX"], "begin": [1], "stop": [5]}))
    with pytest.raises(gffbase.InvalidArgumentError, match="row 1: column 'start' is missing"):
        db.region_batched(pd.DataFrame({"seqid": ["chrX", "chrX"], "start": [1, None], "end": [5, 6]}))
    # One region alone is one query, not a string of one-letter seqids.
    assert db.region_batched("chrX").column("id").to_pylist() == _region_ids(db, "chrX")
    assert db.region_batched(("chrX", 900, 1100)).column("id").to_pylist() == _region_ids(db, ("chrX", 900, 1100))
    assert db.region_batched([("chrX", None, None)]).num_rows == len(list(db.all_features()))
    # Arguments that are not what they should be say so.
    for kw, match in (({"featuretype": 5}, "featuretype"), ({"featuretype": ["exon", None]}, "featuretype"),
                      ({"threads": None}, "threads"), ({"threads": -1}, "threads")):
        with pytest.raises(gffbase.InvalidArgumentError, match=match):
            db.region_batched(["chrX:1-5"], **kw)
    ids = pa.array(["tx1", "tx2"])
    assert db.children_batched(ids, featuretype="exon").num_rows == db.children_batched(["tx1", "tx2"],
                                                                                         featuretype="exon").num_rows


def test_a_list_of_tuples_is_checked_alike_whatever_else_it_holds(gff3_db):
    # The all-tuples fast path took a 5-tuple (its fifth field ignored) and True as a coordinate; the same
    # tuples beside a string were refused.  Both paths refuse them now, with the same words.
    for bad, words in ((("chrX", 1000, 1100, "+", "extra"), r"expected \(seqid, start, end\[, strand\]\)"),
                       (("chrX", True, 1100), "start: expected an integer, found True")):
        for regions in ([bad], [bad, "chrX:1-10"]):
            with pytest.raises(gffbase.errors.InvalidArgumentError, match=words):
                gff3_db.region_batched(regions)
