#!/usr/bin/env bash
# Builds frenemy_<version>_<arch>.deb from a release build: binaries, shipped rules, the
# hardened unit, sysusers entry and a default config (a conffile, never overwritten).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/model/FrenemyModel/Version.swift)
arch=$(dpkg --print-architecture)
swift build -c release --scratch-path .build-release --product frenemyd
swift build -c release --scratch-path .build-release --product frenemyctl
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -Dm755 .build-release/release/frenemyd "$root/usr/bin/frenemyd"
install -Dm755 .build-release/release/frenemyctl "$root/usr/bin/frenemyctl"
install -Dm644 systemd/frenemyd.service "$root/lib/systemd/system/frenemyd.service"
install -Dm644 Packaging/frenemy.sysusers "$root/usr/lib/sysusers.d/frenemy.conf"
install -Dm640 Packaging/frenemy.yaml "$root/etc/frenemy/frenemy.yaml"
install -d -m750 "$root/etc/frenemy/rules.d"
install -Dm644 Rules/examples/watchlist.yaml "$root/usr/share/doc/frenemy/examples/watchlist.yaml"
for f in Rules/*.yaml; do install -Dm644 "$f" "$root/usr/share/frenemy/rules/$(basename "$f")"; done
install -Dm644 README.md "$root/usr/share/doc/frenemy/README.md"
[ -f docs/rules.md ] && install -Dm644 docs/rules.md "$root/usr/share/doc/frenemy/rules.md"
install -d "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: frenemy
Version: $version
Architecture: $arch
Maintainer: frenemy maintainers <frenemy@localhost>
Depends: libcurl4, libsystemd0, libxml2, libsqlite3-0, systemd
Section: net
Priority: optional
Description: watch the news for supplier conflicts of interest
 frenemyd polls news feeds, matches items against declarative rule files
 ("a vendor of ours signs with a competitor of ours") and raises alerts in
 the systemd journal, through webhooks and on a local control socket.
CONTROL
echo /etc/frenemy/frenemy.yaml > "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    systemd-sysusers frenemy.conf || true
    chgrp frenemy /etc/frenemy/frenemy.yaml /etc/frenemy/rules.d || true
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload || true
        deb-systemd-helper enable frenemyd.service >/dev/null 2>&1 || true
    fi
fi
POSTINST
cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
    systemctl stop frenemyd.service || true
fi
PRERM
chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm"
out="frenemy_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$out"
echo "built $out"
