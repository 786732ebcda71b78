"""The Debian package as an operator installs it, checked without a release build.

`Packaging/build-deb.sh --stage-data DIR` lays out every file of the package except the binaries,
exactly as the real build does; these tests check that layout, the unit's contract (issue 2,
item 10), and that the installed default configuration validates with the debug `frenemyd`.
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
    assert "HUP" in one(s, "ExecReload")
    assert one(s, "ExecStart").split() == ["/usr/bin/frenemyd", "--config", "/etc/frenemy/frenemy.yaml"]
    assert one(s, "StateDirectory") == "frenemy"
    assert one(s, "RuntimeDirectory") == "frenemy"
    assert one(s, "User") == "frenemy"
    assert one(s, "Group") == "frenemy"
    assert one(s, "NoNewPrivileges") == "yes"
    assert one(s, "CapabilityBoundingSet") == "", "the daemon needs no capabilities"
    assert one(s, "ProtectSystem") == "strict"
    assert one(s, "WantedBy") == "multi-user.target"


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
        "lib/systemd/system/frenemyd.service",
        "usr/lib/sysusers.d/frenemy.conf",
        "etc/frenemy/frenemy.yaml",
        "etc/frenemy/rules.d/watchlist.yaml.example",
        "usr/share/frenemy/rules/examples/watchlist.yaml",
        "usr/share/doc/frenemy/config.md",
        "usr/share/doc/frenemy/rules.md",
    ] + [f"usr/share/frenemy/rules/{p.name}" for p in sorted((REPO / "Rules").glob("*.yaml"))]
    missing = [p for p in expected if not (staged / p).is_file()]
    assert not missing, f"not in the package: {missing}"
    # Secrets (webhook keys, the watchlist) stay within group frenemy.
    assert stat.S_IMODE((staged / "etc/frenemy/frenemy.yaml").stat().st_mode) == 0o640
    assert stat.S_IMODE((staged / "etc/frenemy/rules.d").stat().st_mode) == 0o750


def test_every_file_under_etc_is_a_conffile(staged):
    text = SCRIPT.read_text()
    line = next((l for l in text.splitlines() if "DEBIAN/conffiles" in l), "")
    listed = set(re.findall(r"(/etc/\S+?)(?=[\s'\"]|$)", line))
    under_etc = {"/" + str(p.relative_to(staged)) for p in (staged / "etc").rglob("*") if p.is_file()}
    assert under_etc, "the package installs nothing under /etc"
    assert under_etc <= listed, f"not conffiles (an upgrade would overwrite the operator's edits): {under_etc - listed}"


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
