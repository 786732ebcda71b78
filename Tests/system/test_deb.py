"""The built .deb as a file: lintian-clean, what it installs, and its man pages and completions
generated from the binaries and docs/ (so every flag and every config and rule key is in them)."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from pathlib import Path

import pytest

MAN_PAGES = {
    "usr/share/man/man8/frenemyd.8.gz": "frenemyd",
    "usr/share/man/man1/frenemyctl.1.gz": "frenemyctl",
    "usr/share/man/man5/frenemy.yaml.5.gz": "config",
    "usr/share/man/man5/frenemy-rules.5.gz": "rules",
}


@pytest.fixture(scope="module")
def unpacked(deb, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("deb")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True, timeout=120)
    subprocess.run(["dpkg-deb", "-e", str(deb), str(root / "DEBIAN")], check=True, timeout=60)
    return root


def test_lintian_reports_no_errors_and_no_warnings(deb):
    """Deliberate exceptions are overrides with a comment each (Packaging/debian/frenemy.lintian-overrides)."""
    # (--show-overrides would make lintian fail on the overridden tags it shows, so it is not used.)
    run = subprocess.run(["lintian", "--fail-on", "error,warning", "--display-info", "--tag-display-limit", "0",
                          str(deb)], capture_output=True, text=True, timeout=900)
    print(run.stdout, run.stderr)
    bad = [line for line in run.stdout.splitlines() if re.match(r"^[EW]: ", line)]
    assert not bad, "lintian:\n" + "\n".join(bad)
    assert run.returncode == 0, f"lintian exited {run.returncode}: {run.stderr}"


def test_package_has_the_service_docs_and_debian_metadata(unpacked):
    expected = [
        "usr/bin/frenemyd", "usr/bin/frenemyctl",
        "lib/systemd/system/frenemyd.service",
        "usr/lib/sysusers.d/frenemy.conf",
        "usr/lib/systemd/catalog/frenemy.catalog",
        "etc/frenemy/frenemy.yaml", "etc/frenemy/rules.d/watchlist.yaml.example",
        "usr/share/frenemy/rules/examples/watchlist.yaml",
        "usr/share/doc/frenemy/copyright", "usr/share/doc/frenemy/changelog.gz",
        "usr/share/bash-completion/completions/frenemyctl",
        "usr/share/zsh/vendor-completions/_frenemyctl",
        "usr/share/fish/vendor_completions.d/frenemyctl.fish",
        *MAN_PAGES,
    ]
    missing = [p for p in expected if not (unpacked / p).is_file()]
    assert not missing, f"not in the package: {missing}"
    conffiles = (unpacked / "DEBIAN/conffiles").read_text().split()
    assert {"/etc/frenemy/frenemy.yaml", "/etc/frenemy/rules.d/watchlist.yaml.example"} <= set(conffiles), conffiles
    md5sums = (unpacked / "DEBIAN/md5sums").read_text()
    assert "usr/bin/frenemyd" in md5sums and "usr/share/man/man1/frenemyctl.1.gz" in md5sums


def test_copyright_names_what_is_statically_linked(unpacked):
    text = (unpacked / "usr/share/doc/frenemy/copyright").read_text()
    for needle in ["libyaml", "Kirill Simonov", "Yams", "swift-argument-parser", "swift-nio", "BoringSSL",
                   "Swift runtime", "Unicode", "/usr/share/common-licenses/Apache-2.0"]:
        assert needle in text, f"debian/copyright says nothing about {needle}"


def test_binaries_are_hardened_with_bind_now(unpacked):
    for binary in ("usr/bin/frenemyd", "usr/bin/frenemyctl"):
        dynamic = subprocess.run(["readelf", "-dW", str(unpacked / binary)], capture_output=True, text=True,
                                 check=True, timeout=60).stdout
        assert re.search(r"\(FLAGS(_1)?\).*\bNOW\b|BIND_NOW", dynamic), f"{binary} is not linked with -z now"
        segments = subprocess.run(["readelf", "-lW", str(unpacked / binary)], capture_output=True, text=True,
                                  check=True, timeout=60).stdout
        assert "GNU_RELRO" in segments, f"{binary} has no RELRO segment"


def render(page: Path) -> str:
    run = subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True, text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "MANWIDTH": "120", "MAN_KEEP_FORMATTING": ""})
    assert run.returncode == 0, run.stderr
    assert not run.stderr.strip(), f"{page.name}: groff warnings:\n{run.stderr}"
    # Undo hyphenation at line ends, so a key split over two lines is still found.
    return re.sub(r"(\w)‐\n\s*", r"\1", run.stdout)


def options(binary: Path) -> dict[str, set[str]]:
    """Every --flag of every (sub)command, from the argument parser's own description."""
    dump = json.loads(subprocess.run([str(binary), "--experimental-dump-help"], capture_output=True, text=True,
                                     check=True, timeout=60).stdout)
    found: dict[str, set[str]] = {}

    def walk(command: dict, path: str) -> None:
        names = set()
        for argument in command.get("arguments", []):
            for name in argument.get("names", []):
                if name["kind"] == "long":
                    names.add("--" + name["name"])
        found[path] = names
        for sub in command.get("subcommands", []):
            walk(sub, f"{path} {sub['commandName']}")

    walk(dump["command"], dump["command"]["commandName"])
    return found


@pytest.mark.parametrize("binary", ["frenemyd", "frenemyctl"])
def test_command_man_pages_name_every_subcommand_and_flag(unpacked, binary):
    page = next(p for p, what in MAN_PAGES.items() if what == binary)
    text = render(unpacked / page)
    missing = []
    for command, flags in options(unpacked / "usr/bin" / binary).items():
        if command.split()[-1] not in text:
            missing.append(command)
        missing += [f"{command} {flag}" for flag in flags if flag not in text]
    assert not missing, f"{page}: not documented: {missing}"


def known_keys(stderr: str) -> set[str]:
    match = re.search(r"(?:known|keys): ([a-z_]+(?:, [a-z_]+)*)", stderr)
    assert match, f"no list of known keys in: {stderr}"
    return set(match.group(1).split(", "))


def test_config_man_page_names_every_key_the_daemon_accepts(unpacked, tmp_path):
    """The keys come from frenemyd itself: an unknown key is refused with the list of known ones."""
    text = render(unpacked / "usr/share/man/man5/frenemy.yaml.5.gz")
    frenemyd = unpacked / "usr/bin/frenemyd"
    (tmp_path / "rules").mkdir()
    probes = {
        "top level": "bogus_key: 1\n",
        "notify": "notify:\n  - {name: n, type: webhook, url: 'http://127.0.0.1:9/h', bogus_key: 1}\n",
    }
    for kind in ["feed", "google-news", "gdelt", "hackernews", "sec-edgar", "directory"]:
        probes[f"type: {kind}"] = f"sources:\n  - {{name: s, type: {kind}, bogus_key: 1}}\n"
    missing = []
    for where, body in probes.items():
        config = tmp_path / "probe.yaml"
        config.write_text("rules: [rules]\n" + body)
        run = subprocess.run([str(frenemyd), "--check-config", "--config", str(config)], capture_output=True,
                             text=True, timeout=60)
        assert run.returncode != 0, f"{where}: bogus_key was accepted"
        missing += [f"{where}: {key}" for key in known_keys(run.stdout + run.stderr) if key not in text]
    assert not missing, f"frenemy.yaml(5) does not mention: {missing}"


def test_rules_man_page_names_every_key_the_rule_parser_accepts(unpacked, tmp_path):
    text = render(unpacked / "usr/share/man/man5/frenemy-rules.5.gz")
    frenemyctl = unpacked / "usr/bin/frenemyctl"
    probes = {
        "a rule file": "bogus_key: 1\n",
        "an entity": "entities:\n  - {id: a, name: A, roles: [vendor], bogus_key: 1}\n",
        "a rule": "rules:\n  - {id: r, title: T, severity: high, bogus_key: 1, match: {phrase: [x]}}\n",
        "a condition": "rules:\n  - {id: r, title: T, severity: high, match: {bogus_key: 1}}\n",
    }
    missing = []
    for where, body in probes.items():
        path = tmp_path / "probe.yaml"
        path.write_text(body)
        run = subprocess.run([str(frenemyctl), "rules", "check", str(path)], capture_output=True, text=True,
                             timeout=60)
        assert run.returncode != 0, f"{where}: bogus_key was accepted"
        missing += [f"{where}: {key}" for key in known_keys(run.stdout + run.stderr) if key not in text]
    assert not missing, f"frenemy-rules(5) does not mention: {missing}"


def test_completions_load_in_their_shells(unpacked):
    bash = unpacked / "usr/share/bash-completion/completions/frenemyctl"
    run = subprocess.run(["bash", "-c", f"source '{bash}' && complete -p frenemyctl"], capture_output=True,
                         text=True, timeout=30)
    assert run.returncode == 0 and "frenemyctl" in run.stdout, run.stderr
    zsh = (unpacked / "usr/share/zsh/vendor-completions/_frenemyctl").read_text()
    assert zsh.startswith("#compdef frenemyctl"), zsh[:80]
    fish = (unpacked / "usr/share/fish/vendor_completions.d/frenemyctl.fish").read_text()
    assert re.search(r"complete -c '?frenemyctl'?", fish)
    for text in (bash.read_text(), zsh, fish):
        assert "rules" in text and "alerts" in text, "a completion script lacks subcommands"
