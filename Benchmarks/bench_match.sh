#!/bin/sh
# Matching benchmark (issue 3): builds MatchBenchmark in release mode and runs it. It generates
# 10,000 entities x 3 aliases, 50 rules and 100,000 items of about 500 bytes, matches them on one
# thread, then runs `grep -F -c -f` over the same aliases and text in the same run, and prints
# items/s, MB/s (wall and per CPU second) and the ratio to grep.
#   sh Benchmarks/bench_match.sh [items] [entities] [--dense]
set -eu
cd "$(dirname "$0")/.."
nice -n 10 swift build -c release --scratch-path .build-release --product MatchBenchmark
bin="$(nice -n 10 swift build -c release --scratch-path .build-release --show-bin-path)"
echo "\$ nice -n 10 $bin/MatchBenchmark $*"
exec nice -n 10 "$bin/MatchBenchmark" "$@"
