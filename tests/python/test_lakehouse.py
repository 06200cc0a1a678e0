"""Whole tables as Arrow, Parquet export, the Parquet lakehouse and scale-out region joins.

Checked against the database's own answers (db.sql's views, region_batched)
and against a naive linear overlap scan; on a real annotation when
../shared/data is there.
"""

from __future__ import annotations

import os
import pickle
import random
import threading

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("duckdb")

import gffbase
from gffbase import tables
from gffbase.errors import GffbaseIOError, InvalidArgumentError

from conftest import require_shared_data

CHR22_GTF = "02_chromosome_subsets/human_chr22_gencode_v38_basic_SQANTI3/gencode.v38.basic_chr22_corrected.gtf"


def rows(table):
    return sorted(tuple(r.values()) for r in table.to_pylist())


def features_as_strings(table):
    return rows(tables.plain_strings(table))


@pytest.fixture(scope="module")
def real_db_path(tmp_path_factory):
    """GENCODE v38 basic on chr22 (~60k lines), built once."""
    src = require_shared_data() / CHR22_GTF
    path = tmp_path_factory.mktemp("lakehouse") / "real.gffdb"
    gffbase.create_db(str(src), str(path), merge_strategy="create_unique")
    return str(path)


# -- whole tables ---------------------------------------------------------------------------------

def test_to_arrow_tables_have_the_sql_views_columns(gff3_db):
    for name in tables.TABLES:
        t = gff3_db.to_arrow(name)
        view = gff3_db.sql(f"SELECT * FROM {name}")
        assert t.column_names == [c[0] for c in view.description], name
        assert features_as_strings(t) == sorted(view.fetchall()), name


def test_to_arrow_features_are_the_lines_in_database_order(gff3_db):
    t = gff3_db.to_arrow("features")
    assert t.num_rows == sum(1 for _ in gff3_db.all_features())  # one row per line (no split features here)
    assert t.column("row").to_pylist() == list(range(t.num_rows))
    keys = list(zip(t.column("seqid").to_pylist(), t.column("start").to_pylist(), t.column("end").to_pylist()))
    assert keys == sorted(keys)
    assert pa.types.is_dictionary(t.schema.field("featuretype").type)


def test_to_arrow_formats_and_errors(gff3_db):
    pl = pytest.importorskip("polars")
    pd = pytest.importorskip("pandas")
    assert isinstance(gff3_db.to_arrow("relations", format="polars"), pl.DataFrame)
    assert isinstance(gff3_db.to_arrow("attributes", format="pandas"), pd.DataFrame)
    assert set(gff3_db.to_arrow("meta", format="numpy")) == {"key", "value"}
    with pytest.raises(InvalidArgumentError, match="expected one of features, attributes"):
        gff3_db.to_arrow("exons")
    with pytest.raises(InvalidArgumentError, match="format"):
        gff3_db.to_arrow("features", format="csv")


def test_relations_levels_match_a_plain_walk(real_db_path):
    db = gffbase.FeatureDB(real_db_path)
    rel = db.to_arrow("relations")
    by_level = {1: set(), 2: set(), 3: set()}
    for p, c, lvl in zip(rel.column("parent").to_pylist(), rel.column("child").to_pylist(),
                         rel.column("level").to_pylist()):
        assert (p, c) not in by_level[lvl], "a pair twice at one level"
        by_level[lvl].add((p, c))
    # A plain walk over the edges.
    children = {}
    for p, c in by_level[1]:
        children.setdefault(p, set()).add(c)
    walk2 = {(p, g) for p, cs in children.items() for c in cs for g in children.get(c, ())}
    walk3 = {(p, g) for p, c in walk2 for g in children.get(c, ())}
    assert by_level[2] == walk2
    assert by_level[3] == walk3
    # The same as the SQL view (DuckDB) and as the pyarrow-only path.
    assert sorted(zip(*[rel.column(c).to_pylist() for c in ("parent", "child", "level")])) == \
        sorted(db.sql("SELECT * FROM relations").fetchall())
    assert rows(tables._relations_without_duckdb(tables.edges(db))) == rows(rel)


# -- Parquet export -------------------------------------------------------------------------------

def test_to_parquet_reads_back_every_table(gff3_db, tmp_path):
    out = gff3_db.to_parquet(tmp_path / "ex")
    assert sorted(os.listdir(out)) == sorted(tables.TABLES)
    for name in tables.TABLES:
        back = pq.read_table(os.path.join(out, name))
        assert rows(back) == rows(gff3_db.to_arrow(name)), name


def test_to_parquet_row_groups_keep_the_database_order(real_db_path, tmp_path):
    db = gffbase.FeatureDB(real_db_path)
    out = db.to_parquet(tmp_path / "real", row_group_size=1000)
    f = pq.ParquetFile(os.path.join(out, "features", "part-0.parquet"))
    n = db.to_arrow("features").num_rows
    assert f.metadata.num_rows == n
    assert f.metadata.num_row_groups == -(-n // 1000)
    # Statistics a reader prunes with: start is sorted within each seqid.
    back = f.read()
    assert back.column("row").to_pylist() == list(range(n))


def test_to_parquet_partitioned_by_seqid(real_db_path, tmp_path):
    import pyarrow.dataset as ds

    db = gffbase.FeatureDB(real_db_path)
    out = db.to_parquet(tmp_path / "p", partition_by=["seqid", "featuretype"])
    seqids = {s for s in db.seqids()}
    assert {d.split("=", 1)[1] for d in os.listdir(os.path.join(out, "features"))} == seqids
    back = ds.dataset(os.path.join(out, "features"), partitioning="hive").to_table()
    assert sorted(back.column("row").to_pylist()) == list(range(back.num_rows))
    mine = {r["row"]: (r["seqid"], r["featuretype"], r["start"]) for r in
            tables.plain_strings(db.to_arrow("features")).select(["row", "seqid", "featuretype", "start"]).to_pylist()}
    for r in back.select(["row", "seqid", "featuretype", "start"]).to_pylist():
        assert mine[r["row"]] == (str(r["seqid"]), str(r["featuretype"]), r["start"])


def test_to_parquet_refuses_bad_arguments_and_existing_output(gff3_db, tmp_path):
    with pytest.raises(InvalidArgumentError, match="partition_by"):
        gff3_db.to_parquet(tmp_path / "a", partition_by="id")
    with pytest.raises(InvalidArgumentError, match="row_group_size"):
        gff3_db.to_parquet(tmp_path / "a", row_group_size=0)
    with pytest.raises(GffbaseIOError, match="does not exist"):
        gff3_db.to_parquet(tmp_path / "no" / "such" / "dir")
    out = gff3_db.to_parquet(tmp_path / "a")
    with pytest.raises(GffbaseIOError, match="already exists"):
        gff3_db.to_parquet(out)
    assert gff3_db.to_parquet(out, overwrite=True) == out
    assert os.listdir(tmp_path) == ["a"]  # nothing left beside it


def test_failed_export_leaves_nothing_and_keeps_the_old_one(gff3_db, tmp_path, monkeypatch):
    out = gff3_db.to_parquet(tmp_path / "kept")
    before = {n: sorted(os.listdir(os.path.join(out, n))) for n in os.listdir(out)}
    real = tables.table

    def failing(db, name):
        if name == "relations":
            raise OSError("disk full (simulated)")
        return real(db, name)

    monkeypatch.setattr(tables, "table", failing)
    with pytest.raises(OSError, match="simulated"):
        gff3_db.to_parquet(out, overwrite=True)
    with pytest.raises(OSError, match="simulated"):
        gff3_db.to_parquet(tmp_path / "new")
    assert os.listdir(tmp_path) == ["kept"]
    assert {n: sorted(os.listdir(os.path.join(out, n))) for n in os.listdir(out)} == before
    assert rows(pq.read_table(os.path.join(out, "features"))) == rows(real(gff3_db, "features"))


# -- lakehouse ------------------------------------------------------------------------------------

def test_empty_lakehouse_answers_with_the_full_schema(tmp_path):
    lh = gffbase.Lakehouse(tmp_path / "lh")
    assert lh.annotations() == [] and len(lh) == 0
    assert lh.execute("SELECT count(*) FROM features") == [(0,)]
    cols = [c[0] for c in lh.sql("SELECT * FROM attributes").description]
    assert cols == ["feature_id", "key", "value", "idx", "row", "annotation"]


def test_lakehouse_holds_many_annotations(gff3_db_path, example_gtf, tmp_path):
    lh = gffbase.Lakehouse(tmp_path / "lh")
    assert lh.add(gff3_db_path) == "example"                       # a .gffdb, named after its file
    with pytest.raises(GffbaseIOError, match="already in"):  # also named "example"
        lh.add(example_gtf)
    gtf_name = lh.add(example_gtf, name="example_gtf", merge_strategy="create_unique")
    assert lh.annotations() == ["example", "example_gtf"]
    db = gffbase.FeatureDB(gff3_db_path)
    per_type = "SELECT featuretype, count(*) FROM features {} GROUP BY ALL ORDER BY ALL"
    assert lh.execute(per_type.format("WHERE annotation = ?"), ["example"]) == \
        db.sql(per_type.format("")).fetchall()
    gtf = gffbase.create_db(example_gtf, ":memory:", merge_strategy="create_unique")
    assert lh.execute(per_type.format("WHERE annotation = ?"), [gtf_name]) == gtf.sql(per_type.format("")).fetchall()
    # Attributes join their lines on (annotation, row), as db.sql's join on row.
    q = ("SELECT f.id, a.key, a.value FROM features f JOIN attributes a ON f.row = a.row {} "
         "WHERE a.key = 'Parent' ORDER BY ALL")
    assert lh.execute(q.format("AND f.annotation = a.annotation AND f.annotation = 'example'")) == \
        db.sql(q.format("")).fetchall()
    assert lh.meta("example")["source_name"] == db.meta()["source_name"]
    assert lh.meta(gtf_name)["format"] == "gtf"
    lh.remove(gtf_name)
    assert lh.annotations() == ["example"]


def test_lakehouse_add_names_and_replacement(gff3_db_path, example_gff3, tmp_path):
    lh = gffbase.Lakehouse(tmp_path / "lh")
    db = gffbase.FeatureDB(gff3_db_path)
    lh.add(db, name="a")
    assert lh.execute("SELECT count(*) FROM features") == [(db.to_arrow().num_rows,)]
    with pytest.raises(GffbaseIOError, match="already in"):
        lh.add(db, name="a")
    other = gffbase.create_db("chr9\t.\tgene\t5\t50\t.\t+\t.\tID=only", ":memory:", from_string=True)
    with pytest.raises(InvalidArgumentError, match="in-memory"):
        lh.add(other)
    lh.add(other, name="a", overwrite=True)
    assert lh.execute("SELECT id FROM features WHERE annotation = 'a'") == [("only",)]
    for bad in ("", "a/b", "../x", "a=b", ".hidden", 3):
        with pytest.raises(InvalidArgumentError, match="name"):
            lh.add(db, name=bad)
    with pytest.raises(InvalidArgumentError, match="ingest options"):
        lh.add(gff3_db_path, name="b", merge_strategy="merge")
    with pytest.raises(InvalidArgumentError, match="not in"):
        lh.remove("nope")
    assert sorted(os.listdir(lh.root)) == ["annotation=a"]  # no temporary directories left
    assert gffbase.lakehouse.default_name("gencode.v44.annotation.gtf.gz") == "gencode.v44.annotation"


def test_lakehouse_sql_reaches_only_its_own_files(gff3_db_path, tmp_path):
    lh = gffbase.Lakehouse(tmp_path / "lh")
    lh.add(gff3_db_path)
    import duckdb

    secret = tmp_path / "secret.csv"
    secret.write_text("a,b\n1,2\n")
    for q in (f"SELECT * FROM read_csv('{secret}')", "SELECT * FROM read_text('/etc/hostname')",
              "SET enable_external_access = true"):
        with pytest.raises(duckdb.Error):
            lh.execute(q)
    # Values are bound, never pasted.
    assert lh.execute("SELECT count(*) FROM features WHERE id = ?", ["x' OR '1'='1"]) == [(0,)]


def test_lakehouse_threads_and_new_annotations(gff3_db_path, tmp_path):
    lh = gffbase.Lakehouse(tmp_path / "lh")
    lh.add(gff3_db_path, name="one")
    expected = lh.execute("SELECT count(*) FROM features")
    results, errors = [], []

    def worker():
        try:
            for _ in range(20):
                results.append(lh.execute("SELECT count(*) FROM features WHERE annotation = 'one'"))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(r == expected for r in results)
    lh.add(gff3_db_path, name="two")  # seen by a connection made before it
    assert lh.execute("SELECT count(DISTINCT annotation) FROM features") == [(2,)]


# -- scale-out ------------------------------------------------------------------------------------

def naive_overlaps(features, seqid, start, end):
    return sorted(r for r in features if r[0] == seqid and r[1] <= end and r[2] >= start)


def random_queries(db, n, seed):
    rng = random.Random(seed)
    spans = {}
    for f in db.all_features():
        if f.start is None:
            continue
        lo, hi = spans.get(f.seqid, (f.start, f.end))
        spans[f.seqid] = (min(lo, f.start), max(hi, f.end))
    seqids = sorted(spans)
    out = {"seqid": [], "start": [], "end": [], "name": []}
    for i in range(n):
        s = rng.choice(seqids)
        lo, hi = spans[s]
        a = rng.randint(lo, hi)
        out["seqid"].append(s)
        out["start"].append(a)
        out["end"].append(a + rng.randint(0, 5000))
        out["name"].append(f"peak{i}")
    return pa.table(out)


def test_region_join_matches_a_linear_scan(real_db_path):
    db = gffbase.FeatureDB(real_db_path)
    queries = random_queries(db, 300, seed=14)
    join = gffbase.RegionJoin(real_db_path)
    result = join(queries)
    f = db.to_arrow("features")
    lines = list(zip(f.column("seqid").to_pylist(), f.column("start").to_pylist(), f.column("end").to_pylist(),
                     f.column("id").to_pylist()))
    got = {}
    for qi, name, fid, s, e in zip(*[result.column(c).to_pylist() for c in
                                     ("query_idx", "query_name", "id", "start", "end")]):
        assert name == f"peak{qi}"  # the query's own column rides along
        got.setdefault(qi, []).append((fid, s, e))
    for i, q in enumerate(queries.to_pylist()):
        want = sorted((r[3], r[1], r[2]) for r in lines
                      if r[0] == q["seqid"] and r[1] is not None and r[1] <= q["end"] and r[2] >= q["start"])
        assert sorted(got.get(i, [])) == want, q


def test_region_join_containers_pickling_and_errors(gff3_db_path, gff3_db):
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    join = gffbase.RegionJoin(gff3_db, featuretype="exon")
    q = {"seqid": ["chrX", "chrX"], "start": [2900, 1], "end": [3100, 10], "label": ["a", "b"]}
    arrow = join(q)
    assert set(arrow.column("featuretype").to_pylist()) == {"exon"}
    assert set(arrow.column("query_label").to_pylist()) <= {"a", "b"}
    assert rows(arrow) == rows(join(pa.table(q))) == rows(join(pa.table(q).to_batches()[0]))
    assert isinstance(join(pd.DataFrame(q)), pd.DataFrame)
    assert isinstance(join(pl.DataFrame(q)), pl.DataFrame)
    clone = pickle.loads(pickle.dumps(join))
    assert clone._db is None and len(pickle.dumps(join)) < 1000
    assert rows(clone(q)) == rows(arrow)
    assert sum(b.num_rows for b in join.map_batches(pa.table(q).to_batches())) == arrow.num_rows
    with pytest.raises(InvalidArgumentError, match="missing column"):
        join({"chrom": ["chrX"], "start": [1], "end": [2]})
    with pytest.raises(InvalidArgumentError, match="expected an Arrow table"):
        join([("chrX", 1, 2)])
    mem = gffbase.create_db("chr1\t.\tgene\t1\t9\t.\t+\t.\tID=g", ":memory:", from_string=True)
    with pytest.raises(InvalidArgumentError, match="in-memory"):
        gffbase.RegionJoin(mem)
    with pytest.raises(GffbaseIOError, match="no such database"):
        gffbase.RegionJoin(gff3_db_path + ".missing")


def test_region_join_parquet_on_worker_processes(real_db_path, tmp_path):
    db = gffbase.FeatureDB(real_db_path)
    queries = random_queries(db, 600, seed=7)
    qdir = tmp_path / "queries"
    qdir.mkdir()
    parts = [queries.slice(0, 200), queries.slice(200, 250), queries.slice(450, 150)]
    for i, part in enumerate(parts):
        pq.write_table(part, qdir / f"q{i}.parquet")
    stats = gffbase.region_join_parquet(real_db_path, qdir, tmp_path / "out", workers=2)
    join = gffbase.RegionJoin(real_db_path)
    want = [join(p) for p in parts]
    assert stats == {"files": 3, "rows": sum(w.num_rows for w in want)}
    for i, w in enumerate(want):
        assert rows(pq.read_table(tmp_path / "out" / f"part-{i}.parquet")) == rows(w)
    with pytest.raises(GffbaseIOError, match="already exists"):
        gffbase.region_join_parquet(real_db_path, qdir, tmp_path / "out")
    one = gffbase.region_join_parquet(real_db_path, qdir / "q1.parquet", tmp_path / "out", overwrite=True, workers=1)
    assert one == {"files": 1, "rows": want[1].num_rows}
    assert sorted(os.listdir(tmp_path)) == ["out", "queries"]  # no temporary directories left
    (tmp_path / "empty").mkdir()
    with pytest.raises(GffbaseIOError, match="no .parquet files"):
        gffbase.region_join_parquet(real_db_path, tmp_path / "empty", tmp_path / "x")
    with pytest.raises(InvalidArgumentError, match="workers"):
        gffbase.region_join_parquet(real_db_path, qdir, tmp_path / "y", workers=0)
    assert sorted(os.listdir(tmp_path)) == ["empty", "out", "queries"]
