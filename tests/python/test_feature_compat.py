"""Feature construction, printing and editing as gffutils 0.13 does them, each
checked against gffutils itself on the same input."""
from __future__ import annotations

import gffutils
import gffutils.feature
import pytest

import gffbase
import gffbase.feature
from gffbase import constants

BOTH = [gffutils, gffbase]


def both(fn):
    """fn(lib) for gffutils and gffbase: the two results."""
    return [fn(lib) for lib in BOTH]


def test_feature_from_line_not_strict_takes_spaces_and_surrounding_blank_lines():
    for line in ("chr1 src gene 1 100 . + . ID=g1;Note=a b", "\n  chr1\tsrc\tgene\t1\t100\t.\t+\t.\tID=g1\n\n"):
        theirs, ours = both(lambda lib: lib.feature.feature_from_line(line, strict=False))
        assert (ours.seqid, ours.start, ours.end, dict(ours.attributes)) == \
            (theirs.seqid, theirs.start, theirs.end, dict(theirs.attributes))
    with pytest.raises(gffbase.errors.InvalidInputError, match="expected one GFF/GTF line, found 2"):
        gffbase.feature.feature_from_line("c\ts\tg\t1\t2\t.\t+\t.\tID=a\nc\ts\tg\t1\t2\t.\t+\t.\tID=b", strict=False)


def test_feature_from_line_of_eight_columns_has_no_attributes():
    theirs, ours = both(lambda lib: lib.feature.feature_from_line("chr1\tsrc\tgene\t1\t100\t.\t+\t."))
    assert (ours.start, ours.end, dict(ours.attributes)) == (theirs.start, theirs.end, {}) == (1, 100, {})
    with pytest.raises(gffbase.errors.InvalidInputError, match="found 7"):
        gffbase.feature.feature_from_line("chr1\tsrc\tgene\t1\t100\t.\t+")


@pytest.mark.parametrize("line", [
    'chr1\tsrc\tgene\t1\t100\t.\t+\t.\tgene_id g1; transcript_id t1',  # unquoted GTF values
    'chr1\tsrc\tgene\t1\t100\t.\t+\t.\tID=a;Parent=b;',  # GFF3, trailing ';'
    'chr1\tsrc\tgene\t1\t100\t.\t+\t.\tID=a; Parent=b',  # GFF3, '; ' between attributes
    'chr1\tknownGene\texon\t1\t9\t0\t+\t.\tgene_id "uc1"; transcript_id "uc1"; protAcc ""; tss_id "T";',
])
def test_an_edited_line_keeps_its_own_style(line):
    def edited(lib):
        f = lib.feature.feature_from_line(line)
        f.attributes["k"] = ["v"]
        return str(f)
    theirs, ours = both(edited)
    assert ours == theirs


def test_a_feature_given_a_gtf_dialect_prints_as_gtf(example_gff3, example_gtf, tmp_path):
    def as_gtf(lib, path):
        gtf = lib.create_db(example_gtf, str(tmp_path / f"{lib.__name__}.gtf.db"), force=True).dialect
        db = lib.create_db(example_gff3, str(tmp_path / f"{lib.__name__}.gff3.db"), force=True,
                           merge_strategy="create_unique")
        f = db["tx1"]
        f.dialect = gtf
        unedited = str(f).split("\t")[8]
        f.attributes["gene_id"] = ["gene1"]
        return unedited, str(f).split("\t")[8]
    theirs, ours = both(lambda lib: as_gtf(lib, tmp_path))
    assert ours == theirs
    assert ours[1].startswith('ID "tx1"; Parent "gene1";') and ours[1].endswith('gene_id "gene1";')


def test_fields_set_by_position():
    def set_fields(lib):
        f = lib.feature.feature_from_line("chr1\tsrc\tgene\t1\t100\t.\t+\t.\tID=g1")
        f[3], f[0], f[6] = 50, "chr2", "-"
        return str(f)
    theirs, ours = both(set_fields)
    assert ours == theirs == "chr2\tsrc\tgene\t50\t100\t.\t-\t.\tID=g1"
    with pytest.raises(IndexError):
        gffbase.feature.feature_from_line("chr1\tsrc\tgene\t1\t100\t.\t+\t.\tID=g1")[9] = "x"


def test_feature_made_from_strings_of_extra_fields_and_json_attributes():
    def make(lib):
        a = lib.feature.Feature("chr1", "src", "gene", 1, 10, extra="a\tb")
        b = lib.feature.Feature("chr1", "src", "gene", 1, 10, attributes='{"ID": ["x"], "Name": ["n"]}')
        c = lib.feature.Feature("chr1", "src", "gene", 1, 10, extra='["p", "q"]')
        return a.extra, dict(b.attributes), str(b), c.extra
    theirs, ours = both(make)
    assert ours == theirs
    assert ours == (["a", "b"], {"ID": ["x"], "Name": ["n"]}, "chr1\tsrc\tgene\t1\t10\t.\t.\t.\tID=x;Name=n", ["p", "q"])


def test_always_return_list_false_gives_lone_values_from_the_attributes_too():
    line = "chr1\tsrc\tgene\t1\t10\t.\t+\t.\tID=g;Name=foo;Alias=a,b"
    theirs, ours = both(lambda lib: lib.feature.feature_from_line(line))
    try:
        # Set after parsing: gffutils' own parser, run with it off, splits "foo" into ['f', 'o', 'o'].
        gffutils.constants.always_return_list = constants.always_return_list = False
        for f in (theirs, ours):
            assert (f.attributes["Name"], f.attributes.get("Name"), f["Name"], f.attributes["Alias"]) == \
                ("foo", "foo", "foo", ["a", "b"])
        ours.attributes["Note"] = "x"  # edits and printing still see lists
        assert str(ours).endswith("ID=g;Name=foo;Alias=a,b;Note=x")
    finally:
        gffutils.constants.always_return_list = constants.always_return_list = True
    assert ours.attributes["Name"] == ["foo"]


def test_a_feature_equals_its_line():
    line = "chr1\tsrc\tgene\t1\t10\t.\t+\t.\tID=g"
    theirs, ours = both(lambda lib: lib.feature.feature_from_line(line))
    assert (ours == line, ours != line, line in {ours}) == (theirs == line, theirs != line, line in {theirs}) == \
        (True, False, True)


def test_sort_attribute_values(tmp_path):
    text = "chr1\tsrc\tgene\t1\t10\t.\t+\t.\tID=g;Alias=zeta,alpha\n"

    def printed(lib):
        f = lib.feature.Feature("chr1", "src", "gene", 1, 10, attributes={"ID": ["g"], "Alias": ["zeta", "alpha"]},
                                sort_attribute_values=True)
        db = lib.create_db(text, str(tmp_path / f"{lib.__name__}.db"), from_string=True, force=True,
                           sort_attribute_values=True)
        g = db["g"]
        g.attributes["Note"] = ["x"]
        return str(f).split("\t")[8], str(g).split("\t")[8]
    theirs, ours = both(printed)
    assert ours == theirs == ("ID=g;Alias=alpha,zeta", "ID=g;Alias=alpha,zeta;Note=x")


def test_repr_of_a_feature_without_coordinates():
    theirs, ours = both(lambda lib: repr(lib.feature.feature_from_line("c\ts\tgene\t.\t.\t.\t+\t.\tID=g")))
    assert ours.split(" at ")[0] == theirs.split(" at ")[0] == "<Feature gene (c:.-.[+])"


def test_update_from_a_string_and_delete_by_a_database(tmp_path, example_gff3):
    new = "chrX\tme\texon\t50\t60\t.\t+\t.\tID=newexon;Parent=tx1\n"

    def run(lib):
        db = lib.create_db(example_gff3, str(tmp_path / f"{lib.__name__}.db"), force=True,
                           merge_strategy="create_unique")
        db = db.update(new, from_string=True, merge_strategy="create_unique")
        added = sorted(f.id for f in db.children("tx1", featuretype="exon"))
        gone = lib.create_db("chrX\texample\tgene\t1\t100000\t.\t+\t.\tID=gene1\n", ":memory:", from_string=True)
        db = db.delete(gone)
        return added, sorted(f.id for f in db.features_of_type("gene"))
    theirs, ours = both(run)
    assert ours == theirs
    assert "newexon" in ours[0] and "gene1" not in ours[1]


def test_gffwriter_writes_a_gene_in_gffutils_canonical_order(shared_data):
    import io

    path = str(shared_data / "03_test_suites" / "gffutils_testdata" / "FBgn0031208.gff")

    def written(lib):
        db = lib.create_db(path, ":memory:", merge_strategy="create_unique")
        buf = io.StringIO()
        lib.gffwriter.GFFWriter(buf, with_header=False).write_gene_recs(db, "FBgn0031208")
        return [tuple(line.split("\t")[2:5]) for line in buf.getvalue().splitlines()]
    theirs, ours = both(written)
    assert ours == theirs
    # gene, then each mRNA (longest first) with its exons, then its other children
    assert [t for t, _, _ in ours[:4]] == ["gene", "mRNA", "exon", "exon"] and len(ours) == 20
