"""Issue 13: the first hour of a new operator. Errors name the file, line, field or path and the
cause in words; every `--json` command answers JSON on success and failure; a rule set that can
alert on nothing says so."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import deal_item
from e2e_harness.daemon import run_ctl, write_atomically

# The rules and their roles without a watchlist, as `Rules/` alone is.
RULES_ONLY = "roles: [vendor, competitor]\n" + rules.VENDOR_DEAL[len(rules.ACME_AND_GLOBEX):]
FOUNDATION_DUMPS = ("NSCocoaErrorDomain", "Error Domain=", "UserInfo=", "The operation could not be completed")


def _no_dump(text: str) -> None:
    for dump in FOUNDATION_DUMPS:
        assert dump not in text, f"a raw Foundation error reached the operator: {text!r}"


# --- frenemyctl --json ------------------------------------------------------------------------


def test_match_json_lines_read_one_by_one(bins, tmp_path, uid):
    """Piped to a line reader, every line of `match --json` is one whole JSON object."""
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    items = [deal_item(uid, f"d{i}", f"Acme Data signs deal number {i} with Globex") for i in range(40)]
    feed = tmp_path / "feed.xml"
    feed.write_text(F.rss(items))
    proc = subprocess.Popen(
        [str(bins.frenemyctl), "match", "--rules", str(tmp_path / "rules"), str(feed), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    lines = []
    assert proc.stdout is not None
    for raw in proc.stdout:  # line by line, as `while read` or jq --stream would
        lines.append(raw.decode())
    proc.wait(timeout=30)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert len(lines) == 40, f"expected 40 lines, got {len(lines)}: {lines[:3]!r}"
    for line in lines:
        obj = json.loads(line)
        assert obj["rule"] == "e2e-vendor-deal"


def test_reload_refused_answers_json_on_stdout(frenemy, feeds, uid, tmp_path):
    rule_file = rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    config = frenemy.config(sources=[{"name": f"s-{uid}", "url": feeds.set("/s.xml", F.rss([]))}], rules=["rules"])
    daemon = frenemy.start(config)
    write_atomically(rule_file, rules.BROKEN_YAML)
    out = daemon.ctl("reload", "--json", check=False)
    assert out.returncode == 1, out
    answer = json.loads(out.stdout)
    assert "refused" in answer["error"]
    assert any("watchlist.yaml" in p for p in answer["problems"]), answer
    # And success is JSON too.
    write_atomically(rule_file, rules.VENDOR_DEAL)
    out = daemon.ctl("reload", "--json")
    assert json.loads(out.stdout)["rules"] == 1


@pytest.mark.parametrize("args", [["status"], ["sources"], ["alerts"], ["reload"], ["poll"], ["receivers"]])
def test_json_when_the_daemon_is_absent(bins, tmp_path, args):
    sock = tmp_path / "absent" / "control.sock"
    out = run_ctl(bins, *args, "--json", "--socket", str(sock), check=False)
    assert out.returncode == 69, out
    answer = json.loads(out.stdout)
    assert str(sock) in answer["error"], answer


def test_poll_unknown_source_answers_json(frenemy, feeds, uid, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    config = frenemy.config(sources=[{"name": f"s-{uid}", "url": feeds.set("/s.xml", F.rss([]))}], rules=["rules"])
    daemon = frenemy.start(config)
    out = daemon.ctl("poll", "nope", "--json", check=False)
    assert out.returncode == 1
    assert "nope" in json.loads(out.stdout)["error"]


def test_rules_check_and_test_take_json(bins, tmp_path):
    good = rules.write(tmp_path / "good", "watchlist.yaml", rules.VENDOR_DEAL)
    out = run_ctl(bins, "rules", "check", str(good), "--json")
    answer = json.loads(out.stdout)
    assert answer["ok"] is True and answer["rules"] == 1 and answer["entities"] == 2, answer

    bad = rules.write(tmp_path / "bad", "watchlist.yaml", rules.BROKEN_YAML)
    out = run_ctl(bins, "rules", "check", str(bad), "--json", check=False)
    assert out.returncode == 1
    answer = json.loads(out.stdout)
    assert answer["ok"] is False and answer["diagnostics"], answer
    d = answer["diagnostics"][0]
    assert d["file"].endswith("watchlist.yaml") and d["line"] >= 1 and d["severity"] == "error", d

    out = run_ctl(bins, "rules", "test", str(good), "--json")
    answer = json.loads(out.stdout)
    assert answer["ok"] is True and answer["failed"] == 0, answer
    out = run_ctl(bins, "rules", "test", str(bad), "--json", check=False)
    assert out.returncode == 1 and json.loads(out.stdout)["ok"] is False


def test_offline_commands_answer_json_on_failure(bins, tmp_path):
    bad = rules.write(tmp_path / "bad", "watchlist.yaml", rules.BROKEN_YAML)
    feed = tmp_path / "feed.xml"
    feed.write_text(F.rss([]))
    for args in (
        ["match", "--rules", str(bad), str(feed), "--json"],
        ["match", "--rules", str(tmp_path / "bad"), str(tmp_path / "missing.xml"), "--json"],
        ["feed", "parse", str(tmp_path / "missing.xml"), "--json"],
        ["route", "test", "--config", str(tmp_path / "missing.yaml"), "severity=high", "--json"],
    ):
        out = run_ctl(bins, *args, check=False)
        assert out.returncode != 0, args
        answer = json.loads(out.stdout)
        assert answer.get("error") or answer.get("ok") is False, (args, answer)


# --- config errors ------------------------------------------------------------------------------


def test_config_validation_reports_every_error(frenemy, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    cfg = tmp_path / "frenemy.yaml"
    cfg.write_text(
        f"""state_dir: state
control_socket: {frenemy.socket}
rules: [rules]
colour: blue
sources:
  - name: one
    url: http://127.0.0.1:9/a.xml
    interval: 5 minutes
  - name: two
    url: ftp://127.0.0.1/b.xml
notify:
  - name: hook
    type: carrier-pigeon
    url: http://127.0.0.1:9/hook
"""
    )
    out = frenemy.check_config(cfg)
    assert out.returncode == 1
    for line, field in [(4, "colour"), (8, "interval"), (10, "url"), (13, "type")]:
        assert re.search(rf"frenemy\.yaml:{line}:\d+: error: \S*{field}", out.stderr), (line, field, out.stderr)


def test_missing_config_names_the_path(frenemy, tmp_path):
    missing = tmp_path / "nope" / "frenemy.yaml"
    out = frenemy.run("--config", str(missing), "--check-config", timeout=30)
    assert out.returncode == 1
    assert str(missing) in out.stderr and "no such file" in out.stderr.lower(), out.stderr
    _no_dump(out.stderr)


def _world_readable_dir() -> Path:
    d = Path(tempfile.mkdtemp(prefix="fe2e-", dir="/tmp"))
    d.chmod(0o755)
    return d


def _as_nobody(cmd: list[str]) -> subprocess.CompletedProcess:
    full = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd]
    out = subprocess.run(full, capture_output=True, text=True, timeout=60)
    print(f"$ {' '.join(full)} -> {out.returncode}\n{out.stdout}{out.stderr}")
    return out


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv to become nobody")
def test_unwritable_state_dir_is_named_in_words(bins):
    d = _world_readable_dir()
    try:
        (d / "rules").mkdir()
        (d / "rules" / "watchlist.yaml").write_text(rules.VENDOR_DEAL)
        (d / "locked").mkdir(mode=0o755)  # root's; nobody cannot write it
        (d / "run").mkdir(mode=0o777)
        cfg = d / "frenemy.yaml"
        cfg.write_text(f"state_dir: {d}/locked/state\ncontrol_socket: {d}/run/c.sock\nrules: [rules]\nsources: []\n")
        for p in (cfg, d / "rules", d / "rules" / "watchlist.yaml"):
            p.chmod(0o755 if p.is_dir() else 0o644)

        check = _as_nobody([str(bins.frenemyd), "--config", str(cfg), "--check-config"])
        assert check.returncode == 1, "--check-config must refuse a state_dir the daemon cannot create"
        assert "state_dir" in check.stderr and f"{d}/locked" in check.stderr, check.stderr
        assert "not writable" in check.stderr, check.stderr
        _no_dump(check.stderr)

        start = _as_nobody(["timeout", "20", str(bins.frenemyd), "--config", str(cfg)])
        assert start.returncode == 1
        assert f"{d}/locked/state" in start.stderr and "permission denied" in start.stderr.lower(), start.stderr
        _no_dump(start.stderr)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_check_config_checks_the_folders_it_will_create(frenemy, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    (tmp_path / "afile").write_text("not a folder\n")
    cfg = tmp_path / "frenemy.yaml"
    cfg.write_text(f"state_dir: afile/state\ncontrol_socket: {tmp_path}/afile/run/c.sock\nrules: [rules]\nsources: []\n")
    out = frenemy.check_config(cfg)
    assert out.returncode == 1, out.stdout
    assert "state_dir" in out.stderr and "control_socket" in out.stderr, out.stderr
    assert "is not a folder" in out.stderr, out.stderr
    # Started anyway (no check): the socket's folder is named with the cause in words.
    cfg.write_text(f"state_dir: state\ncontrol_socket: {tmp_path}/afile/run/c.sock\nrules: [rules]\nsources: []\n")
    out = frenemy.run("--config", str(cfg), timeout=30)
    assert out.returncode == 1
    assert f"control_socket {tmp_path}/afile/run/c.sock" in out.stderr and "not a directory" in out.stderr, out.stderr
    _no_dump(out.stderr)


def test_check_config_checks_receivers_keys(frenemy, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    cfg = tmp_path / "frenemy.yaml"
    cfg.write_text(
        f"""state_dir: state
control_socket: {frenemy.socket}
rules: [rules]
sources: []
notify:
  - name: hook
    type: webhook
    url_file: {tmp_path}/no-such-secret
"""
    )
    out = frenemy.check_config(cfg)
    assert out.returncode == 1
    assert "url_file" in out.stderr and "no-such-secret" in out.stderr and "does not exist" in out.stderr, out.stderr


# --- a rule set that alerts on nothing ---------------------------------------------------------


def test_rules_without_entities_warn_in_match(bins, tmp_path):
    only = rules.write(tmp_path / "r", "rules.yaml", RULES_ONLY)
    feed = tmp_path / "feed.xml"
    feed.write_text(F.rss([]))
    out = run_ctl(bins, "match", "--rules", str(only), str(feed))
    assert "no entities" in out.stderr, out.stderr


def test_rules_without_entities_warn_at_load_and_in_status(frenemy, feeds, journal, uid, tmp_path):
    rules.write(tmp_path / "rules", "rules.yaml", RULES_ONLY)
    config = frenemy.config(sources=[{"name": f"s-{uid}", "url": feeds.set("/s.xml", F.rss([]))}], rules=["rules"])
    daemon = frenemy.start(config)
    st = daemon.status()
    assert any("no entities" in w for w in st.get("warnings", [])), st
    assert "no entities" in daemon.ctl("status").stdout
    assert "no entities" in daemon.stderr()
    logged = journal.entries(_PID=str(daemon.pid))
    assert any("no entities" in e.get("MESSAGE", "") and e.get("PRIORITY") == "4" for e in logged), "not journaled"
