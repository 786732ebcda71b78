#!/usr/bin/env python3
"""Hostile-and-friendly loopback HTTP server for HTTPClientTests.

Binds 127.0.0.1:0 (and, with --unix PATH, a Unix socket; with --tls DIR, an HTTPS
listener whose self-signed certificate for 127.0.0.1/localhost is written to DIR/cert.pem),
then prints one line "READY <port> <closed-port> <tls-port or 0>" where closed-port was
bound and released so a connection to it is refused. Runs until killed.
"""
import gzip
import json
import os
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_bomb = None
_bomb_lock = threading.Lock()
_active = 0
_peak = 0
_count_lock = threading.Lock()


def bomb_bytes():
    """64 MiB of zeros, gzip-compressed once (about 64 KiB on the wire)."""
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            _bomb = gzip.compress(b"\0" * (64 << 20), compresslevel=9)
        return _bomb


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def address_string(self):
        return "local"

    def send_body(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.do_GET()

    def do_PUT(self):
        self.do_GET()

    def do_GET(self):
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path
        if path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
            else:
                self.send_body(200, b"hello", [("ETag", '"v1"'), ("Content-Type", "text/plain"),
                                                ("Link", "<a>"), ("Link", "<b>")])
        elif path == "/gzip":
            body = b"compressed hello " * 200
            self.send_body(200, gzip.compress(body), [("Content-Encoding", "gzip")])
        elif path == "/r301":
            self.send_body(301, b"moved", [("Location", "/r302"), ("ETag", '"hop"')])
        elif path == "/r302":
            self.send_body(302, b"found", [("Location", "/final"), ("Retry-After", "99")])
        elif path == "/final":
            self.send_body(200, b"final", [("X-Final", "yes")])
        elif path == "/p301":
            self.send_body(301, b"", [("Location", "/p308")])
        elif path == "/p308":
            self.send_body(308, b"", [("Location", "/final")])
        elif path == "/loop":
            self.send_body(302, b"", [("Location", "/loop")])
        elif path == "/to-file":
            self.send_body(302, b"", [("Location", "file:///etc/passwd")])
        elif path == "/big":
            size = int(query.get("size", str(50 << 20)))
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"x" * 65536
            sent = 0
            while sent < size:
                piece = chunk[: min(len(chunk), size - sent)]
                self.wfile.write(piece)
                sent += len(piece)
        elif path == "/endless":
            # No Content-Length (HTTP/1.0, body ends at close): only the byte count can stop it.
            self.send_response(200)
            self.end_headers()
            chunk = b"y" * 65536
            for _ in range(1000):
                self.wfile.write(chunk)
        elif path == "/bomb":
            body = bomb_bytes()
            self.send_body(200, body, [("Content-Encoding", "gzip")])
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            for _ in range(240):
                self.wfile.write(b"z")
                self.wfile.flush()
                time.sleep(0.5)
        elif path == "/steady":
            # Fast enough for any low-speed limit, but never ends within a short total timeout.
            self.send_response(200)
            self.send_header("Content-Length", str(100 << 20))
            self.end_headers()
            for _ in range(600):
                self.wfile.write(b"s" * 4096)
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/delay":
            global _active, _peak
            with _count_lock:
                _active += 1
                _peak = max(_peak, _active)
            try:
                time.sleep(int(query.get("ms", "100")) / 1000.0)
            finally:
                with _count_lock:
                    _active -= 1
            self.send_body(200, query.get("tag", "done").encode())
        elif path == "/peak":
            # Highest number of /delay requests that were in flight at once.
            self.send_body(200, str(_peak).encode())
        elif path == "/echo":
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length) if length else b""
            reply = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }
            self.send_body(200, json.dumps(reply).encode(), [("Content-Type", "application/json")])
        else:
            self.send_body(404, b"not found")


class UnixHTTPServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def start_tls(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", key, "-out", cert, "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main():
    # A child spawned from a Swift concurrency thread inherits its blocked signal mask;
    # unblock so the test's terminate() (SIGTERM) actually stops us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    args = sys.argv[1:]
    options = dict(zip(args[::2], args[1::2]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    if "--unix" in options:
        userver = UnixHTTPServer(options["--unix"], Handler)
        threading.Thread(target=userver.serve_forever, daemon=True).start()
    tls_port = start_tls(options["--tls"]) if "--tls" in options else 0
    print(f"READY {server.server_address[1]} {closed_port} {tls_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
