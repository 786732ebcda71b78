"""Issue 10 §9: rule safety across restarts. An empty rule file is refused, not read as "no
rules"; a start with a broken file on disk runs on the last accepted set, says so in the
journal, in status and as a trouble alert, and exits only when there is no last good set."""

from __future__ import annotations

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import deal_item, decoy_items


def setup(frenemy, feeds, receiver, uid):
    rules.write(frenemy.dir / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    url = feeds.set(f"/{uid}.xml", F.rss([deal_item(uid)] + decoy_items(uid)))
    return frenemy.config(
        sources=[{"name": f"wire-{uid}", "url": url}], rules=["rules"],
        notify=[{"name": "hook", "url": receiver.url("/hook")}])


def test_an_empty_rule_file_is_refused_on_reload(frenemy, feeds, receiver, journal, uid):
    config = setup(frenemy, feeds, receiver, uid)
    d = frenemy.start(config)
    (frenemy.dir / "rules" / "watchlist.yaml").write_text("# emptied by mistake\n")
    res = d.ctl("reload", check=False)
    assert res.returncode != 0
    assert "holds no entities and no rules" in res.stderr + res.stdout, res.stderr + res.stdout
    assert d.status()["rules"] == 1, "the old rules keep running"


def test_a_start_with_a_broken_rule_file_runs_on_the_last_good_set(frenemy, feeds, receiver, journal, uid):
    config = setup(frenemy, feeds, receiver, uid)
    d = frenemy.start(config)
    d.stop()
    (frenemy.dir / "rules" / "watchlist.yaml").write_text("rules:\n  - id: [broken\n")
    d = frenemy.start(config)
    st = d.status()
    assert st["rules"] == 1, st
    assert "last" in (st.get("degraded") or "") and "watchlist.yaml" in st["degraded"], st
    entries = journal.wait(1, timeout=20, FRENEMY_RULE="frenemy.config-refused", _PID=str(d.pid))
    assert entries, "no trouble alert about running on the last good configuration"
    assert "last good configuration" in entries[0]["MESSAGE"]
    assert d.alive()


def test_without_a_last_good_set_a_broken_start_exits(frenemy, feeds, receiver, uid):
    config = setup(frenemy, feeds, receiver, uid)
    (frenemy.dir / "rules" / "watchlist.yaml").write_text("")
    res = frenemy.run("--config", str(config), timeout=30)
    assert res.returncode == 1
    assert "holds no entities and no rules" in res.stderr, res.stderr
