"""The harness checks itself, without frenemy: if these fail, the other failures are ours."""

from __future__ import annotations

import gzip
import json
import socket
import urllib.error
import urllib.request

from e2e_harness import feeds as F
from e2e_harness.webhooks import expected_signature, signature_valid


def _get(url: str, headers: dict[str, str] | None = None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_journal_reads_back_an_entry_with_custom_fields(journal, uid):
    journal.send(MESSAGE=f"harness self-test {uid}", PRIORITY="3", FRENEMY_SOURCE=f"selftest-{uid}")
    found = journal.wait(1, FRENEMY_SOURCE=f"selftest-{uid}")
    assert [e["MESSAGE"] for e in found] == [f"harness self-test {uid}"]
    assert found[0]["PRIORITY"] == "3"


def test_journal_barrier_makes_counts_exact(journal, uid):
    for i in range(3):
        journal.send(MESSAGE=f"n{i}", FRENEMY_SOURCE=f"count-{uid}")
    assert len(journal.settled(FRENEMY_SOURCE=f"count-{uid}")) == 3


def test_feed_server_answers_304_to_matching_validators(feeds):
    url = feeds.set("/c.xml", F.rss([]), etag='"v1"', last_modified="Thu, 20 Nov 2026 09:30:00 GMT")
    status, headers, body = _get(url, {"User-Agent": "frenemy/test"})
    assert status == 200 and body.startswith(b"<?xml") and headers["ETag"] == '"v1"'
    status, _, body = _get(url, {"If-None-Match": '"v1"'})
    assert (status, body) == (304, b"")
    status, _, _ = _get(url, {"If-None-Match": '"v0"'})
    assert status == 200
    reqs = feeds.requests_for("/c.xml")
    assert [r.status for r in reqs] == [200, 304, 200]
    assert reqs[0].header("user-agent") == "frenemy/test"
    assert reqs[1].header("if-none-match") == '"v1"'


def test_feed_server_changes_between_polls_gzips_and_404s(feeds):
    url = feeds.set("/f.xml", "one", gzip=True)
    _, headers, body = _get(url, {"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip" and gzip.decompress(body) == b"one"
    feeds.set("/f.xml", "two")
    assert _get(url)[2] == b"two"
    assert _get(feeds.url("/missing"))[0] == 404


def test_receiver_records_fails_and_restarts_on_same_port(receiver):
    port = receiver.port
    receiver.fail_next(1)
    for _ in range(2):
        req = urllib.request.Request(receiver.url("/hook"), data=b'{"a":1}', method="POST", headers={"webhook-id": "m1"})
        try:
            urllib.request.urlopen(req, timeout=5).read()
        except urllib.error.HTTPError as e:
            assert e.code == 500
    assert [r.status for r in receiver.snapshot()] == [500, 200]
    assert len(receiver.deliveries()) == 1 and receiver.deliveries()[0].json() == {"a": 1}

    receiver.stop()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "a stopped receiver must refuse connections"
    receiver.start()
    assert receiver.port == port
    urllib.request.urlopen(urllib.request.Request(receiver.url("/hook"), data=b"{}", method="POST"), timeout=5)
    assert len(receiver.deliveries()) == 2


def test_signature_check_matches_standard_webhooks_reference():
    # Reference vector from the Standard Webhooks specification's test suite.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    msg_id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    ts = "1614265330"
    body = b'{"test": 2432232314}'
    assert expected_signature(secret, msg_id, ts, body) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    headers = {"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": "v1,bogus v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}
    assert signature_valid(secret, headers, body)
    assert not signature_valid(secret, headers, body + b" ")


def test_feed_builders_produce_well_formed_documents():
    import xml.dom.minidom

    items = [F.Item("id-1", "Acme & Globex", "https://e.test/1", "a <b> c")]
    xml.dom.minidom.parseString(F.rss(items))
    xml.dom.minidom.parseString(F.atom(items))
    assert json.loads(F.json_feed(items))["items"][0]["title"] == "Acme & Globex"
