"""Issue 4 end to end: sources that never miss and never repeat, and health an operator can see."""

from __future__ import annotations

import datetime as dt

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import deal_item, parse_rfc3339, source_status, wait_fetches, wait_until


def _rules(tmp_path) -> list[str]:
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    return ["rules"]


def _sources_json(daemon) -> list[dict]:
    return daemon.ctl_json("sources")["sources"]


def test_gone_source_is_stopped_and_reported(frenemy, feeds, journal, uid, tmp_path):
    gone, good = f"gone-{uid}", f"good-{uid}"
    feeds.set("/gone.xml", "gone", status=410, content_type="text/plain")
    feeds.set("/good.xml", F.rss([]))
    config = frenemy.config(
        sources=[{"name": gone, "url": feeds.url("/gone.xml"), "interval": "1s"},
                 {"name": good, "url": feeds.url("/good.xml"), "interval": "1s"}],
        rules=_rules(tmp_path))
    daemon = frenemy.start(config)
    trouble = journal.wait_trouble(1, FRENEMY_SOURCE=gone)
    assert trouble, "a 410 must be reported with the trouble MESSAGE_ID"
    polled = len(feeds.requests_for("/gone.xml"))
    wait_fetches(feeds, "/good.xml", len(feeds.requests_for("/good.xml")) + 3)
    assert len(feeds.requests_for("/gone.xml")) == polled == 1, "a source answering 410 must stop being polled"
    s = source_status({"sources": _sources_json(daemon)}, gone)
    assert s["last_result"] == "stopped" and s.get("error"), s


def test_retry_after_on_429_is_honoured(frenemy, feeds, uid, tmp_path):
    """Retry-After holds back its host (127.0.0.1), not another one (localhost, the same server)."""
    busy, good = f"busy-{uid}", f"good-{uid}"
    feeds.set("/busy.xml", "slow down", status=429, content_type="text/plain", headers=(("Retry-After", "3600"),))
    feeds.set("/good.xml", F.rss([]))
    config = frenemy.config(
        sources=[{"name": busy, "url": feeds.url("/busy.xml"), "interval": "1s"},
                 {"name": good, "url": feeds.url("/good.xml").replace("127.0.0.1", "localhost"), "interval": "1s"}],
        rules=_rules(tmp_path))
    daemon = frenemy.start(config)
    wait_fetches(feeds, "/good.xml", 4)
    assert len(feeds.requests_for("/busy.xml")) == 1, "polled again despite Retry-After: 3600"
    s = source_status(daemon.status(), busy)
    wait = parse_rfc3339(s["next_poll"]) - dt.datetime.now(dt.timezone.utc)
    assert wait > dt.timedelta(minutes=50), f"next poll in {wait}, expected about an hour: {s}"


def test_permanent_redirect_updates_the_source_url(frenemy, feeds, uid, tmp_path):
    src = f"moved-{uid}"
    feeds.set("/new.xml", F.rss([]))
    old = feeds.redirect("/old.xml", "/new.xml", status=301)
    config = frenemy.config(sources=[{"name": src, "url": old, "interval": "1s"}], rules=_rules(tmp_path))
    daemon = frenemy.start(config)
    wait_fetches(feeds, "/new.xml", 3)
    assert source_status(daemon.status(), src)["url"] == feeds.url("/new.xml")
    assert len(feeds.requests_for("/old.xml")) == 1, "after a 301 the old address must not be polled again"


def test_unchanged_body_counts_as_not_modified(frenemy, feeds, uid, tmp_path):
    src = f"same-{uid}"
    feeds.set("/same.xml", F.rss([deal_item(uid)]))  # no validators: only the body says it is unchanged
    config = frenemy.config(sources=[{"name": src, "url": feeds.url("/same.xml"), "interval": "1s"}],
                            rules=_rules(tmp_path))
    daemon = frenemy.start(config)
    wait_fetches(feeds, "/same.xml", 3)
    st = daemon.wait_status(lambda st: source_status(st, src).get("last_result") == "not_modified")
    assert source_status(st, src)["last_result"] == "not_modified", source_status(st, src)


def test_the_same_story_through_two_feeds_alerts_once(frenemy, feeds, journal, uid, tmp_path):
    story = f"https://news.example.test/{uid}/acme-globex"
    a = F.Item(f"wire-a-{uid}", "Acme Data signs data deal with Globex", f"{story}?utm_source=rss&utm_medium=feed")
    b = F.Item(f"tag:other,2026:{uid}", "Acme Data signs data deal with Globex", f"{story}?utm_campaign=syndication#top")
    config = frenemy.config(
        sources=[{"name": f"a-{uid}", "url": feeds.set("/a.xml", F.rss([a]))},
                 {"name": f"b-{uid}", "url": feeds.set("/b.atom", F.atom([b]))}],
        rules=_rules(tmp_path))
    frenemy.once(config)
    found = journal.alerts(FRENEMY_SOURCE=f"a-{uid}") + journal.alerts(FRENEMY_SOURCE=f"b-{uid}")
    assert len(found) == 1, f"one story, {len(found)} alerts: {[e.get('FRENEMY_URL') for e in found]}"


def test_failing_source_raises_one_trouble_alert_then_a_recovery(frenemy, feeds, receiver, uid, tmp_path):
    src = f"flaky-{uid}"
    config = frenemy.config(
        sources=[{"name": src, "url": feeds.url("/flaky.xml"), "interval": "1s", "alert_after": "2s"}],
        rules=_rules(tmp_path), notify=[{"name": "hook", "url": receiver.url("/hook")}])
    daemon = frenemy.start(config)  # /flaky.xml is a 404 for now
    got = receiver.wait_for_deliveries(1)
    assert [d.json()["data"]["source"] for d in got] == [src], "no trouble alert after alert_after"
    # One more failed poll (the daemon backs off, so this may take a while) raises nothing new.
    wait_fetches(feeds, "/flaky.xml", len(feeds.requests_for("/flaky.xml")) + 1, timeout=60)
    assert len(receiver.deliveries()) == 1, "the trouble alert must be raised once per episode"

    feeds.set("/flaky.xml", F.rss([]))
    daemon.ctl("poll", src)  # no need to wait out the backoff
    got = receiver.wait_for_deliveries(2)
    assert len(got) == 2 and got[1].json()["data"]["source"] == src, "no recovery notice"
    wait_fetches(feeds, "/flaky.xml", len(feeds.requests_for("/flaky.xml")) + 3)
    assert len(receiver.deliveries()) == 2
    assert daemon.status()["pending_deliveries"] == 0


def test_spool_directory_ingests_each_file_once(frenemy, journal, uid, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    src = f"spool-{uid}"
    config = frenemy.config(sources=[{"name": src, "type": "directory", "path": str(spool), "interval": "1s"}],
                            rules=_rules(tmp_path))
    daemon = frenemy.start(config)
    item = deal_item(uid, "spooled")
    (spool / "drop.xml.tmp").write_text(F.rss([item]))
    (spool / "drop.xml.tmp").rename(spool / "drop.xml")
    assert [e["FRENEMY_TITLE"] for e in journal.wait_alerts(1, FRENEMY_SOURCE=src)] == [item.title]
    assert wait_until(lambda: not (spool / "drop.xml").exists()), "an ingested file must be moved aside"
    assert daemon.stop() == 0
    frenemy.start(config)
    # A second drop after the restart: once its alert is there, the spool has been read again.
    later = deal_item(uid, "later", "Globex takes a stake in Acme Data")
    (spool / "later.xml.tmp").write_text(F.rss([later]))
    (spool / "later.xml.tmp").rename(spool / "later.xml")
    journal.wait_alerts(2, FRENEMY_SOURCE=src)
    titles = sorted(e["FRENEMY_TITLE"] for e in journal.alerts(FRENEMY_SOURCE=src))
    assert titles == sorted([item.title, later.title]), f"each dropped file alerts exactly once: {titles}"


def test_poll_now(frenemy, feeds, journal, uid, tmp_path):
    src = f"poll-{uid}"
    first = deal_item(uid, "first")
    feeds.set("/p.xml", F.rss([first]))
    config = frenemy.config(sources=[{"name": src, "url": feeds.url("/p.xml"), "interval": "1h"}],
                            rules=_rules(tmp_path))
    daemon = frenemy.start(config)
    assert len(journal.wait_alerts(1, FRENEMY_SOURCE=src)) == 1
    second = deal_item(uid, "second", "Globex takes a stake in Acme Data")
    feeds.set("/p.xml", F.rss([second, first]))
    daemon.ctl("poll", src)
    got = journal.wait_alerts(2, FRENEMY_SOURCE=src)
    assert {e["FRENEMY_TITLE"] for e in got} == {first.title, second.title}, "`frenemyctl poll SOURCE` did not poll"
    assert daemon.ctl("poll", f"no-such-{uid}", check=False).returncode != 0


def test_once_polls_every_source_when_there_are_more_than_run_at_once(frenemy, feeds, journal, uid, tmp_path):
    """The daemon keeps a bounded number of polls in flight; none of the rest may be skipped."""
    count = 40
    sources = []
    for i in range(count):
        feeds.set(f"/many-{uid}-{i}.xml", F.rss([deal_item(uid, f"many-{i}")]))
        sources.append({"name": f"many-{uid}-{i}", "url": feeds.url(f"/many-{uid}-{i}.xml"), "interval": "1h"})
    frenemy.once(frenemy.config(sources=sources, rules=_rules(tmp_path)))
    for i in range(count):
        assert len(feeds.requests_for(f"/many-{uid}-{i}.xml")) == 1, f"source {i} was polled not exactly once"
    raised = {e["FRENEMY_SOURCE"] for e in journal.alerts(FRENEMY_RULE="e2e-vendor-deal")
              if e["FRENEMY_SOURCE"].startswith(f"many-{uid}-")}
    assert raised == {s["name"] for s in sources}, f"sources without their alert: {sorted({s['name'] for s in sources} - raised)}"
