"""id_spec in every form gffutils accepts, checked against gffutils 0.13.

Attribute names (a string, a list, a dict by featuretype) are evaluated by the
C++ engine; callables and gffutils' ``:field:`` keys are evaluated per feature
in Python (gffutils' ``_id_handler`` rules) and handed to the engine line by
line.  Either way the IDs must be gffutils' IDs.  The specs below give every
feature its own ID, so deliberate difference (a) of test_vs_gffutils.py
(same-ID lines as one feature) does not arise, except where asserted.
"""

from __future__ import annotations

import collections
import warnings

import pytest

import gffbase

gffutils = pytest.importorskip("gffutils")


def _ids_of_both(path, id_spec, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = gffbase.create_db(path, ":memory:", id_spec=id_spec, merge_strategy="create_unique", **kw)
        theirs = gffutils.create_db(path, ":memory:", id_spec=id_spec, merge_strategy="create_unique", **kw)
    return ({(f.id, f.featuretype, f.start, f.end) for f in ours.all_features()},
            {(f.id, f.featuretype, f.start, f.end) for f in theirs.all_features()}, ours)


def _by_type_and_line(f):
    # exons keep their ID with a prefix; CDS lines get numbered names; the rest
    # fall back to the featuretype autoincrement.
    if f.featuretype == "exon":
        return "exon:" + f.attributes["ID"][0]
    if f.featuretype == "CDS":
        return "autoincrement:cdspart"
    return None


@pytest.mark.parametrize("id_spec", [
    pytest.param(_by_type_and_line, id="callable"),
    pytest.param(lambda f: f"{f.seqid}:{f.start}-{f.end}:{f.attributes['ID'][0]}", id="callable-coordinates"),
    # (gffutils iterates a dict value, so a lone callable goes in a list)
    pytest.param({"gene": "Name", "mRNA": [lambda f: None, "Name"],
                  "exon": [lambda f: "e" + str(f.start) + f.attributes["Parent"][0]]},
                 id="dict-with-callables"),
    pytest.param(["Name"], id="list-of-keys"),
    pytest.param({"gene": "Name", "mRNA": "Name"}, id="dict-of-keys"),
])
def test_ids_match_gffutils(example_gff3, id_spec):
    ours, theirs, db = _ids_of_both(example_gff3, id_spec)
    assert ours == theirs
    # The IDs are usable: every one is found again.
    for fid, *_ in ours:
        assert db[fid].id == fid


def test_autoincrement_prefix_numbers_per_name(example_gff3):
    db = gffbase.create_db(example_gff3, ":memory:", id_spec=_by_type_and_line)
    assert sorted(f.id for f in db.features_of_type("CDS")) == ["cdspart_1", "cdspart_2", "cdspart_3"]
    assert sorted(f.id for f in db.features_of_type("gene")) == ["gene_1", "gene_2"]
    assert db["exon:tx1.e2"].start == 3000


def test_field_key_same_id_lines_are_one_feature(example_gff3):
    # ':seqid:' gives both genes the ID "chrX": gffutils' create_unique renames
    # the second (chrX_1); gffbase keeps same-ID, same-seqid, same-type lines as
    # one feature with two rows (deliberate difference (a)).
    ours, theirs, db = _ids_of_both(example_gff3, {"gene": ":seqid:"})
    assert ("chrX_1", "gene", 20000, 26000) in theirs
    assert ("chrX", "gene", 20000, 26000) in ours
    assert sorted((f.start, f.end) for f in db.features_of_type("gene")) == [(1000, 9000), (20000, 26000)]
    assert db["chrX"].featuretype == "gene"
    rest = {x for x in ours if x[1] != "gene"}
    assert rest == {x for x in theirs if x[1] != "gene"}


def test_callable_id_spec_with_transform_and_from_string(example_gff3):
    text = open(example_gff3).read()

    def shout(f):
        f.source = "SHOUT"
        return f

    db = gffbase.create_db(text, ":memory:", from_string=True, transform=shout,
                           id_spec=lambda f: "x-" + f.attributes["ID"][0] if f.featuretype == "exon" else None)
    assert db["x-tx1.e2"].source == "SHOUT"
    assert {f.id for f in db.features_of_type("gene")} == {"gene_1", "gene_2"}
    # Relations follow Parent attributes, not IDs: the renamed genes have no children.
    assert list(db.children("gene_1")) == []


def test_callable_id_spec_on_gtf(example_gtf):
    spec = {"gene": "gene_id", "transcript": "transcript_id",
            "exon": [lambda f: f"{f.attributes['transcript_id'][0]}:exon{f.attributes['exon_number'][0]}"]}
    ours, theirs, db = _ids_of_both(example_gtf, spec)
    exons = {x for x in ours if x[1] == "exon"}
    assert exons == {x for x in theirs if x[1] == "exon"}
    assert {f.id for f in db.children("tx1", featuretype="exon")} == {"tx1:exon1", "tx1:exon2", "tx1:exon3"}


def test_callable_errors_propagate(example_gff3):
    def broken(f):
        raise RuntimeError("id_spec exploded")

    with pytest.raises(RuntimeError, match="exploded"):
        gffbase.create_db(example_gff3, ":memory:", id_spec=broken)


def test_duplicate_ids_from_a_callable_follow_merge_strategy(example_gff3):
    with pytest.raises(ValueError, match="duplicate ID"):
        gffbase.create_db(example_gff3, ":memory:", id_spec=lambda f: "same", merge_strategy="error")
    db = gffbase.create_db(example_gff3, ":memory:", id_spec=lambda f: f.strand + f.featuretype,
                           merge_strategy="create_unique")
    counts = collections.Counter(f.featuretype for f in db.all_features())
    assert counts["exon"] == 7


def test_transform_and_callable_ids_keep_the_input_as_the_engine_sees_it(tmp_path):
    """transform= and a callable id_spec go through Python line by line, but the engine
    still sees every other line: directives and ##FASTA are kept, problems carry the
    input's line numbers, and a line Python cannot read is the engine's clear error
    (it was a bare ValueError from int(), even in lenient mode, and line numbers
    counted only the feature lines; from_string=True ignored transform)."""
    text = ("##gff-version 3\n##sequence-region chr1 1 1000\n# a comment\n"
            "chr1\t.\tgene\t1\t100\t.\t+\t.\tID=g1\n"
            "chr1\t.\tgene\tX\t100\t.\t+\t.\tID=g2\n"
            "chr1\t.\tgene\t200\t300\t.\t?\t.\tID=g3\n"
            "##FASTA\n>chr1\nACGT\n")
    path = tmp_path / "t.gff3"
    path.write_text(text)

    def upper(f):
        f.source = "UP"
        return f

    plain = gffbase.create_db(str(path), ":memory:")
    for data, kw in ((str(path), {}), (text, {"from_string": True})):
        for spec in ({"transform": upper}, {"id_spec": lambda f: "x-" + f.attributes["ID"][0]}):
            db = gffbase.create_db(data, ":memory:", **kw, **spec)
            assert db.directives == plain.directives == ["gff-version 3", "sequence-region chr1 1 1000"]
            assert [p[2].splitlines()[0] for p in db.problems()] == [p[2].splitlines()[0].replace(
                str(path), "<string>" if kw else str(path)) for p in plain.problems()]
            assert db.problems()[0][2].startswith(("<string>" if kw else str(path)) + ":5: error: column 4 (start)")
            assert len(db) == 2
            if "transform" in spec:
                assert {f.source for f in db.all_features()} == {"UP"}
            else:
                assert {f.id for f in db.all_features()} == {"x-g1", "x-g3"}
            with pytest.raises(gffbase.InvalidInputError, match=r":5: error: column 4 \(start\)"):
                gffbase.create_db(data, ":memory:", strict=True, **kw, **spec)
    # A transform that drops a feature drops only that line.
    db = gffbase.create_db(str(path), ":memory:", transform=lambda f: None if f.attributes["ID"] == ["g1"] else f)
    assert [f.id for f in db.all_features()] == ["g3"]
