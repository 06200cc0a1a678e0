"""Make the GENCODE-scale (~6M lines) GTF by replicating the mouse GTF 5x.

    python bench/make_gencode_scale.py [--copies 5] [--out bench/.cache]

Copy 1 is the source verbatim. Copy k >= 2 renames every seqid to `r<k>_<seqid>`
and appends `_r<k>` to every gene_id and transcript_id value, so IDs stay
unique and features of different copies never overlap each other. Comment
lines of the source are written once at the top. The output is deterministic:
`gencode_scale_<k>x.gtf` (plain) and `.gtf.gz` (gzip -6 -n, no name/mtime), both
in bench/.cache/ (gitignored), plus a JSON stamp with line count and sha256.
Nothing is regenerated when the stamp matches the source and copy count.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SOURCE_REL = "01_whole_genome/mouse_mm10_dropseq/DERIVED_mm10_ensembl_like.gtf.gz"
GENERATOR_VERSION = 2
_ID_VALUE = re.compile(rb'((?:gene_id|transcript_id) "[^"]*)"')
_LINE_START = re.compile(rb"^(?=[^#\n])", re.M)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _copy(body: bytes, k: int) -> bytes:
    if k == 1:
        return body
    renamed = _ID_VALUE.sub(rb'\1_r%d"' % k, body)
    return _LINE_START.sub(b"r%d_" % k, renamed)


def ensure(data_dir: Path, out_dir: Path = BENCH / ".cache", copies: int = 5) -> tuple[Path, Path, dict]:
    source = data_dir / SOURCE_REL
    plain = out_dir / f"gencode_scale_{copies}x.gtf"
    gz = plain.with_suffix(".gtf.gz")
    stamp = plain.with_suffix(".json")
    want = {"generator": GENERATOR_VERSION, "copies": copies, "source_path": str(source),
            "source_sha256": _sha256(source)}
    if stamp.exists() and plain.exists() and gz.exists():
        info = json.loads(stamp.read_text())
        if all(info.get(k) == v for k, v in want.items()):
            return plain, gz, info
    out_dir.mkdir(parents=True, exist_ok=True)
    with gzip.open(source, "rb") as fh:
        raw = fh.read()
    if not raw.endswith(b"\n"):
        raw += b"\n"
    lines = raw.splitlines(keepends=True)
    header = b"".join(ln for ln in lines if ln.startswith(b"#"))
    body = b"".join(ln for ln in lines if not ln.startswith(b"#"))
    del lines, raw
    note = (b"#!gffbase-bench: %d copies of %s; copy k>=2 has seqids r<k>_* and "
            b"gene_id/transcript_id values *_r<k>\n" % (copies, SOURCE_REL.encode()))
    tmp_plain, tmp_gz = plain.with_name(plain.name + ".tmp"), gz.with_name(gz.name + ".tmp")
    h_plain, n_lines, size = hashlib.sha256(), 0, 0
    with open(tmp_plain, "wb") as fp, open(tmp_gz, "wb") as fz:
        # gzip runs on the second core while this process renames the next copy.
        zproc = subprocess.Popen(["gzip", "-6", "-n", "-c"], stdin=subprocess.PIPE, stdout=fz)
        with ThreadPoolExecutor(max_workers=1) as feeder:
            pending = None
            for k in range(0, copies + 1):
                chunk = header + note if k == 0 else _copy(body, k)
                if pending is not None:
                    pending.result()
                pending = feeder.submit(zproc.stdin.write, chunk)
                fp.write(chunk)
                h_plain.update(chunk)
                n_lines += chunk.count(b"\n")
                size += len(chunk)
            pending.result()
        zproc.stdin.close()
        if zproc.wait() != 0:
            raise RuntimeError("gzip failed")
    tmp_plain.replace(plain)
    tmp_gz.replace(gz)
    info = {**want, "lines": n_lines, "bytes": size, "sha256": h_plain.hexdigest(),
            "sha256_gz": _sha256(gz),
            "source": f"synthetic: {copies}x {SOURCE_REL} (bench/make_gencode_scale.py)"}
    stamp.write_text(json.dumps(info, indent=1))
    return plain, gz, info


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--out", type=Path, default=BENCH / ".cache")
    ap.add_argument("--copies", type=int, default=5)
    args = ap.parse_args()
    plain, gz, info = ensure(args.data, args.out, args.copies)
    print(json.dumps({"plain": str(plain), "gz": str(gz), **info}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
