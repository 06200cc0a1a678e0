#!/usr/bin/env bash
# The main job, end to end, on data the project ships or generates (no network):
# install gffbase, ingest an annotation into a .gffdb, and answer a hierarchy
# query, a region query and a batched query.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
python3 -m pip install -q --disable-pip-version-check ".[arrow]" 2>&1 | grep -v -E "WARNING: (Location|Running pip)" || true

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== generating a synthetic annotation (3,000 genes, deterministic) =="
python3 -c "import gffbase; open('$work/genes.gff3', 'w').write(gffbase.synthetic_annotation(3000))"
wc -l "$work/genes.gff3"

echo; echo "== gffbase ingest =="
gffbase ingest "$work/genes.gff3" -o "$work/genes.gffdb"

echo; echo "== hierarchy: children of gene G1_00001 =="
gffbase children "$work/genes.gffdb" G1_00001 --format tsv

echo; echo "== region: exons overlapping chr2:10000-40000 (BED) =="
gffbase region "$work/genes.gffdb" chr2:10000-40000 --type exon --format bed

echo; echo "== batched (Python → Arrow): every exon of 500 transcripts =="
python3 - "$work/genes.gffdb" <<'PY'
import sys, time
import gffbase

db = gffbase.FeatureDB(sys.argv[1])
tx = [f.id for f in db.features_of_type("mRNA")][:500]
db.children_batched(tx[:1], featuretype="exon")  # first use imports pyarrow; time the query, not the import
t0 = time.perf_counter()
table = db.children_batched(tx, featuretype="exon", format="arrow")
ms = (time.perf_counter() - t0) * 1e3
print(f"{table.num_rows} exon rows for {len(tx)} transcripts in {ms:.1f} ms")
print(table.select(["anchor", "descendant_id", "seqid", "start", "end", "strand"]).slice(0, 5).to_pandas().to_string(index=False)
      if hasattr(table, "to_pandas") else table.slice(0, 5))
PY

echo; echo "== sequences: the spliced coding sequence of every mRNA, from a genome FASTA =="
python3 - "$work/genes.gffdb" "$work/genome.fa" <<'PY'
import random, sys
import gffbase

# A made-up genome covering the synthetic annotation.
db = gffbase.FeatureDB(sys.argv[1])
ends = {}
for g in db.features_of_type("gene"):
    ends[g.seqid] = max(ends.get(g.seqid, 0), g.end)
rng = random.Random(1)
with open(sys.argv[2], "w") as fh:
    for seqid, end in sorted(ends.items()):
        bases = "".join(rng.choices("ACGT", k=end + 1000))
        fh.write(f">{seqid}\n" + "\n".join(bases[i:i + 60] for i in range(0, len(bases), 60)) + "\n")
t = db.sequences_batched([f.id for f in db.features_of_type("mRNA")], sys.argv[2], featuretype="CDS", missing="null")
print(f"{t.num_rows} mRNAs, {t['sequence'].null_count} without CDS; first: {t['anchor'][0]} "
      f"({t['parts'][0]} CDS parts, {t['length'][0]} bp)")
PY
gffbase sequences "$work/genes.gffdb" G1_00001.t1 --fasta "$work/genome.fa" --type CDS -w 70 | head -3
echo "... and its protein (random bases: stops inside are '*'):"
gffbase sequences "$work/genes.gffdb" G1_00001.t1 --fasta "$work/genome.fa" --type CDS --translate -w 70 | head -2
