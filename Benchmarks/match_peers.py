#!/usr/bin/env python3
"""Peers of the matching benchmark: Hyperscan (PyPI `hyperscan`) and `ahocorasick-rs` over the
aliases and text MatchBenchmark wrote to DIR (FRENEMY_BENCH_DIR), timed in CPU seconds.

    python3 Benchmarks/match_peers.py DIR [--bounded-limit N]

Hyperscan's word-bounded compile grows faster than linearly (81 s for 30,000 aliases here), so
it is skipped, with a note, above N aliases (default 50,000; 0 for no limit).

Each peer scans the whole corpus as one buffer (no per-item call overhead), 5 times; CPU time
(`time.process_time`) is averaged, so the figures are what one core did. Pattern compile is timed
apart. Hyperscan runs twice: the aliases as plain literals (raw scan), and as `\\b...\\b`
regexes (word-bounded, the same whole-word semantics frenemy enforces). ahocorasick-rs has no word
boundaries; it is a raw overlapping scan. Both are case-sensitive, like `grep -F`.
"""

import json
import os
import re
import sys
import time

ROUNDS = 5


def cpu(fn):
    total = 0.0
    result = None
    for _ in range(ROUNDS):
        t0 = time.process_time()
        result = fn()
        total += time.process_time() - t0
    return total / ROUNDS, result


def escape(alias: str) -> bytes:
    """A literal as a Hyperscan (PCRE-syntax) expression."""
    return re.sub(r"([\\^$.|?*+()\[\]{}/])", r"\\\1", alias).encode("utf-8")


def main() -> int:
    args = sys.argv[1:]
    limit = 50_000
    if len(args) == 3 and args[1] == "--bounded-limit":
        limit = int(args[2])
        args = args[:1]
    if len(args) != 1:
        print(__doc__)
        return 2
    d = args[0]
    with open(os.path.join(d, "aliases.txt"), encoding="utf-8") as f:
        aliases = [a for a in f.read().split("\n") if a]
    with open(os.path.join(d, "corpus-1x.txt"), "rb") as f:
        corpus = f.read()
    try:
        with open(os.path.join(d, "frenemy.json"), encoding="utf-8") as f:
            frenemy = json.load(f)
    except OSError:
        frenemy = None
    mb = len(corpus) / 1e6
    text = corpus.decode("utf-8")
    results = {}
    try:
        import hyperscan
    except ImportError:
        print("hyperscan not installed: python3 -m pip install hyperscan")
        return 1
    try:
        import ahocorasick_rs
    except ImportError:
        print("ahocorasick-rs not installed: python3 -m pip install ahocorasick-rs")
        return 1

    def hs_run(label, exprs, flags):
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        t0 = time.process_time()
        db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs), flags=flags)
        compile_s = time.process_time() - t0
        scratch = hyperscan.Scratch(db)
        count = [0]

        def on_match(_id, _from, _to, _flags, _ctx):
            count[0] += 1
            return None

        def scan():
            count[0] = 0
            db.scan(corpus, match_event_handler=on_match, scratch=scratch)
            return count[0]

        secs, hits = cpu(scan)
        results[label] = {"compile_s": compile_s, "scan_cpu_s": secs, "mb_per_cpu_s": mb / secs, "hits": hits}

    hs_run("hyperscan literal", [escape(a) for a in aliases], 0)
    if limit == 0 or len(aliases) <= limit:
        hs_run("hyperscan \\b..\\b", [b"\\b" + escape(a) + b"\\b" for a in aliases], 0)
    else:
        print(f"hyperscan \\b..\\b skipped: {len(aliases)} aliases > --bounded-limit {limit}")
    t0 = time.process_time()
    ac = ahocorasick_rs.AhoCorasick(aliases)
    ac_compile = time.process_time() - t0
    secs, hits = cpu(lambda: len(ac.find_matches_as_indexes(text, overlapping=True)))
    results["ahocorasick-rs"] = {"compile_s": ac_compile, "scan_cpu_s": secs, "mb_per_cpu_s": mb / secs, "hits": hits}

    print(f"peers over the same {len(aliases)} aliases and {mb:.1f} MB of text (whole corpus, {ROUNDS} runs, CPU s):")
    for label, r in results.items():
        line = (
            f"  {label:18} {r['mb_per_cpu_s']:7.1f} MB/s per CPU second, compile {r['compile_s']:.2f} s, "
            f"{r['hits']} hits"
        )
        if frenemy:
            line += f"; frenemy (full rule evaluation) is {frenemy['mb_per_cpu_s'] / r['mb_per_cpu_s']:.2f}x"
        print(line)
    if frenemy and "hyperscan \\b..\\b" in results:
        hs = results["hyperscan \\b..\\b"]["mb_per_cpu_s"]
        ok = frenemy["mb_per_cpu_s"] >= hs
        print(
            f"target: frenemy with every rule evaluated at least as fast as Hyperscan's word-bounded scan: "
            f"{'met' if ok else 'NOT met'} ({frenemy['mb_per_cpu_s']:.1f} vs {hs:.1f} MB/s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
