"""Issue 9 §1: stories end to end with the real frenemyd. One deal reported by twelve loopback
feeds, in twelve headlines with twelve URLs, is one story: one notification per receiver and
then digest updates, never one message per outlet; the same pair a month later is a second
story; an item firing two rules is one notification. Checked in the webhook bodies, the
journal (FRENEMY_STORY) and `frenemyctl stories` / `story show`.
"""

from __future__ import annotations

import datetime as dt
import json

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import wait_until
from e2e_harness.daemon import q
from test_dispatch import Scripted

HEADLINES = [
    "Acme Data signs multi-year data deal with Globex",
    "Globex inks labelling deal with Acme Data",
    "Acme Data and Globex sign three-year partnership",
    "Exclusive: Globex signs Acme Data for model training data",
    "Acme Data lands Globex deal worth $40 million",
    "Globex, Acme Data sign data-labelling partnership",
    "Report: Acme Data signed a deal with Globex",
    "Acme Data wins Globex as a customer in new deal",
    "Globex picks Acme Data in labelling deal",
    "Why Acme Data's deal with Globex matters",
    "Acme Data shares jump after Globex deal",
    "Globex deal: Acme Data to label data for new models",
]

TWO_RULES = rules.ACME_AND_GLOBEX + """\
rules:
  - id: e2e-vendor-deal
    title: Our vendor signs with our competitor (e2e)
    severity: high
    relation: deal
    match:
      all:
        - entity: vendor
        - entity: competitor
        - phrase: [signs, signed, deal, partnership]
      within: sentence
    message: "{vendor} and {competitor}: {title}"
  - id: e2e-competitor-acquires
    title: Our competitor acquires our vendor (e2e)
    severity: critical
    relation: acquisition
    match:
      all:
        - entity: vendor
        - entity: competitor
        - phrase: [acquires, buys]
      within: sentence
    message: "{competitor} acquires {vendor}: {title}"
"""


def config(frenemy, sources: list[tuple[str, str]], hook_url: str, route: str, rule_text: str = rules.VENDOR_DEAL):
    rules.write(frenemy.dir / "rules", "watchlist.yaml", rule_text)
    lines = [f"state_dir: {q('state')}", f"control_socket: {q(str(frenemy.socket))}", "rules:", "  - rules",
             "sources:"]
    for name, url in sources:
        lines += [f"  - name: {q(name)}", f"    url: {q(url)}", "    interval: 1h"]
    lines += ["notify:", "  - name: hook", "    type: webhook", f"    url: {q(hook_url)}"]
    path = frenemy.dir / "frenemy.yaml"
    path.write_text("\n".join(lines) + "\n" + route, encoding="utf-8")
    return path


def notifications(hook: Scripted) -> list[dict]:
    return [json.loads(r["body"])["notification"] for r in hook.accepted()]


def test_twelve_outlets_are_one_story_then_the_same_pair_a_month_later_is_another(frenemy, feeds, journal, uid):
    hook = Scripted()
    try:
        month_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=35)
        items = [F.Item(f"urn:e2e:{uid}:o{i}", title, f"https://outlet{i}.example.test/{uid}/story", "Deal news.",
                        published=month_ago + dt.timedelta(minutes=i))
                 for i, title in enumerate(HEADLINES)]
        urls = [feeds.set(f"/{uid}-{i}.xml", F.rss(items[:1] if i == 0 else [])) for i in range(12)]
        route = """route:
  receiver: hook
  group_by: [story]
  group_wait: 1s
  group_interval: 3s
"""
        path = config(frenemy, [(f"outlet{i}-{uid}", u) for i, u in enumerate(urls)], hook.url(), route)
        daemon = frenemy.start(path)
        assert wait_until(lambda: len(notifications(hook)) == 1, 20), hook.snapshot()
        first = notifications(hook)[0]
        story_id = first["story"]["id"]
        assert story_id.startswith("sty_") and first["sequence"] == 1 and first["story"]["reports"] == 1, first
        assert first["alerts"][0]["labels"]["story"] == story_id

        # Eleven more outlets report the same deal, in their own words, at different times.
        for i in range(1, 12):
            feeds.set(f"/{uid}-{i}.xml", F.rss(items[i:i + 1]))
            daemon.ctl("poll", f"outlet{i}-{uid}")
        assert wait_until(lambda: sum(len(n["alerts"]) for n in notifications(hook)) == 12, 30), notifications(hook)
        sent = notifications(hook)
        assert 2 <= len(sent) <= 6, f"digests, not one message per outlet: {len(sent)}"
        assert {n["story"]["id"] for n in sent} == {story_id}
        assert [n["sequence"] for n in sent] == list(range(1, len(sent) + 1))
        assert sent[-1]["story"]["reports"] == 12
        assert len({n["group_key"] for n in sent}) == 1, "one thread for the story"

        stories = daemon.ctl_json("stories", "--since", "60d")["stories"]
        assert [s["id"] for s in stories] == [story_id] and stories[0]["reports"] == 12, stories
        detail = daemon.ctl_json("story", "show", story_id)
        assert sorted(i["title"] for i in detail["items"]) == sorted(HEADLINES)
        assert {i["source"] for i in detail["items"]} == {f"outlet{i}-{uid}" for i in range(12)}
        assert all(i["link"].endswith(f"/{uid}/story") and i["rules"] == ["e2e-vendor-deal"] for i in detail["items"])
        assert {n["receiver"] for n in detail["notifications"]} == {"hook"}
        assert sum(n["alerts"] for n in detail["notifications"]) == 12
        table = daemon.ctl("story", "show", story_id).stdout
        assert HEADLINES[5] in table and "notifications:" in table, table

        entries = journal.wait_alerts(12, FRENEMY_RULE="e2e-vendor-deal", FRENEMY_STORY=story_id)
        assert len(entries) == 12

        # A month later the same two companies sign again: a new event, a new story.
        later = F.Item(f"urn:e2e:{uid}:again", "Acme Data signs second deal with Globex",
                       f"https://outlet0.example.test/{uid}/again", "New deal.",
                       published=dt.datetime.now(dt.timezone.utc))
        feeds.set(f"/{uid}-0.xml", F.rss([items[0], later]))
        daemon.ctl("poll", f"outlet0-{uid}")
        assert wait_until(lambda: len({n["story"]["id"] for n in notifications(hook)}) == 2, 20), notifications(hook)
        second = notifications(hook)[-1]
        assert second["story"]["id"] != story_id and second["sequence"] == 1 and second["story"]["reports"] == 1
        assert len(daemon.ctl_json("stories", "--since", "60d")["stories"]) == 2
    finally:
        hook.close()


def test_an_item_firing_two_rules_is_one_notification_at_the_highest_severity(frenemy, feeds, journal, uid):
    hook = Scripted()
    try:
        item = F.Item(f"urn:e2e:{uid}:buy", "Globex acquires Acme Data in $2B deal",
                      f"https://news.example.test/{uid}/buy", "The deal closes next quarter.")
        url = feeds.set(f"/{uid}.xml", F.rss([item]))
        # No route: every receiver, grouped by story.
        path = config(frenemy, [(f"wire-{uid}", url)], hook.url(), "", rule_text=TWO_RULES)
        daemon = frenemy.start(path)
        assert wait_until(lambda: len(notifications(hook)) >= 1, 20), hook.snapshot()
        assert len(journal.wait_alerts(2, FRENEMY_SOURCE=f"wire-{uid}")) == 2, "both rules raise their alert"
        daemon.ctl("poll", f"wire-{uid}")
        wait_until(lambda: len(notifications(hook)) > 1, 4)
        sent = notifications(hook)
        assert len(sent) == 1, sent
        assert sorted(a["rule"] for a in sent[0]["alerts"]) == ["e2e-competitor-acquires", "e2e-vendor-deal"]
        body = json.loads(hook.accepted()[0]["body"])
        assert body["data"]["severity"] == "critical", "the message leads with the most severe rule"
        assert sent[0]["story"]["reports"] == 1
    finally:
        hook.close()


def test_backtest_shows_what_a_candidate_rule_set_adds_and_drops_on_stored_history(frenemy, feeds, journal, uid,
                                                                                   tmp_path):
    deal = F.Item(f"urn:e2e:{uid}:deal", "Acme Data signs multi-year data deal with Globex",
                  f"https://news.example.test/{uid}/deal", "The three-year arrangement covers labelling.")
    buy = F.Item(f"urn:e2e:{uid}:buy", "Globex acquires Acme Data's labelling unit",
                 f"https://news.example.test/{uid}/buy", "Terms were not disclosed.")
    other = F.Item(f"urn:e2e:{uid}:other", "Acme Data opens an office in Lisbon",
                   f"https://news.example.test/{uid}/other", "Forty people will work there.")
    url = feeds.set(f"/{uid}.xml", F.rss([deal, buy, other]))
    hook = Scripted()
    try:
        path = config(frenemy, [(f"wire-{uid}", url)], hook.url(), "")
        daemon = frenemy.start(path)
        journal.wait_alerts(1, FRENEMY_SOURCE=f"wire-{uid}")
        candidate = tmp_path / "candidate"
        rules.write(candidate, "watchlist.yaml", rules.AFTER_RELOAD)

        result = daemon.ctl_json("backtest", "--since", "1d", "--rules", str(candidate))
        assert result["items"] == 3 and result["raised_alerts"] == 1 and result["candidate_alerts"] == 1, result
        assert [(c["rule"], c["title"]) for c in result["added"]] == [("e2e-competitor-acquires", buy.title)]
        assert [(c["rule"], c["title"]) for c in result["dropped"]] == [("e2e-vendor-deal", deal.title)]
        assert [s["title"] for s in result["added_stories"]] == [buy.title]
        assert [s["title"] for s in result["dropped_stories"]] == [deal.title]
        assert result["dropped_stories"][0]["id"].startswith("sty_")

        same = daemon.ctl_json("backtest", "--since", "1d", "--rules", str(frenemy.dir / "rules"))
        assert same["added"] == [] and same["dropped"] == [] and same["added_stories"] == [], same

        text = daemon.ctl("backtest", "--since", "1d", "--rules", str(candidate)).stdout
        assert "+1 -1" in text and f"+ medium e2e-competitor-acquires [wire-{uid}] {buy.title}" in text, text
    finally:
        hook.close()
