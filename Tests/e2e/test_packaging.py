"""The Debian package as an operator installs it, checked without a release build.

`Packaging/build-deb.sh --stage-data DIR` lays out the package's data files exactly as the real
build does (debhelper adds the unit, sysusers entry, docs, man pages and completions); these
tests check that layout, the debhelper inputs, the unit's contract (issue 2, item 10), the
journal catalog, and that the installed default configuration validates with the debug
`frenemyd`. The built .deb itself, lintian and a booted systemd are Tests/system
(`make service-test`).
"""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from e2e_harness.daemon import REPO

SCRIPT = REPO / "Packaging" / "build-deb.sh"
UNIT = REPO / "systemd" / "frenemyd.service"
SYSUSERS = REPO / "Packaging" / "frenemy.sysusers"
DEBIAN = REPO / "Packaging" / "debian"
CATALOG = REPO / "systemd" / "frenemy.catalog"


def unit_settings(path: Path) -> dict[str, list[str]]:
    """Unit file settings by name; a setting may repeat (SystemCallFilter=), so values are lists."""
    settings: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def one(settings: dict[str, list[str]], key: str) -> str:
    values = settings.get(key)
    assert values, f"{UNIT.name} has no {key}="
    return values[-1]


def top_level(config: Path, key: str) -> str:
    match = re.search(rf"^{key}:\s*(\S+)", config.read_text(), re.MULTILINE)
    assert match, f"{config} sets no {key}"
    return match.group(1)


@pytest.fixture
def staged(tmp_path) -> Path:
    root = tmp_path / "root"
    subprocess.run([str(SCRIPT), "--stage-data", str(root)], check=True, cwd=tmp_path, timeout=60)
    return root


def test_build_script_is_valid_bash():
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True, timeout=30)


def test_unit_is_a_notify_service_with_watchdog_reload_and_own_user():
    s = unit_settings(UNIT)
    assert one(s, "Type") == "notify"
    assert one(s, "WatchdogSec")
    # Through the control API, so a refused reload makes `systemctl reload` fail.
    assert one(s, "ExecReload").split() == ["/usr/bin/frenemyctl", "reload"]
    assert one(s, "ExecStart").split() == ["/usr/bin/frenemyd", "--config", "/etc/frenemy/frenemy.yaml"]
    assert one(s, "StateDirectory") == "frenemy"
    assert one(s, "RuntimeDirectory") == "frenemy"
    assert one(s, "User") == "frenemy"
    assert one(s, "Group") == "frenemy"
    assert one(s, "NoNewPrivileges") == "yes"
    assert one(s, "CapabilityBoundingSet") == "", "the daemon needs no capabilities"
    assert one(s, "ProtectSystem") == "strict"
    assert one(s, "WantedBy") == "multi-user.target"


def test_unit_is_tight():
    s = unit_settings(UNIT)
    assert one(s, "PrivateUsers") == "yes"
    assert one(s, "UMask") == "0077"
    filters = s.get("SystemCallFilter", [])
    assert "setpriority" not in filters, "setpriority must not be allowed (libdispatch gets a no-op instead)"
    assert "~setpriority:0" in filters
    assert all(d.startswith("man:") for d in one(s, "Documentation").split())


def test_sysusers_creates_the_units_user_and_group():
    s = unit_settings(UNIT)
    entries = [line.split() for line in SYSUSERS.read_text().splitlines() if line and not line.startswith("#")]
    users = {e[1] for e in entries if e[0] == "u"}
    groups = {e[1] for e in entries if e[0] == "g"} | users  # `u` also creates a same-named group
    assert one(s, "User") in users
    assert one(s, "Group") in groups


def test_default_config_uses_the_folders_the_unit_grants(staged):
    s = unit_settings(UNIT)
    config = staged / "etc/frenemy/frenemy.yaml"
    # ProtectSystem=strict: anywhere else would be read-only for the daemon.
    assert top_level(config, "state_dir") == f"/var/lib/{one(s, 'StateDirectory')}"
    assert top_level(config, "control_socket").startswith(f"/run/{one(s, 'RuntimeDirectory')}/")


def test_staged_package_has_every_installed_file(staged):
    expected = [
        "etc/frenemy/frenemy.yaml",
        "etc/frenemy/rules.d/watchlist.yaml.example",
        "usr/share/frenemy/rules/examples/watchlist.yaml",
        "usr/lib/systemd/catalog/frenemy.catalog",
    ] + [f"usr/share/frenemy/rules/{p.name}" for p in sorted((REPO / "Rules").glob("*.yaml"))]
    missing = [p for p in expected if not (staged / p).is_file()]
    assert not missing, f"not in the package: {missing}"
    # Secrets (webhook keys, the watchlist) stay within group frenemy.
    assert stat.S_IMODE((staged / "etc/frenemy/frenemy.yaml").stat().st_mode) == 0o640
    assert stat.S_IMODE((staged / "etc/frenemy/rules.d").stat().st_mode) == 0o750


def test_every_file_under_etc_is_a_conffile(staged):
    """debhelper (compat >= 3) marks every file under /etc a conffile: nothing may opt out."""
    assert re.search(r"debhelper-compat \(= 1[3-9]\)", (DEBIAN / "control").read_text())
    assert not list(DEBIAN.glob("*.conffiles")), "an explicit conffiles list could leave a file under /etc out"
    assert any((staged / "etc").rglob("*.yaml")), "the package installs nothing under /etc"


def test_debhelper_installs_unit_sysusers_man_pages_and_completions():
    """build-deb.sh copies the unit and sysusers entry to the names these helpers look for."""
    script = SCRIPT.read_text()
    assert "debian/frenemy.frenemyd.service" in script and "debian/frenemy.sysusers" in script
    manpages = (DEBIAN / "frenemy.manpages").read_text().split()
    assert sorted(Path(m).name for m in manpages) == ["frenemy-rules.5", "frenemy.yaml.5", "frenemyctl.1", "frenemyd.8"]
    assert "frenemyctl.bash frenemyctl" in (DEBIAN / "frenemy.bash-completion").read_text()
    install = (DEBIAN / "frenemy.install").read_text()
    assert "usr/share/zsh/vendor-completions" in install and "usr/share/fish/vendor_completions.d" in install


def test_changelog_is_at_the_version_the_binaries_report():
    version = re.search(r'static let version = "(.*)"', (REPO / "Sources/model/FrenemyModel/Version.swift").read_text())
    top = (DEBIAN / "changelog").read_text().splitlines()[0]
    assert top.startswith(f"frenemy ({version.group(1)}) "), top


def test_copyright_covers_every_swift_package_dependency():
    """build-deb.sh also checks the resolved checkouts; this catches a new direct dependency early."""
    text = (DEBIAN / "copyright").read_text()
    urls = re.findall(r'\.package\(url: "https://github.com/[^/]+/([^"]+?)(?:\.git)?"', (REPO / "Package.swift").read_text())
    assert urls
    missing = [u for u in urls if f"Files: swiftpm/{u}/" not in text]
    assert not missing, f"not in Packaging/debian/copyright: {missing}"


def test_lintian_overrides_are_each_commented():
    """An override is a decision: each one (or each run of them) sits under a comment saying why."""
    lines = [l for l in (DEBIAN / "frenemy.lintian-overrides").read_text().splitlines() if l.strip()]
    assert lines
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            j = i
            while j > 0 and not lines[j - 1].startswith("#"):
                j -= 1
            assert j > 0, f"override without a comment: {line}"


def test_journal_catalog_explains_every_message_id(tmp_path):
    source = (REPO / "Sources/alert/AlertJournal/JournalFields.swift").read_text()
    block = source[source.index("enum MessageIDs"):source.index("}", source.index("enum MessageIDs"))]
    ids = set(re.findall(r'"([0-9a-f]{32})"', block))
    assert len(ids) == 4, ids
    root = tmp_path / "root"
    (root / "usr/lib/systemd/catalog").mkdir(parents=True)
    (root / "var/lib/systemd/catalog").mkdir(parents=True)
    shutil.copy(CATALOG, root / "usr/lib/systemd/catalog/frenemy.catalog")
    subprocess.run(["journalctl", f"--root={root}", "--update-catalog"], check=True, timeout=60)
    listed = subprocess.run(["journalctl", f"--root={root}", "--list-catalog"], capture_output=True, text=True,
                            check=True, timeout=60).stdout
    assert {line.split()[0] for line in listed.splitlines() if line.strip()} == ids, listed
    # Every @FIELD@ the catalog fills in is a field the daemon sends.
    fields = set(re.findall(r"@([A-Z_]+)@", CATALOG.read_text()))
    known = set(re.findall(r'"(FRENEMY_[A-Z_]+)"', source)) | {"FRENEMY_NOTIFIER", "FRENEMY_ALERT_ID"}
    assert fields <= known, f"the catalog uses fields the daemon never sets: {fields - known}"


def installed_config(staged: Path, tmp_path: Path) -> Path:
    """The packaged config with the package's absolute paths moved into the staged root."""
    config = staged / "etc/frenemy/frenemy.yaml"
    text = config.read_text()
    for prefix in ("/usr/share/frenemy", "/etc/frenemy"):
        text = text.replace(f" {prefix}", f" {staged}{prefix}")
    text = text.replace(" /var/lib/frenemy", f" {tmp_path}/state").replace(" /run/frenemy", f" {tmp_path}/run")
    config.write_text(text)
    return config


def check_config(bins, config: Path) -> str:
    run = subprocess.run(
        [str(bins.frenemyd), "--check-config", "--config", str(config)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, f"the installed config is refused:\n{run.stdout}{run.stderr}"
    assert "OK" in run.stdout
    return run.stdout


def entity_count(output: str) -> int:
    match = re.search(r"(\d+) entities", output)
    assert match, output
    return int(match.group(1))


def test_fresh_install_config_validates_with_shipped_rules(bins, staged, tmp_path):
    """A fresh install must start: shipped packs (whose inline tests use the example watchlist)
    plus an empty rules.d, with the example only present as *.example, which is not loaded."""
    output = check_config(bins, installed_config(staged, tmp_path))
    assert re.search(r"[1-9]\d* rules", output), output
    assert entity_count(output) == 0, "the example watchlist must not be loaded until the operator copies it"


def test_copying_the_example_watchlist_into_rules_d_loads_it(bins, staged, tmp_path):
    config = installed_config(staged, tmp_path)
    rules_d = staged / "etc/frenemy/rules.d"
    shutil.copy(rules_d / "watchlist.yaml.example", rules_d / "watchlist.yaml")
    assert entity_count(check_config(bins, config)) > 0
