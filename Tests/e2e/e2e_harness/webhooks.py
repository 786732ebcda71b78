"""Standard Webhooks signature checking, recomputed independently of frenemy's code."""

from __future__ import annotations

import base64
import hashlib
import hmac


def signing_key(secret: str) -> bytes:
    """`whsec_<base64>` secrets sign with the decoded bytes; any other secret with its UTF-8 bytes."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    return secret.encode("utf-8")


def expected_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True when any of the space-separated signatures in `webhook-signature` matches."""
    msg_id = headers.get("webhook-id")
    ts = headers.get("webhook-timestamp")
    sig = headers.get("webhook-signature")
    if not (msg_id and ts and sig):
        return False
    want = expected_signature(secret, msg_id, ts, body)
    return any(hmac.compare_digest(want, s) for s in sig.split())
