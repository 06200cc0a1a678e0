"""Ground truth from deliberately naive reference implementations (issue #4).

For each corpus the raw file is read line by line with str.split (no gffbase
code).  Region queries are answered by a linear scan over every row of the
seqid (vectorised with numpy: one boolean mask per query, no interval index);
children and parents by a plain recursive walk over the parent edges found in
the file's own ID/Parent (GFF3) or gene_id/transcript_id (GTF) attributes.
gffbase must return exactly the same rows on N_REGION random region queries and
N_HIERARCHY random hierarchy queries per corpus (fixed seeds), asked mostly
through the batched API (region_batched / children_batched / parents_batched)
and, for a few hundred of them, through the single-call API (region /
children / parents), so both paths are checked.

Rows are identified by their input line: gffbase's `file_order` of an input
row is the 0-based index of its feature line, which `test_same_rows` checks
row by row against the raw file (ID attribute or gene_id/transcript_id, type,
start, end, strand, seqid).  GTF genes/transcripts that gffbase synthesises
(file_order past the last input line) are matched to the naive inferred rows
by their gene_id/transcript_id.

Region queries mix overlap and completely_within, strand filters ('+', '-',
and '.' = unstranded only, as in gffutils; also checked on its own in
test_region_unstranded_filter) and featuretype filters (one type or two), with windows of 1 bp - 50 kb.
Hierarchy queries mix children and parents, level None / 1 (some 2), with and
without featuretype filters; anchors are drawn with replacement.

Corpora: every whole-genome annotation under 01_whole_genome (see SKIPPED for
the files there that are not GFF/GTF; FASTA files are left out) plus
chromosome subsets chosen for their shapes (multi-parent exons, ID-less
children, GTF without gene rows).  The whole module takes about a minute on a
2-core machine, half of it reading the 1.16M-line mouse GTF.
"""

from __future__ import annotations

import collections
import math
import random
import sys
import zlib
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple

import pytest

import gffbase
from _corpora import ANNOTATION_FORMATS, coord, feature_lines, manifest, naive_gff3_attributes

np = pytest.importorskip("numpy")
pytest.importorskip("pyarrow")

WHOLE = "01_whole_genome/"
CORPORA = {
    # -- every whole-genome annotation ----------------------------------------------------
    # NCBI RefSeq GFF3 with `region` rows and CDS split over lines (two releases)
    "refseq_ecoli_a": ("gff3", WHOLE + "ecoli_K12_MG1655_refseq/GCF_000005845.2_ASM584v2_genomic.releaseA.gff.gz"),
    "refseq_ecoli_b": ("gff3", WHOLE + "ecoli_K12_MG1655_refseq/GCF_000005845.2_ASM584v2_genomic.releaseB.gff.gz"),
    # GENCODE v38 polyA features over the whole human genome (96k rows, 25 seqids, no hierarchy)
    "gencode_polyas": ("gff3", WHOLE + "gencode_v38_polyAs/gencode.v38.polyAs.gff.gz"),
    # Ensembl-like mouse mm10 GTF: 1.16M rows, gene/transcript/exon/CDS rows all present
    "mouse_gtf": ("gtf", WHOLE + "mouse_mm10_dropseq/DERIVED_mm10_ensembl_like.gtf.gz"),
    # Prokka bacterial GFF3 with a ##FASTA section, flat CDS rows
    "prokka_cav": ("gff3", WHOLE + "prokka_bacterial_agat/prokka_cav_10DC88.gff"),
    # AGAT output: gene/mRNA/exon/CDS, with CDS IDs repeated at top level and under an mRNA
    "prokka_fragmented": ("gff3", WHOLE + "prokka_bacterial_agat/prokka_fragmented_genes.gff"),
    # Ensembl GTF with gene and transcript rows (and transcript_id == gene_id cases)
    "yeast_gtf": ("gtf", WHOLE + "yeast_ensembl_R64-1-1.96/Saccharomyces_cerevisiae.R64-1-1.96.gtf.gz"),
    # -- chromosome subsets ---------------------------------------------------------------
    # FlyBase GFF3, exons with several Parents
    "flybase_chr4": ("gff3", "02_chromosome_subsets/flybase_dmel_chr4_GAL/dmel-4-r5.46.genes.gff"),
    # FlyBase GFF3, 50k lines, ~40 feature types, multi-parents
    "flybase_50k": ("gff3", "02_chromosome_subsets/flybase_dmel_r5.49_50k_lines/"
                            "dmel-all-no-analysis-r5.49_50k_lines.gff"),
    # GFF3 whose exons/CDS have no ID (children found through Parent only)
    "encode_noid": ("gff3", "02_chromosome_subsets/human_encode_regions_knowngenes_gt/encode_known_genes_Mar07.gff3"),
    # GTF without gene rows (genes inferred from gene_id)
    "isoseq_gtf": ("gtf", "02_chromosome_subsets/human_chr22_gencode_v38_basic_SQANTI3/UHR_chr22.longread_isoseq.gtf"),
}

# Files under 01_whole_genome that are not annotations gffbase ingests.
SKIPPED = {
    WHOLE + "mouse_mm10_dropseq/mm10.reduced.gtf.gz":
        "Drop-seq 'reduced GTF': an 11-column TSV with a header, not GTF (MANIFEST says NOT GTF)",
    WHOLE + "mouse_mm10_dropseq/mm10.refFlat.gz": "UCSC refFlat table, not GFF/GTF",
}

N_REGION = 10_000
N_HIERARCHY = 10_000
N_SINGLE_REGION = 300  # of those, asked again one by one through db.region()
N_SINGLE_HIERARCHY = 300  # ... and through db.children() / db.parents()
SEED = 20240601

Row = Tuple  # (id, featuretype, start, end, strand, seqid)


@dataclass
class Naive:
    gff3: bool
    rows: List[Row] = field(default_factory=list)
    n_input: int = 0  # rows[:n_input] are the file's feature lines, in order; the rest are inferred (GTF)
    edge_ids: List[str] = field(default_factory=list)  # the ID a row is known by in parent edges ("" = none)
    parent_ids: List[List[str]] = field(default_factory=list)
    rows_of: Dict[str, List[int]] = field(default_factory=lambda: collections.defaultdict(list))
    kids_of: Dict[str, List[int]] = field(default_factory=lambda: collections.defaultdict(list))
    skip_ids: Set[str] = field(default_factory=set)  # IDs whose identity gffbase changes by design

    def _add(self, row: Row, edge_id: str, parents: List[str]) -> None:
        i = len(self.rows)
        self.rows.append(row)
        self.edge_ids.append(edge_id)
        self.parent_ids.append(parents)
        if edge_id:
            self.rows_of[edge_id].append(i)
        for p in parents:
            self.kids_of[p].append(i)

    # -- the naive recursive walks (row indices out) ------------------------------------
    def children(self, fid: str, level: Optional[int]) -> Dict[int, int]:
        """{row: smallest depth} of every row below `fid` (level=None) or at exactly `level`."""
        out: Dict[int, int] = {}

        def walk(pid: str, depth: int, seen: frozenset):
            next_ids = []
            for r in self.kids_of.get(pid, ()):
                if level is None or depth == level:
                    out[r] = min(out.get(r, depth), depth)
                cid = self.edge_ids[r]
                if cid and cid not in seen and cid not in next_ids:
                    next_ids.append(cid)
            if level is None or depth < level:
                for cid in next_ids:
                    walk(cid, depth + 1, seen | {cid})

        walk(fid, 1, frozenset([fid]))
        return out

    def parents(self, start_rows: Sequence[int], level: Optional[int], seen=frozenset()) -> Dict[int, int]:
        """{row: smallest depth} of every feature above `start_rows` (level=None) or at exactly `level`,
        a feature as its first line (the line a Parent names; its other lines' parents are walked too)."""
        out: Dict[int, int] = {}

        def walk(rows: Sequence[int], depth: int, seen: frozenset):
            pids = []
            for r in rows:
                for p in self.parent_ids[r]:
                    if p not in seen and p not in pids:
                        pids.append(p)
            for pid in pids:
                prow = self.rows_of.get(pid, ())
                if level is None or depth == level:
                    for r in prow[:1]:
                        out[r] = min(out.get(r, depth), depth)
                if level is None or depth < level:
                    walk(prow, depth + 1, seen | {pid})

        walk(start_rows, 1, frozenset(seen))
        return out


def _i(s: str) -> str:
    return sys.intern(s)


def load_gff3(path) -> Naive:
    n = Naive(gff3=True)
    kinds: Dict[str, Set[Tuple[str, str]]] = collections.defaultdict(set)
    for _, c in feature_lines(path):
        a = naive_gff3_attributes(c[8])
        fid = a.get("ID", [""])[0]
        n._add((fid, _i(c[2]), coord(c[3]), coord(c[4]), _i(c[6]), _i(c[0])), fid, a.get("Parent", []))
        if fid:
            kinds[fid].add((c[0], c[2]))
    n.n_input = len(n.rows)
    # an ID on lines of different seqids or types is a duplicate: create_unique renames the later ones
    n.skip_ids = {k for k, v in kinds.items() if len(v) > 1}
    return n


def _gtf_ids(text: str) -> Tuple[str, str]:
    """gene_id and transcript_id (first of each) from a GTF column 9, by str.split."""
    g = t = None
    for part in text.split(";"):
        key, _, value = part.strip().partition(" ")
        if key == "gene_id" and g is None:
            g = value.strip().strip('"')
        elif key == "transcript_id" and t is None:
            t = value.strip().strip('"')
        if g is not None and t is not None:
            break
    return g or "", t or ""


def load_gtf(path) -> Naive:
    """GTF: explicit gene/transcript rows are used; missing ones are inferred
    (extent = min/max over every line carrying the gene_id / transcript_id)."""
    n = Naive(gff3=False)
    genes_present, tx_present = set(), set()
    spans: Dict[Tuple[str, str], list] = {}
    gene_of_tx: Dict[str, str] = {}
    seqids_of = collections.defaultdict(set)

    def add(ftype, g, t, start, end, strand, seqid):
        key = g if ftype == "gene" else t if ftype == "transcript" else ""
        parent = "" if ftype == "gene" else g if ftype == "transcript" else (t or g)
        # rows are identified by the gene_id / transcript_id values they carry
        n._add(((g, t if ftype != "gene" else ""), ftype, start, end, strand, seqid), key,
               [parent] if parent else [])

    for _, c in feature_lines(path):
        g, t = _gtf_ids(c[8])
        ftype, seqid, strand = _i(c[2]), _i(c[0]), _i(c[6])
        start, end = coord(c[3]), coord(c[4])
        if ftype == "gene":
            genes_present.add(g)
        elif ftype == "transcript":
            tx_present.add(t)
        add(ftype, g, t, start, end, strand, seqid)
        if g:
            seqids_of[g].add(seqid)
            s = spans.setdefault(("gene", g), [seqid, start, end, strand])
            s[1], s[2] = min(s[1], start), max(s[2], end)
        if t and ftype != "gene":
            seqids_of[t].add(seqid)
            gene_of_tx.setdefault(t, g)
            s = spans.setdefault(("transcript", t), [seqid, start, end, strand])
            s[1], s[2] = min(s[1], start), max(s[2], end)
        if g and t and g == t:
            n.skip_ids.add(g)  # transcript_id == gene_id: gffbase renames the transcript
    n.n_input = len(n.rows)
    for (ftype, key), (seqid, start, end, strand) in spans.items():
        if ftype == "gene" and key not in genes_present:
            add("gene", key, "", start, end, strand, seqid)
        if ftype == "transcript" and key not in tx_present:
            add("transcript", gene_of_tx[key], key, start, end, strand, seqid)
    n.skip_ids |= {k for k, s in seqids_of.items() if len(s) > 1}  # see test_vs_gffutils (BUG)
    return n


def gb_row(f, gff3: bool) -> Row:
    a = f.attributes
    if gff3:
        fid = a.get("ID", [""])[0]
    else:
        fid = (a.get("gene_id", [""])[0], "" if f.featuretype == "gene" else a.get("transcript_id", [""])[0])
    return (fid, f.featuretype, f.start, f.end, f.strand, f.seqid)


@dataclass
class Corpus:
    name: str
    naive: Naive
    db: object
    fo2naive: "np.ndarray"  # gffbase file_order -> naive row index (-1: no naive row)
    gb_rows: List[Tuple[int, Row]]  # (file_order, row as gffbase reports it) for every feature
    gb_id: List[str]  # naive row index -> gffbase ID of that row ("" if none)
    arrays: Dict[str, "np.ndarray"]  # naive columns over all rows (seqid/type/strand as int codes)
    codes: Dict[str, Dict[str, int]]  # "seqid"/"type"/"strand" -> {value: code}


@pytest.fixture(scope="module", params=sorted(CORPORA), ids=sorted(CORPORA))
def corpus(request, shared_data, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("naive") / "db.gffdb"
    c = build_corpus(request.param, shared_data, db_path)
    yield c
    c.db = None
    db_path.unlink(missing_ok=True)  # the mouse database is ~450 MB; pytest keeps old temp dirs


def build_corpus(name: str, shared_data, db_path) -> Corpus:
    dialect, rel = CORPORA[name]
    path = shared_data / rel
    assert path.is_file(), f"missing corpus {rel}"
    naive = load_gff3(path) if dialect == "gff3" else load_gtf(path)
    db = gffbase.create_db(str(path), str(db_path), merge_strategy="create_unique")
    assert db.meta()["format"] == dialect
    gff3 = naive.gff3
    gb_rows = [(f.file_order, gb_row(f, gff3), f.id) for f in db.all_features()]
    max_fo = max((fo for fo, _, _ in gb_rows), default=-1)
    fo2naive = np.full(max(max_fo + 1, naive.n_input), -1, dtype=np.int64)
    inferred = {naive.rows[i]: i for i in range(naive.n_input, len(naive.rows))}
    gb_id = [""] * len(naive.rows)
    for fo, row, fid in gb_rows:
        i = fo if fo < naive.n_input else inferred.get(row, -1)
        fo2naive[fo] = i
        if i >= 0:
            gb_id[i] = fid
    codes = {}
    cols = list(zip(*naive.rows)) if naive.rows else [()] * 6
    for k, col in (("seqid", 5), ("type", 1), ("strand", 4)):
        names = sorted(set(cols[col]))
        codes[k] = {s: j for j, s in enumerate(names)}
    arrays = {
        "seqid": np.fromiter((codes["seqid"][s] for s in cols[5]), np.int64, len(naive.rows)),
        "type": np.fromiter((codes["type"][s] for s in cols[1]), np.int64, len(naive.rows)),
        "strand": np.fromiter((codes["strand"][s] for s in cols[4]), np.int64, len(naive.rows)),
        "start": np.fromiter(cols[2], np.int64, len(naive.rows)),
        "end": np.fromiter(cols[3], np.int64, len(naive.rows)),
    }
    return Corpus(name, naive, db, fo2naive, [(fo, row) for fo, row, _ in gb_rows], gb_id, arrays, codes)


def test_every_whole_genome_annotation_is_covered():
    """A new whole-genome annotation in the MANIFEST must be added to CORPORA (or SKIPPED, with a reason)."""
    rows = manifest()
    if not rows:
        pytest.skip("no MANIFEST")
    covered = {rel for _, rel in CORPORA.values()}
    for r in rows:
        if not r["path"].startswith(WHOLE) or r["format"] == "FASTA":
            continue
        is_annotation = r["format"] in ANNOTATION_FORMATS
        assert r["path"] in covered or r["path"] in SKIPPED, r["path"]
        assert not (is_annotation and r["path"] in SKIPPED), r["path"]
    assert len(covered & {r["path"] for r in rows}) == len(CORPORA)


def test_same_rows(corpus):
    """Every gffbase row is the input line its file_order names (or the inferred GTF row), once."""
    naive = corpus.naive
    assert len(corpus.gb_rows) == len(corpus.db) == len(naive.rows)
    seen = np.zeros(len(naive.rows), dtype=np.int64)
    bad = []
    for fo, row in corpus.gb_rows:
        i = int(corpus.fo2naive[fo])
        if i < 0 or naive.rows[i] != row:
            bad.append((fo, row, naive.rows[i] if i >= 0 else None))
            continue
        seen[i] += 1
    assert not bad, bad[:5]
    assert (seen == 1).all(), np.nonzero(seen != 1)[0][:10]


# -- regions -----------------------------------------------------------------------------

def _rng(name: str, salt: int) -> random.Random:
    return random.Random(SEED + salt + zlib.crc32(name.encode()))


def _region_queries(c: Corpus, n: int):
    """(seqid, start, end, within, strand, types) tuples: windows 1 bp - 50 kb inside each seqid's span,
    a few at its edges, past its end and on an unknown seqid."""
    rng = _rng(c.name, 1)
    a = c.arrays
    seqids = sorted(c.codes["seqid"], key=c.codes["seqid"].get)
    lo = {s: int(a["start"][a["seqid"] == k].min()) for s, k in c.codes["seqid"].items()}
    hi = {s: int(a["end"][a["seqid"] == k].max()) for s, k in c.codes["seqid"].items()}
    weight = collections.Counter(a["seqid"].tolist())
    by_rows = [weight[c.codes["seqid"][s]] for s in seqids]
    types = sorted(c.codes["type"])
    type_weight = collections.Counter(a["type"].tolist())
    starts_of = {s: a["start"][a["seqid"] == k] for s, k in c.codes["seqid"].items()}
    out = []
    for q in range(n):
        s = rng.choices(seqids, by_rows)[0] if rng.random() < 0.7 else rng.choice(seqids)
        length = int(round(math.exp(rng.uniform(0, math.log(50_000)))))
        kind = rng.random()
        if kind < 0.55:  # anywhere inside the span
            start = rng.randint(max(1, lo[s] - length + 1), hi[s])
        elif kind < 0.90:  # inside the span, over a random row (sparse corpora would rarely hit one otherwise)
            rows = starts_of[s]
            start = max(1, int(rows[rng.randrange(len(rows))]) - rng.randint(0, length - 1))
        elif kind < 0.94:  # at the edges
            start = rng.choice([1, max(1, lo[s] - length + 1), lo[s], max(1, hi[s] - length + 1), hi[s]])
        elif kind < 0.98:  # past the end
            start = hi[s] + rng.randint(1, 100_000)
        else:  # unknown seqid
            s = "no_such_seqid"
            start = rng.randint(1, 1_000_000)
        end = start + length - 1
        within = rng.random() < 0.35
        strand = rng.choice([None] * 6 + ["+", "+", "-", "-", "."])
        f = rng.random()
        if f < 0.6:
            ft = None
        elif f < 0.9:  # one type: half the time a common one, half a uniformly chosen one
            ft = (rng.choices(types, [type_weight[c.codes["type"][t]] for t in types])[0]
                  if rng.random() < 0.5 else rng.choice(types),)
        else:
            ft = tuple(sorted(set(rng.sample(types, min(2, len(types))))))
        out.append((s, start, end, within, strand, ft))
    return out


def _naive_region(c: Corpus, per_seqid, q) -> "np.ndarray":
    """The linear scan: a boolean mask over every row of the seqid, 1-based closed coordinates."""
    s, start, end, within, strand, ft = q
    if s not in per_seqid:
        return np.empty(0, dtype=np.int64)
    idx, st, en, sd, ty = per_seqid[s]
    if within:
        mask = (st >= start) & (en <= end)
    else:
        mask = (st <= end) & (en >= start)
    if strand is not None:
        mask &= sd == c.codes["strand"].get(strand, -1)
    if ft is not None:
        mask &= np.isin(ty, [c.codes["type"].get(t, -1) for t in ft])
    return idx[mask]


def _per_seqid(c: Corpus):
    a = c.arrays
    out = {}
    for s, k in c.codes["seqid"].items():
        idx = np.nonzero(a["seqid"] == k)[0]
        out[s] = (idx, a["start"][idx], a["end"][idx], a["strand"][idx], a["type"][idx])
    return out


def _pairs(q: "np.ndarray", rows: "np.ndarray", n_rows: int) -> "np.ndarray":
    return np.sort(q.astype(np.int64) * (n_rows + 1) + rows.astype(np.int64))


def _first_difference(got: "np.ndarray", want: "np.ndarray", n_rows: int, describe):
    g = collections.Counter(got.tolist())
    w = collections.Counter(want.tolist())
    diff = sorted(set((g - w).keys()) | set((w - g).keys()))
    k = diff[0] // (n_rows + 1)
    mine = lambda cnt: sorted(x % (n_rows + 1) for x in cnt.elements() if x // (n_rows + 1) == k)
    return describe(k, mine(g), mine(w))


def _check_columns(c: Corpus, rows: "np.ndarray", table, label: str):
    """The row data gffbase returned is that of the naive row its file_order maps to."""
    a = c.arrays
    for col in ("start", "end"):
        assert np.array_equal(table.column(col).to_numpy(), a[col][rows]), (c.name, label, col)
    for col, key in (("seqid", "seqid"), ("featuretype", "type"), ("strand", "strand")):
        vals = table.column(col).to_pylist()
        codes = c.codes[key]
        assert np.array_equal(np.fromiter((codes.get(v, -1) for v in vals), np.int64, len(vals)),
                              a[key][rows]), (c.name, label, col)


@pytest.mark.slow
def test_region_matches_linear_scan(corpus):
    c = corpus
    n_rows = len(c.naive.rows)
    queries = _region_queries(c, N_REGION)
    per_seqid = _per_seqid(c)
    want_q, want_r = [], []
    for k, q in enumerate(queries):
        hit = _naive_region(c, per_seqid, q)
        want_q.append(np.full(len(hit), k, dtype=np.int64))
        want_r.append(hit)
    want_q = np.concatenate(want_q)
    want_r = np.concatenate(want_r)

    # gffbase: one region_batched call per (within, strand, featuretype) group
    groups = collections.defaultdict(list)
    for k, (s, start, end, within, strand, ft) in enumerate(queries):
        groups[(within, strand, ft)].append(k)
    got_q, got_r = [], []
    for (within, strand, ft), ks in sorted(groups.items(), key=repr):
        t = c.db.region_batched([queries[k][:3] for k in ks], featuretype=list(ft) if ft else None,
                                completely_within=within, strand=strand)
        local = t.column("query_idx").to_numpy()
        rows = c.fo2naive[t.column("file_order").to_numpy()]
        assert (rows >= 0).all(), (c.name, "unknown file_order")
        _check_columns(c, rows, t, "region_batched")
        got_q.append(np.asarray(ks, dtype=np.int64)[local])
        got_r.append(rows)
    got = _pairs(np.concatenate(got_q), np.concatenate(got_r), n_rows)
    want = _pairs(want_q, want_r, n_rows)

    def describe(k, g, w):
        return (c.name, queries[k], "gffbase only:", [c.naive.rows[i] for i in sorted(set(g) - set(w))][:5],
                "naive only:", [c.naive.rows[i] for i in sorted(set(w) - set(g))][:5], "counts", len(g), len(w))

    if not np.array_equal(got, want):
        pytest.fail(repr(_first_difference(got, want, n_rows, describe)))

    # the single-call API on a sample of the same queries
    rng = _rng(c.name, 2)
    for k in rng.sample(range(N_REGION), N_SINGLE_REGION):
        s, start, end, within, strand, ft = queries[k]
        fos = [f.file_order for f in c.db.region((s, start, end), strand=strand,
                                                  featuretype=list(ft) if ft else None, completely_within=within)]
        got_k = collections.Counter(c.fo2naive[fos].tolist())
        want_k = collections.Counter(want_r[want_q == k].tolist())
        assert got_k == want_k, describe(k, list(got_k.elements()), list(want_k.elements()))

    # the queries exercised something: hits overall, within hits, filtered hits, empty answers
    hit_q = set(want_q.tolist())
    assert N_REGION // 4 < len(hit_q) < N_REGION, (c.name, len(hit_q))
    assert any(queries[k][3] for k in hit_q) and any(queries[k][4] for k in hit_q) and any(queries[k][5] for k in hit_q)


def test_region_unstranded_filter(shared_data):
    """gffutils: strand='.' returns only unstranded features (see its region() docstring)."""
    path = shared_data / CORPORA["flybase_chr4"][1]  # chromosome 4: '+', '-' and '.' rows
    naive = load_gff3(path)
    db = gffbase.create_db(str(path), ":memory:", merge_strategy="create_unique")
    want = collections.Counter(r for r in naive.rows if r[5] == "4" and r[4] == ".")
    assert 0 < sum(want.values()) < sum(1 for r in naive.rows if r[5] == "4")
    fos = [f.file_order for f in db.region(("4", 1, 1 << 40), strand=".")]
    batched = db.region_batched([("4", 1, 1 << 40)], strand=".").column("file_order").to_pylist()
    assert collections.Counter(naive.rows[i] for i in batched) == want
    assert collections.Counter(naive.rows[i] for i in fos) == want, (sum(want.values()), len(fos))


# -- hierarchy -----------------------------------------------------------------------------

def _anchor_pools(c: Corpus):
    naive, db = c.naive, c.db
    ids = sorted(k for k in naive.rows_of if k not in naive.skip_ids and k in db)
    with_kids = [k for k in ids if naive.kids_of.get(k)]
    with_parents = [k for k in ids if any(naive.parent_ids[r] for r in naive.rows_of[k])]
    id_count = collections.Counter(c.gb_id)
    # ID-less leaves (exons, CDS ...) are asked for by the ID gffbase gave their row
    leaves = [i for i in range(naive.n_input)
              if not naive.edge_ids[i] and naive.parent_ids[i] and id_count[c.gb_id[i]] == 1
              and not any(p in naive.skip_ids for p in naive.parent_ids[i])]
    return ids, with_kids, with_parents, leaves


def _hierarchy_queries(c: Corpus, n: int):
    """(children?, anchor, naive start rows or None, level, types) with anchors drawn with replacement."""
    rng = _rng(c.name, 3)
    ids, with_kids, with_parents, leaves = _anchor_pools(c)
    assert ids, c.name
    types = sorted(c.codes["type"])
    out = []
    for q in range(n):
        down = q % 2 == 0
        r = rng.random()
        leaf = None
        if down:
            anchor = rng.choice(with_kids) if with_kids and r < 0.85 else rng.choice(ids)
        elif with_parents and r < 0.7:
            anchor = rng.choice(with_parents)
        elif leaves and r < 0.85:
            leaf = rng.choice(leaves)
            anchor = c.gb_id[leaf]
        else:
            anchor = rng.choice(ids)
        level = rng.choice([None, None, None, None, 1, 1, 1, 1, 2])
        f = rng.random()
        ft = None
        if f >= 0.6:
            answer = _naive_hierarchy(c, (down, anchor, leaf, level, None))
            pool = sorted({c.naive.rows[i][1] for i in answer}) if answer and rng.random() < 0.7 else types
            ft = tuple(sorted(set(rng.sample(pool, min(1 if f < 0.9 else 2, len(pool))))))
        out.append((down, anchor, leaf, level, ft))
    return out


def _naive_hierarchy(c: Corpus, q) -> Dict[int, int]:
    down, anchor, leaf, level, ft = q
    naive = c.naive
    if down:
        out = naive.children(anchor, level)
    elif leaf is not None:
        out = naive.parents([leaf], level)
    else:
        out = naive.parents(naive.rows_of[anchor], level, seen={anchor})
    if ft is not None:
        out = {i: d for i, d in out.items() if naive.rows[i][1] in ft}
    return out


@pytest.mark.slow
def test_hierarchy_matches_plain_walk(corpus):
    c = corpus
    n_rows = len(c.naive.rows)
    queries = _hierarchy_queries(c, N_HIERARCHY)
    answers = [_naive_hierarchy(c, q) for q in queries]
    want = _pairs(np.fromiter((k for k, a in enumerate(answers) for _ in a), np.int64),
                  np.fromiter((i for a in answers for i in a), np.int64), n_rows)

    # gffbase: one batched call per (direction, level, featuretype) group and per repeat of an anchor
    groups = collections.defaultdict(list)
    for k, (down, anchor, leaf, level, ft) in enumerate(queries):
        calls = groups[(down, level, ft)]
        for call in calls:
            if anchor not in call:
                call[anchor] = k
                break
        else:
            calls.append({anchor: k})
    got_q, got_r, got_d = [], [], []
    for (down, level, ft), calls in sorted(groups.items(), key=repr):
        for call in calls:
            anchors = list(call)
            fn = c.db.children_batched if down else c.db.parents_batched
            t = fn(anchors, level=level, featuretype=list(ft) if ft else None)
            slot = {a: call[a] for a in anchors}
            got_q.append(np.fromiter((slot[a] for a in t.column("anchor").to_pylist()), np.int64, t.num_rows))
            rows = c.fo2naive[t.column("file_order").to_numpy()]
            assert (rows >= 0).all(), (c.name, "unknown file_order")
            _check_columns(c, rows, t, "hierarchy_batched")
            got_r.append(rows)
            got_d.append(t.column("depth").to_numpy().astype(np.int64))
    gq, gr, gd = np.concatenate(got_q), np.concatenate(got_r), np.concatenate(got_d)
    got = _pairs(gq, gr, n_rows)

    def describe(k, g, w):
        return (c.name, queries[k], "gffbase only:", [c.naive.rows[i] for i in sorted(set(g) - set(w))][:5],
                "naive only:", [c.naive.rows[i] for i in sorted(set(w) - set(g))][:5], "counts", len(g), len(w))

    if not np.array_equal(got, want):
        pytest.fail(repr(_first_difference(got, want, n_rows, describe)))
    # depth: the length of the shortest path (exactly `level` when one is given)
    want_depth = np.fromiter((answers[q][r] for q, r in zip(gq.tolist(), gr.tolist())), np.int64, len(gq))
    assert np.array_equal(gd, want_depth), c.name

    # the single-call API on a sample of the same queries
    rng = _rng(c.name, 4)
    for k in rng.sample(range(N_HIERARCHY), N_SINGLE_HIERARCHY):
        down, anchor, leaf, level, ft = queries[k]
        fn = c.db.children if down else c.db.parents
        fos = [f.file_order for f in fn(anchor, level=level, featuretype=list(ft) if ft else None)]
        got_k = sorted(c.fo2naive[fos].tolist())
        assert got_k == sorted(answers[k]), describe(k, got_k, sorted(answers[k]))

    has_edges = any(c.naive.parent_ids)
    nonempty = collections.Counter((q[0], q[3], q[4] is not None) for q, a in zip(queries, answers) if a)
    if has_edges:  # children and parents, each level, with and without a filter, all found something
        for down in (True, False):
            for level in (None, 1):
                assert nonempty[(down, level, False)] and nonempty[(down, level, True)], (c.name, down, level)
    else:
        assert not nonempty
