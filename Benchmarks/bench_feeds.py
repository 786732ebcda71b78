#!/usr/bin/env python3
"""Feed parsing benchmark (issue 4): frenemy's FeedParser beside Python's feedparser and
feedparser-rs (both from PyPI), on the same generated corpus, in the same run, one core each.

    python3 Benchmarks/bench_feeds.py [--files 120] [--seconds 3] [--rounds 3] [--by-format] [--corpus DIR] [--no-build]

Installs the two PyPI packages if missing, builds FeedBenchmark in release mode (scratch path
.build-release), generates the corpus into a temporary folder (or uses --corpus DIR: any folder of
feed files), and prints items/s and MB/s (MB = 10^6 bytes) for each parser and the ratios, per wall
second and per CPU second. Each parser runs on one thread; on a shared machine the CPU-second
figures are the ones to compare (the wall clock also counts time spent waiting for a core).
frenemy and feedparser-rs take turns for --rounds rounds, so that both see the same machine; the
ratio is the median of the rounds' ratios, and the table shows each parser's median round.
"""

import argparse
import glob
import importlib.util
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import feedcorpus  # noqa: E402
from benchlib import build  # noqa: E402

PYPI = {"feedparser": "feedparser", "feedparser_rs": "feedparser-rs"}


def ensure_python_packages():
    missing = [pkg for mod, pkg in PYPI.items() if importlib.util.find_spec(mod) is None]
    if missing:
        print("installing from PyPI: " + " ".join(missing), flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)
        importlib.invalidate_caches()


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_python(name, parse, files, seconds):
    """Parses the whole corpus until `seconds` of CPU time have been spent (at least one pass)."""
    items_per_pass = 0
    for data in files:
        items_per_pass += len(parse(data).entries)
    passes, start, cpu0 = 0, time.perf_counter(), cpu_seconds()
    while True:
        for data in files:
            parse(data)
        passes += 1
        if cpu_seconds() - cpu0 >= seconds:
            break
    return {"name": name, "passes": passes, "wall": time.perf_counter() - start, "cpu": cpu_seconds() - cpu0,
            "items_per_pass": items_per_pass}


def mb_per_cpu(run, bytes_per_pass):
    return bytes_per_pass * run["passes"] / 1e6 / run["cpu"]


def median_run(runs, bytes_per_pass):
    return sorted(runs, key=lambda r: mb_per_cpu(r, bytes_per_pass))[len(runs) // 2]


def run_swift(binary, folder, bytes_per_pass, seconds, echo=True):
    # A calibration run picks the iteration count that fills about `seconds` of CPU time.
    probe = subprocess.run([binary, folder, "3"], check=True, capture_output=True, text=True).stdout
    cpu3 = float(re.search(r"cpu ([0-9.]+) s", probe).group(1))
    iterations = max(3, int(3 * seconds / max(cpu3, 1e-3)))
    out = subprocess.run([binary, folder, str(iterations)], check=True, capture_output=True, text=True).stdout
    if echo:
        sys.stdout.write("".join("  | " + line + "\n" for line in out.splitlines()))
    m = re.search(r"files: (\d+) \((\d+) parsed, (\d+) rejected\), (\d+) bytes, (\d+) items per pass", out)
    if int(m.group(4)) != bytes_per_pass:
        raise SystemExit("FeedBenchmark read %s bytes, expected %d" % (m.group(4), bytes_per_pass))
    wall = float(re.search(r"wall ([0-9.]+) s", out).group(1))
    cpu = float(re.search(r"cpu ([0-9.]+) s", out).group(1))
    return {"name": "frenemy FeedParser", "passes": iterations, "wall": wall, "cpu": cpu,
            "items_per_pass": int(m.group(5)), "rejected": int(m.group(3))}


def by_format(binary, folder, paths, feedparser_rs, seconds):
    """Per-format throughput (frenemy vs feedparser-rs), to show where a parser is slow."""
    kinds = sorted({os.path.basename(p).split("-")[2].split(".")[0] for p in paths})
    lines = ["%-6s %8s %16s %16s %8s" % ("format", "MB", "frenemy MB/cpu-s", "rs MB/cpu-s", "ratio")]
    for kind in kinds:
        sub = os.path.join(folder, "only-" + kind)
        os.makedirs(sub)
        chosen = [p for p in paths if "-%s." % kind in os.path.basename(p)]
        for p in chosen:
            os.link(p, os.path.join(sub, os.path.basename(p)))
        data = [open(p, "rb").read() for p in chosen]
        size = sum(len(d) for d in data)
        quiet = open(os.devnull, "w")
        saved, sys.stdout = sys.stdout, quiet
        try:
            swift = run_swift(binary, sub, size, seconds)
        finally:
            sys.stdout = saved
        rs = run_python("feedparser-rs", feedparser_rs.parse, data, seconds)
        s_rate = size * swift["passes"] / 1e6 / swift["cpu"]
        r_rate = size * rs["passes"] / 1e6 / rs["cpu"]
        lines.append("%-6s %8.2f %16.2f %16.2f %7.2fx" % (kind, size / 1e6, s_rate, r_rate, s_rate / r_rate))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=120, help="feeds to generate (default 120, about 5 MB)")
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum CPU seconds timed per parser")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of frenemy and feedparser-rs taking turns")
    ap.add_argument("--corpus", help="parse this folder instead of a generated corpus")
    ap.add_argument("--no-build", action="store_true", help="use the existing release FeedBenchmark")
    ap.add_argument("--by-format", action="store_true",
                    help="also time frenemy and feedparser-rs on each format of the generated corpus alone")
    args = ap.parse_args()

    ensure_python_packages()
    import feedparser
    import feedparser_rs

    if args.no_build:
        binary = os.path.join(ROOT, ".build-release", "release", "FeedBenchmark")
    else:
        binary = build("FeedBenchmark")

    tmp = None
    folder = args.corpus
    if folder is None:
        tmp = tempfile.mkdtemp(prefix="frenemy-feeds-")
        folder = tmp
        kinds = {}
        for n in range(args.files):
            kind, ext, data = feedcorpus.make_feed(n)
            kinds[kind] = kinds.get(kind, 0) + 1
            with open(os.path.join(folder, "feed-%03d-%s.%s" % (n, kind, ext)), "wb") as f:
                f.write(data)
        print("corpus: generated " + ", ".join("%d %s" % (v, k) for k, v in sorted(kinds.items())))
    try:
        paths = sorted(p for p in glob.glob(os.path.join(folder, "*")) if os.path.isfile(p))
        files = [open(p, "rb").read() for p in paths]
        total = sum(len(d) for d in files)
        print("corpus: %d files, %.2f MB (%d bytes) in %s" % (len(files), total / 1e6, total, folder))
        print("python %s, feedparser %s, feedparser-rs %s" % (
            sys.version.split()[0], feedparser.__version__, feedparser_rs.__version__))

        rounds = []
        for n in range(max(1, args.rounds)):
            swift = run_swift(binary, folder, total, args.seconds, echo=n == 0)
            rs = run_python("feedparser-rs (Python)", feedparser_rs.parse, files, args.seconds)
            rounds.append((swift, rs))
            print("round %d: frenemy %.2f MB/cpu-s, feedparser-rs %.2f MB/cpu-s, ratio %.2fx" % (
                n + 1, mb_per_cpu(swift, total), mb_per_cpu(rs, total),
                mb_per_cpu(swift, total) / mb_per_cpu(rs, total)), flush=True)
        ratios = sorted(mb_per_cpu(a, total) / mb_per_cpu(b, total) for a, b in rounds)
        results = [median_run([a for a, _ in rounds], total), median_run([b for _, b in rounds], total)]
        results.append(run_python("feedparser (Python)", feedparser.parse, files, args.seconds))
        formats = by_format(binary, folder, paths, feedparser_rs, args.seconds / 2) if args.by_format and tmp else []
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print("%-24s %7s %9s %7s %12s %9s %12s %9s" % (
        "parser", "passes", "items", "wall s", "items/s", "MB/s", "items/cpu-s", "MB/cpu-s"))
    for r in results:
        items = r["items_per_pass"] * r["passes"]
        mb = total * r["passes"] / 1e6
        r["ips"], r["mbps"] = items / r["wall"], mb / r["wall"]
        r["ipc"], r["mbpc"] = items / r["cpu"], mb / r["cpu"]
        print("%-24s %7d %9d %7.2f %12.0f %9.2f %12.0f %9.2f" % (
            r["name"], r["passes"], r["items_per_pass"], r["wall"], r["ips"], r["mbps"], r["ipc"], r["mbpc"]))
    swift, rs, fp = results
    if len({r["items_per_pass"] for r in results}) != 1:
        print("note: the parsers disagree on the number of items per pass: "
              + ", ".join("%s %d" % (r["name"], r["items_per_pass"]) for r in results)
              + " (feedparser 6 does not read JSON Feed)")
    if swift.get("rejected"):
        print("note: frenemy rejected %d file(s)" % swift["rejected"])
    print()
    median = ratios[len(ratios) // 2]
    print("ratio frenemy / feedparser-rs: %.2fx per CPU second (median of %d rounds; %.2f-%.2fx)" % (
        median, len(ratios), ratios[0], ratios[-1]))
    print("ratio frenemy / feedparser:    %.2fx items/s (%.2fx per CPU second)" % (
        swift["ips"] / fp["ips"], swift["ipc"] / fp["ipc"]))
    verdict = "met" if median > 1 else "NOT met"
    print("target (faster than feedparser-rs, per CPU second): %s" % verdict)
    if formats:
        print()
        print("per format, frenemy / feedparser-rs (about %g CPU seconds each):" % (args.seconds / 2))
        print("\n".join(formats))


if __name__ == "__main__":
    main()
