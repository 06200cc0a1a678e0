"""Corrupt, truncated and foreign .gffdb files are detected at open or at first
use with gffbase.CorruptDatabaseError (an OSError) naming the file, verify()
names every damaged section, and `gffbase info DB --verify` exits 1.

The file layout used to aim the damage (include/gffbase/store/format.hpp):
a 64-byte header (magic, version major/minor u32 at 8/12, file size u64 at 16,
section count u32 at 24, table CRC u32 at 28, table offset u64 at 32,
header CRC u32 at 60 over bytes [0, 60)), then `section_count` 64-byte entries
``<32sQQIIQ`` (name, offset, length, crc32, element size, param) at 64.

Every damaged database is opened in a child process so a crash fails a test
instead of killing pytest.
"""

from __future__ import annotations

import json
import sqlite3
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

import gffbase

ENTRY = struct.Struct("<32sQQIIQ")
HEADER = 64
CORRUPT_HINT = "(hint: rebuild it with `gffbase ingest --force`)"
BLOCK_BYTES = 1 << 10  # the writer's block size: one checksum per 1 KiB of every section (format 1.1: 64 KiB)


def damaged_message(path, section: str, offset_in_section: int) -> str:
    """The error for damage at `offset_in_section`: its block and section are named."""
    return (f"{path}: corrupt database: block {offset_in_section // BLOCK_BYTES} of section '{section}' "
            f"fails its checksum {CORRUPT_HINT}")
NOT_VALID_HINT = " (hint: rebuild it with `gffbase ingest`; a .gffdb is made only by gffbase)"


# ---------------------------------------------------------------------------
# Layout helpers

def sections(data: bytes) -> dict:
    """name -> (entry index, offset, length, crc, element size)."""
    count = struct.unpack_from("<I", data, 24)[0]
    out = {}
    for i in range(count):
        name, off, length, crc, esize, _ = ENTRY.unpack_from(data, HEADER + 64 * i)
        out[name.rstrip(b"\0").decode()] = (i, off, length, crc, esize)
    return out


def fix_checksums(data: bytearray) -> None:
    """Recomputes every section CRC, the table CRC and the header CRC (a crafted file)."""
    count = struct.unpack_from("<I", data, 24)[0]
    for i in range(count):
        at = HEADER + 64 * i
        name, off, length, _crc, esize, res = ENTRY.unpack_from(data, at)
        ENTRY.pack_into(data, at, name, off, length, zlib.crc32(data[off:off + length]) & 0xFFFFFFFF, esize, res)
    struct.pack_into("<I", data, 28, zlib.crc32(data[HEADER:HEADER + 64 * count]) & 0xFFFFFFFF)
    struct.pack_into("<I", data, 60, zlib.crc32(data[:60]) & 0xFFFFFFFF)


def run_child(code: str, timeout: float = 120, **params) -> dict:
    """Runs `code` in a fresh interpreter; it fills `out`.  A crash or hang fails the test."""
    runner = ("import json, sys, gffbase\np = json.loads(sys.argv[1])\nout = {}\n" + textwrap.dedent(code) +
              "\nsys.stdout.write('\\n@@RESULT@@' + json.dumps(out))\n")
    try:
        proc = subprocess.run([sys.executable, "-c", runner, json.dumps(params)], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang: the child did not finish within {timeout} s", pytrace=False)
    if "@@RESULT@@" not in proc.stdout:
        progress = proc.stdout.strip().splitlines()[-1:] or ["(nothing)"]
        pytest.fail(f"crash: exit status {proc.returncode}; last progress line: {progress[0]}\n"
                    f"stderr:\n{proc.stderr[-3000:]}", pytrace=False)
    return json.loads(proc.stdout.rsplit("@@RESULT@@", 1)[1])


# A digest of every public query, so a damaged file either raises or answers
# exactly like the intact one (never silently differently).
SWEEP = r"""
import hashlib
def sweep(path):
    h = {}
    db = gffbase.FeatureDB(path)
    ids = [f.id for f in db.all_features(order_by="file_order")]
    h["lines"] = hashlib.sha1("\n".join(str(f) for f in db.all_features(order_by="file_order")).encode()).hexdigest()
    h["rows"] = [(f.seqid, f.source, f.featuretype, f.start, f.end, f.score, f.strand, f.frame, f.id)
                 for f in db.all_features()]
    h["get"] = [db[i].id for i in ids]
    h["tree"] = [([c.id for c in db.children(i)], [q.id for q in db.parents(i)]) for i in ids]
    h["types"] = {t: [f.id for f in db.features_of_type(t)] for t in db.featuretypes()}
    h["regions"] = {s: [f.id for f in db.region(s)] for s in db.seqids()}
    h["sub"] = [f.id for f in db.region(("chr1", 150, 450))]
    h["attr"] = [[f.id for f in db.features_with_attribute(k, v)] for k, v in p["attrs"]]
    h["key"] = [f.id for f in db.features_with_attribute("Parent")]
    h["problems"] = db.problems()
    h["meta"] = sorted(k for k in db.meta() if k != "created_unix")
    h["directives"] = db.directives
    h["fasta"] = db._db.fasta()
    h["file_order"] = db._db.rows_in_file_order()  # what update()/delete() and `gffbase export` walk
    h["batched"] = db.children_batched(ids).num_rows + db.region_batched([("chr1", 1, 10**6)]).num_rows
    h["sql"] = db.execute("select count(*), sum(start), string_agg(id, ',' order by id) from features").fetchall()
    h["sql_attr"] = db.execute("select count(*), string_agg(value, ',' order by row, key, idx) from attributes").fetchall()
    h["sql_rel"] = db.execute("select count(*) from relations").fetchall()
    return json.loads(json.dumps(h))
"""


GFF3 = """##gff-version 3
##sequence-region chr1 1 1000
chr1\tsrc\tgene\t100\t900\t.\t+\t.\tID=g1;Name=alpha
chr1\tsrc\tmRNA\t100\t900\t.\t+\t.\tID=t1;Parent=g1
chr1\tsrc\texon\t100\t200\t.\t+\t.\tID=e1;Parent=t1
chr1\tsrc\texon\t400\t900\t.\t+\t.\tID=e2;Parent=t1;Note=a%3Bb
chr1\tsrc\tCDS\t150\t200\t.\t+\t0\tID=c1;Parent=t1
chr1\tsrc\tCDS\t400\t500\t.\t+\t2\tID=c1;Parent=t1
chr2\tsrc\tgene\t5\t50\t7.5\t-\t.\tID=g2;Parent=missing
##FASTA
>chr1
ACGTACGT
"""

GTF = """chr1\tsrc\texon\t100\t200\t.\t+\t.\tgene_id "G1"; transcript_id "T1";
chr1\tsrc\texon\t300\t400\t.\t+\t.\tgene_id "G1"; transcript_id "T1";
chr1\tsrc\tCDS\t150\t200\t.\t+\t0\tgene_id "G1"; transcript_id "T1";
chr1\tsrc\texon\t500\t600\t.\t-\t.\tgene_id "G2"; transcript_id "T2";
"""

# Stored, but read by no query (only verify() checks it).
NEVER_READ = {"directive.lines"}

ATTRS = {"gff3": [["ID", "e2"], ["Note", "a;b"], ["Name", "alpha"]],
         "gtf": [["gene_id", "G1"], ["transcript_id", "T2"]]}


@pytest.fixture(scope="module")
def dbs(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("corrupt")
    out = {}
    for name, text in [("gff3", GFF3), ("gtf", GTF)]:
        path = d / f"{name}.gffdb"
        gffbase.create_db(text, str(path), from_string=True)
        out[name] = path
    return out


def test_fixtures_cover_every_section(dbs):
    """Together the two fixture databases have bytes in every section."""
    empty = {}
    for name, path in dbs.items():
        for sec, (_i, _off, length, _crc, _e) in sections(path.read_bytes()).items():
            empty.setdefault(sec, []).append(length == 0)
    assert len(empty) == 51  # 50 data sections + checksums.blocks (format 1.1)
    assert [s for s, e in empty.items() if all(e)] == []


# ---------------------------------------------------------------------------
# One flipped byte in each section

@pytest.mark.parametrize("kind", ["gff3", "gtf"])
def test_flipped_byte_in_every_section(dbs, tmp_path, kind, gffbase_cli):
    good = dbs[kind].read_bytes()
    damaged = {}
    for sec, (_i, off, length, _crc, _e) in sections(good).items():
        if length == 0:
            continue
        data = bytearray(good)
        data[off + length // 2] ^= 0x55
        path = tmp_path / f"{sec}.gffdb"
        path.write_bytes(bytes(data))
        damaged[sec] = str(path)
    assert len(damaged) >= 40

    res = run_child(SWEEP + r"""
clean = sweep(p["good"])
out["sections"] = {}
for sec, path in p["damaged"].items():
    print("section", sec, flush=True)
    r = {}
    try:
        db = gffbase.FeatureDB(path)
        r["open"] = "ok"
    except gffbase.CorruptDatabaseError as e:
        r["open"] = str(e)
        db = None
    if db is not None:
        try:
            db.verify()
            r["verify"] = "ok"
        except gffbase.CorruptDatabaseError as e:
            r["verify"] = str(e)
    try:
        r["sweep"] = "same" if sweep(path) == clean else "DIFFERENT"
    except gffbase.CorruptDatabaseError as e:
        r["sweep"] = str(e)
    except Exception as e:
        r["sweep"] = f"WRONG EXCEPTION {type(e).__name__}: {e}"
    out["sections"][sec] = r
""", good=str(dbs[kind]), damaged=damaged, attrs=ATTRS[kind])

    failures = []
    for sec, r in res["sections"].items():
        path = damaged[sec]
        want = damaged_message(path, sec, sections(good)[sec][2] // 2)
        # Detected at open (a structural check, or FeatureDB reading meta and
        # directives) or else by verify(), naming the file and the section.
        if r["open"] != "ok":
            detected = r["open"]
            if not (detected == want or (detected.startswith(f"{path}: not a valid .gffdb: ") and f"'{sec}'" in detected)):
                failures.append(f"{sec}: open said {detected!r}")
        else:
            detected = r["verify"]
            if detected != want:
                failures.append(f"{sec}: verify said {detected!r}")
        # Every other use raises the same error; nothing answers differently.
        # (A section no query reads can only be caught by verify().)
        if r["sweep"] == "same" and sec in NEVER_READ:
            continue
        if r["sweep"] not in (want, detected):
            failures.append(f"{sec}: the query sweep gave {r['sweep']!r}")
    assert failures == []

    for sec, path in list(damaged.items())[::5]:
        proc = subprocess.run([gffbase_cli, "info", path, "--verify"], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 1, (sec, proc.stdout)
        assert f"section '{sec}'" in proc.stderr and path in proc.stderr, proc.stderr


def test_flipped_padding_byte_is_harmless(dbs, tmp_path):
    """Alignment padding between sections is covered by no checksum: damage there
    is not detected, and does not change any answer (documented)."""
    good = dbs["gff3"].read_bytes()
    secs = sorted(sections(good).values(), key=lambda s: s[1])
    gap = next(s for s in secs if s[2] % 64 != 0)
    data = bytearray(good)
    data[gap[1] + gap[2]] ^= 0xFF  # first padding byte after this section
    path = tmp_path / "padding.gffdb"
    path.write_bytes(bytes(data))
    res = run_child(SWEEP + """
db = gffbase.FeatureDB(p["path"])
db.verify()
out["same"] = sweep(p["path"]) == sweep(p["good"])
""", path=str(path), good=str(dbs["gff3"]), attrs=ATTRS["gff3"])
    assert res == {"same": True}


# ---------------------------------------------------------------------------
# Header, table, truncation, version, foreign files

def _open_all(paths: dict) -> dict:
    res = run_child("""
out["r"] = {}
for key, path in p["paths"].items():
    try:
        gffbase.FeatureDB(path)
        out["r"][key] = ["ok", ""]
    except gffbase.GffbaseError as e:
        out["r"][key] = [type(e).__name__, str(e), isinstance(e, OSError)]
    except Exception as e:
        out["r"][key] = ["WRONG " + type(e).__name__, str(e), False]
""", paths={k: str(v) for k, v in paths.items()})
    return res["r"]


def test_every_header_byte_is_checked(dbs, tmp_path):
    good = dbs["gff3"].read_bytes()
    paths = {}
    for i in range(HEADER):
        data = bytearray(good)
        data[i] ^= 0x01
        paths[i] = tmp_path / f"h{i}.gffdb"
        paths[i].write_bytes(bytes(data))
    results = _open_all(paths)
    for i, (cls, msg, *oserr) in results.items():
        why = "wrong magic bytes at the start of the file" if int(i) < 8 else "the header fails its checksum"
        assert (cls, msg) == ("CorruptDatabaseError", f"{paths[int(i)]}: not a valid .gffdb: {why}{NOT_VALID_HINT}")
        assert oserr == [True]


def test_every_section_table_entry_is_checked(dbs, tmp_path):
    good = dbs["gff3"].read_bytes()
    count = struct.unpack_from("<I", good, 24)[0]
    paths = {}
    for i in range(count):
        data = bytearray(good)
        data[HEADER + 64 * i + 40] ^= 0x01  # the entry's length
        paths[i] = tmp_path / f"t{i}.gffdb"
        paths[i].write_bytes(bytes(data))
    for i, (cls, msg, *_rest) in _open_all(paths).items():
        assert (cls, msg) == ("CorruptDatabaseError",
                              f"{paths[int(i)]}: not a valid .gffdb: the section table fails its checksum{NOT_VALID_HINT}")


def test_truncated_and_extended_files(dbs, tmp_path):
    good = dbs["gff3"].read_bytes()
    n = len(good)
    cuts = [0, 1, 63, 64, 100, 64 + 64 * 50, n // 2, n - 1]
    paths = {c: tmp_path / f"cut{c}.gffdb" for c in cuts}
    for c, path in paths.items():
        path.write_bytes(good[:c])
    paths["extended"] = tmp_path / "extended.gffdb"
    paths["extended"].write_bytes(good + b"\0" * 64)
    results = _open_all(paths)
    for key, (cls, msg, *_rest) in results.items():
        path = paths[int(key) if key != "extended" else key]
        if key == "0":
            why = "the file is empty"
        elif key in ("1", "63"):
            why = f"the file is too short ({key} bytes)"
        elif key == "extended":
            why = f"the file is {n + 64} bytes but its header says {n} (truncated or extended)"
        else:
            why = f"the file is {key} bytes but its header says {n} (truncated or extended)"
        assert (cls, msg) == ("CorruptDatabaseError", f"{path}: not a valid .gffdb: {why}{NOT_VALID_HINT}"), key


def test_wrong_version(dbs, tmp_path):
    good = bytearray(dbs["gff3"].read_bytes())
    major = bytearray(good)
    struct.pack_into("<II", major, 8, 2, 0)
    fix_checksums(major)
    minor = bytearray(good)
    struct.pack_into("<II", minor, 8, 1, 7)
    fix_checksums(minor)
    paths = {"major": tmp_path / "v2.gffdb", "minor": tmp_path / "v1_7.gffdb"}
    paths["major"].write_bytes(bytes(major))
    paths["minor"].write_bytes(bytes(minor))
    r = _open_all(paths)
    assert r["major"][:2] == ["CorruptDatabaseError",
                              f"{paths['major']}: not a valid .gffdb: format version 2.0 is not supported "
                              f"(this gffbase reads version 1.x){NOT_VALID_HINT}"]
    assert r["minor"] == ["ok", ""], "a newer minor version is readable"


def test_foreign_files(tmp_path, dbs):
    text = tmp_path / "text.gffdb"
    text.write_text("chr1\t.\tgene\t1\t2\t.\t+\t.\tID=a\n" * 10)
    sqlite = tmp_path / "gffutils.db"
    con = sqlite3.connect(sqlite)
    con.execute("create table features (id text)")
    con.commit()
    con.close()
    gz = tmp_path / "gz.gffdb"
    gz.write_bytes(zlib.compress(dbs["gff3"].read_bytes()))
    r = _open_all({"text": text, "sqlite": sqlite, "gz": gz})
    assert r["text"][:2] == ["CorruptDatabaseError",
                             f"{text}: not a valid .gffdb: wrong magic bytes at the start of the file{NOT_VALID_HINT}"]
    assert r["sqlite"][:2] == ["CorruptDatabaseError",
                               f"{sqlite}: not a valid .gffdb: this is an SQLite file (a gffutils database?), "
                               f"not a gffbase database{NOT_VALID_HINT}"]
    assert r["gz"][0] == "CorruptDatabaseError" and str(gz) in r["gz"][1]
    assert all(v[2] for v in r.values()), "CorruptDatabaseError is an OSError"


def test_missing_file_and_directory(tmp_path):
    r = _open_all({"missing": tmp_path / "nope.gffdb", "dir": tmp_path})
    assert r["missing"][:2] == ["DatabaseNotFoundError",  # a GffbaseIOError, and a ValueError as in gffutils
                                f"{tmp_path / 'nope.gffdb'}: cannot open database: No such file or directory"]
    assert r["dir"][:2] == ["GffbaseIOError", f"{tmp_path}: is a directory, expected a .gffdb file"]
    assert r["missing"][2] and r["dir"][2]


def test_cli_info_on_damaged_and_foreign_files(dbs, tmp_path, gffbase_cli):
    good = bytearray(dbs["gff3"].read_bytes())
    _i, off, length, _c, _e = sections(bytes(good))["row.start"]
    good[off + length // 2] ^= 0xFF
    flipped = tmp_path / "flipped.gffdb"
    flipped.write_bytes(bytes(good))
    proc = subprocess.run([gffbase_cli, "info", str(flipped), "--verify"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr == f"gffbase info: error: {damaged_message(flipped, 'row.start', length // 2)}\n"
    ok = subprocess.run([gffbase_cli, "info", str(dbs["gff3"]), "--verify"], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("verify: ok")
    sqlite = tmp_path / "x.db"
    sqlite3.connect(sqlite).execute("create table t (x)").connection.commit()
    proc = subprocess.run([gffbase_cli, "info", str(sqlite)], capture_output=True, text=True)
    assert proc.returncode == 1 and "this is an SQLite file" in proc.stderr and str(sqlite) in proc.stderr


# ---------------------------------------------------------------------------
# Batched queries on a damaged section (worker threads)

@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.gffdb"
    gffbase.create_db(gffbase.synthetic_annotation(5000, seed=3), str(path), from_string=True)
    return path


@pytest.mark.parametrize("section, call", [
    ("feature.children", "db.children_batched(genes, threads=2)"),
    ("feature.parents", "db.parents_batched(exons, threads=2)"),
    ("row.max_end", "db.region_batched([(s, 1, 10**8) for s in ('chr1', 'chr2', 'chr3')] * 3000, threads=2)"),
])
def test_batched_query_on_damaged_section_raises(big_db, tmp_path, section, call):
    """BUG: the batched queries run their first touch of a section inside worker
    threads (arrow/batched.cpp parallel_parts); the checksum failure is thrown
    there, escapes the std::thread and aborts the whole process ("terminate
    called without an active exception") instead of raising CorruptDatabaseError."""
    data = bytearray(big_db.read_bytes())
    _i, off, length, _c, _e = sections(bytes(data))[section]
    data[off + length // 2] ^= 0xFF
    path = tmp_path / "damaged.gffdb"
    path.write_bytes(bytes(data))
    res = run_child(f"""
db = gffbase.FeatureDB(p["path"])
genes = [f.id for f in db.features_of_type("gene")]
exons = [f.id for f in db.features_of_type("exon")][:5000]
try:
    {call}
    out["r"] = "no error"
except gffbase.CorruptDatabaseError as e:
    out["r"] = str(e)
""", path=str(path))
    assert res["r"] == damaged_message(path, section, length // 2)


# ---------------------------------------------------------------------------
# Crafted files whose checksums are right

def test_verify_rejects_non_monotone_string_offsets(dbs, tmp_path, gffbase_cli):
    """BUG: verify() checks a string column's offsets only at both ends (and
    open() the same); a file with correct checksums whose middle offsets go
    backwards passes verify(), after which the string accessors build views
    outside the mapping (the fuzzer's fuzz_gffdb_open found it via meta();
    Python: FeatureDB(path) reads meta and dies with MemoryError/SIGSEGV)."""
    data = bytearray(dbs["gff3"].read_bytes())
    _i, off, length, _c, _e = sections(bytes(data))["dict.type.offsets"]
    assert length >= 32
    struct.pack_into("<q", data, off + 8, 1 << 61)  # offsets[1]: far past the data
    fix_checksums(data)
    path = tmp_path / "crafted.gffdb"
    path.write_bytes(bytes(data))
    res = run_child("""
try:
    gffbase._core.Database.open(p["path"]).verify()
    out["r"] = "verify passed"
except gffbase.CorruptDatabaseError as e:
    out["r"] = str(e)
""", path=str(path))
    assert res["r"].startswith(f"{path}: "), res["r"]
    proc = subprocess.run([gffbase_cli, "info", str(path), "--verify"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, proc.stdout[:300]
