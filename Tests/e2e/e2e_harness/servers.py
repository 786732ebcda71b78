"""Loopback HTTP servers the end-to-end tests point frenemyd at.

FeedServer serves feeds from an in-memory table the test edits between polls, with
optional validators (ETag / Last-Modified answered with 304), gzip, redirects and
arbitrary status codes. WebhookReceiver records every POST and can be stopped and
restarted on the same port (so the daemon sees "connection refused" in between) or
told to answer 500 for a while.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable


@dataclasses.dataclass
class Recorded:
    """One request as the server saw it, and what it answered."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    status: int = 0
    at: float = 0.0  # time.monotonic() when it arrived

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body.decode("utf-8"))


@dataclasses.dataclass
class Resource:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    location: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    # Writes the whole response itself (status line included): for hostile servers.
    stream: Callable[[BaseHTTPRequestHandler], None] | None = None


def _headers(handler: BaseHTTPRequestHandler) -> dict[str, str]:
    return {k.lower(): v for k, v in handler.headers.items()}


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length > 0 else b""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Base:
    """A ThreadingHTTPServer on 127.0.0.1 in a background thread."""

    def __init__(self, handler_factory: Callable[[], type[BaseHTTPRequestHandler]], port: int = 0):
        self._handler_factory = handler_factory
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self.requests: list[Recorded] = []
        self._server: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        self.port = port
        self.start()

    def start(self) -> None:
        if self._server is not None:
            return
        self._server = _QuietServer(("127.0.0.1", self.port), self._handler_factory())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening: until start() is called again, connections are refused."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url() + (path if path.startswith("/") else "/" + path)

    def _record(self, rec: Recorded) -> None:
        with self._cond:
            self.requests.append(rec)
            self._cond.notify_all()

    def snapshot(self) -> list[Recorded]:
        with self._lock:
            return list(self.requests)

    def wait_until(self, predicate: Callable[[list[Recorded]], bool], timeout: float = 15.0) -> list[Recorded]:
        """Wait until predicate(requests) holds; returns the requests either way (caller asserts)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(list(self.requests)):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(timeout=min(left, 0.2))
            return list(self.requests)


class FeedServer(_Base):
    """Serves feeds from `resources`, keyed by path, that tests may replace at any time."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        super().__init__(self._make_handler)

    def set(self, path: str, body: bytes | str, **kw) -> str:
        """Serve `body` at `path` (kw: content_type, status, etag, last_modified, gzip); returns its URL."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        with self._lock:
            self.resources[path] = Resource(body=body, **kw)
        return self.url(path)

    def custom(self, path: str, stream: Callable[[BaseHTTPRequestHandler], None]) -> str:
        """Serve `path` with a function that writes the raw response (see hostile.py)."""
        with self._lock:
            self.resources[path] = Resource(stream=stream)
        return self.url(path)

    def redirect(self, path: str, to_path: str, status: int = 301) -> str:
        with self._lock:
            self.resources[path] = Resource(status=status, location=self.url(to_path))
        return self.url(path)

    def requests_for(self, path: str) -> list[Recorded]:
        return [r for r in self.snapshot() if r.path == path]

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:  # noqa: N802
                headers = _headers(self)
                path = self.path.split("?", 1)[0]
                with server._lock:
                    res = server.resources.get(path)
                rec = Recorded("GET", path, headers, b"")
                if res is not None and res.stream is not None:
                    rec.status = -1  # streamed: the function decides
                    server._record(rec)
                    try:
                        res.stream(self)
                    except OSError:
                        pass  # the client gave up, which is what hostile tests want
                    return
                status, out_headers, body = self._answer(res, headers)
                rec.status = status
                server._record(rec)
                self.send_response(status)
                for k, v in out_headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _answer(self, res: Resource | None, headers: dict[str, str]):
                if res is None:
                    return 404, [("Content-Type", "text/plain")], b"not found\n"
                if res.location is not None:
                    return res.status, [("Location", res.location)], b""
                validators = []
                if res.etag is not None:
                    validators.append(("ETag", res.etag))
                if res.last_modified is not None:
                    validators.append(("Last-Modified", res.last_modified))
                inm = headers.get("if-none-match")
                ims = headers.get("if-modified-since")
                if res.status == 200 and (
                    (res.etag is not None and inm is not None and res.etag in [t.strip() for t in inm.split(",")])
                    or (res.etag is None and res.last_modified is not None and ims == res.last_modified)
                ):
                    return 304, validators, b""
                out = [("Content-Type", res.content_type)] + validators + list(res.headers)
                body = res.body
                if res.gzip and "gzip" in headers.get("accept-encoding", ""):
                    body = gzip.compress(body)
                    out.append(("Content-Encoding", "gzip"))
                return res.status, out, body

        return Handler


class WebhookReceiver(_Base):
    """Records webhook POSTs. `fail_next(n)` answers 500 to the next n requests; `script(...)`
    gives the next answers exactly (status, headers, body), as a chat service would."""

    def __init__(self) -> None:
        self._failures_left = 0
        self._script: list[tuple[int, list[tuple[str, str]], bytes]] = []
        self.status_code = 200
        self.success_body: bytes | None = None  # what a 2xx answer says (default {"ok": true})
        super().__init__(self._make_handler)

    def fail_next(self, n: int) -> None:
        with self._lock:
            self._failures_left = n

    def script(self, *answers: tuple[int, list[tuple[str, str]], bytes | str]) -> None:
        """Answer the next requests with these (status, headers, body), in order."""
        with self._lock:
            self._script = [(st, list(h), b.encode() if isinstance(b, str) else b) for st, h, b in answers]

    def deliveries(self) -> list[Recorded]:
        """Requests that were answered with 2xx: what the receiver actually accepted."""
        return [r for r in self.snapshot() if 200 <= r.status < 300]

    def wait_for_deliveries(self, n: int, timeout: float = 15.0) -> list[Recorded]:
        self.wait_until(lambda reqs: sum(1 for r in reqs if 200 <= r.status < 300) >= n, timeout)
        return self.deliveries()

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _handle(self) -> None:
                rec = Recorded(self.command, self.path, _headers(self), _read_body(self), at=time.monotonic())
                extra: list[tuple[str, str]] = []
                scripted: bytes | None = None
                with server._lock:
                    if server._script:
                        status, extra, scripted = server._script.pop(0)
                    elif server._failures_left > 0:
                        server._failures_left -= 1
                        status = 500
                    else:
                        status = server.status_code
                rec.status = status
                server._record(rec)
                body = b'{"ok": true}' if status < 300 else b'{"error": "injected failure"}'
                if status < 300 and server.success_body is not None:
                    body = server.success_body
                if scripted is not None:
                    body = scripted
                self.send_response(status)
                for k, v in extra:
                    self.send_header(k, v)
                if not any(k.lower() == "content-type" for k, _ in extra):
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = _handle  # noqa: N815
            do_PUT = _handle  # noqa: N815
            do_GET = _handle  # noqa: N815

        return Handler


class NotifySocket:
    """A stand-in for systemd's $NOTIFY_SOCKET: records every sd_notify datagram, in order."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.messages: list[dict[str, str]] = []
        self._cond = threading.Condition()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(self.path)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._sock.recv(65536)
            except (socket.timeout, OSError):
                continue
            fields = {}
            for line in data.decode("utf-8", errors="replace").splitlines():
                if "=" in line:
                    k, v = line.split("=", 1)
                    fields[k] = v
            with self._cond:
                self.messages.append(fields)
                self._cond.notify_all()

    def snapshot(self) -> list[dict[str, str]]:
        with self._cond:
            return list(self.messages)

    def wait_for(self, predicate: Callable[[dict[str, str]], bool], after: int = 0, timeout: float = 15.0):
        """Index and fields of the first message at index >= after that satisfies predicate, or None."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i in range(after, len(self.messages)):
                    if predicate(self.messages[i]):
                        return i, self.messages[i]
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(timeout=min(left, 0.2))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()
