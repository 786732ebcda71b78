"""Issue 13, "seeing what it does": debug logging of the daemon's work (and not of its
libraries), the STATUS= line after a restart, the effective interval a feed's <ttl> imposes, the
terminal line of an alert, the configured user_agent on deliveries, and every bad spool line
journaled once."""

from __future__ import annotations

import json
import re

import pytest

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import deal_item, source_status, wait_fetches, wait_until
from e2e_harness.daemon import write_atomically
from e2e_harness.servers import NotifySocket

RFC3339 = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"


def test_debug_log_shows_fetches_parses_matches_and_deliveries(frenemy, feeds, receiver, uid, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    hit = deal_item(uid)
    feeds.set("/d.xml", F.rss([hit, deal_item(uid, "plain", "Weather is fine today")]), etag='"v1"')
    url = feeds.url("/d.xml").replace("http://", "http://reader:hunter2@")
    src = f"dbg-{uid}"
    config = frenemy.config(
        sources=[{"name": src, "url": url, "interval": "1s"}],
        rules=["rules"],
        notify=[{"name": "hook", "url": receiver.url("/hook")}],
    )
    daemon = frenemy.start(config, args=["--log-level", "debug"])
    receiver.wait_for_deliveries(1)
    wait_fetches(feeds, "/d.xml", 2)
    assert wait_until(lambda: "If-None-Match" in daemon.stderr() and "deliver " in daemon.stderr())
    log = daemon.stderr()
    fetches = [l for l in log.splitlines() if f"fetch {src}:" in l]
    assert fetches, log[-3000:]
    assert re.search(r"GET http://…@127\.0\.0\.1:\d+/d\.xml -> HTTP 200, \d+ bytes in \d+\.\d+s; validators sent: none", fetches[0])
    assert any("HTTP 304" in l and "If-None-Match" in l for l in fetches[1:]), fetches
    assert "hunter2" not in log, "the feed URL's password reached the log"
    assert re.search(rf"parse {src}: 2 items, 2 new", log), log[-3000:]
    assert re.search(rf"match {src}: '{re.escape(hit.title)}': alerts: e2e-vendor-deal", log)
    assert re.search(rf"match {src}: 'Weather is fine today': no rule matched", log)
    assert re.search(r"deliver ntf_\S+ to hook \(webhook\), attempt 1: delivered", log), log[-3000:]
    # The libraries' own debug chatter stays out.
    assert "service lifecycle" not in log.lower() and "Starting service" not in log, log[-3000:]


@pytest.fixture
def notify(frenemy):
    sock = NotifySocket(frenemy.short_dir / "notify.sock")
    yield sock
    sock.close()


def test_status_line_counts_failing_sources_after_a_restart(frenemy, feeds, notify, uid, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    good = feeds.set("/ok.xml", F.rss([]))
    config = frenemy.config(
        sources=[
            {"name": f"ok-{uid}", "url": good, "interval": "1s"},
            {"name": f"bad-{uid}", "url": "http://127.0.0.1:9/refused.xml", "interval": "1h"},
        ],
        rules=["rules"],
    )
    first = frenemy.start(config)
    st = first.wait_status(lambda s: source_status(s, f"bad-{uid}")["last_result"] == "failing")
    assert source_status(st, f"bad-{uid}")["last_result"] == "failing"
    assert first.stop() == 0

    second = frenemy.start(config, env={"NOTIFY_SOCKET": notify.path})
    seen = notify.wait_for(lambda m: "last polled" in m.get("STATUS", ""))
    assert seen is not None, notify.snapshot()
    assert "(1 failing)" in seen[1]["STATUS"], seen[1]
    table = second.ctl("sources").stdout
    assert sum(1 for line in table.splitlines() if " failing " in line) == 1, table


def test_feed_ttl_shows_as_the_effective_interval(frenemy, feeds, uid, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    body = F.rss([deal_item(uid)]).replace("<channel>", "<channel><ttl>15</ttl>", 1)
    src = f"ttl-{uid}"
    config = frenemy.config(sources=[{"name": src, "url": feeds.set("/ttl.xml", body), "interval": "10s"}], rules=["rules"])
    daemon = frenemy.start(config)
    st = daemon.wait_status(lambda s: source_status(s, src).get("effective_interval") is not None)
    s = source_status(st, src)
    assert s["interval"] == 10 and s["effective_interval"] == pytest.approx(900, abs=2), s
    assert "ttl" in s["interval_reason"], s
    assert "15m (feed ttl 15m; configured 10s)" in daemon.ctl("sources").stdout
    assert "15m (feed ttl 15m; configured 10s)" in daemon.ctl("status").stdout


def test_terminal_alert_line_has_time_and_reason(frenemy, feeds, uid, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    hit = deal_item(uid)
    config = frenemy.config(sources=[{"name": f"t-{uid}", "url": feeds.set("/t.xml", F.rss([hit]))}], rules=["rules"])
    daemon = frenemy.start(config)
    assert wait_until(lambda: hit.title in daemon.stderr())
    line = next(l for l in daemon.stderr().splitlines() if hit.title in l and "e2e-vendor-deal" in l)
    assert re.match(rf"{RFC3339} high e2e-vendor-deal: ", line), line
    assert "(why: matched 'Acme Data' (vendor) and 'Globex' (competitor)" in line, line


def test_deliveries_carry_the_configured_user_agent(frenemy, feeds, receiver, uid, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    src = f"ua-{uid}"
    feeds.set("/ua.xml", F.rss([deal_item(uid)]))
    base = frenemy.config(sources=[{"name": src, "url": feeds.url("/ua.xml"), "interval": "1h"}], rules=["rules"],
                          notify=[{"name": "hook", "url": receiver.url("/hook")}])
    text = base.read_text()
    base.write_text('user_agent: "Example Corp ops@example.test"\n' + text)
    daemon = frenemy.start(base)
    got = receiver.wait_for_deliveries(1)
    assert "ops@example.test" in (got[0].header("User-Agent") or ""), got[0].headers
    assert "ops@example.test" in (feeds.requests_for("/ua.xml")[0].header("User-Agent") or "")
    # A reload with another contact: deliveries and fetches both use it.
    write_atomically(base, 'user_agent: "Example Corp sec@example.test"\n' + text)
    daemon.ctl("reload")
    out = daemon.ctl("notify", "test", "hook", check=False)
    assert out.returncode == 0, out
    got = receiver.wait_for_deliveries(2)
    assert "sec@example.test" in (got[-1].header("User-Agent") or ""), got[-1].headers


def test_bad_spool_lines_are_journaled_once_with_file_and_line(frenemy, journal, uid, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    spool = tmp_path / "spool"
    spool.mkdir()
    src = f"jl-{uid}"
    config = frenemy.config(sources=[{"name": src, "type": "directory", "path": str(spool), "interval": "1s"}],
                            rules=["rules"])
    daemon = frenemy.start(config)
    lines = [
        json.dumps({"title": f"Acme Data signs deal with Globex {uid}", "url": "https://x.example/a"}),
        "{not json",
        json.dumps({"url": "https://x.example/no-title"}),
    ]
    (spool / "items.jsonl.tmp").write_text("\n".join(lines) + "\n")
    (spool / "items.jsonl.tmp").rename(spool / "items.jsonl")
    journal.wait_alerts(1, FRENEMY_SOURCE=src)
    # Several more polls of the now-empty spool: nothing may be logged again.
    st = daemon.status()
    polled = source_status(st, src)["last_poll"]
    assert wait_until(lambda: source_status(daemon.status(), src)["last_poll"] != polled)
    assert wait_until(lambda: len([e for e in journal.trouble(FRENEMY_SOURCE=src)]) >= 2)
    entries = [e.get("MESSAGE", "") for e in journal.trouble(FRENEMY_SOURCE=src)]
    line2 = [m for m in entries if "items.jsonl: line 2: not a JSON object" in m]
    line3 = [m for m in entries if "items.jsonl: line 3: no 'title' text" in m]
    assert len(line2) == 1 and len(line3) == 1, entries
    assert str(spool) in line2[0], line2
