"""A real SMTP server on loopback for the e-mail tests: aiosmtpd, optionally with STARTTLS
(a self-signed certificate for 127.0.0.1/localhost made with openssl, usable as ca_file)
and AUTH (PLAIN/LOGIN, offered only after STARTTLS, as real submission servers do).

As a module: `SMTPServer(...).start()`, then `wait_for(n)` returns the received messages.
As a script (for the Swift HTTPClientTests):

    python3 smtp.py --dir DIR [--tls | --smtps] [--auth USER:PASSWORD] [--reject ADDRESS=CODE ...]

prints "READY <port>" once listening, writes each accepted message to DIR/<n>.eml with its
envelope in DIR/<n>.json, and runs until SIGTERM.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import json
import logging
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

# aiosmtpd logs every session, a deprecation of its own and every failed handshake (which
# some tests cause on purpose) on "mail.log".
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate (CA:TRUE, so it can serve as its own CA bundle) and its key."""
    cert, key = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


@dataclasses.dataclass
class Received:
    """One accepted message with its envelope and how the session got there."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    user: str | None
    helo: str | None = None

    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


class _Handler:
    def __init__(self, server: "SMTPServer") -> None:
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        code = self.server.reject.get(address.lower())
        if code:
            return f"{code} {'4.2.0 try again later' if code < 500 else '5.1.1 no such mailbox'}: <{address}>"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        user = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        got = Received(
            mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos), data=bytes(envelope.original_content),
            tls=self.server.implicit_tls or session.ssl is not None, user=user, helo=session.host_name)
        self.server._accept(got)
        return "250 2.0.0 Ok: queued as frenemy-test"


class SMTPServer:
    """aiosmtpd on 127.0.0.1 with an ephemeral port, run on an event loop in a thread.

    tls: offer STARTTLS (the certificate is written to `directory`, see `ca_file`).
    implicit_tls: TLS from the first byte instead (smtps://), same certificate.
    auth: {"user": "password"}; with it, AUTH is required before MAIL (and needs TLS).
    reject: {"address": code}: RCPT TO of that address answered with the code (4xx or 5xx).
    """

    def __init__(self, directory: Path, *, tls: bool = True, implicit_tls: bool = False,
                 auth: dict[str, str] | None = None, reject: dict[str, int] | None = None) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.tls = tls or implicit_tls
        self.implicit_tls = implicit_tls
        self.auth = auth
        self.reject = {k.lower(): v for k, v in (reject or {}).items()}
        self.received: list[Received] = []
        self.auth_attempts: list[tuple[str, bool]] = []
        self.on_message = None  # optional callable(Received), for the script's spool
        self._cond = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.ca_file: Path | None = None
        self._context: ssl.SSLContext | None = None
        if self.tls:
            cert, key = make_certificate(self.directory)
            self.ca_file = cert
            self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._context.load_cert_chain(str(cert), str(key))

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword) or self.auth is None:
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        ok = self.auth.get(user) == password
        self.auth_attempts.append((user, ok))
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    def _factory(self):
        return SMTP(
            _Handler(self), hostname="smtp.test", tls_context=None if self.implicit_tls else self._context,
            require_starttls=self._context is not None and not self.implicit_tls,
            authenticator=self._authenticate if self.auth else None,
            # With implicit TLS aiosmtpd does not see the TLS itself, so it must not wait for STARTTLS.
            auth_required=self.auth is not None, auth_require_tls=not self.implicit_tls, loop=self._loop)

    def start(self) -> "SMTPServer":
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            try:
                self._server = self._loop.run_until_complete(
                    self._loop.create_server(
                        self._factory, host="127.0.0.1", port=0,
                        ssl=self._context if self.implicit_tls else None))
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as e:  # reported to start()'s caller
                failure.append(e)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()
            self._server.close()
            self._loop.run_until_complete(self._server.wait_closed())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="smtp-server", daemon=True)
        self._thread.start()
        ready.wait(30)
        if failure:
            raise failure[0]
        if not self.port:
            raise RuntimeError("the SMTP server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    @property
    def url(self) -> str:
        return f"{'smtps' if self.implicit_tls else 'smtp'}://127.0.0.1:{self.port}"

    def _accept(self, got: Received) -> None:
        with self._cond:
            self.received.append(got)
            self._cond.notify_all()
        if self.on_message:
            self.on_message(got)

    def wait_for(self, n: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received) < n and time.monotonic() < deadline:
                self._cond.wait(max(0.0, deadline - time.monotonic()))
            return list(self.received)

    def snapshot(self) -> list[Received]:
        with self._cond:
            return list(self.received)


def main(argv: list[str]) -> None:
    # A child spawned from a Swift concurrency thread inherits its blocked signal mask.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    directory, tls, implicit_tls, auth, reject = None, False, False, None, {}
    args = iter(argv)
    for arg in args:
        if arg == "--dir":
            directory = Path(next(args))
        elif arg == "--tls":
            tls = True
        elif arg == "--smtps":
            implicit_tls = True
        elif arg == "--auth":
            user, _, password = next(args).partition(":")
            auth = {user: password}
        elif arg == "--reject":
            address, _, code = next(args).partition("=")
            reject[address] = int(code)
        else:
            sys.exit(f"unknown argument {arg}")
    if directory is None:
        sys.exit("--dir is required")
    server = SMTPServer(directory, tls=tls, implicit_tls=implicit_tls, auth=auth, reject=reject)
    count = 0

    def spool(got: Received) -> None:
        nonlocal count
        count += 1
        (directory / f"{count}.eml.tmp").write_bytes(got.data)
        (directory / f"{count}.json").write_text(json.dumps(
            {"mail_from": got.mail_from, "rcpt_tos": got.rcpt_tos, "tls": got.tls, "user": got.user,
             "helo": got.helo}))
        os.replace(directory / f"{count}.eml.tmp", directory / f"{count}.eml")

    server.on_message = spool
    server.start()
    print(f"READY {server.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.2):
        pass
    server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
