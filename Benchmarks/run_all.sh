#!/bin/sh
# All three benchmarks, one after another (`make bench`). Each prints its own figures and ratios;
# BENCHMARKS.md at the repo root records a run and how to read it.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 1/3 matching (issue 3)"
sh "$here/bench_match.sh"
echo "== 1b/3 matching with the shipped rules' regex condition in one of the 50 rules"
sh "$here/bench_match.sh" --regex
echo "== 2/3 feed parsing (issue 4)"
nice -n 10 python3 "$here/bench_feeds.py" --by-format
echo "== 3/3 polling (issue 4)"
nice -n 10 python3 "$here/bench_poll.py"
