"""Issue 10 §3: a full disk loses nothing. The state folder is a 16 MiB tmpfs; once it is full
the daemon reports the store's refusal (journal, status), marks nothing seen, and when space
returns it records the items and raises their alerts by itself."""

from __future__ import annotations

import os
import subprocess

import pytest

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import wait_until
from e2e_harness.daemon import q

TROUBLE = "958ebfcd1d054f968a5d7eb2fa774dd1"


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a size-limited tmpfs needs root (CI runs as root)")
def test_a_full_disk_marks_nothing_seen_and_recovers_by_itself(frenemy, feeds, receiver, journal, uid):
    state = frenemy.dir / "state"
    state.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(state)], check=True)
    try:
        rules.write(frenemy.dir / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
        url = feeds.set(f"/{uid}.xml", F.rss([]))
        config = frenemy.dir / "frenemy.yaml"
        config.write_text("\n".join([
            f"state_dir: {q(str(state))}", f"control_socket: {q(str(frenemy.socket))}", "rules:", "  - rules",
            "sources:", f"  - name: {q('wire-' + uid)}", f"    url: {q(url)}", "    interval: 1h",
            "notify:", "  - name: hook", "    type: webhook", f"    url: {q(receiver.url('/hook'))}", ""]))
        d = frenemy.start(config)
        filler = state / "filler"
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)  # until ENOSPC
        long = "x" * 300
        items = [F.Item(f"urn:{uid}:{i}", f"Acme Data signs deal {i} with Globex {long}",
                        f"https://news.example.test/{uid}/{i}") for i in range(100)]
        feeds.set(f"/{uid}.xml", F.rss(items))
        d.ctl("poll")
        st = d.wait_status(lambda st: st.get("store_error"), timeout=20)
        assert st.get("store_error"), st
        assert wait_until(lambda: [e for e in journal.entries(MESSAGE_ID=TROUBLE, _PID=str(d.pid))
                                   if "nothing was marked seen" in e["MESSAGE"]], 10)
        assert st["sources"][0]["items_seen"] == 0, "items were marked seen though nothing could be stored"
        assert receiver.snapshot() == []

        filler.unlink()
        st = d.wait_status(lambda st: not st.get("store_error") and st["alerts"] == 100, timeout=40)
        assert st["alerts"] == 100 and st["sources"][0]["items_seen"] == 100, st
        assert receiver.wait_for_deliveries(100, timeout=60), "the alerts were delivered once space returned"
        d.stop()
    finally:
        subprocess.run(["umount", "-l", str(state)], check=False)
