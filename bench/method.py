"""The "Method" section of BENCHMARKS.md: what was measured, how, where, with what."""
from __future__ import annotations

import workloads as W
from tools import RECOMMENDED


def _versions(v: dict) -> list[str]:
    out = ["| tool | interpreter | versions |", "|---|---|---|"]
    for tool, info in v.items():
        if not info:
            continue
        dists = ", ".join(f"{k} {x}" for k, x in (info.get("dists") or {}).items())
        extra = f", SQLite {info['sqlite']}" if info.get("sqlite") else ""
        state = "" if info.get("importable", True) else f" (not importable: {info.get('error')})"
        out.append(f"| {tool} | Python {info.get('python')} `{info.get('executable')}` | {dists}{extra}{state} |")
    return out + [""]


def _corpora(corpora: list[dict]) -> list[str]:
    out = ["| corpus | format | lines | bytes | size class | queried | file |", "|---|---|---:|---:|---|---|---|"]
    for c in corpora:
        path = c["path"].split("/data/", 1)[-1]
        label = {"GFF": "gff3", "GFF3": "gff3", "GTF": "gtf"}.get(c.get("manifest_format"), c["fmt"])
        fmt = c["fmt"] + (f" (MANIFEST says {c['manifest_format']})" if label != c["fmt"] else "")
        out.append(f"| {c['name']} | {fmt}{' .gz' if c['gz'] else ''} | {c['lines']:,} | {c['bytes']:,} | "
                   f"{c['size_class']} | {'yes' if c['query'] else ''} | `{path}` |")
    return out + [""]


def render(r: dict) -> list[str]:
    m, mach = r["meta"], r["machine"]
    caps = m["caps_s"]
    rec = ", ".join(f"{k}={v!r}" for k, v in RECOMMENDED.items())
    return [
        "## Method", "",
        f"- **Command:** `{m['command']}` — mode {m['mode']}, {m['reps']} runs per cell, "
        f"tools {', '.join(m['tools'])}, ratios against `{m['reference_tool']}`.",
        f"- **Machine:** {mach['cpu_model']} ({mach['cores_usable']} usable cores), {mach['memory_gib']} GiB RAM, "
        f"{mach['os']}, kernel {mach['kernel']}; load average at start {', '.join(f'{x:.2f}' for x in mach['loadavg_at_start'])}, "
        f"at end {', '.join(f'{x:.2f}' for x in m['loadavg_at_end'])} (shared machine: other jobs may add noise). "
        f"Date {mach['date_utc']}; repo commit {mach['repo_commit']}{' (dirty)' if mach['repo_dirty'] else ''}.",
        "- **Cache:** warm. Page caches are never dropped (shared machine), and right before every run the files "
        "it reads (the input of an ingest or a floor; a query's database with its sidecars) are read once, untimed, "
        "for every tool alike: this machine reclaims page cache within seconds of other runs, and a database read "
        "cold from disk turned 5,000 region queries on mouse from 0.05 s into 0.2–0.45 s. The process itself is "
        "fresh (its mappings, caches and checksums start cold). Cold-cache numbers would be higher for every tool. "
        "Fresh memory is the largest noise source on this VM: `python bench/fresh_memory.py` touched 500 MB of new "
        "memory (2 MiB pages) at 0.38 GiB/s right after a bench run had freed gigabytes, then at 12.5 GiB/s a second "
        "later — the host backs memory it took back page by page — so a tool's ingest time swings with how much new "
        "memory (its own, and the page cache its output fills) the host must back at that moment. The host takes "
        "back whole free 2 MiB blocks, so after a pause 2 MiB pages are the slow kind (500 MB: ~0.7–0.9 s against "
        "~0.35 s with 4 KiB pages); gffbase therefore advises no huge pages unless `GFFBASE_HUGE_PAGES=1`.",
        "- **Isolation:** every run of every tool × workload × corpus is a fresh subprocess "
        "(`bench/worker.py` under the tool's own interpreter; the CLI and floors are their own processes). "
        "Runs are interleaved: round *i* runs every tool once, so ratios pair run *i* with run *i*.",
        "- **Time:** for library rows, `time.perf_counter()` around the call(s) under test only "
        "(imports — pyarrow too, for every tool, before batched calls — input loading and answer checks "
        "excluded); for the CLI and the floors, the whole process. Every worker runs with "
        "`OPENBLAS_NUM_THREADS=1`: pyarrow's import loads numpy's OpenBLAS, whose extra thread otherwise "
        "busy-waits on the second core during the first ~0.1 s, when the timed call runs (no tool under test "
        "uses BLAS). "
        "Each run is a fresh process, so the timed call is the database's *first* query there: gffbase then "
        "checks the CRC-32 of every checksum block (1 KiB; larger in files of over 512 MB of text) the query "
        "reads (whole sections for batched queries; once per opened database), and the OS maps "
        "the file's pages. Cells show the median [min–max] over the runs.",
        "- **Peak RSS:** `ru_maxrss` of the command as reported by GNU `time -f %M` (not measured from the harness: a child's ru_maxrss would inherit the harness' own RSS across fork+exec), or, if larger, the summed VmRSS of the command and its "
        "descendants polled from /proc; it covers the whole interpreter, imported libraries included. "
        "**Database size:** the file plus any -wal/-journal sidecars after close.",
        f"- **Caps:** a run still going after the cap is killed and reported CENSORED (\">cap\"), never extrapolated; "
        f"further runs of that cell are skipped, as are those of a cell whose run raised. Caps per run: "
        f"{caps['small']:g} s for corpora < 1M lines, {caps['large']:g} s for ≥ 1M lines (mouse), "
        f"{caps['xl']:g} s for ≥ 3M lines (GENCODE-scale) — chosen so the full run fits in 30 minutes on an idle 2-core machine. "
        f"`gffutils-default` on ≥ 1M lines gets {caps.get('default_large', caps['large']):g} s (its GTF inference "
        f"ran > 10 minutes on mouse in a trial). Our gffbase always gets the {caps['small']:g} s cap (it is what the targets measure).",
        "- **Ingest configurations:** `gffutils-default` = `gffutils.create_db(path, dbfn, force=True)`; "
        f"`gffutils-rec` = maintainer-recommended ({rec}); `gffbase03-rec` (and, with --gffbase03-default, `gffbase03-default`) = "
        "the same calls on gffbase 0.3.0 (its create_db mirrors gffutils'); `gffbase` = our `gffbase.create_db(path, dbfn, force=True)`, "
        "`gffbase-rec` = ours with the recommended options; `gffbase-cli` = `gffbase ingest INPUT -o DB --force`. "
        "Ingest ratios are against `gffbase` (falling back to `gffbase-rec`, then `gffbase-cli`, on a corpus where it failed). "
        "Every tool is queried on its `-rec` database (first fallback: the default one), so all hold the same features.",
        f"- **Region queries:** {W.N_REGIONS:,} per corpus, seed {W.SEED}; seqid chosen with probability proportional to its "
        "feature span (max end − min start + 1), so starts are uniform over the annotated bp; start uniform in that span; "
        f"length uniform {W.WINDOW[0]:,}–{W.WINDOW[1]:,} bp; 1-based closed coordinates, overlap semantics. One by one: "
        "`len(list(db.region(region=(seqid, start, end))))`; batched: `db.region_batched(regions, format='arrow')`. "
        f"The {W.N_REGIONS_1M:,}-region list (ours only) continues the same random stream.",
        f"- **children():** {W.N_GENES} gene IDs (explicit `gene` lines; GTF gene_id, GFF3 ID), sorted then "
        f"`random.Random({W.SEED}).sample`; `list(db.children(gene_id))` one by one, timed from the first call after "
        "opening (`children`, what the target is judged on) and, in `children_warm`, on a second pass over the same "
        "genes in the same process (steady state: pages mapped, checksums checked, caches filled; reported, no target).",
        f"- **children_batched:** {W.N_TRANSCRIPTS[0]:,} and {W.N_TRANSCRIPTS[1]:,} transcript IDs (`transcript`/`mRNA` lines; "
        "fewer if the corpus has fewer — the n is in the JSON), `db.children_batched(ids, featuretype='exon', format='arrow')`.",
        f"- **Open:** `FeatureDB(path)` plus one region query, {W.N_OPENS} times per run; the run's figure is their median.",
        "- **Agreement:** see the section below; any disagreement makes `run.py` exit 1.",
        "- **Peers:** installed by the harness into `bench/.venvs/gffutils` (gffutils==0.13) and `bench/.venvs/gffbase03` "
        "(gffbase==0.3.0 with duckdb<2: with the duckdb 2.0 that pip picks by default, gffbase 0.3.0's batched Arrow "
        "path raises AttributeError).",
        "", "### Versions", "", *_versions(r["versions"]),
        "### Corpora", "",
        "Every GFF/GFF3/GTF in `01_whole_genome` and `02_chromosome_subsets` of MANIFEST.tsv (FASTA, refFlat, "
        "genePred and `mm10.reduced.gtf.gz`, a TSV, are excluded by its format column), plus the GENCODE-scale file "
        "from `bench/make_gencode_scale.py` (mouse GTF ×5 under renamed IDs and seqids; every row but gffbase-rec ingests its "
        ".gz copy, only our library row the plain copy). "
        "Query workloads run on the corpora marked *queried* (budget: the peers' one-by-one queries cost "
        "2–13 ms each, 10–65 s per 5,000-query run, whatever the corpus size); the 1M-region workload on mouse "
        "(quick: yeast).", "",
        *_corpora(r["corpora"]),
    ]
