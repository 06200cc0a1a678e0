#!/usr/bin/env bash
# Builds the seed corpora fuzz/corpus-<target>/ (gitignored; never commit data).
#
#   fuzz/make_seeds.sh            # uses ../shared/data beside the repository
#   GFFBASE_SHARED_DATA=DIR fuzz/make_seeds.sh
#
# Seeds: the repository's small fixtures (tests/data), a handful of small real
# annotations from the shared data (plain, gzip and BGZF), their column-9
# fields, and tiny .gffdb files built from the fixtures (needs the `gffbase`
# command, i.e. `pip install .`; skipped with a note otherwise).  Each target's
# leading selector byte(s) are prepended so every mode gets seeds.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
shared="${GFFBASE_SHARED_DATA:-$repo/../shared/data}"

# Small files (a few hundred bytes to ~20 KB) covering GFF3, GTF, GFF2-ish,
# odd syntax, escapes, FASTA sections and compression.
shared_files=(
  03_test_suites/gffutils_testdata/unsanitized.gff
  03_test_suites/gffutils_testdata/keyval_sep_in_attrs.gff
  03_test_suites/gffutils_testdata/glimmer_nokeyval.gff3
  03_test_suites/gffutils_testdata/keep-order-test.gtf
  03_test_suites/debian_pkgs/python3-bcbio-gff/GFF/unescaped-semicolon.gff3
  03_test_suites/debian_pkgs/python3-bcbio-gff/GFF/spaces.gff3
  03_test_suites/debian_pkgs/r-bioc-rtracklayer/test.gtf
  03_test_suites/gal_testdata/NG_027806.1.gff3
  03_test_suites/agat/gff_syntax/in/43_test.gff
  03_test_suites/agat/level_missing/in/testG.gff
  03_test_suites/oxbow_fixtures/example.gtf
  02_chromosome_subsets/flybase_dmel_chr4_GAL/dmel-4-r5.46.genes.partial.gff
  03_test_suites/agat/gff_other/in/decode_gff3urlescape.gff
)
compressed_files=(
  03_test_suites/gffutils_testdata/gff_example1.gff3.gz
  03_test_suites/polars-bio/gff/gencode.v38.annotation.gff3.bgz
  03_test_suites/debian_pkgs/drop-seq-testdata/human_ISG15.gtf.gz
  02_chromosome_subsets/transdecoder_samples/cufflinks_transcripts.gtf.gz
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/text"
for f in "$repo"/tests/data/*.gff3 "$repo"/tests/data/*.gtf; do
  [ -s "$f" ] && cp "$f" "$work/text/fixture_$(basename "$f")"
done
if [ -d "$shared" ]; then
  for f in "${shared_files[@]}"; do
    [ -f "$shared/$f" ] && head -c 20000 "$shared/$f" > "$work/text/$(basename "$f")"
  done
else
  echo "make_seeds: $shared not found; using the repository fixtures only" >&2
fi
python3 - "$work/text" <<'EOF'
# A few hand-made edge cases the real files lack.
import sys, pathlib
d = pathlib.Path(sys.argv[1])
d.joinpath("edge_crlf.gff3").write_bytes(b"##gff-version 3\r\nc\t.\tgene\t1\t9\t.\t+\t.\tID=g\r\nc\t.\tmRNA\t1\t9\t.\t+\t.\tID=t;Parent=g\r\n")
d.joinpath("edge_cycle.gff3").write_text("c\t.\tgene\t1\t9\t.\t+\t.\tID=a;Parent=b\nc\t.\tgene\t1\t9\t.\t+\t.\tID=b;Parent=a\nc\t.\tx\t1\t2\t.\t.\t.\tID=s;Parent=s\n")
d.joinpath("edge_escapes.gff3").write_text("c%3Bx\t.\tgene\t1\t3000000000\t.\t-\t.\tID=a%3Bb%3Dc%26d%2Ce%09f%25;Note=q%22\n##FASTA\n>c\nACGT\n")
d.joinpath("edge_dots.gff").write_text("c\t.\tregion\t.\t.\t.\t.\t.\t.\nc\tsrc\tCDS\t5\t2\tx\t*\t7\tID=cds1\n")
EOF

mk() { rm -rf "$here/corpus-$1"; mkdir -p "$here/corpus-$1"; }
# prefix BYTES(printf escapes) SRC DST: writes the selector bytes then SRC.
prefix() { { printf "$1"; cat "$2"; } > "$3"; }

mk line_parser
mk ingest
mk dialect
mk attributes
mk input_decoder
mk gffdb_open
mk fasta
for f in "$work"/text/*; do
  b="$(basename "$f")"
  prefix '\x00' "$f" "$here/corpus-line_parser/${b}.gff3mode"
  prefix '\x15' "$f" "$here/corpus-line_parser/${b}.gtfmode"
  prefix '\x00\x00' "$f" "$here/corpus-ingest/${b}.lenient"
  prefix '\x19\x01' "$f" "$here/corpus-ingest/${b}.strict_unique"
  prefix '\x12\x02' "$f" "$here/corpus-ingest/${b}.merge_bytype"
  prefix '\x00' "$f" "$here/corpus-input_decoder/${b}.raw"
  prefix '\x01' "$f" "$here/corpus-input_decoder/${b}.gzip"
  prefix '\x0a' "$f" "$here/corpus-input_decoder/${b}.bgzf"
  prefix '\x07' "$f" "$here/corpus-input_decoder/${b}.cut"
done
python3 - "$work/text" "$here" <<'EOF'
# Column-9 fields (attributes, dialect) and a BGZF copy of a fixture (decoder).
import sys, pathlib, struct, zlib
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
fields = []
for f in sorted(src.iterdir()):
    for line in f.read_bytes().splitlines():
        cols = line.split(b"\t")
        if len(cols) >= 9 and not line.startswith(b"#"):
            fields.append(cols[8])
    (out / "corpus-dialect" / f.name).write_bytes(b"\n".join(fields[-40:]))
seen = set()
for i, c9 in enumerate(fields):
    if c9 in seen or len(seen) >= 200:
        continue
    seen.add(c9)
    (out / "corpus-attributes" / f"field_{i:04d}").write_bytes(c9[:4000])

def bgzf_block(payload):
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    cdata = co.compress(payload) + co.flush()
    bsize = 12 + 6 + len(cdata) + 8 - 1
    hdr = b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff" + struct.pack("<H", 6) + b"BC" + struct.pack("<HH", 2, bsize)
    return hdr + cdata + struct.pack("<II", zlib.crc32(payload) & 0xFFFFFFFF, len(payload))

for f in sorted(src.iterdir())[:4]:
    data = f.read_bytes()
    blob = b"".join(bgzf_block(data[i:i + 1000]) for i in range(0, len(data), 1000)) + bgzf_block(b"")
    (out / "corpus-input_decoder" / (f.name + ".bgzf_raw")).write_bytes(b"\x00" + blob)
EOF
if [ -d "$shared" ]; then
  for f in "${compressed_files[@]}"; do
    [ -f "$shared/$f" ] && prefix '\x00' "$shared/$f" "$here/corpus-input_decoder/$(basename "$f").raw"
  done
fi

if command -v gffbase >/dev/null 2>&1; then
  for f in basic.gff3 basic.gtf cycle.gff3 with_fasta.gff3; do
    [ -s "$repo/tests/data/$f" ] || continue
    gffbase ingest "$repo/tests/data/$f" -o "$work/$f.gffdb" --force --quiet
    prefix '\x00' "$work/$f.gffdb" "$here/corpus-gffdb_open/$f.raw"
    prefix '\x01' "$work/$f.gffdb" "$here/corpus-gffdb_open/$f.fixed"
  done
else
  echo "make_seeds: the gffbase command is not on PATH (pip install .); corpus-gffdb_open gets no .gffdb seeds" >&2
fi
printf '\x00' > "$here/corpus-gffdb_open/empty"

# FASTA: small real files (their first 8 KB) and hand-made layouts.
fasta_files=(
  03_test_suites/debian_pkgs/python-biopython-doc/multi.fna
  03_test_suites/debian_pkgs/python3-bcbio-gff/GFF/c_elegans_WS199_dna_shortened.fa
  03_test_suites/agat/script_sp_in/agat_sp_manage_functional_annotation/uniprot_sprot_test.fasta
  02_chromosome_subsets/yeast_sgd_chrI_II_gbrowse/chr1.fa
)
if [ -d "$shared" ]; then
  for f in "${fasta_files[@]}"; do
    [ -f "$shared/$f" ] && head -c 8192 "$shared/$f" > "$here/corpus-fasta/$(basename "$f")"
  done
fi
printf '>a desc\nACGTA\nCG\n>b\r\nTT\r\n' > "$here/corpus-fasta/crlf"
printf '\n>a\nACG\nACGTT\n\nA\n>b\n>c\nGG' > "$here/corpus-fasta/irregular"

for d in "$here"/corpus-*; do
  echo "$(basename "$d"): $(ls "$d" | wc -l) seeds"
done
