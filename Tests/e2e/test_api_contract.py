"""Issue 13: the control API answers as docs/openapi.yaml says, on every path a client can take:
wrong methods, malformed HTTP, unknown query parameters, bad bodies, a named source to poll,
oversized bodies. Every error answer is JSON."""

from __future__ import annotations

import json
import socket

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import wait_fetches
from e2e_harness.daemon import unix_http


def _daemon(frenemy, feeds, uid, tmp_path):
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    a = feeds.set("/a.xml", F.rss([]))
    b = feeds.set("/b.xml", F.rss([]))
    config = frenemy.config(
        sources=[{"name": f"a-{uid}", "url": a, "interval": "1h"}, {"name": f"b-{uid}", "url": b, "interval": "1h"}],
        rules=["rules"],
    )
    daemon = frenemy.start(config)
    wait_fetches(feeds, "/a.xml", 1)
    wait_fetches(feeds, "/b.xml", 1)
    return daemon


def _json_error(body: bytes) -> str:
    data = json.loads(body)
    assert isinstance(data, dict) and isinstance(data.get("error"), str) and data["error"], data
    return data["error"]


def test_wrong_method_is_405_with_allow_and_json(frenemy, feeds, uid, tmp_path):
    daemon = _daemon(frenemy, feeds, uid, tmp_path)
    for method, path, allow in [
        ("DELETE", "/v1/status", "GET"),
        ("POST", "/v1/alerts", "GET"),
        ("GET", "/v1/reload", "POST"),
        ("GET", "/v1/poll", "POST"),
        ("PUT", "/v1/receivers/x/test", "POST"),
    ]:
        status, headers, body = unix_http(daemon.socket, method, path)
        assert status == 405, (method, path, status, body)
        assert headers.get("allow") == allow, (method, path, headers)
        assert headers.get("content-type", "").startswith("application/json"), headers
        assert method in _json_error(body)
    status, _, body = unix_http(daemon.socket, "GET", "/v1/nothing-here")
    assert status == 404 and "/v1/nothing-here" in _json_error(body)


def test_unknown_query_parameter_is_400(frenemy, feeds, uid, tmp_path):
    daemon = _daemon(frenemy, feeds, uid, tmp_path)
    status, _, body = unix_http(daemon.socket, "GET", "/v1/alerts?limt=5")
    assert status == 400, body
    assert "limt" in _json_error(body)
    status, _, body = unix_http(daemon.socket, "GET", "/v1/status?verbose=1")
    assert status == 400 and "verbose" in _json_error(body)
    status, _, _ = unix_http(daemon.socket, "GET", "/v1/alerts?limit=5")
    assert status == 200


def test_malformed_json_body_is_400(frenemy, feeds, uid, tmp_path):
    daemon = _daemon(frenemy, feeds, uid, tmp_path)
    for path in ("/v1/poll", "/v1/reload"):
        status, _, body = unix_http(daemon.socket, "POST", path, body=b"{not json")
        assert status == 400, (path, status, body)
        assert "JSON" in _json_error(body)
    status, _, body = unix_http(daemon.socket, "POST", "/v1/poll", body=b'{"source": 5}')
    assert status == 400, body


def test_poll_body_names_the_source(frenemy, feeds, uid, tmp_path):
    daemon = _daemon(frenemy, feeds, uid, tmp_path)
    status, _, body = unix_http(daemon.socket, "POST", "/v1/poll", body=b'{"source": "nope"}')
    assert status == 404, body
    assert "nope" in _json_error(body)
    assert len(feeds.requests_for("/a.xml")) == 1 and len(feeds.requests_for("/b.xml")) == 1, "nothing may be polled"

    status, _, body = unix_http(daemon.socket, "POST", "/v1/poll", body=json.dumps({"source": f"a-{uid}"}).encode())
    assert status == 202, body
    assert json.loads(body) == {"polling": f"a-{uid}"}
    wait_fetches(feeds, "/a.xml", 2)
    # b stays unpolled: give the daemon a beat to (wrongly) poll it, then look.
    status, _, _ = unix_http(daemon.socket, "GET", "/v1/status")
    assert status == 200
    assert len(feeds.requests_for("/b.xml")) == 1, "only the named source may be polled"


def _raw(sock_path, data: bytes) -> bytes:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(str(sock_path))
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading everything: read its answer
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        s.close()


def test_malformed_http_is_400_with_a_json_body(frenemy, feeds, uid, tmp_path):
    daemon = _daemon(frenemy, feeds, uid, tmp_path)
    answer = _raw(daemon.socket, b"THIS IS NOT HTTP\r\n\x00\x01\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"application/json" in head.lower(), head
    assert _json_error(body)


def test_oversized_body_is_413_with_json(frenemy, feeds, uid, tmp_path):
    daemon = _daemon(frenemy, feeds, uid, tmp_path)
    big = b"{" + b" " * (3 << 20) + b"}"
    answer = _raw(
        daemon.socket,
        b"POST /v1/poll HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(big)}\r\n\r\n".encode()
        + big,
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:200]
    assert _json_error(body)
    # Chunked, without a length announced.
    chunk = b" " * (1 << 20)
    parts = [b"POST /v1/poll HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"]
    parts += [f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"] * 3 + [b"0\r\n\r\n"]
    answer = _raw(daemon.socket, b"".join(parts))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert len(feeds.requests_for("/a.xml")) == 1, "an oversized request must not poll"
