"""Issue 10 §6: no planted credential appears in any output channel of a real run: stderr,
the journal, every API answer, frenemyctl's tables, and a refused reload's message."""

from __future__ import annotations

import json

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import deal_item, wait_until
from e2e_harness.daemon import q

PLANTED = ["Hunter2-feed-pass", "T0KEN-in-webhook-path", "whsec_c2VjcmV0LXNpZ25pbmcta2V5LXBsYW50ZWQ=",
           "proxy-Pa55word"]


def test_no_planted_secret_is_printed_anywhere(frenemy, feeds, receiver, journal, uid):
    rules.write(frenemy.dir / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    url = feeds.set(f"/{uid}.xml", F.rss([deal_item(uid)]))
    feed_url = url.replace("http://", f"http://reader:{PLANTED[0]}@")
    receiver.status_code = 500
    config = frenemy.dir / "frenemy.yaml"
    config.write_text("\n".join([
        "state_dir: state", f"control_socket: {q(str(frenemy.socket))}", "rules:", "  - rules", "sources:",
        f"  - name: {q('wire-' + uid)}", f"    url: {q(feed_url)}", "    interval: 1h",
        "  - name: down", "    url: http://127.0.0.1:9/feed.xml", "    interval: 1h",
        f"    proxy: {q('http://user:' + PLANTED[3] + '@127.0.0.1:9')}",
        "notify:", "  - name: hook", "    type: webhook", f"    url: {q(receiver.url('/hooks/' + PLANTED[1]))}",
        f"    secret: {q(PLANTED[2])}", ""]))
    d = frenemy.start(config)
    assert wait_until(lambda: len(receiver.snapshot()) >= 1, 20)
    outputs = [d.ctl(*c).stdout for c in (["status"], ["sources"], ["receivers"], ["alerts"])]
    outputs += [json.dumps(d.ctl_json(*c)) for c in (["status"], ["sources"], ["receivers"], ["alerts"])]
    # A refused reload quotes the bad line of the config: make one that names the proxy.
    text = config.read_text().replace("    interval: 1h\n    proxy:", "    interval: never\n    proxy:")
    config.write_text(text)
    res = d.ctl("reload", check=False)
    outputs += [res.stdout, res.stderr]
    d.stop()
    outputs.append(d.stderr())
    outputs += [json.dumps(e) for e in journal.entries(_PID=str(d.pid))]
    for secret in PLANTED:
        leaks = [o for o in outputs if secret in o]
        assert not leaks, f"{secret!r} printed in: {leaks[0][:500]}"
    assert any("hook" in o for o in outputs), "the outputs were captured"
