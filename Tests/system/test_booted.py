"""The package under a booted systemd, driven as an operator would (see machine.py for the container).

The tests run in file order and share one container: install, configure, alert, reload, watchdog,
access, security score, stop, upgrade, remove, purge. Each step assumes the ones before passed
(`make service-test` runs pytest with -x).
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import SECRET, deal_item, decoy_items
from e2e_harness.daemon import per_item_route
from e2e_harness.servers import FeedServer, WebhookReceiver
from machine import DEBS_INSIDE, Machine

ALERT = "954d426f9ca9441cbb872e8e38124d00"
TROUBLE = "958ebfcd1d054f968a5d7eb2fa774dd1"


@pytest.fixture(scope="module")
def feeds():
    server = FeedServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def receiver():
    server = WebhookReceiver()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def machine(deb, previous_deb, tmp_path_factory):
    debs = tmp_path_factory.mktemp("debs")
    shutil.copy(deb, debs / "next.deb")
    shutil.copy(previous_deb, debs / "previous.deb")
    m = Machine(debs)
    try:
        m.boot()
        yield m
    finally:
        m.shutdown()


def journal(m: Machine, *matches: str, since: str | None = None) -> list[dict]:
    cmd = "journalctl -u frenemyd -o json --no-pager " + " ".join(matches)
    if since:
        cmd += f" --since '{since}'"
    out = m.run(cmd).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def show(m: Machine, *props: str) -> dict[str, str]:
    out = m.run("systemctl show frenemyd " + " ".join(f"-p {p}" for p in props)).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def test_previous_build_installs_and_starts_an_idle_daemon(machine):
    m = machine
    # This machine's image is a container image whose policy-rc.d forbids starting services on
    # install; a real system has none (the container's root is an overlay: the host keeps it).
    m.run("rm -f /usr/sbin/policy-rc.d")
    m.run(f"apt-get install -y -q {DEBS_INSIDE}/previous.deb", timeout=300)
    m.wait_until("systemctl is-active frenemyd", timeout=60)
    assert m.run("id -nG frenemy").stdout.split() == ["frenemy"]
    assert m.run("stat -c '%a %U %G' /etc/frenemy/frenemy.yaml /etc/frenemy/rules.d").stdout.split("\n")[:2] == [
        "640 root frenemy", "750 root frenemy"]
    # An idle daemon still says what it is doing.
    status = m.wait_until("systemctl show -p StatusText --value frenemyd | grep .", timeout=30).strip()
    assert "no sources configured" in status, status
    # No libdispatch complaints under the sandbox (setpriority answers success, see the unit).
    messages = [e.get("MESSAGE", "") for e in journal(m)]
    assert not [msg for msg in messages if "thread priority" in str(msg)], messages


def test_operator_configures_a_feed_watchlist_and_webhook_and_gets_the_alert(machine, feeds, receiver):
    m = machine
    hit = deal_item("booted")
    feed_url = feeds.set("/wire.xml", F.rss([hit] + decoy_items("booted")))
    m.write("/etc/frenemy/rules.d/watchlist.yaml", rules.VENDOR_DEAL, mode="0640", owner="root:frenemy")
    config = m.run("cat /etc/frenemy/frenemy.yaml").stdout
    config = config.replace("sources:                              # none yet: uncomment or add entries below",
                            f"sources:\n  - name: wire\n    url: {feed_url}\n    interval: 30s")
    config = config.replace("notify:                               # alerts always go to the journal; webhooks here",
                            f"notify:\n  - name: hook\n    type: webhook\n    url: {receiver.url('/hook')}\n"
                            f"    secret: {SECRET}\n"
                            # Each report its own notification at once: the upgrade test counts
                            # one queued delivery per item (without a route, later reports of a
                            # story wait for the 5-minute digest).
                            + per_item_route(["hook"]))
    assert "name: wire" in config and "name: hook" in config, "the shipped config's comments changed"
    m.write("/etc/frenemy/frenemy.yaml", config, mode="0640", owner="root:frenemy")
    m.run("frenemyd --check-config --config /etc/frenemy/frenemy.yaml")
    m.run("systemctl enable --now frenemyd && systemctl restart frenemyd", timeout=90)

    # The shipped packs speak of vendors and competitors too, so they may alert as well: look at
    # the watchlist's own rule.
    m.wait_until(f"journalctl -u frenemyd MESSAGE_ID={ALERT} FRENEMY_RULE=e2e-vendor-deal -o json | grep -q .",
                 timeout=60)
    [entry] = journal(m, f"MESSAGE_ID={ALERT}", "FRENEMY_RULE=e2e-vendor-deal")
    assert entry["FRENEMY_RULE"] == "e2e-vendor-deal"
    assert entry["FRENEMY_SOURCE"] == "wire"
    assert entry["FRENEMY_TITLE"] == hit.title
    assert entry["FRENEMY_URL"] == hit.link
    assert entry["FRENEMY_VENDOR"] == "Acme Data" and entry["FRENEMY_COMPETITOR"].startswith("Globex")
    assert entry["_SYSTEMD_UNIT"] == "frenemyd.service"

    receiver.wait_until(lambda got: any(d.json()["data"].get("rule_id") == "e2e-vendor-deal"
                                        or d.json()["data"]["item"]["title"] == hit.title for d in got), timeout=60)
    delivery = next(d for d in receiver.deliveries() if d.json()["data"]["item"]["title"] == hit.title)
    assert delivery.json()["type"] == "alert.raised"
    assert delivery.header("webhook-signature")

    # journalctl -x: the catalog explains the alert, with the entry's own fields filled in.
    explained = m.run(f"journalctl -x -u frenemyd MESSAGE_ID={ALERT} FRENEMY_RULE=e2e-vendor-deal --no-pager").stdout
    assert "supplier on your watchlist" in explained and "e2e-vendor-deal" in explained, explained
    assert "Documentation: man:frenemy-rules(5)" in explained

    status = m.wait_until("systemctl show -p StatusText --value frenemyd | grep 'last polled'", timeout=60)
    assert "1 sources" in status


def test_reload_with_a_bad_rule_file_is_refused_logged_and_the_service_keeps_running(machine):
    m = machine
    pid = show(m, "MainPID")["MainPID"]
    since = m.run("date '+%Y-%m-%d %H:%M:%S'").stdout.strip()
    m.write("/etc/frenemy/rules.d/broken.yaml", "rules:\n  - id: broken\n    match: {nonsense: [x]}\n",
            mode="0640", owner="root:frenemy")
    reload = m.run("systemctl reload frenemyd", check=False, timeout=90)
    assert reload.returncode != 0, "systemctl reload accepted a bad rule file"
    assert m.run("systemctl is-active frenemyd", check=False).stdout.strip() == "active"
    assert show(m, "MainPID")["MainPID"] == pid, "the daemon was restarted instead of refusing the reload"
    refused = journal(m, f"MESSAGE_ID={TROUBLE}", since=since)
    assert any("reload refused" in e["MESSAGE"] and "broken.yaml" in e["MESSAGE"] for e in refused), refused
    # The catalog says what to do.
    explained = m.run(f"journalctl -x -u frenemyd MESSAGE_ID={TROUBLE} --since '{since}' --no-pager").stdout
    assert "frenemyctl rules check" in explained
    m.run("rm /etc/frenemy/rules.d/broken.yaml && systemctl reload frenemyd", timeout=90)


def test_the_watchdog_keeps_it_alive(machine):
    m = machine
    m.write("/etc/systemd/system/frenemyd.service.d/50-watchdog-test.conf", "[Service]\nWatchdogSec=3s\n")
    m.run("systemctl daemon-reload && systemctl restart frenemyd", timeout=90)
    before = show(m, "MainPID", "NRestarts", "WatchdogUSec")
    assert before["WatchdogUSec"] == "3s", before
    time.sleep(10)  # three watchdog periods: without pings systemd would have killed it
    after = show(m, "MainPID", "NRestarts", "ActiveState", "WatchdogTimestampMonotonic")
    assert after["ActiveState"] == "active"
    assert (after["MainPID"], after["NRestarts"]) == (before["MainPID"], before["NRestarts"]), (before, after)
    m.run("rm -r /etc/systemd/system/frenemyd.service.d && systemctl daemon-reload && systemctl restart frenemyd",
          timeout=90)


def test_frenemyctl_status_is_for_group_frenemy_only(machine):
    m = machine
    m.run("useradd --create-home --groups frenemy alice && useradd --create-home bob")
    m.wait_until("test -S /run/frenemy/control.sock", timeout=30)
    ok = m.run("frenemyctl status", user="alice", check=False)
    assert ok.returncode == 0, ok.stderr
    assert "wire" in ok.stdout
    refused = m.run("frenemyctl status", user="bob", check=False)
    assert refused.returncode == 77, (refused.returncode, refused.stdout, refused.stderr)
    assert "permission denied" in refused.stderr and "group frenemy" in refused.stderr, refused.stderr


def test_systemd_analyze_security_scores_what_the_docs_claim(machine, repo):
    claim = re.search(r"exposure level of ([0-9.]+)", (repo / "docs/config.md").read_text())
    assert claim, "docs/config.md states no systemd-analyze security score"
    out = machine.run("systemd-analyze security --no-pager frenemyd").stdout
    score = re.search(r"Overall exposure level for frenemyd.service: ([0-9.]+)", out)
    assert score, out
    assert score.group(1) == claim.group(1), f"docs claim {claim.group(1)}, systemd-analyze says:\n{out}"
    assert float(score.group(1)) <= 1.2


def test_stop_is_clean(machine):
    m = machine
    since = m.run("date '+%Y-%m-%d %H:%M:%S'").stdout.strip()
    m.run("systemctl stop frenemyd", timeout=60)
    props = show(m, "Result", "ExecMainStatus", "ActiveState")
    assert props == {"Result": "success", "ExecMainStatus": "0", "ActiveState": "inactive"}, props
    errors = [e for e in journal(m, "-p", "err", since=since)]
    assert not errors, [e["MESSAGE"] for e in errors]
    m.run("systemctl start frenemyd", timeout=60)


def test_upgrade_keeps_config_rules_state_and_queued_deliveries(machine, feeds, receiver):
    m = machine
    receiver.stop()  # deliveries now fail and stay queued
    later = deal_item("booted", slug="later", title="Acme Data signs a partnership with Globex")
    feeds.set("/wire.xml", F.rss([later, deal_item("booted")]))
    m.run("frenemyctl poll wire")
    m.wait_until("frenemyctl status --json | python3 -c 'import json,sys; "
                 "sys.exit(0 if json.load(sys.stdin)[\"pending_deliveries\"] >= 1 else 1)'", timeout=60)
    config_before = m.run("md5sum /etc/frenemy/frenemy.yaml /etc/frenemy/rules.d/watchlist.yaml").stdout
    alerts_before = json.loads(m.run("frenemyctl alerts --json").stdout)["alerts"]

    m.run(f"apt-get install -y -q {DEBS_INSIDE}/next.deb", timeout=300)
    m.wait_until("systemctl is-active frenemyd", timeout=60)
    assert m.run("md5sum /etc/frenemy/frenemy.yaml /etc/frenemy/rules.d/watchlist.yaml").stdout == config_before
    assert json.loads(m.wait_until("frenemyctl alerts --json", timeout=30))["alerts"] == alerts_before

    receiver.start()
    got = receiver.wait_until(lambda got: any(d.json()["data"]["item"]["title"] == later.title for d in got),
                              timeout=120)
    assert later.title in [d.json()["data"]["item"]["title"] for d in got]
    ours = journal(m, f"MESSAGE_ID={ALERT}", "FRENEMY_RULE=e2e-vendor-deal")
    assert sorted(e["FRENEMY_TITLE"] for e in ours) == sorted([deal_item("booted").title, later.title]), (
        "an upgrade must not alert twice")


def test_remove_keeps_state_and_config_purge_removes_them(machine):
    m = machine
    m.run("apt-get remove -y -q frenemy", timeout=300)
    assert m.run("systemctl is-active frenemyd", check=False).stdout.strip() != "active"
    m.run("test -f /var/lib/frenemy/frenemy.db && test -f /etc/frenemy/frenemy.yaml")
    m.run("test ! -e /usr/bin/frenemyd")
    m.run("apt-get purge -y -q frenemy", timeout=300)
    m.run("test ! -e /var/lib/frenemy && test ! -e /etc/frenemy/frenemy.yaml")
    assert "frenemy" not in m.run("dpkg -l | awk '{print $2}'").stdout.split()
