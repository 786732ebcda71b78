#!/usr/bin/env bash
# Builds frenemy_<version>_<arch>.deb from a release build: binaries, shipped rules, the
# hardened unit, sysusers entry and a default config (a conffile, never overwritten).
#
# The Swift runtime and Foundation are linked statically (--static-swift-stdlib), so the package
# runs on a machine without a Swift toolchain; the remaining shared libraries (libcurl, libxml2,
# libsqlite3, libsystemd, libstdc++, libc) become Depends through dpkg-shlibdeps. It is linked
# with lld and packed relative relocations (DT_RELR, glibc 2.36): the loader then no longer reads
# 2.6 MB of relocation records at every start, which lowers the resident memory of every run.
#
# `build-deb.sh --build PRODUCT` only builds PRODUCT this way (into .build-static) and prints its
# path: the benchmarks measure the binary that ships (Benchmarks/benchlib.py).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/model/FrenemyModel/Version.swift)
homepage=$(sed -n 's/.*static let projectURL = "\(.*\)".*/\1/p' Sources/model/FrenemyModel/Version.swift)
[ -n "$version" ] || { echo "build-deb.sh: cannot read the version from Version.swift" >&2; exit 1; }
# Everything but the binaries, into the package root $1. `build-deb.sh --stage-data DIR` runs
# only this, so a quick test can check the installed layout without a release build.
stage_data() {
    local dest=$1
    install -Dm644 systemd/frenemyd.service "$dest/lib/systemd/system/frenemyd.service"
    install -Dm644 Packaging/frenemy.sysusers "$dest/usr/lib/sysusers.d/frenemy.conf"
    # The config may hold webhook secrets and the watchlist is itself a secret: group frenemy only
    # (postinst sets the group once the sysusers entry has created it).
    install -Dm640 Packaging/frenemy.yaml "$dest/etc/frenemy/frenemy.yaml"
    install -d -m750 "$dest/etc/frenemy/rules.d"
    install -Dm640 Rules/examples/watchlist.yaml "$dest/etc/frenemy/rules.d/watchlist.yaml.example"
    # Shipped packs; their inline tests name examples/watchlist.yaml (relative to each pack), so the
    # example ships beside them. Loading a folder is not recursive: examples/ is never loaded as rules.
    for f in Rules/*.yaml; do install -Dm644 "$f" "$dest/usr/share/frenemy/rules/$(basename "$f")"; done
    install -Dm644 Rules/examples/watchlist.yaml "$dest/usr/share/frenemy/rules/examples/watchlist.yaml"
    install -Dm644 README.md "$dest/usr/share/doc/frenemy/README.md"
    for doc in docs/config.md docs/rules.md docs/openapi.yaml; do
        if [ -f "$doc" ]; then install -Dm644 "$doc" "$dest/usr/share/doc/frenemy/$(basename "$doc")"; fi
    done
}
if [ "${1:-}" = --stage-data ]; then
    [ -n "${2:-}" ] || { echo "usage: $0 --stage-data DIR" >&2; exit 2; }
    stage_data "$2"
    exit 0
fi

build=(swift build -c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
    --scratch-path .build-static)
if [ "${1:-}" = --build ]; then
    [ -n "${2:-}" ] || { echo "usage: $0 --build PRODUCT" >&2; exit 2; }
    "${build[@]}" --product "$2" >&2
    echo "$("${build[@]}" --show-bin-path)/$2"
    exit 0
fi

for tool in dpkg-shlibdeps strip readelf; do
    command -v "$tool" >/dev/null || { echo "build-deb.sh: $tool is missing (apt-get install dpkg-dev binutils)" >&2; exit 1; }
done
arch=$(dpkg --print-architecture)
"${build[@]}" --product frenemyd
"${build[@]}" --product frenemyctl
bin=$("${build[@]}" --show-bin-path)

# The package root sits at debian/frenemy of a scratch folder, the layout dpkg-shlibdeps expects.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/debian/frenemy"
install -d -m755 "$root" "$root/DEBIAN"
install -Dm755 -s "$bin/frenemyd" "$root/usr/bin/frenemyd"
install -Dm755 -s "$bin/frenemyctl" "$root/usr/bin/frenemyctl"
stage_data "$root"

# Depends from the binaries' shared libraries (dpkg-shlibdeps wants a debian/control to read).
printf 'Source: frenemy\n\nPackage: frenemy\nArchitecture: any\n' > "$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O "$root/usr/bin/frenemyd" "$root/usr/bin/frenemyctl" |
    sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "build-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# Packed relocations need glibc 2.36 (version GLIBC_ABI_DT_RELR), a version with no symbols, which
# dpkg-shlibdeps does not see; without this the package would install where the loader refuses it.
versions=$(readelf -V "$root/usr/bin/frenemyd" "$root/usr/bin/frenemyctl")
libc_min=$(printf '%s' "$shlibs" | sed -n 's/.*libc6 (>= \([^)]*\)).*/\1/p')
if [[ $versions == *GLIBC_ABI_DT_RELR* ]] && ! dpkg --compare-versions "${libc_min:-0}" ge 2.36; then
    if [ -n "$libc_min" ]; then
        shlibs=$(printf '%s' "$shlibs" | sed 's/libc6 ([^)]*)/libc6 (>= 2.36)/')
    else
        shlibs="libc6 (>= 2.36), $shlibs"
    fi
fi
if ldd "$root/usr/bin/frenemyd" | grep -q -e 'not found' -e '/opt/swift'; then
    echo "build-deb.sh: frenemyd still needs libraries from outside the system:" >&2
    ldd "$root/usr/bin/frenemyd" >&2
    exit 1
fi
installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)

cat > "$root/DEBIAN/control" <<CONTROL
Package: frenemy
Version: $version
Architecture: $arch
Maintainer: frenemy maintainers <frenemy@localhost>
Installed-Size: $installed_size
Depends: $shlibs, systemd, init-system-helpers (>= 1.54~)
Section: net
Priority: optional
Homepage: $homepage
Description: watch the news for supplier conflicts of interest
 frenemyd polls news feeds, matches items against declarative rule files
 ("a vendor of ours signs with a competitor of ours") and raises alerts in
 the systemd journal, through webhooks and on a local control socket.
CONTROL
printf '%s\n' /etc/frenemy/frenemy.yaml /etc/frenemy/rules.d/watchlist.yaml.example > "$root/DEBIAN/conffiles"

# Maintainer scripts follow what debhelper's dh_installsysusers and dh_installsystemd generate:
# the unit is enabled on install, started on install and restarted on upgrade (the default
# config polls nothing, so a fresh install starts an idle daemon), and stopped before removal.
cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    systemd-sysusers ${DPKG_ROOT:+--root="$DPKG_ROOT"} frenemy.conf
    for path in /etc/frenemy/frenemy.yaml /etc/frenemy/rules.d /etc/frenemy/rules.d/watchlist.yaml.example; do
        if [ -e "$path" ] && ! dpkg-statoverride --list "$path" >/dev/null; then
            chgrp frenemy "$path"
        fi
    done
    # systemd creates it too (StateDirectory=); made here so `runuser -u frenemy -- frenemyd --once`
    # works before the service ever ran.
    if [ ! -d /var/lib/frenemy ]; then
        install -d -m 0750 -o frenemy -g frenemy /var/lib/frenemy
    fi
fi
if [ "$1" = configure ] || [ "$1" = abort-upgrade ] || [ "$1" = abort-deconfigure ] || [ "$1" = abort-remove ]; then
    deb-systemd-helper unmask frenemyd.service >/dev/null || true
    if deb-systemd-helper --quiet was-enabled frenemyd.service; then
        deb-systemd-helper enable frenemyd.service >/dev/null || true
    else
        deb-systemd-helper update-state frenemyd.service >/dev/null || true
    fi
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload >/dev/null || true
        if [ -n "$2" ]; then action=restart; else action=start; fi
        deb-systemd-invoke "$action" frenemyd.service >/dev/null || true
    fi
fi
POSTINST
cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    deb-systemd-invoke stop frenemyd.service >/dev/null || true
fi
PRERM
cat > "$root/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = remove ] && [ -x /usr/bin/deb-systemd-helper ]; then
    deb-systemd-helper mask frenemyd.service >/dev/null || true
fi
if [ "$1" = purge ]; then
    if [ -x /usr/bin/deb-systemd-helper ]; then
        deb-systemd-helper purge frenemyd.service >/dev/null || true
        deb-systemd-helper unmask frenemyd.service >/dev/null || true
    fi
    # Alerts, delivery queue and fetch state. The frenemy user and group stay (Debian never
    # removes system users: files elsewhere may still carry their ids).
    rm -rf /var/lib/frenemy
fi
POSTRM
chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
out="frenemy_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$out"
echo "built $out"
