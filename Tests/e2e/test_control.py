"""Issue 2: config validation, frenemyctl without a daemon, reloads, and the offline tools."""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import tempfile
from pathlib import Path

import pytest

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import deal_item, parse_rfc3339
from e2e_harness.daemon import run_ctl, write_atomically

FIXTURES = Path(__file__).parent / "fixtures"

VALID_CONFIG = """\
state_dir: state
control_socket: {socket}
rules:
  - rules
sources:
  - name: wire
    url: http://127.0.0.1:9/feed.xml
    interval: 5m
notify:
  - name: hook
    type: webhook
    url: http://127.0.0.1:9/hook
"""


def _edit(text: str, line: int, new: str | None = None, insert: str | None = None) -> str:
    lines = text.splitlines()
    if new is not None:
        lines[line - 1] = new
    if insert is not None:
        lines.insert(line - 1, insert)
    return "\n".join(lines) + "\n"


def _valid(frenemy, tmp_path: Path) -> str:
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    return VALID_CONFIG.format(socket=frenemy.socket)


def test_check_config_accepts_a_valid_config(frenemy, tmp_path):
    cfg = tmp_path / "frenemy.yaml"
    cfg.write_text(_valid(frenemy, tmp_path))
    out = frenemy.check_config(cfg)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize(
    "line,new,insert,key",
    [
        (8, "    interval: 5 minutes", None, "interval"),
        (9, None, "    colour: blue", "colour"),
        (2, None, "statedir: typo", "statedir"),
        (11, "    type: carrier-pigeon", None, "type"),
        (7, "    url: ftp://127.0.0.1/feed.xml", None, "url"),
    ],
    ids=["bad-interval", "unknown-source-key", "unknown-top-key", "bad-notify-type", "bad-url-scheme"],
)
def test_check_config_names_file_line_and_key(frenemy, tmp_path, line, new, insert, key):
    cfg = tmp_path / "frenemy.yaml"
    cfg.write_text(_edit(_valid(frenemy, tmp_path), line, new=new, insert=insert))
    out = frenemy.check_config(cfg)
    assert out.returncode == 1, f"expected exit 1, got {out.returncode}: {out.stderr}"
    assert re.search(rf"frenemy\.yaml:{line}\b", out.stderr), f"stderr does not name frenemy.yaml:{line}: {out.stderr!r}"
    assert key in out.stderr, f"stderr does not name the key {key!r}: {out.stderr!r}"


def test_check_config_rejects_a_broken_rule_file(frenemy, tmp_path):
    cfg = tmp_path / "frenemy.yaml"
    cfg.write_text(_valid(frenemy, tmp_path))
    (tmp_path / "rules" / "watchlist.yaml").write_text(rules.BROKEN_YAML)
    out = frenemy.check_config(cfg)
    assert out.returncode == 1, out.stderr
    assert re.search(r"watchlist\.yaml:\d+", out.stderr), f"the rule file and line are not named: {out.stderr!r}"


def _assert_clear_failure(out, sock: Path) -> None:
    assert out.returncode != 0, "frenemyctl must fail when no daemon answers"
    err = out.stderr.strip()
    assert err, "frenemyctl failed silently"
    assert str(sock) in err or "not running" in err.lower(), f"the message should say which socket / that frenemyd is not running: {err!r}"
    assert "Fatal error" not in err and "Stack dump" not in err, f"frenemyctl crashed: {err!r}"


@pytest.mark.parametrize("args", [["status"], ["status", "--json"], ["alerts", "--json"], ["reload"]])
def test_frenemyctl_without_daemon_fails_clearly(bins, tmp_path, args):
    sock = tmp_path / "absent" / "control.sock"
    _assert_clear_failure(run_ctl(bins, *args, "--socket", str(sock), check=False), sock)


def test_frenemyctl_with_stale_socket_fails_clearly(bins):
    d = Path(tempfile.mkdtemp(prefix="fe2e-", dir="/tmp"))
    try:
        sock = d / "control.sock"
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(str(sock))
        s.close()  # the file stays, nobody listens: what a crashed daemon leaves behind
        _assert_clear_failure(run_ctl(bins, "status", "--socket", str(sock), check=False), sock)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_socket_option_before_the_subcommand(frenemy, feeds, uid, tmp_path):
    """The documented form `frenemyctl --socket PATH status` works, not only `status --socket PATH`."""
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    config = frenemy.config(sources=[{"name": f"s-{uid}", "url": feeds.set("/s.xml", F.rss([]))}], rules=["rules"])
    frenemy.start(config)
    out = run_ctl(frenemy.bins, "--socket", str(frenemy.socket), "status", "--json", check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["sources"][0]["name"] == f"s-{uid}"


def test_reload_refuses_broken_rules_and_takes_good_ones(frenemy, feeds, journal, uid, tmp_path):
    rule_file = rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    src = f"reload-{uid}"
    a = deal_item(uid, "a")
    feeds.set("/r.xml", F.rss([a]))
    config = frenemy.config(sources=[{"name": src, "url": feeds.url("/r.xml"), "interval": "1s"}], rules=["rules"])
    daemon = frenemy.start(config)
    assert len(journal.wait_alerts(1, FRENEMY_SOURCE=src)) == 1
    assert daemon.status()["rules"] == 1

    # A broken rule file: SIGHUP is refused, logged as trouble, and the old rules keep working.
    write_atomically(rule_file, rules.BROKEN_YAML)
    daemon.signal(signal.SIGHUP)
    trouble = journal.wait_trouble(1, _PID=str(daemon.pid))
    assert trouble, "a refused reload must be logged with MESSAGE_ID=958ebfcd1d054f968a5d7eb2fa774dd1"
    assert any("watchlist.yaml" in e.get("MESSAGE", "") for e in trouble), [e.get("MESSAGE") for e in trouble]
    assert daemon.alive(), "a bad reload must not stop the daemon"
    b = deal_item(uid, "b", "Globex takes a stake in Acme Data")
    feeds.set("/r.xml", F.rss([b, a]))
    got = journal.wait_alerts(2, FRENEMY_SOURCE=src)
    assert {e["FRENEMY_TITLE"]: e["FRENEMY_RULE"] for e in got} == {a.title: "e2e-vendor-deal", b.title: "e2e-vendor-deal"}
    assert daemon.status()["rules"] == 1

    # The same through the API: refused with a non-zero exit that names the file.
    out = daemon.ctl("reload", check=False)
    assert out.returncode != 0, "`frenemyctl reload` must fail when the new rules are invalid"
    assert "watchlist.yaml" in out.stdout + out.stderr

    # A good new rule set is taken: the deal rule is gone, the acquisition rule fires.
    write_atomically(rule_file, rules.AFTER_RELOAD)
    daemon.signal(signal.SIGHUP)
    st = daemon.wait_status(lambda st: st.get("rules") == 2)
    assert st["rules"] == 2, f"the good rule file was not loaded: {st}"
    c = deal_item(uid, "c", "Globex acquires a stake in the robotics unit of Acme Data")
    feeds.set("/r.xml", F.rss([c, b, a]))
    journal.wait_alerts(1, FRENEMY_SOURCE=src, FRENEMY_TITLE=c.title)
    on_c = journal.alerts(FRENEMY_SOURCE=src, FRENEMY_TITLE=c.title)
    assert [(e["FRENEMY_RULE"], e["PRIORITY"]) for e in on_c] == [("e2e-competitor-acquires", "4")], on_c
    assert daemon.stop() == 0


@pytest.mark.parametrize(
    "fixture,expect",
    [
        ("parse_rss.xml", {
            "format": "rss",
            "feed": {"title": "Fixture Wire & Co", "link": "https://wire.example.test/"},
            "items": [
                {"id": "wire-0001", "title": "Acme Data signs deal with Globex",
                 "link": "https://wire.example.test/2026/11/acme-globex", "published": "2026-11-20T09:30:00Z",
                 "summary": "Acme Data & Globex signed a three-year deal."},
                {"id": "wire-0002", "title": "Café chain news", "published": "2026-11-21T08:00:00Z",
                 "summary": "Café & bar news \u2014 \u201cquoted\u201d"},
                {"id": "https://wire.example.test/2026/11/no-date", "title": "Item without a date", "published": None},
            ],
        }),
        ("parse_atom.xml", {
            "format": "atom",
            "feed": {"title": "Fixture Atom", "link": "https://atom.example.test/"},
            "items": [
                {"id": "tag:atom.example.test,2026:1", "title": "Initech & Umbrella ink a deal",
                 "link": "https://atom.example.test/2026/initech-umbrella", "published": "2026-11-21T12:15:00Z",
                 "updated": "2026-11-21T08:00:00Z", "summary": "Short summary.", "content": "Full story text."},
                {"id": "tag:atom.example.test,2026:2", "title": "Second entry",
                 "link": "https://atom.example.test/2026/second", "updated": "2026-11-20T10:00:00Z"},
            ],
        }),
        ("parse_jsonfeed.json", {
            "format": "json",
            "feed": {"title": "Fixture JSON", "link": "https://json.example.test/"},
            "items": [
                {"id": "j-1", "title": "Globex invests in Acme Data", "link": "https://json.example.test/j-1",
                 "published": "2026-11-22T09:00:00Z", "summary": "Investment news", "content": "Globex & Acme agree."},
                {"id": "j-2", "title": "Second JSON item", "updated": "2026-11-22T12:00:00Z",
                 "content": "Plain text content."},
            ],
        }),
    ],
    ids=["rss", "atom", "jsonfeed"],
)
def test_feed_parse_json(bins, fixture, expect):
    out = run_ctl(bins, "feed", "parse", str(FIXTURES / fixture), "--json")
    doc = json.loads(out.stdout)
    assert set(doc) >= {"format", "feed", "items", "warnings"}, sorted(doc)
    assert doc["format"] == expect["format"]
    for k, v in expect["feed"].items():
        assert doc["feed"].get(k) == v, f"feed.{k}: {doc['feed'].get(k)!r} != {v!r}"
    assert len(doc["items"]) == len(expect["items"]), [i.get("title") for i in doc["items"]]
    for got, want in zip(doc["items"], expect["items"]):
        for k, v in want.items():
            if k in ("published", "updated") and v is not None:
                assert got.get(k, "").endswith("Z"), f"{k} is not RFC 3339 UTC: {got.get(k)!r}"
                assert parse_rfc3339(got[k]) == parse_rfc3339(v), f"item {want['id']} {k}: {got[k]!r} != {v!r}"
            else:
                assert got.get(k) == v, f"item {want['id']} {k}: {got.get(k)!r} != {v!r}"


BAD_SEVERITY = """\
entities:
  - id: acme-data
    name: Acme Data
    roles: [vendor]
    aliases: ["Acme Data"]
rules:
  - id: bad-severity
    title: Has a bad severity
    severity: urgent
    match:
      all:
        - entity: vendor
    message: "{vendor}"
"""


def test_rules_check_reports_file_line_col(bins, tmp_path):
    good = rules.write(tmp_path, "good.yaml", rules.VENDOR_DEAL)
    ok = run_ctl(bins, "rules", "check", str(good), check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    bad = rules.write(tmp_path, "bad-severity.yaml", BAD_SEVERITY)
    unknown_text = _edit(BAD_SEVERITY.replace("urgent", "high"), 9, insert="    colour: red")
    unknown = rules.write(tmp_path, "unknown-key.yaml", unknown_text)
    out = run_ctl(bins, "rules", "check", str(good), str(bad), str(unknown), check=False)
    text = out.stdout + out.stderr
    assert out.returncode == 1, f"expected exit 1, got {out.returncode}: {text}"
    assert re.search(r"bad-severity\.yaml:9:\d+", text), f"no bad-severity.yaml:9:<col> in {text!r}"
    assert "severity" in text
    assert re.search(r"unknown-key\.yaml:9:5\b", text), f"no unknown-key.yaml:9:5 (1-based column of the key) in {text!r}"
    assert "colour" in text
    assert "good.yaml:" not in text, f"the valid file was reported: {text!r}"


def test_rules_check_passes_on_the_shipped_rules(bins, repo):
    assert (repo / "Rules").is_dir(), "the repo ships Rules/"
    out = run_ctl(bins, "rules", "check", str(repo / "Rules"), check=False)
    assert out.returncode == 0, out.stdout + out.stderr
