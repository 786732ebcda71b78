"""Issue 8's delivery benchmark: 1,000 alerts raised at once towards 3 receivers.

Measures, for the real frenemyd on loopback: the time from the poll that raises the alerts until
every notification is delivered, the requests each receiver got, the highest rate any receiver
saw in one second (its rate_limit must hold), and frenemyd's peak resident memory (VmHWM).

Receivers: `fast` (webhook, rate_limit 50/s, one notification per alert), `slow` (webhook,
rate_limit 10/s, grouped by rule and source with group_wait 1s: one digest), and `flaky`
(webhook, rate_limit 20/s, answers 503 to its first 3 requests: backoff then drain).

    python3 Benchmarks/bench_dispatch.py [--alerts 1000] [--bin DIR]   (default: release build)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "Tests" / "e2e"))

import benchlib  # noqa: E402
from e2e_harness import rules  # noqa: E402


class Receiver:
    def __init__(self, fail_first: int = 0) -> None:
        self.times: list[float] = []
        self.alerts = 0
        self.fail_left = fail_first
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    fail = outer.fail_left > 0
                    outer.fail_left -= 1 if fail else 0
                    if not fail:
                        outer.times.append(time.monotonic())
                        outer.alerts += len(json.loads(body)["notification"]["alerts"])
                self.send_response(503 if fail else 204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def max_per_second(self) -> int:
        t = sorted(self.times)
        best, j = 0, 0
        for i in range(len(t)):
            while t[i] - t[j] >= 1.0:
                j += 1
            best = max(best, i - j + 1)
        return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--alerts", type=int, default=1000)
    ap.add_argument("--bin", help="folder with frenemyd (default: build the release binary)")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    frenemyd = Path(args.bin) / "frenemyd" if args.bin else Path(benchlib.build("frenemyd"))
    n = args.alerts
    work = Path(tempfile.mkdtemp(prefix="frenemy-bench-dispatch-"))
    rules.write(work / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    items = "".join(
        f"<item><guid>urn:bench:{i}</guid><title>Acme Data signs deal number {i} with Globex</title>"
        f"<link>https://bench.example.test/deal-{i}</link></item>" for i in range(n))
    (work / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>b</title>{items}</channel></rss>')
    fast, slow, flaky = Receiver(), Receiver(), Receiver(fail_first=3)
    (work / "frenemy.yaml").write_text(f"""state_dir: {work}/state
control_socket: {work}/control.sock
rules: [{work}/rules]
sources:
  - name: bench
    url: file://{work}/feed.xml
    interval: 1h
notify:
  - {{name: fast, type: webhook, url: "{fast.url()}", rate_limit: 50/s, concurrency: 4}}
  - {{name: slow, type: webhook, url: "{slow.url()}", rate_limit: 10/s}}
  - {{name: flaky, type: webhook, url: "{flaky.url()}", rate_limit: 20/s, concurrency: 2}}
route:
  receiver: fast
  group_wait: 0s
  group_interval: 1s
  group_by: ['...']
  routes:
    - receiver: fast
      continue: true
    - receiver: flaky
      continue: true
    - receiver: slow
      group_by: [rule, source]
      group_wait: 1s
""")
    start = time.monotonic()
    proc = subprocess.Popen([str(frenemyd), "--config", str(work / "frenemy.yaml")], stderr=subprocess.DEVNULL)
    peak_kib = 0
    done_at = None
    try:
        while time.monotonic() - start < args.timeout:
            time.sleep(0.05)
            try:
                for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak_kib = max(peak_kib, int(line.split()[1]))
            except FileNotFoundError:
                break
            if fast.alerts >= n and flaky.alerts >= n and slow.alerts >= n:
                done_at = time.monotonic()
                break
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    if done_at is None:
        print(f"not all delivered within {args.timeout}s: fast {fast.alerts}, flaky {flaky.alerts}, slow {slow.alerts}")
        return 1
    print(f"{n} alerts to 3 receivers, all delivered {done_at - start:.1f} s after start (includes the poll)")
    print(f"frenemyd peak resident memory: {peak_kib / 1024:.1f} MiB")
    print(f"{'receiver':8} {'limit':>6} {'requests':>8} {'alerts':>6} {'max/s':>5}")
    for name, r, limit in (("fast", fast, 50), ("flaky", flaky, 20), ("slow", slow, 10)):
        print(f"{name:8} {limit:>5}/s {len(r.times):>8} {r.alerts:>6} {r.max_per_second():>5}"
              + ("  (3 refused first)" if name == "flaky" else ""))
        if r.max_per_second() > limit + 1:
            print(f"  rate limit exceeded for {name}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
