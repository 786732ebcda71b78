"""Issue 9, sections 4 and 5: who changed what (audit, write_groups) and Prometheus metrics.

Everything runs against the real daemon: metrics are scraped on the control socket and on
TCP (`metrics_listen`) and checked with `promtool check metrics`; audit entries come from
state-changing calls made with the real frenemyctl, as root and as `nobody` (via setpriv).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from e2e_harness import feeds as F
from e2e_harness.checks import deal_item, deal_scenario
from e2e_harness.daemon import unix_http

AUDIT_MESSAGE_ID = "a46b70ee79d04316ad3807a6455f2625"
RULE = "e2e-vendor-deal"
SEVERITY = "high"

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """The exposition's samples by (name, labels)."""
    found = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        found[(m.group(1), frozenset(LABEL.findall(m.group(2) or "")))] = float(m.group(3))
    return found


def value(text: str, name: str, **labels: str) -> float | None:
    return samples(text).get((name, frozenset(labels.items())))


def promtool(text: str) -> None:
    if shutil.which("promtool") is None:
        pytest.fail("promtool is missing: install the Debian package 'prometheus' (make deps does)")
    out = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, f"promtool check metrics refused the exposition:\n{out.stdout}{out.stderr}\n{text}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape_socket(daemon) -> str:
    status, headers, body = unix_http(daemon.socket, "GET", "/metrics")
    assert status == 200, body
    assert headers["content-type"].startswith("text/plain; version=0.0.4"), headers
    return body.decode()


def scrape_tcp(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return resp.read().decode()


def add_keys(config: Path, text: str) -> None:
    config.write_text(config.read_text() + text, encoding="utf-8")


def wait_metric(scrape, name: str, expected: float, timeout: float = 20.0, **labels: str) -> str:
    """Scrapes until the sample `name{labels}` equals `expected`; returns that exposition."""
    deadline = time.monotonic() + timeout
    text = scrape()
    while value(text, name, **labels) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
        text = scrape()
    assert value(text, name, **labels) == expected, f"{name}{labels} never became {expected}:\n{text}"
    return text


def test_metrics_on_socket_and_tcp_parse_with_promtool_and_move(frenemy, feeds, receiver, uid, tmp_path):
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    port = free_port()
    add_keys(config, f'metrics_listen: "127.0.0.1:{port}"\n')
    daemon = frenemy.start(config)
    daemon.wait_status(lambda st: st["alerts"] >= 1)
    receiver.wait_for_deliveries(1)

    text = wait_metric(lambda: scrape_socket(daemon), "frenemy_notifications_total", 1, receiver="hook",
                       outcome="delivered")
    promtool(text)
    assert value(text, "frenemy_alerts_total", rule=RULE, severity=SEVERITY) == 1, text
    assert value(text, "frenemy_polls_total", source=src, result="ok") == 1, text
    assert value(text, "frenemy_items_seen_total", source=src) == 4, "one deal and three decoys are new items"
    assert value(text, "frenemy_sources") == 1
    assert value(text, "frenemy_sources_failing") == 0
    assert value(text, "frenemy_rules_loaded") >= 1
    assert value(text, "frenemy_rule_entities_loaded") >= 2
    assert value(text, "frenemy_rules_load_duration_seconds") > 0
    assert value(text, "frenemy_reloads_total", result="refused") == 0, "present before the first refusal"
    assert value(text, "frenemy_database_size_bytes") > 4096
    assert value(text, "frenemy_notifications_queued", receiver="hook") == 0
    assert value(text, "frenemy_notifications_oldest_queued_age_seconds", receiver="hook") == 0
    assert "# HELP frenemy_alerts_total " in text and "# TYPE frenemy_alerts_total counter" in text

    tcp = scrape_tcp(port)
    promtool(tcp)
    assert value(tcp, "frenemy_alerts_total", rule=RULE, severity=SEVERITY) == 1, tcp
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/status", timeout=10)
    assert refused.value.code == 404, "only /metrics is served over TCP"

    # A second deal, a poll: the alert, poll and item counters move; a dead receiver queues.
    receiver.stop()
    second = deal_item(uid, slug="deal-2", title="Acme Data signs a second data deal with Globex")
    feeds.set("/wire.xml", F.rss([second, hit]))
    daemon.ctl("poll", src)
    moved = wait_metric(lambda: scrape_tcp(port), "frenemy_alerts_total", 2, rule=RULE, severity=SEVERITY)
    promtool(moved)
    assert value(moved, "frenemy_polls_total", source=src, result="ok") == 2
    assert value(moved, "frenemy_items_seen_total", source=src) == 5
    queued = wait_metric(lambda: scrape_socket(daemon), "frenemy_notifications_queued", 1, receiver="hook")
    assert value(queued, "frenemy_notifications_oldest_queued_age_seconds", receiver="hook") > 0
    assert value(queued, "frenemy_audit_events_total", action="poll", outcome="ok") == 1


def test_a_taken_metrics_port_is_trouble_not_a_stopped_daemon(frenemy, feeds, receiver, uid, tmp_path):
    config, _, _ = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        add_keys(config, f'metrics_listen: "127.0.0.1:{port}"\n')
        daemon = frenemy.start(config)
        deadline = time.monotonic() + 15
        while "cannot serve /metrics" not in daemon.stderr() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert f"cannot serve /metrics on 127.0.0.1:{port} (metrics_listen)" in daemon.stderr()
        assert daemon.alive(), "alerting must not stop because the metrics port is taken"
        daemon.wait_status(lambda st: st["alerts"] >= 1)
        assert value(scrape_socket(daemon), "frenemy_alerts_total", rule=RULE, severity=SEVERITY) == 1


def test_bad_metrics_listen_is_refused_with_its_line(frenemy, tmp_path):
    cfg = tmp_path / "frenemy.yaml"
    cfg.write_text(f'state_dir: state\ncontrol_socket: {frenemy.socket}\nrules: []\nmetrics_listen: "9464"\n')
    out = frenemy.check_config(cfg)
    assert out.returncode == 1
    assert f"{cfg}:4:" in out.stderr and "metrics_listen" in out.stderr and "host:port" in out.stderr, out.stderr


def test_reload_and_poll_are_audited_with_the_callers_name(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, _ = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    daemon = frenemy.start(config)
    before = daemon.ctl_json("audit")["entries"]
    assert before == [], "reads are not audited"
    daemon.ctl("reload")
    daemon.ctl("poll", src)
    assert daemon.ctl("poll", "no-such-source", check=False).returncode == 1
    daemon.ctl("notify", "test", "hook")

    entries = daemon.ctl_json("audit", "--since", "1h")["entries"]
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    assert [(e["action"], e["outcome"], e["user"]) for e in entries] == [
        ("reload", "ok", user), ("poll", "ok", user), ("poll", "refused", user), ("notify-test", "ok", user)], entries
    assert entries[0]["uid"] == os.getuid() and entries[0]["pid"] > 0
    assert entries[0]["detail"] == "rules 1, entities 2, sources 1", entries[0]
    assert entries[1]["detail"] == f"source {src}"
    assert "no-such-source" in entries[2]["detail"]
    assert entries[3]["detail"] == "receiver hook: delivered"
    table = daemon.ctl("audit").stdout
    assert "USER" in table and f"source {src}" in table and user in table

    logged = journal.wait(4, MESSAGE_ID=AUDIT_MESSAGE_ID, _PID=str(daemon.pid))
    assert [(e["FRENEMY_ACTION"], e["FRENEMY_USER"], e["FRENEMY_OUTCOME"]) for e in logged] == [
        ("reload", user, "ok"), ("poll", user, "ok"), ("poll", user, "refused"), ("notify-test", user, "ok")], logged
    assert logged[0]["FRENEMY_UID"] == str(os.getuid())

    # The trail is in the store: it survives a restart.
    daemon.stop()
    again = frenemy.start(config)
    assert [e["action"] for e in again.ctl_json("audit")["entries"]] == ["reload", "poll", "poll", "notify-test"]
    assert again.ctl("audit", "--since", "soon", check=False).returncode != 0


def as_nobody(frenemy, daemon, *args: str) -> subprocess.CompletedProcess:
    """frenemyctl run as nobody:nogroup, on a socket nobody may open."""
    ctl = frenemy.short_dir / "frenemyctl"
    if not ctl.exists():
        shutil.copy(frenemy.bins.frenemyctl, ctl)
        os.chmod(ctl, 0o755)
    for p in (frenemy.short_dir, daemon.socket.parent):
        os.chmod(p, 0o755)
    os.chmod(daemon.socket, 0o666)
    cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", str(ctl), *args,
           "--socket", str(daemon.socket)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd="/")
    print(f"$ {' '.join(cmd)} -> {out.returncode}\n{out.stdout}{out.stderr}")
    return out


@pytest.mark.skipif(os.geteuid() != 0, reason="running frenemyctl as another user needs root")
def test_write_groups_refuse_a_caller_outside_them_with_403(frenemy, feeds, receiver, uid, tmp_path):
    config, src, _ = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    base = config.read_text()
    add_keys(config, "control:\n  write_groups: [frenemy-e2e-admins]\n")
    daemon = frenemy.start(config)

    assert as_nobody(frenemy, daemon, "status").returncode == 0, "reads stay open to whoever can open the socket"
    refused = as_nobody(frenemy, daemon, "reload")
    assert refused.returncode == 77, refused
    assert "control.write_groups" in refused.stderr and "frenemy-e2e-admins" in refused.stderr
    assert "user nobody" in refused.stderr, refused.stderr
    status, _, body = unix_http(daemon.socket, "GET", "/v1/status")
    assert status == 200
    assert as_nobody(frenemy, daemon, "poll", src).returncode == 77

    # Root may always write; the denial is in the trail with nobody's name.
    daemon.ctl("poll", src)
    entries = daemon.ctl_json("audit")["entries"]
    assert [(e["user"], e["action"], e["outcome"]) for e in entries] == [
        ("nobody", "reload", "denied"), ("nobody", "poll", "denied"), ("root", "poll", "ok")], entries
    assert entries[0]["uid"] == 65534

    # write_groups is read at every call: a reload that lists nogroup lets nobody in.
    config.write_text(base + "control:\n  write_groups: [frenemy-e2e-admins, nogroup]\n")
    daemon.ctl("reload")
    allowed = as_nobody(frenemy, daemon, "poll", src)
    assert allowed.returncode == 0, allowed
    last = daemon.ctl_json("audit")["entries"][-1]
    assert (last["user"], last["action"], last["outcome"], last["uid"]) == ("nobody", "poll", "ok", 65534)


def test_forbidden_answer_is_json_with_403(frenemy, feeds, receiver, uid, tmp_path):
    """The raw API answer to a refused write (what curl and scripts see)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to call as another user")
    config, _, _ = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    add_keys(config, "control:\n  write_groups: [frenemy-e2e-admins]\n")
    daemon = frenemy.start(config)
    for p in (frenemy.short_dir, daemon.socket.parent):
        os.chmod(p, 0o755)
    os.chmod(daemon.socket, 0o666)
    script = (
        "import http.client, socket, json, sys\n"
        "class C(http.client.HTTPConnection):\n"
        "    def connect(self):\n"
        "        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect(sys.argv[1])\n"
        "c = C('localhost'); c.request('POST', '/v1/reload'); r = c.getresponse()\n"
        "print(r.status, r.getheader('content-type')); print(r.read().decode())\n"
    )
    out = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "python3", "-c", script,
         str(daemon.socket)], capture_output=True, text=True, timeout=30, cwd="/")
    assert out.returncode == 0, out.stderr
    head, body = out.stdout.split("\n", 1)
    assert head.startswith("403 application/json"), out.stdout
    import json
    assert "write_groups" in json.loads(body)["error"]
