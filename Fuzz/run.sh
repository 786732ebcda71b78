#!/bin/sh
# Builds the libFuzzer targets (FRENEMY_FUZZ=1, -sanitize=fuzzer,address) and runs each for
# FUZZ_SECONDS on a corpus seeded from the test fixtures. Exit status 1 on the first crash;
# libFuzzer leaves the input as crash-* in FUZZ_DIR/artifacts.
#   Fuzz/run.sh [target ...]     FUZZ_SECONDS=30 FUZZ_DIR=.build-fuzz SWIFT=swift
set -eu
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_DIR=${FUZZ_DIR:-.build-fuzz}
targets=${*:-FuzzFeedParser FuzzRules FuzzConfig FuzzSourceBody}

seed() {  # target corpus-dir: copy that target's fixtures in (idempotent)
    case $1 in
    FuzzFeedParser) set -- "$2" Tests/FeedParserTests/Fixtures/* Tests/e2e/fixtures/* Tests/SourceAdaptersTests/Fixtures/*.atom Tests/SourceAdaptersTests/Fixtures/*.rss demo/feeds/* ;;
    FuzzRules) set -- "$2" Rules/*.yaml Rules/examples/*.yaml ;;
    FuzzConfig) set -- "$2" demo/frenemy.yaml.in Fuzz/seeds/config/* ;;
    FuzzSourceBody) set -- "$2" ;;
    esac
    dir=$1
    shift
    for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/" || true; done
}

seed_bodies() {  # one file per fixture and kind byte (0 feed ... 5 directory)
    i=0
    for f in Tests/SourceAdaptersTests/Fixtures/* Tests/FeedParserTests/Fixtures/rss2.xml Tests/FeedParserTests/Fixtures/jsonfeed11.json; do
        for k in 0 1 2 3 4 5; do
            { printf "\\$(printf '%03o' "$k")"; cat "$f"; } > "$1/seed-$i-$k"
        done
        i=$((i + 1))
    done
}

mkdir -p "$FUZZ_DIR/artifacts"
for t in $targets; do
    FRENEMY_FUZZ=1 "$SWIFT" build --scratch-path "$FUZZ_DIR" --product "$t" -Xswiftc -sanitize=fuzzer,address
done
status=0
for t in $targets; do
    corpus="$FUZZ_DIR/corpus/$t"
    mkdir -p "$corpus"
    seed "$t" "$corpus"
    [ "$t" = FuzzSourceBody ] && seed_bodies "$corpus"
    echo "== $t: $FUZZ_SECONDS s"
    "$FUZZ_DIR/debug/$t" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=20 -max_len=65536 \
        -print_final_stats=1 \
        -artifact_prefix="$FUZZ_DIR/artifacts/$t-" "$corpus" 2>&1 | tee "$FUZZ_DIR/$t.log" | grep -E "^#[0-9]+ +(DONE|INITED)|stat::|ERROR|SUMMARY|Test unit written" || true
    if grep -qE "^==[0-9]+==ERROR|deadly signal|Test unit written" "$FUZZ_DIR/$t.log"; then
        echo "!! $t found a problem: see $FUZZ_DIR/$t.log and $FUZZ_DIR/artifacts/"
        status=1
    fi
done
exit $status
