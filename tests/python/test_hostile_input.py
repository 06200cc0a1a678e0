"""Hostile input: every malformed, huge or adversarial annotation gives a clear
error (naming file:line where there is one) or a documented lenient behaviour,
and never a crash, a hang or unbounded memory.

Each case runs in a child process with a timeout (``run_case`` / ``run_cli``),
so a crash fails one test with the child's stderr and a hang fails it when the
timeout expires instead of blocking the suite.  Memory is the child's
``resource.getrusage`` peak RSS.

The exact behaviours asserted here are the ones RELIABILITY.md documents.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

GIB = 1 << 30
HINT_NO_FEATURES = "\n  hint: is this a GFF3/GTF file? gffbase needs at least one feature line"

# ---------------------------------------------------------------------------
# Child-process harness

_RUNNER = r"""
import json, sys
import gffbase
p = json.loads(sys.argv[1])
out = {}
try:
    exec(compile(p["code"], "<case>", "exec"), {"gffbase": gffbase, "p": p, "out": out})
    res = {"ok": True}
except BaseException as e:  # report everything, including MemoryError / UnicodeDecodeError
    res = {"ok": False, "type": type(e).__name__, "mro": [c.__name__ for c in type(e).__mro__],
           "message": str(e)}
res["out"] = out
# This process's own peak: ru_maxrss keeps the parent's across vfork+exec,
# so it reported pytest's peak (2 GiB after the corpus tests); VmHWM is per mm.
with open("/proc/self/status") as fh:
    res["maxrss"] = next(int(l.split()[1]) * 1024 for l in fh if l.startswith("VmHWM:"))
sys.stdout.write("\n@@RESULT@@" + json.dumps(res))
"""


def run_case(code: str, timeout: float = 60, env=None, **params) -> dict:
    """Runs `code` in a fresh interpreter (names: gffbase, p = params, out = dict for results)."""
    params["code"] = textwrap.dedent(code)
    try:
        proc = subprocess.run([sys.executable, "-c", _RUNNER, json.dumps(params)], capture_output=True,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang: the case did not finish within {timeout} s", pytrace=False)
    stdout = proc.stdout.decode("utf-8", "replace")
    if "@@RESULT@@" not in stdout:
        pytest.fail(f"crash: exit status {proc.returncode}\nstderr:\n{proc.stderr.decode('utf-8', 'replace')[-3000:]}",
                    pytrace=False)
    return json.loads(stdout.rsplit("@@RESULT@@", 1)[1])


def expect_error(res: dict, cls: str = "InvalidInputError") -> str:
    """The case failed with gffbase.<cls>; returns its message."""
    assert not res["ok"], f"expected {cls}, but the case succeeded: {res['out']}"
    assert res["type"] == cls, f"expected {cls}, got {res['type']}: {res['message'][:2000]}"
    assert "GffbaseError" in res["mro"]
    return res["message"]


def expect_ok(res: dict) -> dict:
    assert res["ok"], f"expected success, got {res['type']}: {res['message'][:2000]}"
    return res["out"]


def run_cli(args, timeout: float = 60):
    """Runs the gffbase command; returns (returncode, stdout, stderr, peak RSS of the command in bytes)."""
    wrapper = ("import resource, subprocess, sys, json\n"
               "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
               "sys.stdout.buffer.write(json.dumps({'rc': r.returncode, "
               "'out': r.stdout.decode('utf-8', 'replace'), 'err': r.stderr.decode('utf-8', 'replace'), "
               "'rss': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}).encode())\n")
    try:
        proc = subprocess.run([sys.executable, "-c", wrapper, "gffbase", *map(str, args)], capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang: `gffbase {' '.join(map(str, args))}` did not finish within {timeout} s", pytrace=False)
    r = json.loads(proc.stdout)
    assert r["rc"] >= 0, f"`gffbase {args[0]}` was killed by signal {-r['rc']}: {r['err'][-2000:]}"
    return r["rc"], r["out"], r["err"], r["rss"]


# The standard summary a case returns after building a database.
SUMMARY = """
def summary(db):
    out["rows"] = len(db)
    out["ids"] = [f.id for f in db.all_features(order_by="file_order")]
    out["problems"] = [m for (_line, _err, m) in db.problems()]
    out["directives"] = list(db.directives)
"""


def build(path, strict=False, timeout=60, extra="", dbfn=":memory:", **params):
    """create_db(path) in a child; `extra` runs after with `db` bound."""
    code = SUMMARY + f"""
db = gffbase.create_db(p["path"], p["dbfn"], strict=p["strict"], force=True)
summary(db)
""" + textwrap.dedent(extra)
    return run_case(code, timeout=timeout, path=str(path), strict=strict, dbfn=str(dbfn), **params)


def write(tmp_path: Path, name: str, data) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


def line(seqid="chr1", ftype="gene", start="1", end="100", attrs="ID=g1", strand="+", phase=".", score=".",
         source="src"):
    return f"{seqid}\t{source}\t{ftype}\t{start}\t{end}\t{score}\t{strand}\t{phase}\t{attrs}\n"


# ---------------------------------------------------------------------------
# Compression helpers (BGZF written here so the test needs no htslib)

def bgzf_block(payload: bytes, isize=None) -> bytes:
    """One BGZF block: a gzip member with FEXTRA holding the 'BC' (block size) subfield."""
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    cdata = co.compress(payload) + co.flush()
    bsize = 12 + 6 + len(cdata) + 8 - 1
    header = (b"\x1f\x8b\x08\x04" + b"\0\0\0\0" + b"\0\xff" + struct.pack("<H", 6) + b"BC" +
              struct.pack("<HH", 2, bsize))
    return header + cdata + struct.pack("<II", zlib.crc32(payload) & 0xFFFFFFFF,
                                        len(payload) if isize is None else isize)


BGZF_EOF = bgzf_block(b"")


def bgzf(data: bytes, block: int = 0xFF00) -> bytes:
    """BGZF-compresses `data` (blocks of `block` bytes, then the EOF marker block)."""
    return b"".join(bgzf_block(data[i:i + block]) for i in range(0, len(data), block)) + BGZF_EOF


@pytest.fixture(scope="module")
def annotation() -> bytes:
    import gffbase

    return gffbase.synthetic_annotation(400, seed=7).encode()


# ---------------------------------------------------------------------------
# Binary garbage

def _garbage(n: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    data = bytearray(rng.getrandbits(8) for _ in range(n))
    data[0] = ord("x")  # a feature-line candidate on line 1 (not '#', '>' or blank)
    return bytes(data)


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_binary_garbage_is_a_clear_input_error(tmp_path, strict):
    path = write(tmp_path, "garbage.gff3", _garbage(200_000))
    msg = expect_error(build(path, strict=strict))
    if strict:
        assert msg.startswith(f"{path}:1: error: "), msg[:300]
    else:
        assert msg.startswith(f"{path}: no feature lines found (every candidate line was rejected; first problem:\n"
                              f"{path}:1: error: "), msg[:300]


def test_ascii_garbage_is_a_clear_input_error(tmp_path):
    rng = random.Random(2)
    text = "".join(rng.choice("abc \t;=\n") for _ in range(50_000))
    path = write(tmp_path, "ascii.gff3", "x" + text)
    msg = expect_error(build(path))
    assert msg.startswith(f"{path}: no feature lines found (every candidate line was rejected; first problem:\n"
                          f"{path}:1: error: line: expected 9 tab-separated columns"), msg[:300]
    assert msg.endswith(HINT_NO_FEATURES)


def test_binary_garbage_cli(tmp_path, gffbase_cli):
    path = write(tmp_path, "garbage.gff3", _garbage(200_000, seed=3))
    db = tmp_path / "out.gffdb"
    rc, _out, err, _rss = run_cli(["ingest", path, "-o", db])
    assert rc == 1
    assert err.startswith(f"gffbase ingest: error: {path}: no feature lines found"), err[:300]
    assert not db.exists()
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


# ---------------------------------------------------------------------------
# Truncated and damaged compression

def test_truncated_gzip(tmp_path, annotation):
    gz = gzip.compress(annotation)
    path = write(tmp_path, "cut.gff3.gz", gz[: len(gz) // 2])
    msg = expect_error(build(path))
    text = len(zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(gz[: len(gz) // 2]))
    assert msg == (f"{path}: the file is cut short: it ends at byte {len(gz) // 2}, inside the gzip member "
                   f"starting at byte 0, after {text} bytes of text "
                   f"(hint: the download or copy is incomplete; fetch the file again)")


def test_gzip_crc_mismatch_is_told_from_truncation(tmp_path, annotation):
    gz = bytearray(gzip.compress(annotation))
    gz[-8] ^= 1  # the CRC-32 in the trailer
    path = write(tmp_path, "crc.gff3.gz", bytes(gz))
    msg = expect_error(build(path))
    assert msg == (f"{path}: the gzip member starting at byte 0 fails its CRC-32 check: the text inflates, "
                   f"but not to what was compressed (hint: the file is corrupt; fetch it again)")


def test_truncated_gzip_second_member_names_its_offset(tmp_path, annotation):
    first = gzip.compress(annotation[:5000])
    second = gzip.compress(annotation[5000:])
    path = write(tmp_path, "cut2.gff3.gz", first + second[: len(second) // 2])
    msg = expect_error(build(path))
    assert msg.startswith(f"{path}: the file is cut short: it ends at byte {len(first) + len(second) // 2}, "
                          f"inside the gzip member starting at byte {len(first)}, after "), msg


def test_gzip_trailing_garbage(tmp_path, annotation):
    gz = gzip.compress(annotation)
    path = write(tmp_path, "tail.gff3.gz", gz + b"not gzip")
    msg = expect_error(build(path))
    assert msg == f"{path}: trailing garbage after gzip member at byte {len(gz)}"


def test_gzip_zero_padding_is_tolerated(tmp_path, annotation):
    path = write(tmp_path, "pad.gff3.gz", gzip.compress(annotation) + b"\0" * 512)
    out = expect_ok(build(path))
    assert out["rows"] == annotation.count(b"\n") - 1  # minus the ##gff-version line


def test_bgzf_round_trip(tmp_path, annotation):
    path = write(tmp_path, "ok.gff3.bgz", bgzf(annotation, block=4000))
    out = expect_ok(build(path, extra='out["compression"] = db.meta()["source_compression"]'))
    assert out["compression"] == "bgzf"
    assert out["rows"] == annotation.count(b"\n") - 1


@pytest.mark.parametrize("into, kind", [
    (100, "BGZF block"),
    # Too short for a BGZF header: decoded as plain gzip members, same offset.
    (10, "gzip member"),
], ids=["mid_block", "mid_header"])
def test_truncated_bgzf(tmp_path, annotation, into, kind):
    data = bgzf(annotation, block=4000)
    blocks = [bgzf_block(annotation[i:i + 4000]) for i in range(0, len(annotation), 4000)]
    start_of_third = len(blocks[0]) + len(blocks[1])
    path = write(tmp_path, "cut.gff3.bgz", data[: start_of_third + into])
    msg = expect_error(build(path))
    assert msg.startswith(f"{path}: the file is cut short: it ends at byte {start_of_third + into}, "
                          f"inside the {kind} starting at byte {start_of_third}"), msg
    assert msg.endswith("(hint: the download or copy is incomplete; fetch the file again)"), msg


def test_bgzf_damaged_block_names_its_offset(tmp_path, annotation):
    blocks = [bgzf_block(annotation[i:i + 4000]) for i in range(0, len(annotation), 4000)]
    damaged = bytearray(blocks[1])
    damaged[len(damaged) // 2] ^= 0xFF
    path = write(tmp_path, "bad.gff3.bgz", blocks[0] + bytes(damaged) + b"".join(blocks[2:]) + BGZF_EOF)
    msg = expect_error(build(path))
    assert msg.startswith(f"{path}: "), msg
    assert f"the gzip member starting at byte {len(blocks[0])}" in msg and "the file is corrupt" in msg, msg


def test_bgzf_cut_at_a_block_boundary_is_not_silent(tmp_path, annotation):
    """BUG: a BGZF file cut exactly between blocks (its EOF marker block missing) is
    ingested as a shorter annotation with no error and no recorded problem.  The
    EOF marker exists to detect exactly this (htslib warns "EOF marker is absent");
    gffbase should fail, or at least record a problem, instead of silently losing
    the tail."""
    blocks = [bgzf_block(annotation[i:i + 4000]) for i in range(0, len(annotation), 4000)]
    path = write(tmp_path, "short.gff3.bgz", b"".join(blocks[:2]))
    res = build(path)
    if not res["ok"]:
        assert res["type"] == "InvalidInputError" and str(path) in res["message"]
        return
    problems = res["out"]["problems"]
    assert any("EOF" in m or "truncated" in m for m in problems), (
        f"{res['out']['rows']} rows ingested from a BGZF file missing its EOF block, no problem recorded")


def test_bgzf_forged_block_sizes_are_an_input_error(tmp_path):
    """BUG: each BGZF block's ISIZE is trusted to size the output buffer; 200 tiny
    blocks each claiming 4 GiB make gffbase allocate 800 GiB up front, which ends in
    MemoryError (CLI: "internal error: std::bad_alloc") instead of a clear error.
    A BGZF block holds at most 64 KiB, so ISIZE > 65536 is itself corrupt."""
    path = write(tmp_path, "forged.gff3.bgz", bgzf_block(b"x", isize=0xFFFFFFFF) * 200)
    msg = expect_error(build(path))
    assert msg == (f"{path}: compressed data are corrupt at byte 0 (BGZF block claims 4294967295 bytes; "
                   f"at most 65536 are possible)"), msg


def test_gzip_forged_isize_memory_bounded(tmp_path, gffbase_cli):
    data = bytearray(gzip.compress(line().encode()))
    data[-4:] = struct.pack("<I", 0xFFFFFFFF)
    path = write(tmp_path, "forged.gff3.gz", bytes(data))
    rc, _out, err, rss = run_cli(["ingest", path, "-o", tmp_path / "x.gffdb"])
    assert rc == 1
    assert err == (f"gffbase ingest: error: {path}: the gzip member starting at byte 0 fails its length check: "
                   f"its trailer does not give the size it inflates to (hint: the file is corrupt; fetch it again)\n")
    assert rss < GIB


# ---------------------------------------------------------------------------
# Huge lines, many seqids, deep hierarchies

@pytest.mark.slow
def test_100mb_single_feature_line_works_with_bounded_memory(tmp_path):
    path = tmp_path / "long.gff3"
    with open(path, "wb") as fh:
        fh.write(line(attrs="ID=a;Note=").rstrip("\n").encode())
        fh.write(b"A" * (100 << 20))
        fh.write(b"\n" + line(ftype="mRNA", attrs="ID=b;Parent=a").encode())
    res = build(path, dbfn=tmp_path / "long.gffdb", timeout=120, extra="""
        out["note"] = len(db["a"].attributes["Note"][0])
        out["children"] = [f.id for f in db.children("a")]
    """)
    out = expect_ok(res)
    assert out["ids"] == ["a", "b"]
    assert out["note"] == 100 << 20
    assert out["children"] == ["b"]
    assert res["maxrss"] < 2 * GIB, f"peak RSS {res['maxrss'] / GIB:.2f} GiB"


@pytest.mark.slow
def test_100mb_line_without_tabs_cli(tmp_path, gffbase_cli):
    path = tmp_path / "long2.gff3"
    with open(path, "wb") as fh:
        fh.write(b"x" * (100 << 20))
    db = tmp_path / "long2.gffdb"
    rc, _out, err, rss = run_cli(["ingest", path, "-o", db], timeout=120)
    assert rc == 1
    assert err.startswith(
        f"gffbase ingest: error: {path}: no feature lines found (every candidate line was rejected; first problem:\n"
        f"{path}:1: error: line: expected 9 tab-separated columns, found 1 column\n  | {'x' * 200}...\n")
    assert len(err) < 4096, "the 100 MB line must not be echoed"
    assert rss < 2 * GIB
    assert not db.exists()


@pytest.mark.slow
def test_long_line_of_invalid_utf8_is_linear(tmp_path, gffbase_cli):
    """BUG: lenient repair of invalid UTF-8 rescans the line from its start after
    each replaced byte (chunk_parser.cpp check_bytes), so the time is quadratic in
    the number of bad bytes: 200 KB of 0xff already takes ~20 s, 1 MB ~10 min."""
    path = tmp_path / "bad_utf8.gff3"
    path.write_bytes(line(attrs="ID=a;Note=").rstrip("\n").encode() + b"\xff" * (1 << 20) + b"\n")
    rc, _out, err, _rss = run_cli(["ingest", path, "-o", tmp_path / "x.gffdb", "-q"], timeout=20)
    assert rc == 0, err[:500]


@pytest.mark.slow
def test_a_million_seqids(tmp_path, gffbase_cli):
    n = 1_000_000
    path = tmp_path / "seqids.gff3"
    with open(path, "w") as fh:
        fh.write("".join(f"s{i}\t.\tgene\t{i + 1}\t{i + 10}\t.\t+\t.\tID=g{i}\n" for i in range(n)))
    db = tmp_path / "seqids.gffdb"
    rc, out, err, rss = run_cli(["ingest", path, "-o", db, "-t", "1"], timeout=120)
    assert rc == 0, err
    assert f"{n} seqids" in out
    assert rss < 2 * GIB
    res = run_case("""
        db = gffbase.FeatureDB(p["db"])
        out["seqids"] = sum(1 for _ in db.seqids())
        out["hit"] = [f.id for f in db.region("s777777:1-10000000")]
        out["miss"] = [f.id for f in db.region("s777777:1-777777")]
        out["last"] = db["g999999"].seqid
    """, db=str(db), timeout=60)
    assert expect_ok(res) == {"seqids": n, "hit": ["g777777"], "miss": [], "last": "s999999"}


CHAIN = 100_000


@pytest.mark.slow
@pytest.mark.parametrize("order", ["parents_first", "children_first"])
def test_deep_parent_chain(tmp_path, order):
    lines = [line(attrs="ID=f0")] + [line(attrs=f"ID=f{i};Parent=f{i - 1}") for i in range(1, CHAIN)]
    if order == "children_first":
        lines.reverse()
    path = write(tmp_path, "chain.gff3", "".join(lines))
    res = run_case("""
        n = p["n"]
        db = gffbase.create_db(p["path"], ":memory:")
        out["down"] = sum(1 for _ in db.children("f0"))
        out["up"] = sum(1 for _ in db.parents(f"f{n - 1}"))
        out["down1"] = [f.id for f in db.children("f0", level=1)]
        out["up1"] = [f.id for f in db.parents(f"f{n - 1}", level=1)]
        out["deepest"] = [f.id for f in db.children("f0", level=n - 1)]
        out["root"] = [f.id for f in db.parents(f"f{n - 1}", level=n - 1)]
        out["too_deep"] = [f.id for f in db.children("f0", level=n)]
        out["mid"] = (sum(1 for _ in db.children("f50000")), sum(1 for _ in db.parents("f50000")))
        t = db.children_batched(["f0", f"f{n - 1}"])
        out["batched"] = t.num_rows
        out["problems"] = len(db.problems())
    """, path=str(path), n=CHAIN, timeout=120)
    out = expect_ok(res)
    n = CHAIN
    assert out == {"down": n - 1, "up": n - 1, "down1": ["f1"], "up1": [f"f{n - 2}"], "deepest": [f"f{n - 1}"],
                   "root": ["f0"], "too_deep": [], "mid": [n - 50001, 50000], "batched": n - 1, "problems": 0}


# ---------------------------------------------------------------------------
# Parent cycles and self-parents

CYCLE = line(attrs="ID=a;Parent=b") + line(attrs="ID=b;Parent=a") + line(ftype="exon", attrs="ID=s;Parent=s")


def test_parent_cycles_are_reported_and_queries_terminate(tmp_path):
    path = write(tmp_path, "cycle.gff3", CYCLE)
    out = expect_ok(build(path, timeout=30, extra="""
        out["rel"] = {x: ([f.id for f in db.children(x)], [f.id for f in db.parents(x)]) for x in "abs"}
        t = db.children_batched(["a", "b", "s"])
        out["batched"] = sorted(zip(t.column("anchor").to_pylist(), t.column("descendant_id").to_pylist()))
    """))
    assert out["rel"] == {"a": [["b"], ["b"]], "b": [["a"], ["a"]], "s": [[], []]}
    assert out["batched"] == [["a", "b"], ["b", "a"]]
    assert out["problems"] == [
        f'{path}:2: warning: attribute Parent: expected an acyclic hierarchy, found a cycle: "b" -> ... -> "a" -> "b"'
        "\n  hint: queries stop at features already visited; fix the Parent attributes",
        f'{path}:3: warning: attribute Parent: expected an acyclic hierarchy, found feature "s" is its own parent'
        "\n  hint: queries stop at features already visited; fix the Parent attributes",
    ]


def test_parent_cycle_strict_is_an_error(tmp_path):
    path = write(tmp_path, "cycle.gff3", CYCLE)
    msg = expect_error(build(path, strict=True))
    assert msg.startswith(f'{path}:2: error: attribute Parent: expected an acyclic hierarchy, found a cycle: "b"')


def test_long_parent_ring_terminates(tmp_path):
    n = 20_000
    text = "".join(line(attrs=f"ID=r{i};Parent=r{(i + 1) % n}") for i in range(n))
    path = write(tmp_path, "ring.gff3", text)
    out = expect_ok(build(path, timeout=60, extra="""
        out["down"] = sum(1 for _ in db.children("r0"))
        out["up"] = sum(1 for _ in db.parents("r0"))
        out["level2"] = [f.id for f in db.parents("r0", level=2)]
    """))
    assert (out["down"], out["up"], out["level2"]) == (n - 1, n - 1, ["r2"])
    assert len(out["problems"]) == 1 and "found a cycle" in out["problems"][0]


# ---------------------------------------------------------------------------
# Reserved characters, quotes, encodings

RESERVED_ID = "a;b=c&d,e\tf%g\nh\ri\x01j k%20"


def _encode_every_reserved(s: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in ";=&,\t\n\r%\x01" else c for c in s)


def test_ids_with_every_reserved_character(tmp_path):
    enc = _encode_every_reserved(RESERVED_ID)
    text = line(attrs=f"ID={enc};Name=x") + line(ftype="mRNA", attrs=f"ID=t1;Parent={enc}")
    path = write(tmp_path, "reserved.gff3", text)
    out = expect_ok(build(path, extra="""
        rid = p["rid"]
        out["found"] = db[rid].id
        out["children"] = [f.id for f in db.children(rid)]
        out["parents"] = [f.id for f in db.parents("t1")]
        out["by_attr"] = [f.id for f in db.features_with_attribute("ID", rid)]
        out["line"] = str(db[rid])
        out["parent_attr"] = db["t1"].attributes["Parent"]
    """, rid=RESERVED_ID))
    assert out["ids"] == [RESERVED_ID, "t1"]
    assert out["found"] == RESERVED_ID
    assert out["children"] == ["t1"] and out["parents"] == [RESERVED_ID]
    assert out["by_attr"] == [RESERVED_ID]
    assert out["parent_attr"] == [RESERVED_ID]
    assert out["line"] == line(attrs=f"ID={enc};Name=x").rstrip("\n"), "GFF3 output re-encodes the reserved bytes"
    assert out["problems"] == []


def test_reserved_characters_survive_export_and_reingest(tmp_path, gffbase_cli):
    enc = _encode_every_reserved(RESERVED_ID)
    src = write(tmp_path, "reserved.gff3", "##gff-version 3\n" + line(attrs=f"ID={enc}") +
                line(ftype="mRNA", attrs=f"ID=t1;Parent={enc}"))
    db1, out, db2 = tmp_path / "1.gffdb", tmp_path / "out.gff3", tmp_path / "2.gffdb"
    assert run_cli(["ingest", src, "-o", db1, "-q"])[0] == 0
    assert run_cli(["export", db1, "-o", out])[0] == 0
    assert out.read_bytes() == src.read_bytes()
    assert run_cli(["ingest", out, "-o", db2, "-q"])[0] == 0
    res = run_case('db = gffbase.FeatureDB(p["db"]); out["c"] = [f.id for f in db.parents("t1")]', db=str(db2))
    assert expect_ok(res)["c"] == [RESERVED_ID]


def test_gff3_value_with_an_unescaped_double_quote(tmp_path):
    """BUG: the GFF3 attribute parser treats '"' as a quote (attributes.cpp
    for_each_item toggles in_quotes in both families), so one unescaped double
    quote in a GFF3 value -- legal, GFF3 reserves only ; = & , and control bytes --
    swallows every following attribute: here Parent=g is lost, t1 becomes an
    orphan and an "unterminated-quote" error is recorded (strict mode rejects the
    line)."""
    path = write(tmp_path, "quote.gff3", line(attrs="ID=g") + line(ftype="mRNA", attrs='ID=t1;Note=12" insert;Parent=g'))
    out = expect_ok(build(path, extra="""
        out["children"] = [f.id for f in db.children("g")]
        out["note"] = db["t1"].attributes["Note"]
    """))
    assert out["children"] == ["t1"]
    assert out["note"] == ['12" insert']
    assert out["problems"] == []


NON_UTF8 = line(attrs="ID=a\xffb").encode("latin-1") + line(attrs="ID=n\x00ul").encode("latin-1")


def test_non_utf8_and_nul_bytes_lenient(tmp_path):
    """Lenient: each invalid byte becomes '?' and an error is recorded per line.
    BUG: today create_db raises UnicodeDecodeError (after writing the database)
    and db.problems() raises it forever, because the recorded message quotes the
    raw line: truncate_for_message escapes control bytes but not bytes >= 0x80."""
    path = write(tmp_path, "bytes.gff3", NON_UTF8)
    out = expect_ok(build(path))
    assert out["ids"] == ["a?b", "n?ul"]
    assert out["problems"][0].startswith(
        f"{path}:1: error: byte 31 of the line: expected UTF-8 text, found byte 0xff\n  | ")
    assert out["problems"][1].startswith(
        f"{path}:2: error: byte 31 of the line: expected UTF-8 text, found byte 0x00\n  | ")
    assert all(m.endswith("hint: lenient mode replaces each invalid byte with '?'; convert the file to UTF-8 (iconv)")
               for m in out["problems"])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_binary_device_is_refused(tmp_path, gffbase_cli, device):
    """A stream has no size to bound it: its first MiB is sniffed (it was read until memory ran out)."""
    db = tmp_path / "x.gffdb"
    rc, _out, err, rss = run_cli(["ingest", device, "-o", db], timeout=60)
    assert rc == 1
    assert err.startswith(f"gffbase ingest: error: {device}: binary data, not an annotation: "), err
    assert "bytes of the stream are control bytes" in err
    assert err.endswith("(hint: a GFF3 or GTF file is text, plain or gzip-compressed)\n")
    assert rss < 512 << 20
    assert not db.exists()


def test_binary_stdin_is_refused_and_short_text_with_nul_is_not(tmp_path, gffbase_cli):
    db = tmp_path / "x.gffdb"
    r = subprocess.run([gffbase_cli, "ingest", "-", "-o", db], input=b"\x01\x02" * (1 << 20),
                       capture_output=True, timeout=60)
    assert r.returncode == 1
    assert r.stderr.decode().startswith("gffbase ingest: error: stdin: binary data, not an annotation: 1048576 of "
                                        "the first 1048576 bytes of the stream are control bytes, the first at byte 0")
    # A stream that ends within its first MiB is bounded: its NUL is a line's error, as in a file.
    r = subprocess.run([gffbase_cli, "ingest", "-", "-o", db], input=NON_UTF8, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "expected UTF-8 text, found byte 0x00" in r.stderr.decode()


def test_non_utf8_strict_is_an_input_error(tmp_path):
    """BUG (same cause): strict mode raises UnicodeDecodeError instead of InvalidInputError."""
    path = write(tmp_path, "bytes.gff3", NON_UTF8)
    msg = expect_error(build(path, strict=True))
    assert msg.startswith(f"{path}:1: error: byte 31 of the line: expected UTF-8 text, found byte 0xff")


def test_non_utf8_cli(tmp_path, gffbase_cli):
    path = write(tmp_path, "bytes.gff3", NON_UTF8)
    rc, out, err, _ = run_cli(["ingest", path, "-o", tmp_path / "l.gffdb"])
    assert rc == 0 and "2 features" in out and "2 errors" in out
    assert err.startswith(f"{path}:1: error: byte 31 of the line: expected UTF-8 text, found byte 0xff\n")
    rc, out, err, _ = run_cli(["ingest", path, "-o", tmp_path / "s.gffdb", "--strict"])
    assert rc == 1 and out == ""
    assert err.startswith(f"gffbase ingest: error: {path}:1: error: byte 31 of the line: expected UTF-8 text")
    assert not (tmp_path / "s.gffdb").exists()


def test_non_utf8_directive_keeps_the_database_usable(tmp_path):
    """BUG: '##' lines are stored unrepaired, so a directive with a Latin-1 byte
    makes every FeatureDB(...) of the database raise UnicodeDecodeError (it reads
    the directives when opening): the file can never be opened from Python."""
    path = write(tmp_path, "dir.gff3", b"##gff-version 3\n##description caf\xe9\n" + line().encode())
    out = expect_ok(build(path, dbfn=tmp_path / "dir.gffdb"))
    assert out["ids"] == ["g1"]
    assert len(out["directives"]) == 2 and out["directives"][0] == "gff-version 3"


# ---------------------------------------------------------------------------
# Empty input, layout variants

@pytest.mark.parametrize("content, why", [
    (b"", "the input is empty"),
    (b"##gff-version 3\n# just a comment\n\n   \n", "only headers, comments or sequence"),
    (b"##gff-version 3\n##FASTA\n>chr1\nACGT\n", "only headers, comments or sequence"),
], ids=["empty", "header_only", "fasta_only"])
def test_no_feature_lines(tmp_path, content, why):
    path = write(tmp_path, "nothing.gff3", content)
    msg = expect_error(build(path))
    assert msg == f"{path}: no feature lines found ({why}){HINT_NO_FEATURES}"


def test_no_feature_lines_cli_leaves_nothing(tmp_path, gffbase_cli):
    path = write(tmp_path, "empty.gff3", b"")
    db = tmp_path / "x.gffdb"
    rc, out, err, _ = run_cli(["ingest", path, "-o", db])
    assert rc == 1 and out == ""
    assert err == f"gffbase ingest: error: {path}: no feature lines found (the input is empty){HINT_NO_FEATURES}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.gff3"]


def test_failed_in_memory_build_leaves_no_temp_file(tmp_path):
    """BUG: create_db(..., ":memory:") makes a temporary .gffdb with mkstemp and
    removes it only on success; every failed in-memory build leaves an empty
    gffbase-memory-*.gffdb in the temp directory."""
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    path = write(tmp_path, "empty.gff3", b"")
    res = run_case('gffbase.create_db(p["path"], ":memory:")', path=str(path),
                   env={**os.environ, "TMPDIR": str(tmpdir)})
    expect_error(res)
    assert list(tmpdir.iterdir()) == []


def test_crlf_line_ends_are_invisible(tmp_path):
    lf = ("##gff-version 3\n" + line(attrs="ID=g;Name=x") + line(ftype="mRNA", attrs="ID=t;Parent=g") +
          line(ftype="exon", attrs="ID=e;Parent=t"))
    gtf = ('chr1\ts\texon\t1\t50\t.\t+\t.\tgene_id "G"; transcript_id "T";\n'
           'chr1\ts\texon\t60\t90\t.\t+\t.\tgene_id "G"; transcript_id "T";\n')
    results = {}
    for name, text in [("lf.gff3", lf), ("crlf.gff3", lf.replace("\n", "\r\n")), ("lf.gtf", gtf),
                       ("crlf.gtf", gtf.replace("\n", "\r\n"))]:
        path = write(tmp_path, name, text)
        results[name] = expect_ok(build(path, extra="""
            out["lines"] = [str(f) for f in db.all_features(order_by="file_order")]
            out["tree"] = {f.id: [c.id for c in db.children(f.id)] for f in db.all_features()}
            out["attrs"] = [dict(f.attributes) for f in db.all_features(order_by="file_order")]
        """))
    assert results["crlf.gff3"] == results["lf.gff3"]
    assert results["crlf.gtf"] == results["lf.gtf"]
    assert not any("\r" in s for s in results["crlf.gff3"]["lines"] + results["crlf.gtf"]["lines"])
    assert results["crlf.gff3"]["tree"]["g"] == ["t", "e"]
    assert results["crlf.gff3"]["directives"] == ["gff-version 3"]


def test_more_than_nine_columns(tmp_path):
    text = line(attrs="ID=a\textra\tmore")
    path = write(tmp_path, "ten.gff3", text)
    out = expect_ok(build(path))
    assert out["ids"] == ["a\textra\tmore"]  # lenient: the extra columns stay in column 9
    assert out["problems"] == [
        f"{path}:1: error: line: expected 9 tab-separated columns, found more than 9 (extra tab in column 9)\n"
        "  | chr1\\tsrc\\tgene\\t1\\t100\\t.\\t+\\t.\\tID=a\\textra\\tmore\n"
        "  hint: lenient mode keeps the extra columns as part of the attributes; strict mode rejects the line"]
    msg = expect_error(build(path, strict=True))
    assert msg == out["problems"][0]


def test_fewer_than_nine_columns(tmp_path):
    path = write(tmp_path, "eight.gff3", line(attrs="ID=ok") + "chr1 src gene 1 100 . + .\n")
    out = expect_ok(build(path))
    assert out["ids"] == ["ok"]
    assert out["problems"][0].startswith(f"{path}:2: error: line: expected 9 tab-separated columns, found 1 column\n")
    assert out["problems"][0].endswith("hint: columns must be separated by tabs; this line seems to use spaces")


# ---------------------------------------------------------------------------
# Coordinates

def test_coordinates_past_2_to_the_31(tmp_path):
    big = [(3_000_000_000, 3_000_000_100), (2**32 + 5, 2**33), (2**62, 2**62 + 10)]
    text = "".join(line(start=str(s), end=str(e), attrs=f"ID=f{i}") for i, (s, e) in enumerate(big))
    path = write(tmp_path, "big.gff3", text)
    out = expect_ok(build(path, extra="""
        out["coords"] = [(f.start, f.end) for f in db.all_features(order_by="file_order")]
        out["hits"] = [[f.id for f in db.region(("chr1", s, s))] for s, _ in p["big"]]
        out["within"] = [f.id for f in db.region(("chr1", 2**32, 2**33), completely_within=True)]
        t = db.region_batched([("chr1", 2**62 + 1, 2**62 + 2)])
        out["batched"] = t.column("id").to_pylist()
        out["start_col"] = t.column("start").to_pylist()
    """, big=big))
    assert out["coords"] == [list(c) for c in big]
    assert out["hits"] == [["f0"], ["f1"], ["f2"]]
    assert out["within"] == ["f1"]
    assert out["batched"] == ["f2"] and out["start_col"] == [2**62]
    assert out["problems"] == []


def test_coordinate_beyond_int64(tmp_path):
    path = write(tmp_path, "huge.gff3", line(start="1", end=str(2**63), attrs="ID=x") + line(attrs="ID=y"))
    out = expect_ok(build(path))
    assert out["ids"] == ["y"]
    assert out["problems"] == [
        f'{path}:1: error: column 5 (end): expected an integer below 2^63, found "{2**63}"\n'
        f"  | chr1\\tsrc\\tgene\\t1\\t{2**63}\\t.\\t+\\t.\\tID=x\n"
        "  hint: the coordinate is too large"]


def test_start_after_end(tmp_path):
    path = write(tmp_path, "swap.gff3", line(start="900", end="100", attrs="ID=s"))
    out = expect_ok(build(path, extra='out["coords"] = (db["s"].start, db["s"].end)'))
    assert out["coords"] == [100, 900]  # lenient: swapped
    expected = (f"{path}:1: error: columns 4-5 (start, end): expected start <= end, found start 900 > end 100\n"
                "  | chr1\\tsrc\\tgene\\t900\\t100\\t.\\t+\\t.\\tID=s\n"
                "  hint: lenient mode swaps start and end; fix the coordinates to silence this")
    assert out["problems"] == [expected]
    assert expect_error(build(path, strict=True)) == expected


@pytest.mark.parametrize("start, end, column", [("-5", "10", 4), ("5", "-10", 5), ("-0x1", "10", 4)])
def test_negative_coordinates(tmp_path, start, end, column):
    path = write(tmp_path, "neg.gff3", line(start=start, end=end, attrs="ID=n") + line(attrs="ID=ok"))
    out = expect_ok(build(path))
    assert out["ids"] == ["ok"]  # lenient: the line is skipped, and said so
    bad = start if column == 4 else end
    name = "start" if column == 4 else "end"
    assert out["problems"][0].startswith(
        f'{path}:1: error: column {column} ({name}): expected a positive integer, found "{bad}"\n')
    msg = expect_error(build(path, strict=True))
    assert msg == out["problems"][0]


def test_zero_start_is_a_warning(tmp_path):
    path = write(tmp_path, "zero.gff3", line(start="0", end="10", attrs="ID=z"))
    out = expect_ok(build(path, strict=True, extra='out["start"] = db["z"].start'))
    assert out["start"] == 0
    assert out["problems"][0].startswith(f"{path}:1: warning: column 4 (start): expected a 1-based coordinate (>= 1)")
