"""Features built in C++ (src/python/feature_factory.cpp) are the Features
`Feature._from_row` builds from the row tuple: every slot equal, same types,
and they behave as Features (attributes, str, mutation, pickling, GC).

The C++ path writes slots by offset; these tests are what catches a slot
renamed in feature.py, a value of the wrong type, or a reference-count slip
(run under a debug interpreter or ASan, a slip crashes here first).
"""

from __future__ import annotations

import gc
import pickle
import sys

import pytest

import gffbase
from gffbase import _core
from gffbase.feature import Feature

SLOTS = Feature.__slots__


def python_built(db, rows):
    return [Feature._from_row(t, db.dialect, db._gff3) for t in db._db.rows(list(rows))]


# Column 9 is read lazily by C++-built Features (`_raw_text` None, `_source`
# the core Database) and eagerly by the tuple path: compared through `_raw`.
LAZY = {"_raw_text", "_source"}


def assert_same(a: Feature, b: Feature):
    for name in SLOTS:
        if name in LAZY:
            continue
        va, vb = getattr(a, name), getattr(b, name)
        assert type(va) is type(vb), (name, va, vb)
        assert va == vb, (name, va, vb)
    assert a._raw == b._raw
    assert a.dialect is b.dialect


def all_rows(db):
    return list(range(db._db.row_count))


@pytest.mark.parametrize("fixture", ["gff3_db", "gtf_db"])
def test_every_row_matches_the_python_path(fixture, request):
    db = request.getfixturevalue(fixture)
    rows = all_rows(db)
    built = db._db.features(rows, db.dialect, db._gff3)
    assert len(built) == len(rows)
    for a, b in zip(built, python_built(db, rows)):
        assert type(a) is Feature
        assert_same(a, b)


def test_gtf_synthetic_rows_and_scores(tmp_path):
    # Inferred genes/transcripts (no line, no score text), numeric scores
    # written in several ways, and a row without coordinates.
    text = ("chr1\tsrc\texon\t1\t10\t1.50\t+\t.\tgene_id \"g1\"; transcript_id \"t1\";\n"
            "chr1\tsrc\texon\t20\t30\t7\t+\t.\tgene_id \"g1\"; transcript_id \"t1\";\n"
            "chr1\tsrc\tCDS\t20\t30\t.\t-\t2\tgene_id \"g2\"; transcript_id \"t2\";\n"
            "chr1\tsrc\tregion\t.\t.\t1e3\t.\t.\tgene_id \"g3\";\n")
    path = tmp_path / "s.gtf"
    path.write_text(text)
    db = gffbase.create_db(str(path), str(tmp_path / "s.gffdb"), force=True)
    rows = all_rows(db)
    built = db._db.features(rows, db.dialect, db._gff3)
    for a, b in zip(built, python_built(db, rows)):
        assert_same(a, b)
    scores = sorted(f.score for f in built)
    assert "1.50" in scores and "7" in scores and "1e3" in scores and "." in scores
    assert any(f.start is None for f in built)


def test_non_ascii_ids_every_strand_and_phase(tmp_path):
    # IDs take an ASCII fast path or the UTF-8 decoder; strand, frame and a
    # '.' score come from a table of one-character strings.  Both must give
    # what the Python path gives, with balanced reference counts.
    text = ("##gff-version 3\n"
            "chr1\t.\tgene\t1\t100\t.\t+\t.\tID=g\u00e8ne\u4e00\n"
            "chr1\t.\tmRNA\t1\t100\t.\t-\t.\tID=plain;Parent=g\u00e8ne\u4e00\n"
            "chr1\t.\tCDS\t1\t30\t.\t.\t0\tID=c\u00e9;Parent=plain\n"
            "chr1\t.\tCDS\t31\t60\t2.5\t?\t1\tID=c\u00e9;Parent=plain\n"
            "chr1\t.\tCDS\t61\t90\t.\t+\t2\tID=\U0001F9EC;Parent=plain\n")
    path = tmp_path / "u.gff3"
    path.write_text(text, encoding="utf-8")
    db = gffbase.create_db(str(path), str(tmp_path / "u.gffdb"), force=True)
    rows = all_rows(db)
    built = db._db.features(rows, db.dialect, db._gff3)
    for a, b in zip(built, python_built(db, rows)):
        assert_same(a, b)
    assert {f.id for f in built} == {"g\u00e8ne\u4e00", "plain", "c\u00e9", "\U0001F9EC"}
    assert {f.strand for f in built} == {"+", "-", ".", "?"}
    assert {f.frame for f in built} == {".", "0", "1", "2"}
    assert [f.id for f in db.children("g\u00e8ne\u4e00", featuretype="CDS")] == ["c\u00e9", "c\u00e9", "\U0001F9EC"]
    plus = next(f.strand for f in built if f.strand == "+")
    # '+' is shared by the whole interpreter: collect what earlier tests left
    # (cyclic garbage holding '+') before counting.
    gc.collect()
    before = sys.getrefcount(plus)
    feats = db._db.features(rows, db.dialect, db._gff3)
    assert sys.getrefcount(plus) == before + sum(1 for f in feats if f.strand is plus)
    del feats
    gc.collect()
    assert sys.getrefcount(plus) == before


def test_column_9_is_read_when_first_used(gff3_db):
    f = next(iter(gff3_db.region("chrX:2900-3100")))
    assert f._raw_text is None and f._source is gff3_db._db
    assert f.attributes["ID"] == [f.id]                  # reads it
    assert f._raw_text.startswith("ID=") and f._source is None
    g = next(iter(gff3_db.region("chrX:2900-3100")))
    assert str(g).split("\t")[8] == f._raw_text         # str() reads it too
    h = next(iter(gff3_db.region("chrX:2900-3100")))
    h2 = pickle.loads(pickle.dumps(h))                   # pickling reads it first
    assert h2._source is None and h2._raw_text == f._raw_text and h2 == h


def test_built_features_behave_as_features(gff3_db):
    f = next(iter(gff3_db.region("chrX:2900-3100")))
    assert f.attributes["ID"] == [f.id]
    assert str(f).split("\t")[0] == f.seqid
    f.start = 1
    f["note"] = ["edited"]
    assert f.start == 1 and f.attributes["note"] == ["edited"]
    assert f.extra == [] and f.extra is not next(iter(gff3_db.region("chrX:2900-3100"))).extra
    g = pickle.loads(pickle.dumps(f))
    assert g == f


def test_reference_counts_are_balanced(gff3_db):
    # A slot stored without its own reference would free the object under
    # another owner; one stored twice would leak.  Interned per-database
    # strings make this observable.
    rows = all_rows(gff3_db)
    seqid = gff3_db._db.features(rows[:1], gff3_db.dialect, gff3_db._gff3)[0].seqid
    before = sys.getrefcount(seqid)
    feats = gff3_db._db.features(rows, gff3_db.dialect, gff3_db._gff3)
    same = sum(1 for f in feats if f.seqid is seqid)
    assert same > 0
    assert sys.getrefcount(seqid) == before + same
    del feats
    gc.collect()
    assert sys.getrefcount(seqid) == before


def test_registration_refuses_a_class_without_the_slots():
    class NotAFeature:
        __slots__ = ("seqid",)

    with pytest.raises(TypeError, match="is not a slot"):
        _core.set_feature_class(NotAFeature, str)
    # The real class stays registered.
    _core.set_feature_class(Feature, gffbase.feature._score_text)


def test_real_annotation_rows_match(tmp_path, shared_data):
    src = shared_data / "01_whole_genome" / "yeast_ensembl_R64-1-1.96"
    path = next(p for p in sorted(src.iterdir()) if p.name.endswith((".gff3", ".gff3.gz", ".gtf", ".gtf.gz")))
    db = gffbase.create_db(str(path), str(tmp_path / "y.gffdb"), force=True, merge_strategy="create_unique")
    rows = all_rows(db)[::7]
    for a, b in zip(db._db.features(rows, db.dialect, db._gff3), python_built(db, rows)):
        assert_same(a, b)


def test_query_features_leave_the_gc_until_they_hold_a_container(gff3_db):
    # Built untracked (their slots hold only atomic values and shared
    # objects); attributes or extra of their own hand them back to the GC.
    f, g, h = gff3_db._db.features([0, 1, 2], gff3_db.dialect, gff3_db._gff3)
    assert not gc.is_tracked(f) and not gc.is_tracked(g) and not gc.is_tracked(h)
    f.attributes  # noqa: B018 (parsed on first use)
    assert gc.is_tracked(f)
    g.extra.append("x")
    assert gc.is_tracked(g)
    h.attributes = {"ID": ["h"]}
    assert gc.is_tracked(h)
    # A Feature made by the user is tracked from the start.
    assert gc.is_tracked(Feature("chr1", "src", "gene", 1, 10))


def test_a_cycle_through_a_query_feature_is_collected(gff3_db):
    import weakref

    class Box:
        pass

    f = gff3_db._db.features([0], gff3_db.dialect, gff3_db._gff3)[0]
    box = Box()
    box.feature = f
    f["ref"] = ["x"]
    f.attributes["ref"] = [box]  # f -> attributes -> list -> box -> f
    alive = weakref.ref(box)
    del f, box
    gc.collect()
    assert alive() is None, "the cycle through the Feature's attributes was not collected"
