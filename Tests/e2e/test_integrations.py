"""Issue 8 §2: the chat integrations end to end, with the real frenemyd.

Per integration a loopback receiver stands in for the service (`type: slack`, `url:
http://127.0.0.1:PORT/...`); the body the daemon sends must pass that service's validator
(e2e_harness/validators.py: slack_sdk's Block Kit models, the Adaptive Card 1.5 schema, the
documented limits of the others). Fault cases: a 429 with Retry-After (the next attempt waits
at least that long), Discord's JSON retry_after, a 500 then success (same bytes again), and a
410 given up after one attempt.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import deal_item, decoy_items
from e2e_harness.journal import GAVE_UP_MESSAGE_ID
from e2e_harness.validators import VALIDATORS

FIXTURES = Path(__file__).parent / "fixtures" / "chat"
RETRY_TIMEOUT = float(os.environ.get("FRENEMY_E2E_RETRY_TIMEOUT", "180"))

# type -> (path on the receiver, what a successful answer looks like there)
SERVICES = {
    "slack": ("/services/T0E2E/B0E2E/e2eSecretToken", 200, b"ok"),
    "mattermost": ("/hooks/e2esecrethookid", 200, b"ok"),
    "discord": ("/api/webhooks/123456/e2eSecretToken", 200, b'{"id": "1", "type": 0}'),
    "teams": ("/workflows/e2e/triggers/manual/paths/invoke?api-version=2016-06-01&sig=e2eSecretSig", 202, b""),
    "googlechat": ("/v1/spaces/AAAAe2e/messages?key=e2eKey&token=e2eToken", 200, b'{"name": "spaces/x/messages/y"}'),
    "ntfy": ("/frenemy-e2e-topic", 200, b'{"id": "abc", "event": "message"}'),
}


def chat_scenario(frenemy, feeds, receiver, tmp_path, uid: str, type_: str, extra: dict[str, str] | None = None):
    """One RSS source with one alerting item and decoys, one receiver of `type_`."""
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    hit = deal_item(uid)
    src = f"wire-{uid}"
    url = feeds.set("/wire.xml", F.rss([hit] + decoy_items(uid)))
    path, status, body = SERVICES[type_]
    receiver.status_code = status
    receiver.success_body = body
    config = frenemy.config(
        sources=[{"name": src, "url": url, "interval": "1h"}],
        rules=["rules"],
        notify=[{"name": f"chat-{type_}", "type": type_, "url": receiver.url(path)}],
    )
    if extra:
        text = config.read_text(encoding="utf-8")
        text += "".join(f"    {k}: \"{v}\"\n" for k, v in extra.items())
        config.write_text(text, encoding="utf-8")
    return config, src, hit


def _plain(text: str) -> str:
    """Message text with markup escapes undone, to look for the headline in it."""
    return re.sub(r"\\(.)", r"\1", text).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


@pytest.mark.parametrize("type_", sorted(SERVICES))
@pytest.mark.parametrize("case", ["single", "update", "limits"])
def test_rendered_bodies_validate(type_, case):
    """The bodies the unit tests keep equal to what the code renders (ChatGoldenTests)."""
    path = FIXTURES / f"{type_}-{case}.json"
    body = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False, separators=(",", ":"))
    VALIDATORS[type_](body.encode("utf-8"))


def _broken(type_: str, change) -> bytes:
    obj = json.loads((FIXTURES / f"{type_}-update.json").read_text(encoding="utf-8"))
    change(obj)
    return json.dumps(obj).encode("utf-8")


@pytest.mark.parametrize("type_,change,says", [
    ("slack", lambda o: o["blocks"][0]["text"].update(text="x" * 151), "header"),
    ("slack", lambda o: o["blocks"][1]["text"].update(text="a <b> & c"), "unescaped"),
    ("slack", lambda o: o["blocks"].extend([{"type": "divider"}] * 50), "blocks"),
    ("teams", lambda o: o["attachments"][0].pop("contentUrl"), "contentUrl"),
    ("teams", lambda o: o["attachments"][0]["content"]["body"].append({"type": "TextBlock", "txt": "x"}), "card"),
    ("discord", lambda o: o["embeds"][0].update(description="x" * 4097), "description"),
    ("discord", lambda o: o["embeds"][0].update(color="#D32F2F"), "color"),
    ("googlechat", lambda o: o["cardsV2"][0]["card"]["sections"][0]["widgets"][0]["decoratedText"].update(
        text="<script>x</script>"), "subset"),
    ("mattermost", lambda o: o.update(text="x" * 16384), "16,383"),
    ("ntfy", lambda o: o.update(priority=6), "priority"),
])
def test_the_validators_refuse_what_the_service_refuses(type_, change, says):
    with pytest.raises(AssertionError, match=says):
        VALIDATORS[type_](_broken(type_, change))


@pytest.mark.parametrize("type_", sorted(SERVICES))
def test_the_message_validates_as_the_service_reads_it(type_, frenemy, feeds, receiver, journal, uid, tmp_path):
    extra = {"token": "tk_e2eSecretToken"} if type_ == "ntfy" else None
    config, src, hit = chat_scenario(frenemy, feeds, receiver, tmp_path, uid, type_, extra)
    daemon = frenemy.start(config)
    assert len(journal.wait_alerts(1, FRENEMY_SOURCE=src)) == 1
    delivered = receiver.wait_for_deliveries(1, timeout=RETRY_TIMEOUT)
    assert len(delivered) == 1, f"no {type_} delivery; attempts: {[(r.status, r.path) for r in receiver.snapshot()]}"
    request = delivered[0]
    assert request.method == "POST"
    body = VALIDATORS[type_](request)
    text = _plain(request.body.decode("utf-8"))
    assert hit.title in text, f"the headline is not in the {type_} message: {text[:500]}"
    assert hit.link in text, f"the article link is not in the {type_} message"
    assert "e2eSecret" not in request.body.decode("utf-8"), "a credential leaked into the body"

    if type_ == "googlechat":
        query = dict(re.findall(r"[?&]([^=&]+)=([^&]*)", request.path))
        assert query.get("key") == "e2eKey" and query.get("token") == "e2eToken", request.path
        assert query.get("messageReplyOption") == "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD", request.path
        assert query.get("threadKey"), f"no threadKey: {request.path}"
    if type_ == "discord":
        assert "wait=true" in request.path, request.path
    if type_ == "ntfy":
        assert request.path == "/", f"JSON publishing posts to the server root: {request.path}"
        assert body["topic"] == "frenemy-e2e-topic"
        assert request.header("Authorization") == "Bearer tk_e2eSecretToken"
    if type_ == "teams":
        assert body["attachments"][0]["content"]["type"] == "AdaptiveCard"

    # `frenemyctl notify test` sends a sample through the same notifier: it validates too.
    res = daemon.ctl("notify", "test", f"chat-{type_}")
    assert "delivered" in res.stdout, res.stdout + res.stderr
    sample = receiver.wait_for_deliveries(2, timeout=20)
    assert len(sample) == 2, f"no test message: {[r.status for r in receiver.snapshot()]}"
    VALIDATORS[type_](sample[1])
    table = daemon.ctl("receivers").stdout
    assert f"chat-{type_}" in table and "e2eSecret" not in table and "e2eKey" not in table, table


def test_a_429_with_retry_after_is_waited_for(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = chat_scenario(frenemy, feeds, receiver, tmp_path, uid, "slack")
    receiver.script((429, [("Retry-After", "3"), ("Content-Type", "text/plain")], "rate_limited"))
    frenemy.start(config)
    delivered = receiver.wait_for_deliveries(1, timeout=RETRY_TIMEOUT)
    attempts = receiver.snapshot()
    assert [r.status for r in attempts] == [429, 200], f"attempts: {[r.status for r in attempts]}"
    waited = attempts[1].at - attempts[0].at
    assert waited >= 2.9, f"the retry came {waited:.2f}s after a 429 that said Retry-After: 3"
    assert attempts[0].body == attempts[1].body, "a retry sends the same bytes"
    VALIDATORS["slack"](delivered[0])


def test_discords_retry_after_in_the_json_body_is_waited_for(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = chat_scenario(frenemy, feeds, receiver, tmp_path, uid, "discord")
    receiver.script((
        429, [("X-RateLimit-Reset-After", "2.5"), ("X-RateLimit-Remaining", "0")],
        b'{"message": "You are being rate limited.", "retry_after": 2.5, "global": false}'))
    frenemy.start(config)
    receiver.wait_for_deliveries(1, timeout=RETRY_TIMEOUT)
    attempts = receiver.snapshot()
    assert [r.status for r in attempts] == [429, 200], f"attempts: {[r.status for r in attempts]}"
    waited = attempts[1].at - attempts[0].at
    assert waited >= 2.4, f"the retry came {waited:.2f}s after retry_after 2.5"


def test_a_500_is_retried_until_accepted(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = chat_scenario(frenemy, feeds, receiver, tmp_path, uid, "teams")
    receiver.fail_next(1)
    daemon = frenemy.start(config)
    delivered = receiver.wait_for_deliveries(1, timeout=RETRY_TIMEOUT)
    assert len(delivered) == 1, f"attempts: {[r.status for r in receiver.snapshot()]}"
    st = daemon.wait_status(lambda st: st.get("pending_deliveries") == 0)
    assert st.get("pending_deliveries") == 0, st
    attempts = receiver.snapshot()
    assert [r.status for r in attempts] == [500, 202], "one 500, then one accepted retry, and nothing after"
    assert attempts[0].body == attempts[1].body, "a retry sends the same bytes"
    VALIDATORS["teams"](delivered[0])


def test_a_410_is_given_up_after_one_attempt(frenemy, feeds, receiver, journal, uid, tmp_path):
    config, src, hit = chat_scenario(frenemy, feeds, receiver, tmp_path, uid, "slack")
    receiver.status_code = 410
    receiver.success_body = None
    daemon = frenemy.start(config)
    gave_up = journal.wait(1, timeout=RETRY_TIMEOUT, MESSAGE_ID=GAVE_UP_MESSAGE_ID, _PID=str(daemon.pid))
    assert gave_up, f"no 'delivery given up' entry; attempts: {[r.status for r in receiver.snapshot()]}"
    assert "chat-slack" in gave_up[0].get("MESSAGE", ""), gave_up[0]
    assert "e2eSecretToken" not in str(gave_up), "the give-up log shows the webhook's token"
    st = daemon.wait_status(lambda st: st.get("pending_deliveries") == 0)
    assert st.get("pending_deliveries") == 0, st
    journal.barrier()
    # The give-up raises a trouble alert of its own, which may be sent here too: count only the
    # attempts at the deal's notification.
    mine = [r for r in receiver.snapshot() if hit.link.encode() in r.body]
    assert [r.status for r in mine] == [410], "a 410 (webhook deleted) is not retried"
