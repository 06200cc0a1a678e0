"""SQL safety: no user string is ever pasted into SQL text.

Every user value that can reach DuckDB (db.execute / db.sql params) is bound
as a parameter; every other API that takes a name (featuretype, order_by,
attribute keys and values, region seqids, IDs) never reaches SQL at all -- it
is looked up by the C++ core -- and order_by is validated against a fixed set
of columns (InvalidArgumentError otherwise).  Injection attempts through each
of them must be inert, the SQL views must keep working afterwards, and the
.gffdb file must be unchanged.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

import gffbase

INJECTIONS = [
    "exon'; DROP TABLE features; --",
    "exon\"; DROP VIEW features; --",
    "'; DROP VIEW attributes; SELECT '",
    "gene' OR '1'='1",
    "x') UNION SELECT key, value FROM meta --",
    "1; DELETE FROM features",
    "features",
    "*",
    "%",
    "_",
    "\\",
    "'",
    "\0",
    "exon; COPY features TO '/tmp/gffbase-sql-injection.csv'",
]

GFF3 = """##gff-version 3
chr1\tsrc\tgene\t100\t900\t.\t+\t.\tID=g1;Name=alpha
chr1\tsrc\tmRNA\t100\t900\t.\t+\t.\tID=t1;Parent=g1
chr1\tsrc\texon\t100\t200\t.\t+\t.\tID=e1;Parent=t1;Note=it's
chr1\tsrc\texon\t400\t900\t.\t+\t.\tID=e2;Parent=t1
chr2\tsrc\tgene\t5\t50\t.\t-\t.\tID=g2;Note=exon'%3B DROP TABLE features%3B --
"""


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "sql.gffdb"
    gffbase.create_db(GFF3, str(path), from_string=True)
    d = gffbase.FeatureDB(str(path))
    d.digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return d


def views_intact(db) -> None:
    assert db.execute("select count(*) from features").fetchall() == [(len(db),)]
    assert db.execute("select count(*) from attributes where key = 'ID'").fetchall() == [(len(db),)]
    assert db.execute("select count(*) from relations where level = 1").fetchall() == [(3,)]
    assert db.execute("select count(*) from directives").fetchall() == [(1,)]
    assert db.execute("select value from meta where key = 'format'").fetchall() == [("gff3",)]
    assert sorted(db.featuretypes()) == ["exon", "gene", "mRNA"]
    assert hashlib.sha256(Path(db.dbfn).read_bytes()).hexdigest() == db.digest


@pytest.mark.parametrize("value", INJECTIONS)
def test_bound_parameters_are_inert(db, value):
    q = "select id from features where featuretype = ? order by id"
    assert db.execute(q, [value]).fetchall() == []
    assert db.execute(q, (value,)).fetchall() == []
    assert db.sql("select count(*) from features where id = ?", [value]).fetchall() == [(0,)]
    assert db.execute("select count(*) from features where featuretype = $ft", {"ft": value}).fetchall() == [(0,)]
    assert db.execute("select feature_id from attributes where key = ? and value = ?", [value, value]).fetchall() == []
    assert db.execute("select count(*) from relations where parent = ? or child = ?", [value, value]).fetchall() == [(0,)]
    views_intact(db)


def test_bound_parameter_matches_a_stored_injection_string_literally(db):
    note = "exon'; DROP TABLE features; --"
    assert db.execute("select feature_id from attributes where key = 'Note' and value = ?", [note]).fetchall() == [("g2",)]
    assert [f.id for f in db.features_with_attribute("Note", note)] == ["g2"]
    assert db.execute("select feature_id from attributes where value = ?", ["it's"]).fetchall() == [("e1",)]
    views_intact(db)


@pytest.mark.parametrize("value", INJECTIONS)
def test_names_never_reach_sql(db, value):
    assert list(db.features_of_type(value)) == []
    assert list(db.features_of_type([value, "gene"])) == list(db.features_of_type("gene"))
    assert db.count_features_of_type(value) == 0
    assert list(db.region(("chr1", 1, 1000), featuretype=value)) == []
    assert list(db.region(seqid=value, start=1, end=10)) == []
    assert list(db.all_features(featuretype=value)) == []
    assert list(db.children("g1", featuretype=value)) == []
    assert list(db.parents("e1", featuretype=value)) == []
    assert list(db.features_with_attribute(value)) == []
    assert list(db.features_with_attribute(value, value)) == []
    assert list(db.features_with_attribute("ID", value)) == []
    assert value not in db
    with pytest.raises(gffbase.FeatureNotFoundError):
        db[value]
    assert db.children_batched([value]).num_rows == 0
    assert db.region_batched([(value, 1, 100)]).num_rows == 0
    assert db.children_batched(["g1"], featuretype=value).num_rows == 0
    views_intact(db)


@pytest.mark.parametrize("value", INJECTIONS + ["start DESC", "start; DROP TABLE features", "seqid, start"])
def test_order_by_is_validated(db, value):
    for call in (lambda: db.features_of_type("exon", order_by=value),
                 lambda: db.all_features(order_by=value),
                 lambda: db.children("g1", order_by=value),
                 lambda: db.features_of_type("exon", order_by=["start", value])):
        with pytest.raises(gffbase.InvalidArgumentError, match="order_by: unknown column"):
            list(call())
    views_intact(db)


def test_order_by_accepts_the_documented_columns(db):
    ids = [f.id for f in db.all_features(order_by=("seqid", "start", "end"), reverse=True)]
    assert ids == ["g2", "e2", "g1", "t1", "e1"]  # ties keep row order (stable sort)
    for col in ("seqid", "source", "featuretype", "start", "end", "score", "strand", "frame", "attributes", "id",
                "file_order"):
        assert len(list(db.all_features(order_by=col))) == len(db)


def test_users_own_sql_cannot_change_the_file(db):
    """SQL text given to db.sql()/execute() is the caller's own query (not built
    from values) and runs in a private in-memory DuckDB session over read-only
    Arrow tables: even destructive statements touch only that session."""
    for stmt in ("DELETE FROM features", "DROP VIEW relations", "UPDATE features SET start = 0"):
        try:
            db.sql(stmt)
        except Exception:  # noqa: BLE001 -- an error is fine too; the file must not change
            pass
    assert hashlib.sha256(Path(db.dbfn).read_bytes()).hexdigest() == db.digest
    fresh = gffbase.FeatureDB(db.dbfn)
    fresh.digest = db.digest
    views_intact(fresh)


PACKAGE = Path(gffbase.__file__).parent


def _sql_calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "execute", "sql", "executemany", "query") and node.args:
            yield node


def test_package_never_formats_sql():
    """Static check of the installed package: every execute()/sql() call passes
    a literal, or a parameter handed through unchanged -- never an f-string, a
    concatenation, % or .format() result."""
    bad = []
    for py in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(py.read_text())
        for call in _sql_calls(tree):
            arg = call.args[0]
            built = isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
                isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format")
            if built:
                bad.append(f"{py.name}:{call.lineno}")
    assert bad == []
