"""Issue 2: one news item travels feed -> frenemyd -> journal, webhook and control socket, once."""

from __future__ import annotations

import os
import stat
import subprocess
import time

import pytest

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import (
    SECRET,
    assert_alert_entry,
    deal_item,
    deal_scenario,
    parse_rfc3339,
    source_status,
    wait_fetches,
)
from e2e_harness.webhooks import signature_valid


def test_alert_reaches_the_journal_with_its_fields(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    frenemy.once(config)

    entries = journal.alerts(FRENEMY_SOURCE=src)
    assert len(entries) == 1, f"expected one alert (the deal, not the decoys), got {[e.get('FRENEMY_TITLE') for e in entries]}"
    entry = entries[0]
    assert_alert_entry(
        entry, rule="e2e-vendor-deal", priority="3", severity="high",
        roles={"vendor": "Acme Data", "competitor": "Globex Corporation"}, item=hit, source=src,
    )
    assert hit.title in entry["MESSAGE"], entry["MESSAGE"]
    assert "Globex" in entry["FRENEMY_EXPLANATION"], entry["FRENEMY_EXPLANATION"]


def test_alert_reaches_the_webhook_signed_and_shaped(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    frenemy.once(config)

    reqs = receiver.snapshot()
    assert len(reqs) == 1, f"expected one POST, got {[(r.method, r.status) for r in reqs]}"
    d = reqs[0]
    assert d.method == "POST" and d.path == "/hook"
    assert (d.header("content-type") or "").startswith("application/json"), d.headers
    assert d.header("webhook-id"), d.headers
    ts = d.header("webhook-timestamp") or ""
    assert ts.isdigit() and abs(int(ts) - time.time()) < 600, f"webhook-timestamp {ts!r} is not the current unix time"
    assert signature_valid(SECRET, d.headers, d.body), f"signature does not verify: {d.headers.get('webhook-signature')}"

    body = d.json()
    assert body["type"] == "alert.raised"
    parse_rfc3339(body["timestamp"])
    data = body["data"]
    assert set(data) >= {"id", "rule", "rule_title", "severity", "message", "source", "item", "entities",
                         "explanation", "created_at"}, sorted(data)
    assert (data["rule"], data["severity"], data["source"]) == ("e2e-vendor-deal", "high", src)
    assert data["rule_title"] == "Our vendor signs with our competitor (e2e)"
    assert hit.title in data["message"]
    assert data["item"]["id"] == hit.id
    assert data["item"]["title"] == hit.title
    assert data["item"]["url"] == hit.link
    assert parse_rfc3339(data["item"]["published"]) == hit.published
    assert data["entities"] == {
        "vendor": {"id": "acme-data", "name": "Acme Data", "matched": "Acme Data"},
        "competitor": {"id": "globex", "name": "Globex Corporation", "matched": "Globex"},
    }
    assert data["explanation"]
    parse_rfc3339(data["created_at"])

    entries = journal.alerts(FRENEMY_SOURCE=src)
    assert [e["FRENEMY_ALERT_ID"] for e in entries] == [data["id"]], "journal and webhook disagree on the alert id"


def test_unsigned_webhook_when_no_secret(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid, secret=None)
    frenemy.once(config)
    reqs = receiver.snapshot()
    assert len(reqs) == 1
    assert reqs[0].header("webhook-id"), "every POST carries a webhook-id, signed or not"
    assert reqs[0].json()["data"]["item"]["url"] == hit.link


def test_restart_raises_nothing_new_and_the_api_lists_the_alert_once(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid, interval="1s")
    frenemy.once(config)
    frenemy.once(config)  # a restart: same state_dir, the feed unchanged (no validators, full body again)
    assert len(feeds.requests_for("/wire.xml")) == 2
    assert len(journal.alerts(FRENEMY_SOURCE=src)) == 1, "the second run raised the alert again"
    assert len(receiver.snapshot()) == 1, "the second run delivered the webhook again"

    daemon = frenemy.start(config)
    # Two more fetches: the second starts only after the first cycle of this run was processed.
    wait_fetches(feeds, "/wire.xml", 4)
    assert len(journal.alerts(FRENEMY_SOURCE=src)) == 1, "the long-running daemon raised the alert again"
    assert len(receiver.snapshot()) == 1

    alerts = daemon.alerts()
    assert len(alerts) == 1, alerts
    webhook_data = receiver.snapshot()[0].json()["data"]
    # The alert view adds what became of the alert (state, silenced_by, acknowledgement) to the
    # one alert JSON; everything else is the same object.
    assert alerts[0]["state"] == "notified", alerts[0]
    view = {k: v for k, v in alerts[0].items() if k not in ("state", "silenced_by", "acknowledgement")}
    assert view == webhook_data, "`frenemyctl alerts --json` and the webhook must carry the same alert JSON"

    st = daemon.status()
    assert isinstance(st.get("version"), str) and st["version"], st
    assert isinstance(st.get("uptime_seconds"), (int, float)) and st["uptime_seconds"] >= 0, st
    assert (st["rules"], st["entities"], st["alerts"], st["pending_deliveries"]) == (1, 2, 1, 0), st
    s = source_status(st, src)
    assert s["url"] == feeds.url("/wire.xml")
    parse_rfc3339(s["last_poll"])
    parse_rfc3339(s["next_poll"])
    assert not s.get("error"), s

    mode = stat.S_IMODE(os.stat(frenemy.socket).st_mode)
    assert mode == 0o660, f"control socket mode is {oct(mode)}, expected 0o660"
    assert daemon.stop() == 0, "frenemyd must exit 0 on SIGTERM"


def test_feed_change_between_polls_alerts_only_the_new_item(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, first = deal_scenario(frenemy, feeds, receiver, tmp_path, uid, interval="1s")
    daemon = frenemy.start(config)
    assert len(journal.wait_alerts(1, FRENEMY_SOURCE=src)) >= 1, "no alert for the first item"

    second = deal_item(uid, "stake", "Globex takes a 49% stake in Acme Data")
    feeds.set("/wire.xml", F.rss([second, first]))
    got = journal.wait_alerts(2, FRENEMY_SOURCE=src)
    assert sorted(e["FRENEMY_TITLE"] for e in got) == sorted([first.title, second.title]), got
    receiver.wait_for_deliveries(2)
    assert len(journal.alerts(FRENEMY_SOURCE=src)) == 2
    assert [r.json()["data"]["item"]["title"] for r in receiver.deliveries()] == [first.title, second.title]

    alerts = daemon.alerts()
    assert [a["item"]["title"] for a in alerts] == [second.title, first.title], "alerts are listed newest first"
    assert [a["item"]["title"] for a in daemon.alerts(limit=1)] == [second.title]
    assert daemon.status()["alerts"] == 2


def test_conditional_get_sends_validators_and_accepts_304(frenemy, feeds, receiver, journal, uid, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    etag_item = deal_item(uid, "etag")
    lm_item = deal_item(uid, "lm", "Globex and Acme Data sign a partnership")
    lm = "Thu, 20 Nov 2026 09:30:00 GMT"
    etag_url = feeds.set("/etag.xml", F.rss([etag_item]), etag='"e2e-v1"', last_modified=lm)
    lm_url = feeds.set("/lm.xml", F.rss([lm_item]), last_modified=lm)
    config = frenemy.config(
        sources=[{"name": f"etag-{uid}", "url": etag_url}, {"name": f"lm-{uid}", "url": lm_url}],
        rules=["rules"],
        notify=[{"name": "hook", "url": receiver.url("/hook")}],
    )
    frenemy.once(config)
    frenemy.once(config)

    etag_reqs = feeds.requests_for("/etag.xml")
    assert [r.status for r in etag_reqs] == [200, 304], [r.status for r in etag_reqs]
    assert etag_reqs[1].header("if-none-match") == '"e2e-v1"', etag_reqs[1].headers
    lm_reqs = feeds.requests_for("/lm.xml")
    assert [r.status for r in lm_reqs] == [200, 304], [r.status for r in lm_reqs]
    assert lm_reqs[1].header("if-modified-since") == lm, lm_reqs[1].headers
    for r in etag_reqs + lm_reqs:
        assert (r.header("user-agent") or "").startswith("frenemy/"), r.headers
    assert len(journal.alerts(FRENEMY_SOURCE=f"etag-{uid}")) == 1
    assert len(journal.alerts(FRENEMY_SOURCE=f"lm-{uid}")) == 1
    assert len(receiver.deliveries()) == 2


def test_gzip_and_redirects_are_handled(frenemy, feeds, receiver, journal, uid, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    item = deal_item(uid, "moved")
    feeds.set("/new/feed.xml", F.rss([item]), gzip=True)
    old_url = feeds.redirect("/old/feed.xml", "/new/feed.xml", status=301)
    config = frenemy.config(sources=[{"name": f"moved-{uid}", "url": old_url}], rules=["rules"])
    frenemy.once(config)
    served = feeds.requests_for("/new/feed.xml")
    assert served, "the redirect was not followed"
    assert "gzip" in (served[0].header("accept-encoding") or ""), served[0].headers
    entries = journal.alerts(FRENEMY_SOURCE=f"moved-{uid}")
    assert [e["FRENEMY_URL"] for e in entries] == [item.link]


def test_one_broken_source_does_not_stop_the_others(frenemy, feeds, receiver, journal, uid, tmp_path):
    import socket

    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    feeds.set("/garbage.xml", b"\x00\x01{{{ this is not a feed <<<", content_type="application/xml")
    good = deal_item(uid, "good")
    bad = {
        f"missing-{uid}": feeds.url("/missing.xml"),
        f"garbage-{uid}": feeds.url("/garbage.xml"),
        f"refused-{uid}": f"http://127.0.0.1:{dead_port}/feed.xml",
        f"nofile-{uid}": f"file://{tmp_path}/does-not-exist.xml",
    }
    sources = [{"name": n, "url": u} for n, u in bad.items()]
    sources.append({"name": f"good-{uid}", "url": feeds.set("/good.xml", F.rss([good]))})
    config = frenemy.config(sources=sources, rules=["rules"], notify=[{"name": "hook", "url": receiver.url("/hook")}])

    daemon = frenemy.start(config)
    entries = journal.wait_alerts(1, FRENEMY_SOURCE=f"good-{uid}")
    assert [e["FRENEMY_TITLE"] for e in entries] == [good.title], "the good source's alert did not arrive"
    assert len(receiver.wait_for_deliveries(1)) == 1

    st = daemon.wait_status(lambda st: all(s.get("last_poll") for s in st.get("sources", [])))
    for name in bad:
        s = source_status(st, name)
        assert s.get("last_poll") and s.get("error"), f"{name} should report its error: {s}"
    assert not source_status(st, f"good-{uid}").get("error")

    trouble = journal.wait_trouble(len(bad), _PID=str(daemon.pid))
    text = "\n".join(f"{e.get('MESSAGE', '')} {e.get('FRENEMY_SOURCE', '')}" for e in trouble)
    missing = [n for n in bad if n not in text]
    assert not missing, f"no trouble entry (MESSAGE_ID=958ebfcd...) names {missing}; entries:\n{text}"
    assert daemon.alive()


def test_other_watchlist_roles_and_formats(frenemy, feeds, receiver, journal, uid, tmp_path):
    """A watchlist with roles nobody here shipped (supplier/rival), over Atom (http) and JSON Feed (file://)."""
    rules.write(tmp_path / "rules", "partners.yml", rules.SUPPLIER_RIVAL)
    atom_hit = F.Item(f"tag:e2e,2026:{uid}:1", "Initech inks cloud contract with Umbrella Corp",
                      f"https://atom.example.test/{uid}/1", "Initech Labs will run Umbrella's pipelines.")
    atom_decoy = F.Item(f"tag:e2e,2026:{uid}:2", "Umbrella Corp posts record quarter", f"https://atom.example.test/{uid}/2",
                        "No partnership news this time.")
    json_hit = F.Item(f"{uid}-j1", "Globex and Acme Data announce partnership", f"https://json.example.test/{uid}/j1",
                      "The two firms will share infrastructure.")
    json_path = tmp_path / "feed.json"
    json_path.write_text(F.json_feed([json_hit]), encoding="utf-8")
    config = frenemy.config(
        sources=[
            {"name": f"atom-{uid}", "url": feeds.set("/a.atom", F.atom([atom_hit, atom_decoy]),
                                                      content_type="application/atom+xml")},
            {"name": f"json-{uid}", "url": f"file://{json_path}"},
        ],
        rules=["rules/partners.yml"],
        notify=[{"name": "hook", "url": receiver.url("/hook")}],
    )
    frenemy.once(config)

    atom_entries = journal.alerts(FRENEMY_SOURCE=f"atom-{uid}")
    assert len(atom_entries) == 1, [e.get("FRENEMY_TITLE") for e in atom_entries]
    assert_alert_entry(atom_entries[0], rule="supplier-partners-with-rival", priority="2", severity="critical",
                       roles={"supplier": "Initech", "rival": "Umbrella Corporation"}, item=atom_hit,
                       source=f"atom-{uid}")
    json_entries = journal.alerts(FRENEMY_SOURCE=f"json-{uid}")
    assert len(json_entries) == 1
    assert_alert_entry(json_entries[0], rule="supplier-partners-with-rival", priority="2", severity="critical",
                       roles={"supplier": "Acme Data", "rival": "Globex Corporation"}, item=json_hit,
                       source=f"json-{uid}")
    by_title = {r.json()["data"]["item"]["title"]: r.json()["data"] for r in receiver.deliveries()}
    assert set(by_title) == {atom_hit.title, json_hit.title}
    assert by_title[atom_hit.title]["entities"]["supplier"]["id"] == "initech"
    assert by_title[atom_hit.title]["entities"]["rival"]["matched"] == "Umbrella Corp"


# Hides the journal socket in a private mount namespace, then execs frenemyd.
NO_JOURNAL = ["unshare", "--mount", "sh", "-c",
              'mount -t tmpfs tmpfs /run/systemd/journal || exit 97; exec "$0" "$@"']


def test_without_a_journal_alerts_are_readable_on_stderr(frenemy, feeds, receiver, journal, uid, tmp_path):
    probe = subprocess.run(NO_JOURNAL + ["true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot hide the journal socket here (needs root and unshare): {probe.stderr!r}")
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    out = frenemy.run("--config", str(config), "--once", wrapper=NO_JOURNAL)
    assert out.returncode == 0, out.stderr
    assert hit.title in out.stderr, (
        f"with no journal socket the alert must be written readably to stderr:\n{out.stderr}"
    )
    assert journal.alerts(FRENEMY_SOURCE=src) == [], "the journal was hidden; nothing should have reached it"
    assert len(receiver.deliveries()) == 1, "webhooks do not depend on the journal"
