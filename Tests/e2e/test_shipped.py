"""The shipped rules, example watchlist and demo configuration, as an operator first meets them."""

from __future__ import annotations

from pathlib import Path

from e2e_harness import feeds as F
from e2e_harness.checks import assert_alert_entry, wait_until

SHIPPED_RULE = "vendor-signs-with-competitor"

# Demo items that must alert: the deals by the shipped vendor-signs-with-competitor rule, the
# investment by that rule or any later, more specific one. Decoys no rule may flag.
DEMO_ALERTS = {
    # A deal for a stake: the investment rule, which supersedes the generic deal rule.
    "Meta signs $14 billion deal for 49% stake in Scale AI": "competitor-invests-in-vendor",
    "Scale AI inks multi-year data labelling contract with Meta Platforms": SHIPPED_RULE,
    "Scale AI confirms Meta Platforms investment; deal values startup at $29 billion": SHIPPED_RULE,
    "ScaleAI signs partnership with Meta to supply training data for Llama": SHIPPED_RULE,
    "Facebook owner invests in Scale.ai as labelling demand surges": None,
}
DEMO_DECOYS = {
    "New meta-analysis finds data labelling quality varies at scale",
    "Startups struggle to deploy models at scale, survey says",
    "Scale AI names new interim chief executive",
    "Meta releases new open-weights language model",
    "Data-labelling market grows as labs sign more agreements",
    "Meta tags and SEO: a guide for publishers",
    "Scale AI deal with US Army extended for another year",
    "How meta-learning methods scale to large datasets",
    "Ex-Scale AI engineers launch labelling startup",
    "Meta Platforms signs lease for new Menlo Park campus",
    "Chip shares rise on data centre demand",
    "Meta Quest 4 review: mixed reality for the masses",
    "Analysts debate whether human data labelling can scale",
    "Scale AI wins Pentagon contract for AI test and evaluation",
    "Meta signs power purchase agreement for nuclear energy",
    "Northwind Robotics and Scale AI sign data partnership",
    "Google expands cloud partnership with Deutsche Bahn",
    "Facebook parent Meta and Scale AI compared in labour-practices report",
    "Chipmakers race to scale up advanced packaging",
}


def _shipped_rules(repo: Path) -> list[str]:
    return [str(repo / "Rules"), str(repo / "Rules" / "examples" / "watchlist.yaml")]


def test_shipped_rules_flag_the_story_from_the_design(frenemy, feeds, receiver, journal, uid, repo):
    hit = F.Item(f"urn:e2e:{uid}:scale", "Scale AI signs multi-year data deal with Meta",
                 f"https://news.example.test/{uid}/scale-meta", "The contract runs until 2029.")
    decoys = [
        F.Item(f"urn:e2e:{uid}:d1", "A meta-analysis of data labelling at scale", f"https://news.example.test/{uid}/d1",
               "Researchers signed off on a new protocol."),
        F.Item(f"urn:e2e:{uid}:d2", "Startups learn to deploy models at scale", f"https://news.example.test/{uid}/d2",
               "Several signed agreements with cloud providers."),
    ]
    src = f"shipped-{uid}"
    config = frenemy.config(
        sources=[{"name": src, "url": feeds.set("/s.xml", F.rss([hit] + decoys))}],
        rules=_shipped_rules(repo),
        notify=[{"name": "hook", "url": receiver.url("/hook")}],
    )
    frenemy.once(config)
    entries = journal.alerts(FRENEMY_SOURCE=src)
    assert {e["FRENEMY_TITLE"] for e in entries} == {hit.title}, "decoys alerted or the deal did not"
    mine = [e for e in entries if e["FRENEMY_RULE"] == SHIPPED_RULE]
    assert len(mine) == 1, [e["FRENEMY_RULE"] for e in entries]
    assert_alert_entry(mine[0], rule=SHIPPED_RULE, priority="2", severity="critical",
                       roles={"vendor": "Scale AI", "competitor": "Meta Platforms"}, item=hit, source=src)
    data = [r.json()["data"] for r in receiver.deliveries() if r.json()["data"]["rule"] == SHIPPED_RULE]
    assert len(data) == 1
    assert data[0]["entities"]["vendor"]["id"] == "scale-ai"
    assert data[0]["entities"]["competitor"]["id"] == "meta"
    assert data[0]["entities"]["competitor"]["matched"] == "Meta"


def _demo_config(repo: Path, frenemy) -> Path:
    """The demo config as `make run` generates it, but with state and socket in the test's folders."""
    demo = repo / "demo"
    text = (demo / "frenemy.yaml.in").read_text()
    text = text.replace("@RUN_DIR@/state", str(frenemy.dir / "state"))
    text = text.replace("@RUN_DIR@/control.sock", str(frenemy.socket))
    text = text.replace("@DEMO_DIR@", str(demo)).replace("@RUN_DIR@", str(frenemy.dir))
    assert "@DEMO_DIR@" not in text and "@RUN_DIR@" not in text
    path = frenemy.dir / "demo.yaml"
    path.write_text(text)
    return path


def test_demo_expectations_cover_every_demo_item(repo):
    """Keeps the lists above honest when someone edits the demo feeds."""
    import json
    import xml.etree.ElementTree as ET

    feeds_dir = repo / "demo" / "feeds"
    titles = {e.text for e in ET.parse(feeds_dir / "ai-wire.xml").getroot().iter("title")}
    atom = "{http://www.w3.org/2005/Atom}"
    titles |= {e.text for e in ET.parse(feeds_dir / "tech-briefing.atom").getroot().iter(atom + "title")}
    titles |= {i["title"] for i in json.loads((feeds_dir / "markets-daily.json").read_text())["items"]}
    titles -= {"AI Industry Wire", "The Tech Briefing"}
    assert titles == set(DEMO_ALERTS) | DEMO_DECOYS
    assert not set(DEMO_ALERTS) & DEMO_DECOYS


def test_demo_config_is_valid(frenemy, repo):
    out = frenemy.check_config(_demo_config(repo, frenemy))
    assert out.returncode == 0, out.stderr


def test_demo_feeds_alert_on_the_deals_and_not_on_the_decoys(frenemy, journal, repo):
    out = frenemy.once(_demo_config(repo, frenemy))
    entries = journal.alerts(since_usec=out.started_usec, _PID=str(out.pid))
    titles = {e.get("FRENEMY_TITLE") for e in entries}
    rules_by_title: dict[str, set[str]] = {}
    for e in entries:
        rules_by_title.setdefault(e.get("FRENEMY_TITLE"), set()).add(e.get("FRENEMY_RULE"))
    missed = [
        (title, rule or "any rule")
        for title, rule in DEMO_ALERTS.items()
        if not rules_by_title.get(title) or (rule is not None and rule not in rules_by_title[title])
    ]
    assert not missed, f"demo deals not flagged: {missed}"
    assert not titles & DEMO_DECOYS, f"demo decoys alerted: {sorted(titles & DEMO_DECOYS)}"
    assert {e.get("FRENEMY_SOURCE") for e in entries} == {"ai-wire", "tech-briefing", "markets-daily"}


def test_demo_daemon_shows_alerts_on_the_terminal(frenemy, repo):
    """What `make run` promises: alerts from the demo feeds on the terminal within seconds."""
    daemon = frenemy.start(_demo_config(repo, frenemy))
    shown = wait_until(lambda: all(t in daemon.stderr() for t in DEMO_ALERTS))
    assert shown, f"demo alerts missing from the terminal: {[t for t in DEMO_ALERTS if t not in daemon.stderr()]}"
    for decoy in DEMO_DECOYS:
        assert decoy not in daemon.stderr(), f"a demo decoy was printed as an alert: {decoy}"
