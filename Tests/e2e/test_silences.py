"""Issue 9, sections 2 and 3: silences, acknowledgements and the alert view, end to end with the
real frenemyd and frenemyctl against loopback feeds and webhook receivers.

A silenced alert is stored and journaled (FRENEMY_SILENCED_BY) but not notified; silences are
checked again when a group falls due, expire by themselves and survive restarts; an
acknowledged alert gets no further notifications. Waits are bounded and never asserted on as
timings.
"""

from __future__ import annotations

import json
import time

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import decoy_items, deal_item, wait_until
from e2e_harness.daemon import q, unix_http
from e2e_harness.servers import WebhookReceiver


def setup(frenemy, feeds, uid: str, receivers: list[tuple[str, str]], route: str = "", sources: int = 1):
    """Config with the e2e deal rule, `sources` feeds (decoys only for now) and webhook receivers."""
    rules.write(frenemy.dir / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    lines = [f"state_dir: {q('state')}", f"control_socket: {q(str(frenemy.socket))}", "rules:", "  - rules",
             "sources:"]
    for n in range(sources):
        url = feeds.set(f"/{uid}-{n}.xml", F.rss(decoy_items(uid)))
        lines += [f"  - name: {q(f'wire{n}-{uid}')}", f"    url: {q(url)}", "    interval: 1h"]
    if receivers:
        lines.append("notify:")
        for name, url in receivers:
            lines += [f"  - name: {q(name)}", "    type: webhook", f"    url: {q(url)}"]
    path = frenemy.dir / "frenemy.yaml"
    path.write_text("\n".join(lines) + "\n" + route, encoding="utf-8")
    return path


def publish(frenemy, feeds, uid: str, items: list[F.Item], source: int = 0) -> None:
    """Put items in a feed and have the daemon poll it now."""
    feeds.set(f"/{uid}-{source}.xml", F.rss(items + decoy_items(uid)))
    frenemy.ctl("poll", f"wire{source}-{uid}", "--socket", str(frenemy.socket))


def silence_add(d, *args: str) -> str:
    out = d.ctl("silence", "add", *args).stdout.strip()
    assert len(out) == 36 and out.count("-") == 4, f"silence add prints the silence's id, got {out!r}"
    return out


def alerts(d, *args: str) -> list[dict]:
    return d.ctl_json("alerts", *args)["alerts"]


def wait_alert(d, uid: str, slug: str, timeout: float = 20) -> dict:
    """The stored alert of one item, once it is there."""
    found: list[dict] = []

    def stored() -> bool:
        found[:] = [a for a in alerts(d) if a["item"]["id"] == f"urn:e2e:{uid}:{slug}"]
        return bool(found)

    assert wait_until(stored, timeout), f"no alert for {slug}"
    return found[0]


def test_a_silence_stops_notifications_but_the_alert_is_stored_and_journaled(frenemy, feeds, receiver, journal, uid):
    d = frenemy.start(setup(frenemy, feeds, uid, [("hook", receiver.url("/hook"))]))
    sid = silence_add(d, 'vendor="acme-data"', 'rule="e2e-vendor-deal"', "--duration", "14d",
                      "--comment", "known: board seat")
    publish(frenemy, feeds, uid, [deal_item(uid)])
    entries = journal.wait_alerts(1, FRENEMY_SOURCE=f"wire0-{uid}")
    assert entries[0].get("FRENEMY_SILENCED_BY") == sid, entries[0]
    alert = wait_alert(d, uid, "deal")
    time.sleep(2)
    assert receiver.deliveries() == [], "a silenced alert must not be notified"
    assert alert["state"] == "silenced" and alert["silenced_by"] == sid, alert
    assert [a["id"] for a in alerts(d, "--state", "silenced")] == [alert["id"]]
    assert alerts(d, "--state", "notified") == []
    shown = d.ctl("alert", "show", alert["id"]).stdout
    assert f"silenced by silence {sid}" in shown and "notifications: none" in shown, shown

    listed = d.ctl_json("silence", "list")["silences"]
    assert [(s["id"], s["state"], s["comment"]) for s in listed] == [(sid, "active", "known: board seat")]
    assert listed[0]["matchers"] == ['vendor="acme-data"', 'rule="e2e-vendor-deal"']
    assert listed[0]["author"], "the author defaults to the caller's user name"
    assert d.ctl("silence", "query", "vendor=acme-data", "rule=e2e-vendor-deal", "-q").stdout.split() == [sid]
    assert "no active silence" in d.ctl("silence", "query", "vendor=other", "rule=e2e-vendor-deal").stdout

    # Expired by hand, it mutes nothing more: the next alert goes out.
    assert sid in d.ctl("silence", "expire", sid).stdout
    publish(frenemy, feeds, uid, [deal_item(uid), deal_item(uid, "deal2", "Acme Data signs a second deal with Globex")])
    got = receiver.wait_for_deliveries(1, timeout=20)
    assert [a["item"]["id"] for a in got[0].json()["notification"]["alerts"]] == [f"urn:e2e:{uid}:deal2"]
    assert [s["id"] for s in d.ctl_json("silence", "list", "--expired")["silences"]] == [sid]
    assert d.ctl_json("silence", "list")["silences"] == []


def test_a_silence_expires_on_time(frenemy, feeds, receiver, journal, uid):
    d = frenemy.start(setup(frenemy, feeds, uid, [("hook", receiver.url("/hook"))]))
    sid = silence_add(d, 'vendor="acme-data"', "--duration", "3s", "--comment", "short")
    added = time.monotonic()
    publish(frenemy, feeds, uid, [deal_item(uid)])
    assert wait_alert(d, uid, "deal")["silenced_by"] == sid
    assert time.monotonic() - added < 3, "the machine is too slow for a 3 s silence"
    assert wait_until(lambda: d.ctl_json("silence", "list")["silences"] == [], 10), "the silence did not expire"
    assert d.ctl_json("silence", "list", "--expired")["silences"][0]["state"] == "expired"
    assert receiver.deliveries() == []
    publish(frenemy, feeds, uid, [deal_item(uid), deal_item(uid, "later", "Acme Data signs another deal with Globex")])
    got = receiver.wait_for_deliveries(1, timeout=20)
    assert [a["item"]["id"] for a in got[0].json()["notification"]["alerts"]] == [f"urn:e2e:{uid}:later"]
    assert "FRENEMY_SILENCED_BY" not in journal.wait_alerts(2, FRENEMY_SOURCE=f"wire0-{uid}")[-1]


def test_a_silence_survives_a_restart_and_a_reload(frenemy, feeds, receiver, journal, uid):
    config = setup(frenemy, feeds, uid, [("hook", receiver.url("/hook"))])
    d = frenemy.start(config)
    sid = silence_add(d, 'competitor=~"glob.*"', "--duration", "1h", "--comment", "across restarts")
    d.stop()
    d = frenemy.start(config)
    assert [s["id"] for s in d.ctl_json("silence", "list")["silences"]] == [sid]
    d.ctl("reload")
    assert [s["id"] for s in d.ctl_json("silence", "list")["silences"]] == [sid], "a reload keeps silences"
    publish(frenemy, feeds, uid, [deal_item(uid)])
    assert wait_alert(d, uid, "deal")["state"] == "silenced"
    time.sleep(2)
    assert receiver.deliveries() == []


def test_a_silence_added_during_group_wait_stops_the_waiting_alerts(frenemy, feeds, receiver, journal, uid):
    route = "route:\n  receiver: hook\n  group_by: [vendor]\n  group_wait: 4s\n"
    d = frenemy.start(setup(frenemy, feeds, uid, [("hook", receiver.url("/hook"))], route))
    publish(frenemy, feeds, uid, [deal_item(uid)])
    entry = journal.wait_alerts(1, FRENEMY_SOURCE=f"wire0-{uid}")[0]
    assert "FRENEMY_SILENCED_BY" not in entry, "no silence yet when it was stored"
    alert = wait_alert(d, uid, "deal")
    assert alert["state"] == "new", alert
    sid = silence_add(d, 'vendor="acme-data"', "--duration", "1h", "--comment", "muted while it waited")
    time.sleep(6)
    assert receiver.deliveries() == [], "the silence must stop alerts already waiting in a group"
    assert [(a["id"], a["silenced_by"]) for a in alerts(d, "--state", "silenced")] == [(alert["id"], sid)]


def test_an_acknowledged_alert_gets_no_further_notifications(frenemy, feeds, receiver, journal, uid):
    slow = WebhookReceiver()
    try:
        route = """route:
  receiver: fast
  group_wait: 0s
  routes:
    - matchers: ['rule="e2e-vendor-deal"']
      receiver: fast
      continue: true
    - matchers: ['rule="e2e-vendor-deal"']
      receiver: slow
      group_wait: 5s
"""
        d = frenemy.start(setup(frenemy, feeds, uid, [("fast", receiver.url("/fast")), ("slow", slow.url("/slow"))],
                                route))
        publish(frenemy, feeds, uid, [deal_item(uid)])
        receiver.wait_for_deliveries(1, timeout=20)
        alert = wait_alert(d, uid, "deal")
        out = d.ctl("ack", alert["id"], "--comment", "vendor team informed").stdout
        assert f"acknowledged {alert['id']}" in out, out
        time.sleep(7)
        assert slow.deliveries() == [], "an acknowledged alert must get no further notification"
        got = alerts(d, "--state", "acknowledged")
        assert [a["id"] for a in got] == [alert["id"]]
        assert got[0]["acknowledgement"]["comment"] == "vendor team informed"
        assert got[0]["acknowledgement"]["target_kind"] == "alert"
        shown = d.ctl("alert", "show", alert["id"]).stdout
        assert "acknowledged by" in shown and "vendor team informed" in shown, shown
        assert "fast" in shown and "delivered" in shown, shown
        d.ctl("unack", alert["id"])
        assert alerts(d)[0]["state"] == "notified"
        res = d.ctl("unack", alert["id"], check=False)
        assert res.returncode == 1 and "is not acknowledged" in res.stderr, res.stderr
        res = d.ctl("ack", "01NOSUCHALERT", check=False)
        assert res.returncode == 1 and "no alert with id '01NOSUCHALERT'" in res.stderr, res.stderr
    finally:
        slow.stop()


def test_alert_show_prints_the_evidence_and_each_receivers_notification(frenemy, feeds, receiver, journal, uid):
    d = frenemy.start(setup(frenemy, feeds, uid, [("hook", receiver.url("/hook"))]))
    publish(frenemy, feeds, uid, [deal_item(uid)])
    receiver.wait_for_deliveries(1, timeout=20)
    alert = wait_alert(d, uid, "deal")
    assert wait_until(lambda: d.ctl_json("alert", "show", alert["id"])["notifications"][0]["state"] == "delivered", 10)
    shown = d.ctl("alert", "show", alert["id"]).stdout
    for part in ["state: notified", "window: sentence in title", '"Acme Data signs multi-year data deal with Globex"',
                 "entity vendor: Acme Data — alias 'Acme Data' matched 'Acme Data' in title at 0-9",
                 "cue phrase 'signs' matched 'signs' in title at 10-15", "hook", "delivered"]:
        assert part in shown, f"{part!r} not in:\n{shown}"
    detail = d.ctl_json("alert", "show", alert["id"])
    assert detail["alert"]["evidence"]["entities"], detail
    assert detail["notifications"][0]["receiver"] == "hook"
    assert d.ctl("alert", "show", "01NOSUCH", check=False).returncode == 1


def test_the_alert_view_filters(frenemy, feeds, journal, uid):
    d = frenemy.start(setup(frenemy, feeds, uid, [], sources=2))
    publish(frenemy, feeds, uid, [deal_item(uid, "a")], source=0)
    publish(frenemy, feeds, uid, [deal_item(uid, "b"), deal_item(uid, "c", "Acme Data and Globex sign a deal")],
            source=1)
    assert wait_until(lambda: len(alerts(d)) == 3, 20), alerts(d)

    def ids(*args: str) -> set[str]:
        return {a["item"]["id"].rsplit(":", 1)[1] for a in alerts(d, *args)}

    assert ids("--source", f"wire1-{uid}") == {"b", "c"}
    assert ids("--rule", "e2e-vendor-deal") == {"a", "b", "c"}
    assert ids("--rule", "other") == set()
    assert ids("--severity", "high") == {"a", "b", "c"}
    assert ids("--severity", "critical") == set()
    assert ids("--entity", "globex") == {"a", "b", "c"}
    assert ids("--entity", "Acme Data") == {"a", "b", "c"}
    assert ids("--entity", "initech") == set()
    assert ids("--state", "new") == {"a", "b", "c"}, "no receiver: stored and journaled, never notified"
    assert ids("--state", "notified") == set()
    assert ids("--since", "1h") == {"a", "b", "c"}
    assert ids("--since", "2099-01-01T00:00:00Z") == set()
    assert ids("--story", "no-such-story") == set()
    assert ids("--source", f"wire1-{uid}", "--limit", "1") == {"c"}, "newest first"
    table = d.ctl("alerts", "--source", f"wire0-{uid}").stdout
    assert "STATE" in table and " new " in table, table

    res = d.ctl("alerts", "--state", "muted", check=False)
    assert res.returncode == 1 and "state must be one of new, notified, silenced, acknowledged" in res.stderr
    res = d.ctl("alerts", "--since", "yesterday", check=False)
    assert res.returncode == 1 and "since must be" in res.stderr
    status, _, body = unix_http(frenemy.socket, "GET", "/v1/alerts?colour=red")
    assert status == 400 and "unknown query parameter 'colour'" in json.loads(body)["error"]


def test_silence_api_errors_are_clear(frenemy, feeds, uid):
    d = frenemy.start(setup(frenemy, feeds, uid, []))

    def post(body) -> tuple[int, dict]:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        status, headers, raw = unix_http(frenemy.socket, "POST", "/v1/silences", data)
        assert headers.get("content-type") == "application/json"
        return status, json.loads(raw)

    base = {"matchers": ['vendor="acme-data"'], "duration": "1h", "author": "ana", "comment": "c"}
    status, created = post(base)
    assert status == 201 and created["state"] == "active" and created["author"] == "ana", created
    status, body = post({**base, "matchers": ['vendor="acme-data"', 'rule=~"("']})
    assert status == 400 and 'rule=~"("' in body["error"], body
    status, body = post({**base, "matchers": ['vendor=~".*"']})
    assert status == 400 and "mute every alert" in body["error"], body
    status, body = post({**base, "matchers": []})
    assert status == 400 and "at least one matcher" in body["error"], body
    status, body = post({**base, "comment": " "})
    assert status == 400 and "comment is required" in body["error"], body
    status, body = post({**base, "starts_at": "2019-01-01T00:00:00Z", "ends_at": "2020-01-01T00:00:00Z",
                         "duration": None})
    assert status == 400 and "in the past" in body["error"], body
    status, body = post({**base, "ends_at": "2099-01-01T00:00:00Z"})
    assert status == 400 and "not both" in body["error"], body
    status, body = post({**base, "duration": "forever"})
    assert status == 400 and "duration 'forever'" in body["error"], body
    status, body = post({k: v for k, v in base.items() if k != "author"})
    assert status == 400 and "author" in body["error"], body
    status, body = post(b"{not json")
    assert status == 400 and body["error"], body

    status, _, raw = unix_http(frenemy.socket, "DELETE", "/v1/silences/nope")
    assert status == 404 and "no silence with id 'nope'" in json.loads(raw)["error"]
    status, _, raw = unix_http(frenemy.socket, "GET", f"/v1/silences/{created['id']}")
    assert status == 200 and json.loads(raw)["id"] == created["id"]
    status, _, raw = unix_http(frenemy.socket, "DELETE", f"/v1/silences/{created['id']}?author=ana")
    assert status == 200 and json.loads(raw)["state"] == "expired"

    res = d.ctl("silence", "add", 'rule=~"("', "--comment", "x", check=False)
    assert res.returncode == 1 and 'rule=~"("' in res.stderr, res.stderr
    res = d.ctl("silence", "add", 'vendor="acme-data"', check=False)
    assert res.returncode != 0 and "--comment is required" in res.stderr, res.stderr
    res = d.ctl("silence", "expire", "nope", check=False)
    assert res.returncode == 1 and "no silence with id 'nope'" in res.stderr, res.stderr
