"""Issue 8: the dispatch stage end to end with the real frenemyd — routing, grouping, and each
receiver's own backoff, rate and failures — against loopback receivers that script answers.

Waits are bounded, never asserted on as timings, except where the contract is a minimum
(Retry-After: the next attempt must not come before the receiver allows it).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import decoy_items, deal_item, wait_until
from e2e_harness.daemon import per_item_route, q

DELIVERY_GIVEN_UP = "314aec8fdbd442a3930f77c815f451b1"


class Scripted:
    """A receiver whose answers are scripted: each entry is (status, headers) or "hang"."""

    def __init__(self, script: list | None = None) -> None:
        self.script = list(script or [])
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    answer = outer.script.pop(0) if outer.script else (200, {})
                    outer.requests.append(
                        {"t": time.monotonic(), "path": self.path, "headers": dict(self.headers), "body": body,
                         "status": answer if answer == "hang" else answer[0]})
                if answer == "hang":
                    time.sleep(30)
                    return
                status, headers = answer
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.requests)

    def accepted(self) -> list[dict]:
        return [r for r in self.snapshot() if r["status"] != "hang" and 200 <= r["status"] < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def items(uid: str, n: int) -> list[F.Item]:
    return [
        F.Item(f"urn:e2e:{uid}:{i}", f"Acme Data signs deal number {i} with Globex",
               f"https://news.example.test/{uid}/deal-{i}", "A deal.")
        for i in range(n)
    ]


def write_config(frenemy, feeds, uid: str, feed_items: list[F.Item], receivers: list[dict], route: str | None = None,
                 rule_text: str = rules.VENDOR_DEAL) -> Path:
    rules.write(frenemy.dir / "rules", "watchlist.yaml", rule_text)
    url = feeds.set(f"/{uid}.xml", F.rss(feed_items + decoy_items(uid)))
    lines = [f"state_dir: {q('state')}", f"control_socket: {q(str(frenemy.socket))}", "rules:", "  - rules",
             "sources:", f"  - name: {q('wire-' + uid)}", f"    url: {q(url)}", "    interval: 1h", "notify:"]
    for r in receivers:
        lines.append(f"  - name: {q(r['name'])}")
        for k, v in r.items():
            if k != "name":
                lines.append(f"    {k}: {q(v) if isinstance(v, str) else json.dumps(v)}")
    path = frenemy.dir / "frenemy.yaml"
    if route is None:
        route = per_item_route([r["name"] for r in receivers])
    path.write_text("\n".join(lines) + "\n" + route, encoding="utf-8")
    return path


def test_routes_send_each_alert_where_the_tree_says_and_route_test_agrees(frenemy, feeds, journal, uid):
    pager, chat = Scripted(), Scripted()
    try:
        route = """route:
  receiver: chat
  group_wait: 0s
  routes:
    - matchers: ['severity=~"high|critical"', 'vendor="acme-data"']
      receiver: pager
"""
        config = write_config(frenemy, feeds, uid, [deal_item(uid)], [
            {"name": "pager", "type": "webhook", "url": pager.url()},
            {"name": "chat", "type": "webhook", "url": chat.url()}], route)
        out = frenemy.ctl("route", "test", "--config", str(config), "severity=high", "vendor=acme-data").stdout
        assert out.startswith("pager\t(route.routes[0]"), out
        out = frenemy.ctl("route", "test", "--config", str(config), "severity=low", "vendor=acme-data").stdout
        assert out.startswith("chat\t(route"), out

        frenemy.start(config)
        assert wait_until(lambda: len(pager.accepted()) == 1, 20), pager.snapshot()
        body = json.loads(pager.accepted()[0]["body"])
        assert body["data"]["labels"]["vendor"] == "acme-data"
        assert body["data"]["labels"]["rule"] == "e2e-vendor-deal"
        assert body["notification"]["receiver"] == "pager"
        assert pager.accepted()[0]["headers"]["webhook-id"] == body["notification"]["id"]
        time.sleep(1)
        assert chat.snapshot() == [], "the first matching route takes the alert (no continue)"
    finally:
        pager.close()
        chat.close()


def test_one_group_of_alerts_is_one_notification(frenemy, feeds, journal, uid):
    hook = Scripted()
    try:
        route = "route:\n  receiver: hook\n  group_by: [vendor, competitor]\n  group_wait: 2s\n"
        config = write_config(frenemy, feeds, uid, items(uid, 5), [{"name": "hook", "type": "webhook", "url": hook.url()}], route)
        frenemy.start(config)
        assert wait_until(lambda: len(hook.accepted()) >= 1, 20)
        time.sleep(1.5)
        got = hook.accepted()
        assert len(got) == 1, f"five alerts of one group must be one message, got {len(got)}"
        n = json.loads(got[0]["body"])["notification"]
        assert len(n["alerts"]) == 5 and n["alert_count"] == 5
        assert n["group_labels"] == {"competitor": "globex", "vendor": "acme-data"}
        assert len(journal.wait_alerts(5, FRENEMY_RULE="e2e-vendor-deal")) >= 5, "the journal still gets every alert"
    finally:
        hook.close()


def test_retry_after_is_honoured_and_one_id_is_kept(frenemy, feeds, journal, uid):
    hook = Scripted([(429, {"Retry-After": "3"})])
    try:
        config = write_config(frenemy, feeds, uid, [deal_item(uid)], [{"name": "hook", "type": "webhook", "url": hook.url()}])
        d = frenemy.start(config)
        assert wait_until(lambda: len(hook.accepted()) == 1, 30), hook.snapshot()
        reqs = hook.snapshot()
        assert [r["status"] for r in reqs] == [429, 200], reqs
        assert reqs[1]["t"] - reqs[0]["t"] >= 2.9, "the retry came before Retry-After allowed it"
        assert reqs[0]["headers"]["webhook-id"] == reqs[1]["headers"]["webhook-id"]
        receivers = d.ctl_json("receivers")["receivers"]
        assert receivers[0]["consecutive_failures"] == 0 and receivers[0]["queued"] == 0, receivers
    finally:
        hook.close()


def test_a_failing_receiver_gets_one_probe_at_a_time_not_its_whole_queue(frenemy, feeds, journal, uid):
    hook = Scripted([(503, {})] * 100)
    try:
        config = write_config(frenemy, feeds, uid, items(uid, 8), [{"name": "hook", "type": "webhook", "url": hook.url()}])
        d = frenemy.start(config)
        assert wait_until(lambda: len(hook.snapshot()) >= 1, 20)
        time.sleep(6)
        attempts = len(hook.snapshot())
        # 8 notifications queued: per-notification backoff would send 8 at once and retry each.
        assert attempts <= 6, f"{attempts} attempts in 6 s for one failing receiver"
        st = d.ctl_json("receivers")["receivers"][0]
        assert st["queued"] == 8 and st["consecutive_failures"] >= 1 and "503" in st["last_error"], st
        with hook.lock:
            hook.script.clear()
        assert wait_until(lambda: len(hook.accepted()) == 8, 90), "the queue drains once the receiver answers"
    finally:
        hook.close()


def test_gone_is_given_up_once_and_raises_trouble_through_the_other_receiver(frenemy, feeds, journal, uid):
    gone, other = Scripted([(410, {})] * 10), Scripted()
    try:
        config = write_config(frenemy, feeds, uid, [deal_item(uid)], [
            {"name": "gone", "type": "webhook", "url": gone.url("/deleted-hook-token")},
            {"name": "other", "type": "webhook", "url": other.url()}])
        d = frenemy.start(config)
        assert wait_until(lambda: len(gone.snapshot()) == 1, 20)

        def mine():
            return [e for e in journal.entries(MESSAGE_ID=DELIVERY_GIVEN_UP) if e.get("_PID") == str(d.pid)]

        assert wait_until(lambda: mine(), 20), "no delivery-given-up entry in the journal"
        entries = mine()
        assert entries and "gone" in entries[0]["MESSAGE"], entries
        assert "deleted-hook-token" not in entries[0]["MESSAGE"], "the webhook URL is a secret"
        assert wait_until(
            lambda: any(json.loads(r["body"])["data"]["rule"] == "frenemy.delivery-given-up" for r in other.accepted()), 20
        ), [json.loads(r["body"])["data"]["rule"] for r in other.accepted()]
        time.sleep(2)
        assert len(gone.snapshot()) == 1, "a permanent failure is not retried"
    finally:
        gone.close()
        other.close()


def test_a_receiver_that_never_answers_does_not_hold_the_others(frenemy, feeds, journal, uid):
    slow, fast = Scripted(["hang"] * 5), Scripted()
    try:
        config = write_config(frenemy, feeds, uid, [deal_item(uid)], [
            {"name": "slow", "type": "webhook", "url": slow.url(), "timeout": "5s"},
            {"name": "fast", "type": "webhook", "url": fast.url()}])
        frenemy.start(config)
        assert wait_until(lambda: len(slow.snapshot()) == 1, 20)
        assert wait_until(lambda: len(fast.accepted()) == 1, 4), "the healthy receiver waited for the hung one"
    finally:
        slow.close()
        fast.close()


def test_queued_notifications_survive_a_restart_and_are_sent_once(frenemy, feeds, journal, uid):
    port_holder = socket.socket()
    port_holder.bind(("127.0.0.1", 0))
    port = port_holder.getsockname()[1]
    port_holder.close()
    url = f"http://127.0.0.1:{port}/hook"
    config = write_config(frenemy, feeds, uid, items(uid, 3), [{"name": "hook", "type": "webhook", "url": url}])
    d = frenemy.start(config)
    d.wait_status(lambda st: st.get("pending_deliveries") == 3, timeout=20)
    d.stop()
    hook = Scripted()
    hook.server.server_close()
    hook.server = ThreadingHTTPServer(("127.0.0.1", port), hook.server.RequestHandlerClass)
    hook.server.daemon_threads = True
    threading.Thread(target=hook.server.serve_forever, daemon=True).start()
    try:
        frenemy.start(config)
        assert wait_until(lambda: len(hook.accepted()) == 3, 60), hook.snapshot()
        time.sleep(2)
        ids = [r["headers"]["webhook-id"] for r in hook.snapshot()]
        assert len(ids) == len(set(ids)) == 3, ids
    finally:
        hook.close()


def test_notify_test_and_receivers_show_the_real_answer_and_no_secret(frenemy, feeds, journal, uid):
    hook = Scripted([(403, {})])
    try:
        config = write_config(frenemy, feeds, uid, [], [
            {"name": "hook", "type": "webhook", "url": hook.url("/services/T000/B000/s3cr3t-token")}])
        d = frenemy.start(config)
        res = d.ctl("notify", "test", "hook", check=False)
        assert res.returncode == 1 and "permanent: HTTP 403 Forbidden" in res.stdout, res.stdout + res.stderr
        res = d.ctl("notify", "test", "hook")
        assert "delivered" in res.stdout
        assert len(hook.snapshot()) == 2
        table = d.ctl("receivers").stdout
        assert "hook" in table and "webhook" in table and "/services/…" in table, table
        assert "s3cr3t" not in table and "s3cr3t" not in json.dumps(d.ctl_json("receivers"))
        res = d.ctl("notify", "test", "nope", check=False)
        assert res.returncode != 0 and "no receiver named 'nope'" in res.stderr, res.stderr
    finally:
        hook.close()


def test_check_config_reports_every_receiver_and_route_problem(frenemy, feeds, uid):
    config = write_config(frenemy, feeds, uid, [], [
        {"name": "a", "type": "webhook", "url": "ftp://x/"},
        {"name": "b", "type": "slackk", "url": "http://x/"}],
        "route:\n  receiver: a\n  routes:\n    - matchers: ['severity=~\"(\"']\n      receiver: c\n")
    res = frenemy.check_config(config)
    assert res.returncode == 1
    err = res.stderr
    for part in ["notify[0].url", "notify[1].type: unknown notifier type 'slackk'", "route.routes[0].receiver",
                 "route.routes[0].matchers[0]"]:
        assert part in err, err


def test_a_signed_notification_verifies_with_the_standard_webhooks_library(frenemy, feeds, journal, uid):
    from standardwebhooks.webhooks import Webhook

    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    hook = Scripted()
    try:
        config = write_config(frenemy, feeds, uid, [deal_item(uid)], [
            {"name": "hook", "type": "webhook", "url": hook.url(), "secret": secret}])
        frenemy.start(config)
        assert wait_until(lambda: len(hook.accepted()) == 1, 20)
        req = hook.accepted()[0]
        headers = {k.lower(): v for k, v in req["headers"].items()}
        payload = Webhook(secret).verify(req["body"], headers)
        assert payload["notification"]["id"] == headers["webhook-id"]
        assert payload["data"]["rule"] == "e2e-vendor-deal"
    finally:
        hook.close()
