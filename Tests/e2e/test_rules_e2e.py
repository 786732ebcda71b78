"""Issue 3 end to end: rules as code (inline tests, refusal, layering) and dry runs with explanations."""

from __future__ import annotations

import json
import signal

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import deal_item, decoy_items
from e2e_harness.daemon import run_ctl, write_atomically

WITH_TESTS = rules.VENDOR_DEAL + """\
    tests:
      - title: Acme Data signs deal with Globex
        expect: match
        entities: {vendor: acme-data, competitor: globex}
      - title: Acme Data hires a CFO. Globex signs a lease.
        expect: no_match
"""

# The second test expects a match the rule cannot give (no cue word): the set must be refused.
FAILING_TEST = WITH_TESTS + """\
      - title: Globex hires Acme Data engineers
        expect: match
"""


def _shipped(repo) -> list[str]:
    return [str(repo / "Rules"), str(repo / "Rules" / "examples" / "watchlist.yaml")]


def test_rules_test_passes_on_the_shipped_packs(bins, repo):
    out = run_ctl(bins, "rules", "test", str(repo / "Rules"), check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_rules_test_reports_a_failing_inline_test(bins, tmp_path):
    ok = rules.write(tmp_path, "ok.yaml", WITH_TESTS)
    out = run_ctl(bins, "rules", "test", str(ok), check=False)
    assert out.returncode == 0, out.stdout + out.stderr

    bad = rules.write(tmp_path, "bad.yaml", FAILING_TEST)
    out = run_ctl(bins, "rules", "test", str(bad), check=False)
    text = out.stdout + out.stderr
    assert out.returncode == 1, text
    assert "e2e-vendor-deal" in text and "Globex hires Acme Data engineers" in text, text
    assert "1 failed" in text, f"no summary line counting the failure: {text!r}"


def test_daemon_refuses_a_rule_set_whose_tests_fail(frenemy, feeds, journal, uid, tmp_path):
    rule_file = rules.write(tmp_path / "rules", "watchlist.yaml", FAILING_TEST)
    src = f"tested-{uid}"
    first = deal_item(uid, "first")
    feeds.set("/t.xml", F.rss([first]))
    config = frenemy.config(sources=[{"name": src, "url": feeds.url("/t.xml"), "interval": "1s"}], rules=["rules"])
    out = frenemy.check_config(config)
    assert out.returncode == 1 and "e2e-vendor-deal" in out.stderr, f"failing rule tests must refuse: {out.stderr}"

    write_atomically(rule_file, WITH_TESTS)
    daemon = frenemy.start(config)
    assert len(journal.wait_alerts(1, FRENEMY_SOURCE=src)) == 1

    write_atomically(rule_file, FAILING_TEST)
    daemon.signal(signal.SIGHUP)
    trouble = journal.wait_trouble(1, _PID=str(daemon.pid))
    assert any("e2e-vendor-deal" in e.get("MESSAGE", "") for e in trouble), [e.get("MESSAGE") for e in trouble]
    second = deal_item(uid, "second", "Globex and Acme Data sign a partnership")
    feeds.set("/t.xml", F.rss([second, first]))
    got = journal.wait_alerts(2, FRENEMY_SOURCE=src)
    assert {e["FRENEMY_TITLE"] for e in got} == {first.title, second.title}, "the old rules stopped working"
    assert daemon.alive()


def test_operator_overrides_tune_the_shipped_pack(frenemy, feeds, journal, uid, tmp_path, repo, bins):
    tuning = rules.write(tmp_path / "rules.d", "50-tuning.yaml", """\
rules:
  - id: vendor-signs-with-competitor
    override: true
    severity: high
  - id: competitor-invests-in-vendor
    override: true
    enabled: false
entities:
  - id: meta
    override: true
    aliases: ["Threads Inc"]
""")
    deal = F.Item(f"urn:e2e:{uid}:deal", "Scale AI signs multi-year data deal with Meta", f"https://n.example.test/{uid}/1")
    alias = F.Item(f"urn:e2e:{uid}:alias", "Scale AI signs labelling contract with Threads Inc",
                   f"https://n.example.test/{uid}/2")
    invest = F.Item(f"urn:e2e:{uid}:invest", "Meta invests $2 billion in Scale AI", f"https://n.example.test/{uid}/3")
    feed_text = F.rss([deal, alias, invest])
    # Without the tuning file the investment does alert: the test below can fail.
    (tmp_path / "feed.xml").write_text(feed_text)
    dry = run_ctl(bins, "match", str(tmp_path / "feed.xml"), "--json", "--rules", *_shipped(repo))
    assert invest.title in dry.stdout, f"precondition: the shipped pack flags the investment: {dry.stdout}"

    src = f"tuned-{uid}"
    config = frenemy.config(sources=[{"name": src, "url": feeds.set("/n.xml", feed_text)}],
                            rules=_shipped(repo) + [str(tuning)])
    frenemy.once(config)
    entries = journal.alerts(FRENEMY_SOURCE=src)
    by_title: dict[str, list[dict]] = {}
    for e in entries:
        by_title.setdefault(e["FRENEMY_TITLE"], []).append(e)
    assert invest.title not in by_title, f"a disabled rule alerted: {by_title.get(invest.title)}"
    signs = [e for e in by_title.get(deal.title, []) if e["FRENEMY_RULE"] == "vendor-signs-with-competitor"]
    assert [(e["FRENEMY_SEVERITY"], e["PRIORITY"]) for e in signs] == [("high", "3")], by_title.get(deal.title)
    via_alias = [e for e in by_title.get(alias.title, []) if e["FRENEMY_RULE"] == "vendor-signs-with-competitor"]
    assert [e["FRENEMY_COMPETITOR"] for e in via_alias] == ["Meta Platforms"], by_title.get(alias.title)


def _feed(tmp_path, uid):
    hit = deal_item(uid)
    path = tmp_path / "wire.xml"
    path.write_text(F.rss([hit] + decoy_items(uid)))
    rule_file = rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    return hit, path, rule_file


def test_match_dry_run_explains_what_would_alert(bins, tmp_path, uid):
    hit, feed, rule_file = _feed(tmp_path, uid)
    out = run_ctl(bins, "match", str(feed), "--json", "--rules", str(rule_file))
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert [(x["rule"], x["item"]["title"]) for x in lines] == [("e2e-vendor-deal", hit.title)], out.stdout
    assert "Acme Data" in lines[0]["explanation"] and "Globex" in lines[0]["explanation"]

    out = run_ctl(bins, "match", str(feed), "--explain", "--rules", str(rule_file))
    for needle in (hit.title, "Acme Data", "Globex", "vendor", "competitor", "signs"):
        assert needle in out.stdout, f"--explain does not show {needle!r}:\n{out.stdout}"
    for decoy in decoy_items(uid):
        assert decoy.title not in out.stdout, f"a decoy would alert: {decoy.title}"


def test_match_takes_rules_before_inputs_as_documented(bins, tmp_path, uid):
    """Issue 3 documents `frenemyctl match [--config FILE | --rules PATH...] INPUT...`."""
    hit, feed, rule_file = _feed(tmp_path, uid)
    out = run_ctl(bins, "match", "--rules", str(rule_file), str(feed), "--json", check=False)
    assert out.returncode == 0 and hit.title in out.stdout, (
        f"`match --rules FILE INPUT` failed ({out.returncode}): the INPUT was taken as another rule path?\n{out.stderr}"
    )


def test_match_with_config_uses_its_rules(frenemy, tmp_path, uid, feeds):
    hit, feed, _ = _feed(tmp_path, uid)
    config = frenemy.config(sources=[{"name": f"m-{uid}", "url": feeds.url("/none.xml")}], rules=["rules"])
    out = run_ctl(frenemy.bins, "match", "--config", str(config), str(feed), "--json")
    assert [json.loads(x)["item"]["title"] for x in out.stdout.splitlines() if x.strip()] == [hit.title]
