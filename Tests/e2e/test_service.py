"""Issue 2: frenemyd as a systemd service (sd_notify protocol) and its control API on the wire."""

from __future__ import annotations

import json
import signal

import pytest

from e2e_harness import feeds as F
from e2e_harness.checks import deal_scenario
from e2e_harness.daemon import unix_http
from e2e_harness.servers import NotifySocket


@pytest.fixture
def notify(frenemy):
    sock = NotifySocket(frenemy.short_dir / "notify.sock")
    yield sock
    sock.close()


def test_sd_notify_ready_status_watchdog_reload_stopping(frenemy, feeds, receiver, journal, notify, uid, tmp_path):
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid, interval="1s")
    daemon = frenemy.start(config, wait=False, env={"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000"})

    ready = notify.wait_for(lambda m: m.get("READY") == "1")
    assert ready is not None, f"no READY=1; got {notify.snapshot()}"
    # READY=1 promises the rules are loaded and the socket listens: it must answer at once.
    assert daemon.ctl("status", "--json", check=False).returncode == 0, "READY=1 was sent before the socket answered"

    assert notify.wait_for(lambda m: "STATUS" in m) is not None, f"no STATUS= after a cycle; got {notify.snapshot()}"
    assert notify.wait_for(lambda m: m.get("WATCHDOG") == "1") is not None, (
        f"WATCHDOG_USEC=2000000 is set but no WATCHDOG=1 arrived; got {notify.snapshot()}"
    )

    mark = len(notify.snapshot())
    daemon.signal(signal.SIGHUP)
    reloading = notify.wait_for(lambda m: m.get("RELOADING") == "1", after=mark)
    assert reloading is not None, f"no RELOADING=1 after SIGHUP; got {notify.snapshot()[mark:]}"
    idx, msg = reloading
    assert msg.get("MONOTONIC_USEC", "").isdigit(), f"RELOADING=1 must carry MONOTONIC_USEC in the same message: {msg}"
    assert notify.wait_for(lambda m: m.get("READY") == "1", after=idx + 1) is not None, "no READY=1 after the reload"
    assert daemon.alive()

    mark = len(notify.snapshot())
    assert daemon.stop() == 0
    assert notify.wait_for(lambda m: m.get("STOPPING") == "1", after=mark, timeout=2) is not None, (
        f"no STOPPING=1 on SIGTERM; got {notify.snapshot()[mark:]}"
    )


def test_control_api_speaks_http_json_on_the_socket(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    daemon = frenemy.start(config)
    assert len(journal.wait_alerts(1, FRENEMY_SOURCE=src)) == 1

    status, headers, body = unix_http(frenemy.socket, "GET", "/v1/status")
    assert status == 200 and headers.get("content-type", "").startswith("application/json"), (status, headers)
    st = json.loads(body)
    assert [s["name"] for s in st["sources"]] == [src]

    status, _, body = unix_http(frenemy.socket, "GET", "/v1/alerts?limit=1")
    assert status == 200
    alerts = json.loads(body)["alerts"]
    assert [a["item"]["title"] for a in alerts] == [hit.title]

    status, headers, body = unix_http(frenemy.socket, "GET", "/v1/no-such-thing")
    assert status == 404, status
    assert headers.get("content-type", "").startswith("application/json"), f"errors are JSON: {headers} {body!r}"
    err = json.loads(body)
    assert isinstance(err, dict) and any(isinstance(v, str) and v for v in err.values()), f"no message in {err}"

    status, _, body = unix_http(frenemy.socket, "POST", "/v1/reload", body=b"{}")
    assert 200 <= status < 300, (status, body)
    assert daemon.alive()


def test_frenemyctl_prints_readable_tables(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    daemon = frenemy.start(config)
    assert len(journal.wait_alerts(1, FRENEMY_SOURCE=src)) == 1
    out = daemon.ctl("status")
    assert src in out.stdout, out.stdout
    assert not out.stdout.lstrip().startswith("{"), "without --json, status is for people, not JSON"
    out = daemon.ctl("alerts")
    assert hit.title in out.stdout or "Acme Data" in out.stdout, out.stdout
    assert not out.stdout.lstrip().startswith("{")
    out = daemon.ctl("reload")
    assert out.returncode == 0


def test_sigterm_mid_cycle_exits_cleanly_and_restart_resumes(frenemy, feeds, receiver, journal, uid, tmp_path):
    """A daemon stopped and started again keeps its state: no second alert, no lost alert."""
    config, src, first = deal_scenario(frenemy, feeds, receiver, tmp_path, uid, interval="1s")
    daemon = frenemy.start(config)
    assert len(journal.wait_alerts(1, FRENEMY_SOURCE=src)) == 1
    assert daemon.stop() == 0

    second = F.Item(f"urn:e2e:{uid}:later", "Acme Data and Globex sign a partnership",
                    f"https://news.example.test/{uid}/later")
    feeds.set("/wire.xml", F.rss([second, first]))
    daemon = frenemy.start(config)
    got = journal.wait_alerts(2, FRENEMY_SOURCE=src)
    assert sorted(e["FRENEMY_TITLE"] for e in got) == sorted([first.title, second.title])
    assert [a["item"]["title"] for a in daemon.alerts()] == [second.title, first.title]
    assert daemon.stop() == 0
