"""Issue 2: webhook deliveries survive a receiver that is down, failing, or a daemon restart.

The daemon's retry backoff is its own business; these tests only bound how long they wait
(FRENEMY_E2E_RETRY_TIMEOUT seconds, default 180) and never assert on timing.
"""

from __future__ import annotations

import os

from e2e_harness.checks import deal_scenario

RETRY_TIMEOUT = float(os.environ.get("FRENEMY_E2E_RETRY_TIMEOUT", "180"))


def test_alert_raised_while_receiver_is_down_is_delivered_once_it_returns(
    frenemy, feeds, receiver, journal, uid, tmp_path
):
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    receiver.stop()  # connection refused from now on
    daemon = frenemy.start(config)
    entries = journal.wait_alerts(1, FRENEMY_SOURCE=src)
    assert len(entries) == 1, "the alert must reach the journal even while the webhook is down"
    alert_id = entries[0]["FRENEMY_ALERT_ID"]

    st = daemon.wait_status(lambda st: st.get("pending_deliveries") == 1)
    assert st["pending_deliveries"] == 1, f"one delivery should be pending while the receiver is down: {st}"

    receiver.fail_next(1)  # the first attempt after it comes back gets a 500
    receiver.start()
    delivered = receiver.wait_for_deliveries(1, timeout=RETRY_TIMEOUT)
    assert len(delivered) == 1, (
        f"not delivered within {RETRY_TIMEOUT}s of the receiver coming back; "
        f"attempts seen: {[r.status for r in receiver.snapshot()]}"
    )
    st = daemon.wait_status(lambda st: st.get("pending_deliveries") == 0)
    assert st["pending_deliveries"] == 0, st

    attempts = receiver.snapshot()
    assert [r.status for r in attempts] == [500, 200], "one 500, then one accepted retry, and nothing after"
    ids = {r.header("webhook-id") for r in attempts}
    assert len(ids) == 1 and None not in ids, f"every attempt of one delivery carries the same webhook-id: {ids}"
    assert delivered[0].json()["data"]["id"] == alert_id
    assert len(journal.alerts(FRENEMY_SOURCE=src)) == 1, "retrying a delivery must not raise the alert again"


def test_pending_delivery_is_resumed_after_a_restart(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = deal_scenario(frenemy, feeds, receiver, tmp_path, uid)
    receiver.stop()
    frenemy.once(config)  # raises, fails to deliver, queues, exits 0
    entries = journal.alerts(FRENEMY_SOURCE=src)
    assert len(entries) == 1
    assert receiver.snapshot() == []

    receiver.start()
    daemon = frenemy.start(config)
    delivered = receiver.wait_for_deliveries(1, timeout=RETRY_TIMEOUT)
    assert len(delivered) == 1, f"the queued delivery was not resumed within {RETRY_TIMEOUT}s"
    assert delivered[0].json()["data"]["id"] == entries[0]["FRENEMY_ALERT_ID"]
    st = daemon.wait_status(lambda st: st.get("pending_deliveries") == 0)
    assert st["pending_deliveries"] == 0, st
    assert len(receiver.snapshot()) == 1, "delivered more than once"
    assert len(journal.alerts(FRENEMY_SOURCE=src)) == 1, "the restart raised the alert again"
