"""SQL over a database: db.execute() (gffutils' cursor API) and db.sql() (DuckDB)."""

from __future__ import annotations

import pytest

import gffbase

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

COOKBOOK = ("SELECT f.id FROM features f JOIN attributes a ON a.feature_id = f.id "
            "WHERE f.featuretype = 'transcript' AND a.key = 'tag' AND a.value = 'MANE_Select'")

# A GENCODE-style GTF: transcripts carry repeated `tag` attributes.
GENCODE_LIKE = "".join(
    f'chr1\tHAVANA\t{t}\t{s}\t{e}\t.\t+\t.\t{a}\n' for t, s, e, a in [
        ("gene", 100, 900, 'gene_id "G1"; gene_name "ABC";'),
        ("transcript", 100, 900, 'gene_id "G1"; transcript_id "T1"; tag "basic"; tag "MANE_Select";'),
        ("exon", 100, 300, 'gene_id "G1"; transcript_id "T1"; exon_number "1"; tag "MANE_Select";'),
        ("exon", 700, 900, 'gene_id "G1"; transcript_id "T1"; exon_number "2"; tag "MANE_Select";'),
        ("transcript", 100, 800, 'gene_id "G1"; transcript_id "T2"; tag "basic";'),
        ("exon", 100, 300, 'gene_id "G1"; transcript_id "T2"; exon_number "1";'),
        ("exon", 600, 800, 'gene_id "G1"; transcript_id "T2"; exon_number "2";'),
    ])


@pytest.fixture(scope="module")
def gencode():
    return gffbase.create_db(GENCODE_LIKE, ":memory:", from_string=True)


def test_cookbook_query_on_gencode_like_gtf(gencode):
    assert gencode.execute(COOKBOOK).fetchall() == [("T1",)]


def test_cookbook_query_on_example_mrna(gff3_db):
    # example.gff3 calls its transcripts mRNA; the MANE one is tx1
    q = COOKBOOK.replace("'transcript'", "'mRNA'")
    assert gff3_db.execute(q).fetchall() == [("tx1",)]
    assert gff3_db.execute(COOKBOOK).fetchall() == []  # no 'transcript' rows there


def test_fetchone_fetchall_fetchmany_and_iteration(gff3_db):
    q = "SELECT id FROM features WHERE featuretype = 'exon' ORDER BY file_order"
    want = [("tx1.e1",), ("tx1.e2",), ("tx1.e3",), ("tx2.e1",), ("tx2.e2",), ("tx3.e1",), ("tx3.e2",)]
    assert gff3_db.execute(q).fetchall() == want
    cur = gff3_db.execute(q)
    assert cur.fetchone() == ("tx1.e1",)
    assert cur.fetchmany(2) == [("tx1.e2",), ("tx1.e3",)]
    assert list(cur) == want[3:]
    assert cur.fetchone() is None
    assert cur.fetchall() == []
    assert [r[0] for r in gff3_db.execute(q)] == [w[0] for w in want]
    assert gff3_db.execute(q).description[0][0] == "id"


def test_features_view_columns_and_values(gff3_db):
    rows = gff3_db.execute(
        'SELECT id, seqid, source, featuretype, start, "end", score, strand, frame, file_order, attributes, '
        "synthetic FROM features WHERE id = 'tx1'").fetchall()
    assert rows == [("tx1", "chrX", "example", "mRNA", 1000, 9000, None, "+", ".", 1,
                     "ID=tx1;Parent=gene1;Name=ABC1-201;tag=MANE_Select", 0)]
    assert gff3_db.execute("SELECT count(*) FROM features").fetchall() == [(15,)]
    assert gff3_db.execute("SELECT count(*) FROM features WHERE id = 'cds1'").fetchall() == [(3,)]


def test_attributes_view_is_decoded_and_indexed():
    db = gffbase.create_db("chr1\tx\tgene\t1\t100\t.\t+\t.\tID=g1;Alias=a,b,c;Note=x%2Cy%3Bz\n", ":memory:",
                           from_string=True)
    rows = db.execute("SELECT key, value, idx FROM attributes WHERE feature_id = 'g1' ORDER BY key, idx").fetchall()
    assert rows == [("Alias", "a", 0), ("Alias", "b", 1), ("Alias", "c", 2), ("ID", "g1", 0), ("Note", "x,y;z", 0)]


def test_params_binding(gff3_db):
    assert gff3_db.execute("SELECT id FROM features WHERE featuretype = ? ORDER BY file_order",
                           ["gene"]).fetchall() == [("gene1",), ("gene2",)]
    assert gff3_db.execute("SELECT count(*) FROM features WHERE start >= ? AND \"end\" <= ?",
                           [20000, 21000]).fetchall() == [(1,)]
    assert gff3_db.execute("SELECT id FROM features WHERE id = $1", ["tx3"]).fetchall() == [("tx3",)]


def test_relations_levels(gff3_db):
    level1 = gff3_db.execute("SELECT parent, child FROM relations WHERE level = 1 ORDER BY 1, 2").fetchall()
    assert level1 == [("gene1", "tx1"), ("gene1", "tx2"), ("gene2", "tx3"), ("tx1", "cds1"), ("tx1", "tx1.e1"),
                      ("tx1", "tx1.e2"), ("tx1", "tx1.e3"), ("tx2", "tx2.e1"), ("tx2", "tx2.e2"),
                      ("tx3", "tx3.e1"), ("tx3", "tx3.e2")]
    level2 = gff3_db.execute("SELECT parent, child FROM relations WHERE level = ? ORDER BY 1, 2", [2]).fetchall()
    assert level2 == [("gene1", "cds1"), ("gene1", "tx1.e1"), ("gene1", "tx1.e2"), ("gene1", "tx1.e3"),
                      ("gene1", "tx2.e1"), ("gene1", "tx2.e2"), ("gene2", "tx3.e1"), ("gene2", "tx3.e2")]
    # consistent with the hierarchy API
    for parent, child in level1 + level2:
        level = 1 if (parent, child) in level1 else 2
        assert child in {f.id for f in gff3_db.children(parent, level=level)}


def test_relations_on_gtf(gencode):
    rows = gencode.execute("SELECT parent, child, level FROM relations WHERE parent = 'G1' AND level = 1 "
                           "ORDER BY child").fetchall()
    assert rows == [("G1", "T1", 1), ("G1", "T2", 1)]
    n2 = gencode.execute("SELECT count(*) FROM relations WHERE parent = 'G1' AND level = 2").fetchall()
    assert n2 == [(4,)]


def test_directives_and_meta_views(gff3_db):
    assert gff3_db.execute("SELECT directive FROM directives").fetchall() == [
        ("gff-version 3",), ("sequence-region chrX 1 60000",)]  # as gffutils stores them
    assert gff3_db.execute("SELECT value FROM meta WHERE key = 'format'").fetchall() == [("gff3",)]


def test_sql_returns_a_duckdb_relation(gff3_db):
    rel = gff3_db.sql("SELECT featuretype, count(*) AS n FROM features GROUP BY 1 ORDER BY 1")
    assert isinstance(rel, duckdb.DuckDBPyRelation)
    assert rel.columns == ["featuretype", "n"]
    assert rel.fetchall() == [("CDS", 3), ("exon", 7), ("gene", 2), ("mRNA", 2), ("ncRNA", 1)]
    # a relation composes further and converts
    assert rel.filter("n > 2").fetchall() == [("CDS", 3), ("exon", 7)]
    res = rel.arrow()  # a Table (DuckDB 1.x) or a RecordBatchReader (2.x): drain it either way
    table = res.read_all() if hasattr(res, "read_all") else res
    assert table.num_rows == 5
    pl = pytest.importorskip("polars")
    assert isinstance(rel.pl(), pl.DataFrame)
    pd = pytest.importorskip("pandas")
    assert isinstance(rel.df(), pd.DataFrame)


def test_sql_results_are_independent(gff3_db):
    genes = gff3_db.sql("SELECT id FROM features WHERE featuretype = 'gene' ORDER BY id")
    mrnas = gff3_db.sql("SELECT id FROM features WHERE featuretype = 'mRNA' ORDER BY id")
    assert genes.fetchall() == [("gene1",), ("gene2",)]
    assert mrnas.fetchall() == [("tx1",), ("tx2",)]


def test_sql_with_params_returns_an_independent_relation(gff3_db):
    r1 = gff3_db.sql("SELECT id FROM features WHERE featuretype = ? ORDER BY id", ["gene"])
    r2 = gff3_db.sql("SELECT id FROM features WHERE featuretype = ? ORDER BY id", ["mRNA"])
    assert r1.fetchall() == [("gene1",), ("gene2",)]  # today: [('tx1',), ('tx2',)]
    assert r2.fetchall() == [("tx1",), ("tx2",)]
    assert isinstance(r1, duckdb.DuckDBPyRelation)


@pytest.mark.parametrize("evil", [
    "x' OR '1'='1",
    "gene' --",
    "'; DROP VIEW features; --",
    "gene\"; SELECT 1; --",
    "%",
    "gene1' UNION SELECT key FROM meta --",
])
def test_injection_through_params_is_inert(tmp_path, example_gff3, evil):
    db = gffbase.create_db(example_gff3, str(tmp_path / "ex.gffdb"))
    assert db.execute("SELECT id FROM features WHERE id = ?", [evil]).fetchall() == []
    assert db.execute("SELECT count(*) FROM features WHERE featuretype = ?", [evil]).fetchall() == [(0,)]
    assert db.execute("SELECT count(*) FROM attributes WHERE value = ?", [evil]).fetchall() == [(0,)]
    # everything is still there afterwards
    assert db.execute("SELECT count(*) FROM features").fetchall() == [(15,)]
    assert db.execute(COOKBOOK.replace("'transcript'", "?"), ["mRNA"]).fetchall() == [("tx1",)]
    assert db["tx1"].attributes["tag"] == ["MANE_Select"]


def test_attribute_value_with_quotes_is_data_not_sql():
    # a value that looks like SQL, stored in the file, comes back verbatim
    db = gffbase.create_db("chr1\tx\tgene\t1\t100\t.\t+\t.\tID=g1;Note=x')%3B DROP VIEW features%3B --\n",
                           ":memory:", from_string=True)
    rows = db.execute("SELECT value FROM attributes WHERE key = ?", ["Note"]).fetchall()
    assert rows == [("x'); DROP VIEW features; --",)]
    assert db.execute("SELECT count(*) FROM features").fetchall() == [(1,)]


def test_a_feature_over_several_lines_joins_its_attributes_by_row(gff3_db):
    # cds1 is three lines: three features rows, each line's attributes once.  Joined on the ID, each of the
    # three rows met all three lines' attributes (nine rows, and "9 CDS" under tx1).
    rows = gff3_db.execute("SELECT f.row, a.value FROM features f JOIN attributes a ON a.row = f.row "
                           "WHERE f.id = 'cds1' AND a.key = 'Parent' ORDER BY f.row").fetchall()
    assert [v for _, v in rows] == ["tx1"] * 3 and len({r for r, _ in rows}) == 3
    n = gff3_db.execute("SELECT count(*) FROM features f JOIN attributes a ON a.row = f.row "
                        "WHERE f.featuretype = 'CDS' AND a.key = 'Parent' AND a.value = 'tx1'").fetchone()[0]
    assert n == len(list(gff3_db.children("tx1", featuretype="CDS"))) == 3
    assert [r[0] for r in gff3_db.execute("SELECT row FROM features ORDER BY row").fetchall()] == \
        list(range(len(list(gff3_db.all_features()))))


def test_sql_from_many_threads_gives_each_its_own_answer(gff3_db):
    # One DuckDB connection shared by threads gave a thread another's count, None, or an exception; a
    # mixed workload hung.  Each thread now has its own connection over the same tables.
    from concurrent.futures import ThreadPoolExecutor

    types = ["exon", "CDS", "mRNA", "gene"]
    truth = {t: gff3_db.count_features_of_type(t) for t in types}

    def one(i):
        t = types[i % len(types)]
        if i % 3 == 0:
            got = gff3_db.sql("SELECT count(*) FROM features WHERE featuretype = ?", [t]).fetchall()[0][0]
        else:
            got = gff3_db.execute("SELECT count(*) FROM features WHERE featuretype = ?", [t]).fetchone()[0]
        if i % 5 == 0:
            gff3_db.region_batched([("chrX", 1, 10_000)])
        return t, got

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(800)))
    assert all(got == truth[t] for t, got in results)
