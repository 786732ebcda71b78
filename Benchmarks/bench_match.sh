#!/bin/sh
# Matching benchmark (issues 3 and 14): builds MatchBenchmark in release mode and runs it. It
# generates 10,000 entities x 3 aliases (or as many as asked), 50 rules and 100,000 items of about
# 500 bytes, matches them on one thread, then runs `grep -F -c -f` over the same aliases and text
# in the same run, and prints items/s, MB/s (wall and per CPU second), the matcher's bytes per
# alias and the ratio to grep. Then Benchmarks/match_peers.py times Hyperscan (literal and
# word-bounded) and ahocorasick-rs over the same aliases and text.
#   sh Benchmarks/bench_match.sh [items] [entities] [--dense]
set -eu
cd "$(dirname "$0")/.."
python3 -c 'import hyperscan, ahocorasick_rs' 2>/dev/null || python3 -m pip install -q hyperscan==0.9.1 ahocorasick-rs==1.0.3
nice -n 10 swift build -c release --scratch-path .build-release --product MatchBenchmark
bin="$(nice -n 10 swift build -c release --scratch-path .build-release --show-bin-path)"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
echo "\$ nice -n 10 $bin/MatchBenchmark $*"
FRENEMY_BENCH_DIR="$dir" nice -n 10 "$bin/MatchBenchmark" "$@"
echo "\$ nice -n 10 python3 Benchmarks/match_peers.py DIR"
nice -n 10 python3 Benchmarks/match_peers.py "$dir"
