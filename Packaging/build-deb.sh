#!/usr/bin/env bash
# Builds frenemy_<version>_<arch>.deb with debhelper from one release build: binaries, shipped
# rules, the hardened unit (dh_installsystemd), the sysusers entry (dh_installsysusers), man
# pages (dh_installman) and shell completions (dh_bash-completion for bash) generated from the
# binaries and docs/, the journal catalog, and a default config (a conffile, never overwritten).
#
# The Swift runtime and Foundation are linked statically (--static-swift-stdlib), so the package
# runs on a machine without a Swift toolchain; the remaining shared libraries (libcurl, libxml2,
# libsqlite3, libsystemd, libstdc++, libc) become Depends through dh_shlibdeps. It is linked
# with lld, with packed relative relocations (DT_RELR, glibc 2.36: the loader no longer reads
# 2.6 MB of relocation records at every start, which lowers the resident memory of every run)
# and with BIND_NOW + RELRO (every symbol resolved at start, the GOT then read-only).
#
# Man pages: frenemyd(8) and frenemyctl(1) come from swift-argument-parser's generate-manual
# tool run on the built binaries (what `swift package plugin generate-manual` runs, without its
# extra build of every product), frenemy.yaml(5) and frenemy-rules(5) from docs/config.md and
# docs/rules.md through Packaging/md2man.py (pandoc). Completions come from
# `frenemyctl --generate-completion-script bash|zsh|fish`. So none of them can drift.
#
#   build-deb.sh                      build the package into the repository root
#   build-deb.sh --build PRODUCT      only build PRODUCT this way (into .build-static), print its
#                                     path: the benchmarks measure the binary that ships
#   build-deb.sh --stage-data DIR     only lay out the data files (no binaries, no build)
#   FRENEMY_DEB_VERSION=V             package the build as version V (a changelog entry on top)
#   FRENEMY_DEB_PREVIOUS=V            also package it as version V, e.g. 0.1.0~prev1: the upgrade
#                                     test (make service-test) installs that, then upgrades
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/model/FrenemyModel/Version.swift)
[ -n "$version" ] || { echo "build-deb.sh: cannot read the version from Version.swift" >&2; exit 1; }

# The data files, laid out as installed, into $1 (dh_install copies them into the package). The
# unit, sysusers entry, docs, man pages and completions go through their debhelper tools instead.
stage_data() {
    local dest=$1
    # The config may hold webhook secrets and the watchlist is itself a secret: group frenemy only
    # (debian/rules sets the modes again after dh_fixperms; postinst sets the group).
    install -Dm640 Packaging/frenemy.yaml "$dest/etc/frenemy/frenemy.yaml"
    install -d -m750 "$dest/etc/frenemy/rules.d"
    install -Dm640 Rules/examples/watchlist.yaml "$dest/etc/frenemy/rules.d/watchlist.yaml.example"
    # Shipped packs; their inline tests name examples/watchlist.yaml (relative to each pack), so the
    # example ships beside them. Loading a folder is not recursive: examples/ is never loaded as rules.
    for f in Rules/*.yaml; do install -Dm644 "$f" "$dest/usr/share/frenemy/rules/$(basename "$f")"; done
    install -Dm644 Rules/examples/watchlist.yaml "$dest/usr/share/frenemy/rules/examples/watchlist.yaml"
    # journalctl -x explains frenemy's MESSAGE_IDs (systemd's dpkg trigger rebuilds the catalog).
    install -Dm644 systemd/frenemy.catalog "$dest/usr/lib/systemd/catalog/frenemy.catalog"
}
if [ "${1:-}" = --stage-data ]; then
    [ -n "${2:-}" ] || { echo "usage: $0 --stage-data DIR" >&2; exit 2; }
    stage_data "$2"
    exit 0
fi

build=(swift build -c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
    -Xlinker -z -Xlinker now -Xlinker -z -Xlinker relro
    --scratch-path .build-static)
if [ "${1:-}" = --build ]; then
    [ -n "${2:-}" ] || { echo "usage: $0 --build PRODUCT" >&2; exit 2; }
    "${build[@]}" --product "$2" >&2
    echo "$("${build[@]}" --show-bin-path)/$2"
    exit 0
fi

for tool in dpkg-buildpackage dh dh_bash-completion pandoc readelf; do
    command -v "$tool" >/dev/null || {
        echo "build-deb.sh: $tool is missing (apt-get install dpkg-dev debhelper bash-completion pandoc binutils)" >&2
        exit 1
    }
done
changelog_version=$(dpkg-parsechangelog -l Packaging/debian/changelog -S Version)
[ "$changelog_version" = "$version" ] || {
    echo "build-deb.sh: Packaging/debian/changelog is at $changelog_version, Version.swift at $version: add a changelog entry" >&2
    exit 1
}
deb_version=${FRENEMY_DEB_VERSION:-$version}
arch=$(dpkg --print-architecture)
for product in frenemyd frenemyctl generate-manual; do "${build[@]}" --product "$product"; done
bin=$("${build[@]}" --show-bin-path)

# Everything statically linked must be in debian/copyright with its licence.
for dep in .build-static/checkouts/*/; do
    name=$(basename "$dep")
    grep -q "^Files: swiftpm/$name/" Packaging/debian/copyright || {
        echo "build-deb.sh: the dependency $name is not in Packaging/debian/copyright" >&2
        exit 1
    }
done

# Packed relocations need glibc 2.36 (version GLIBC_ABI_DT_RELR, which has no symbols, so
# dpkg-shlibdeps does not see it): debian/control says libc6 (>= 2.36) as long as that holds.
if ! readelf -V "$bin/frenemyd" | grep -q GLIBC_ABI_DT_RELR; then
    echo "build-deb.sh: frenemyd no longer uses DT_RELR: drop libc6 (>= 2.36) from debian/control" >&2
fi
if ldd "$bin/frenemyd" | grep -q -e 'not found' -e '/opt/swift'; then
    echo "build-deb.sh: frenemyd still needs libraries from outside the system:" >&2
    ldd "$bin/frenemyd" >&2
    exit 1
fi

# A source tree for dpkg-buildpackage in a scratch folder: debian/, the prebuilt binaries, the
# staged data, the docs, and generated/ (man pages and completions); built as version $1, with
# dpkg-deb options $2.
package() {
    local deb_version=$1 src="$work/frenemy-$1"
    mkdir -p "$src/prebuilt" "$src/generated/man" "$src/generated/completions" "$src/docs"
    cp -r Packaging/debian "$src/debian"
    cp Packaging/frenemy.sysusers "$src/debian/frenemy.sysusers"
    cp systemd/frenemyd.service "$src/debian/frenemy.frenemyd.service"
    cp README.md "$src/"
    cp docs/config.md docs/rules.md docs/silences.md docs/openapi.yaml "$src/docs/"
    install -m755 "$bin/frenemyd" "$bin/frenemyctl" "$src/prebuilt/"
    stage_data "$src/stage"
    if [ "$deb_version" != "$version" ]; then
        { printf 'frenemy (%s) unstable; urgency=medium\n\n  * The build of %s, packaged as %s.\n\n -- %s  %s\n\n' \
            "$deb_version" "$version" "$deb_version" "$(dpkg-parsechangelog -l Packaging/debian/changelog -S Maintainer)" \
            "$(dpkg-parsechangelog -l Packaging/debian/changelog -S Date)"; cat Packaging/debian/changelog; } > "$src/debian/changelog"
    fi

    local date
    date=$(date -u -d "@$(dpkg-parsechangelog -l "$src/debian/changelog" -S Timestamp)" +%Y-%m-%d)
    "$bin/generate-manual" "$bin/frenemyd" --section 8 --date "$date" --output-directory "$src/generated/man"
    "$bin/generate-manual" "$bin/frenemyctl" --section 1 --date "$date" --output-directory "$src/generated/man"
    python3 Packaging/md2man.py docs/config.md frenemy.yaml 5 "configuration file of frenemyd" "$deb_version" "$date" \
        > "$src/generated/man/frenemy.yaml.5"
    python3 Packaging/md2man.py docs/rules.md frenemy-rules 5 "rule language of frenemy: watchlists, rules, tests" \
        "$deb_version" "$date" > "$src/generated/man/frenemy-rules.5"
    # Sourced by bash-completion, never run: no #! line (lintian: bash-completion-with-hashbang).
    "$bin/frenemyctl" --generate-completion-script bash | sed '1{/^#!/d}' > "$src/generated/completions/frenemyctl.bash"
    "$bin/frenemyctl" --generate-completion-script zsh > "$src/generated/completions/_frenemyctl"
    "$bin/frenemyctl" --generate-completion-script fish > "$src/generated/completions/frenemyctl.fish"

    (cd "$src" && FRENEMY_DPKG_DEB_OPTIONS=${2:-} dpkg-buildpackage --build=binary --no-sign -d \
        >"$work/build-$deb_version.log" 2>&1) || {
        cat "$work/build-$deb_version.log" >&2
        exit 1
    }
    local out="frenemy_${deb_version}_${arch}.deb"
    cp "$work/$out" "$out"
    echo "built $out"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
package "$deb_version"
# The upgrade test (make service-test) installs this first, then the package above.
if [ -n "${FRENEMY_DEB_PREVIOUS:-}" ]; then package "$FRENEMY_DEB_PREVIOUS" "-Zgzip -z1"; fi
