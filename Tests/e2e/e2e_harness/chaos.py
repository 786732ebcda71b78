"""Crash safety, measured: the real frenemyd killed with SIGKILL at random moments while it
polls a feed that gains items on every fetch and delivers to a webhook receiver, then drained.

Counts what issue 10 promises never happens: an item recorded as seen without its alert, an
item alerted twice, an alert delivered under two webhook ids, a stored alert missing from the
journal or journaled twice, and a damaged database. Usable from pytest (test_chaos.py) and as a
script for long runs:

    FRENEMY_BIN_DIR=.build/release python3 Tests/e2e/e2e_harness/chaos.py --kills 500
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e2e_harness import rules  # noqa: E402
from e2e_harness.daemon import Bins, per_item_route, q  # noqa: E402
from e2e_harness.journal import Journal  # noqa: E402


class GrowingFeed:
    """An RSS feed whose every fetch adds `per_fetch` new deal items; it serves the newest
    `window` of them. `freeze()` stops the growth for the drain."""

    def __init__(self, uid: str, per_fetch: int = 3, window: int = 60) -> None:
        self.uid, self.per_fetch, self.window = uid, per_fetch, window
        self.items: list[int] = []
        self.frozen = False
        self.fetches = 0
        self.lock = threading.Lock()
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):  # noqa: N802
                body = feed.render().encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/feed.xml"

    def link(self, n: int) -> str:
        return f"https://chaos.example.test/{self.uid}/deal-{n}"

    def render(self) -> str:
        with self.lock:
            self.fetches += 1
            if not self.frozen:
                start = len(self.items)
                self.items.extend(range(start, start + self.per_fetch))
            shown = self.items[-self.window:]
        entries = "".join(
            f"<item><guid>urn:chaos:{self.uid}:{n}</guid><title>Acme Data signs deal number {n} with Globex</title>"
            f"<link>{self.link(n)}</link><description>Deal {n}.</description></item>"
            for n in reversed(shown))
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>chaos</title><link>https://chaos.example.test/</link>{entries}</channel></rss>'

    def freeze(self) -> None:
        with self.lock:
            self.frozen = True

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Receiver:
    """Accepts every POST and records webhook-id → alert ids."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    alerts = [a["id"] for a in json.loads(body)["notification"]["alerts"]]
                except (ValueError, KeyError):
                    alerts = []
                with outer.lock:
                    outer.deliveries.append((self.headers.get("webhook-id", ""), alerts))
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run(bins: Bins, workdir: Path, kills: int, seed: int, min_up: float = 0.2, max_up: float = 1.2,
        drain_timeout: float = 120.0, log=print) -> dict:
    """Runs the kill loop and the drain; returns the counts (the caller asserts on them)."""
    rng = random.Random(seed)
    uid = uuid.uuid4().hex[:10]
    src = f"chaos-{uid}"
    feed, receiver = GrowingFeed(uid), Receiver()
    rules.write(workdir / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    sock = Path(tempfile.mkdtemp(prefix="fchaos-")) / "control.sock"
    config = workdir / "frenemy.yaml"
    config.write_text("\n".join([
        f"state_dir: {q(str(workdir / 'state'))}", f"control_socket: {q(str(sock))}", "rules:",
        f"  - {q(str(workdir / 'rules'))}", "sources:", f"  - name: {q(src)}", f"    url: {q(feed.url)}",
        "    interval: 1s", "notify:", "  - name: hook", "    type: webhook", f"    url: {q(receiver.url)}",
        per_item_route(["hook"])]))
    stderr = open(workdir / "frenemyd.stderr", "ab")
    started = time.monotonic()
    try:
        for k in range(kills):
            proc = subprocess.Popen([str(bins.frenemyd), "--config", str(config)], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=stderr)
            time.sleep(rng.uniform(min_up, max_up))
            if proc.poll() is not None:
                raise RuntimeError(f"frenemyd exited by itself (rc {proc.returncode}); see {workdir}/frenemyd.stderr")
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if (k + 1) % 25 == 0:
                log(f"{k + 1} kills, {len(feed.items)} items served, {len(receiver.deliveries)} deliveries")
        feed.freeze()
        fetches_at_freeze = feed.fetches
        proc = subprocess.Popen([str(bins.frenemyd), "--config", str(config)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + drain_timeout
        db = workdir / "state" / "frenemy.db"
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if feed.fetches <= fetches_at_freeze + 1 or not db.exists():
                continue
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            try:
                pending = con.execute("SELECT COUNT(*) FROM notifications WHERE state = 'pending'").fetchone()[0]
                waiting = con.execute("SELECT COUNT(*) FROM groups WHERE next_flush_at IS NOT NULL").fetchone()[0]
                unjournaled = con.execute("SELECT COUNT(*) FROM alerts WHERE journaled_at IS NULL").fetchone()[0]
            finally:
                con.close()
            if pending == 0 and waiting == 0 and unjournaled == 0:
                break
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        return measure(db, src, feed, receiver, kills, time.monotonic() - started)
    finally:
        stderr.close()
        feed.close()
        receiver.close()


def measure(db: Path, src: str, feed: GrowingFeed, receiver: Receiver, kills: int, seconds: float) -> dict:
    con = sqlite3.connect(str(db))
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        seen = {row[0] for row in con.execute("SELECT link FROM items WHERE source = ?", (src,))}
        alerts = con.execute("SELECT id, item_key FROM alerts WHERE rule_id = 'e2e-vendor-deal'").fetchall()
        pending = con.execute("SELECT COUNT(*) FROM notifications WHERE state != 'delivered'").fetchone()[0]
    finally:
        con.close()
    alert_ids = {a for a, _ in alerts}
    keys = collections.Counter(k for _, k in alerts)
    ids_per_alert: dict[str, set[str]] = collections.defaultdict(set)
    for webhook_id, ids in receiver.deliveries:
        for a in ids:
            ids_per_alert[a].add(webhook_id)
    Journal().barrier()
    journaled = collections.Counter(e.get("FRENEMY_ALERT_ID") for e in Journal().entries(FRENEMY_SOURCE=src))
    return {
        "kills": kills,
        "seconds": round(seconds, 1),
        "items_served": len(feed.items),
        "items_seen": len(seen),
        "alerts_stored": len(alert_ids),
        "alerts_lost": len(seen - set(keys)),
        "items_alerted_twice": sum(1 for c in keys.values() if c > 1),
        "alerts_under_two_ids": sum(1 for ids in ids_per_alert.values() if len(ids) > 1),
        "alerts_never_delivered": len(alert_ids - set(ids_per_alert)),
        "notifications_not_delivered": pending,
        "deliveries_received": len(receiver.deliveries),
        "repeated_deliveries": len(receiver.deliveries) - len({w for w, _ in receiver.deliveries}),
        "journal_missing": len(alert_ids - set(journaled)),
        "journal_twice": sum(1 for a, c in journaled.items() if a in alert_ids and c > 1),
        "integrity_check": integrity,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=500)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="frenemy-chaos-") as d:
        result = run(Bins.locate(), Path(d), args.kills, args.seed)
    print(json.dumps({"seed": args.seed, **result}, indent=2))
    bad = [k for k in ("alerts_lost", "items_alerted_twice", "alerts_under_two_ids", "alerts_never_delivered",
                       "journal_missing", "journal_twice") if result[k]]
    return 1 if bad or result["integrity_check"] != "ok" else 0


if __name__ == "__main__":
    sys.exit(main())
