#!/usr/bin/env python3
"""Loopback feed server for the polling benchmark: N generated feeds over HTTP/1.1 keep-alive,
with ETag and Last-Modified validators and 304 answers to conditional requests. RSS 2.0, Atom
and RDF only unless --json-feed (newsboat 2.21 cannot read JSON Feed and would refetch it).

    python3 Benchmarks/feedserver.py [--feeds 2000] [--ports 1] [--port-file FILE]

Binds 127.0.0.1 only (ephemeral ports unless --base-port). Feed n is at /feed/n on port
n % ports. Control endpoints (on the first port):
  POST /_control/advance?percent=5   gives a deterministic percent of the feeds new content
  GET  /_control/stats               200/304/other answers per client since the last reset (JSON)
  POST /_control/reset               zeroes the counters
  POST /_control/quit                stops the server
"""

import argparse
import asyncio
import json
import os
import sys
from email.utils import formatdate
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import feedcorpus  # noqa: E402

MEDIA = {"xml": b"application/xml; charset=utf-8", "json": b"application/feed+json"}
MAX_HEADER = 64 * 1024


class Feeds:
    def __init__(self, count, items, xml_only):
        self.count = count
        self.xml_only = xml_only
        self.items = items
        self.version = [0] * count
        self.cache = {}
        self.advances = 0
        self.stats = {}

    def body(self, n):
        key = (n, self.version[n])
        hit = self.cache.get(key)
        if hit is None:
            kind, ext, data = feedcorpus.make_feed(n, version=self.version[n], items=self.items, xml_only=self.xml_only)
            etag = '"f%d-v%d"' % key
            # Each version has its own date; 1 Jan 2026 plus an hour per version.
            modified = formatdate(1767225600 + 3600 * self.version[n], usegmt=True)
            hit = (MEDIA[ext], data, etag.encode(), modified.encode())
            self.cache[key] = hit
        return hit

    def advance(self, percent):
        """Gives new content to a deterministic, scattered `percent` of the feeds (another set each time)."""
        self.advances += 1
        changed = [n for n in range(self.count) if (7 * n + 37 * self.advances) % 100 < percent]
        for n in changed:
            self.version[n] += 1
            self.body(n)
        return changed

    def count_answer(self, agent, status):
        row = self.stats.setdefault(agent, {})
        row[str(status)] = row.get(str(status), 0) + 1


def agent_name(agent):
    return agent.split("/")[0].split(" ")[0] or "unknown"


async def handle(reader, writer, feeds, stop):
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, asyncio.CancelledError):
                return
            lines = head.decode("latin-1").split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                return
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            length = int(headers.get("content-length", "0") or 0)
            if length:
                await reader.readexactly(length)
            status, extra, body = route(method, target, headers, feeds, stop)
            keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
            reason = {200: b"OK", 304: b"Not Modified", 404: b"Not Found"}.get(status, b"OK")
            out = [b"HTTP/1.1 %d %s\r\n" % (status, reason)]
            out += [b"%s: %s\r\n" % kv for kv in extra]
            if status != 304:
                out.append(b"Content-Length: %d\r\n" % len(body))
            out.append(b"Connection: keep-alive\r\n\r\n" if keep else b"Connection: close\r\n\r\n")
            if method != "HEAD" and status != 304:
                out.append(body)
            writer.write(b"".join(out))
            await writer.drain()
            if not keep:
                return
    finally:
        writer.close()


def route(method, target, headers, feeds, stop):
    url = urlsplit(target)
    path = url.path
    if path.startswith("/feed/"):
        try:
            n = int(path[6:])
        except ValueError:
            n = -1
        agent = agent_name(headers.get("user-agent", ""))
        if not 0 <= n < feeds.count:
            feeds.count_answer(agent, 404)
            return 404, [], b"no such feed\n"
        media, data, etag, modified = feeds.body(n)
        validators = [(b"ETag", etag), (b"Last-Modified", modified), (b"Cache-Control", b"max-age=0")]
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        fresh = (inm is not None and etag.decode() in [t.strip() for t in inm.split(",")]) or (
            inm is None and ims is not None and ims == modified.decode()
        )
        if fresh:
            feeds.count_answer(agent, 304)
            return 304, validators, b""
        feeds.count_answer(agent, 200)
        return 200, [(b"Content-Type", media)] + validators, data
    if path == "/_control/advance" and method == "POST":
        percent = int(parse_qs(url.query).get("percent", ["5"])[0])
        changed = feeds.advance(percent)
        return 200, [(b"Content-Type", b"application/json")], json.dumps({"changed": len(changed)}).encode()
    if path == "/_control/stats":
        return 200, [(b"Content-Type", b"application/json")], json.dumps(feeds.stats, sort_keys=True).encode()
    if path == "/_control/reset" and method == "POST":
        feeds.stats = {}
        return 200, [], b"{}"
    if path == "/_control/quit" and method == "POST":
        stop.set()
        return 200, [], b"{}"
    return 404, [], b"not found\n"


async def serve(args):
    feeds = Feeds(args.feeds, args.items, not args.json_feed)
    stop = asyncio.Event()
    servers, ports = [], []
    for i in range(args.ports):
        server = await asyncio.start_server(
            lambda r, w: handle(r, w, feeds, stop), "127.0.0.1", args.base_port + i if args.base_port else 0,
            limit=MAX_HEADER, backlog=1024)
        servers.append(server)
        ports.append(server.sockets[0].getsockname()[1])
    line = " ".join(str(p) for p in ports)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(line + "\n")
        os.replace(tmp, args.port_file)
    print("feedserver: %d feeds on 127.0.0.1 ports %s" % (args.feeds, line), flush=True)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.lifetime)
    except asyncio.TimeoutError:
        print("feedserver: lifetime over, stopping", flush=True)
    for s in servers:
        s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--feeds", type=int, default=2000)
    ap.add_argument("--items", type=int, default=10, help="items per feed")
    ap.add_argument("--ports", type=int, default=1, help="listening ports (curl and newsboat limit per host:port)")
    ap.add_argument("--base-port", type=int, default=0)
    ap.add_argument("--json-feed", action="store_true", help="serve JSON Feeds too (newsboat 2.21 cannot read them)")
    ap.add_argument("--port-file", help="write the chosen ports here once listening")
    ap.add_argument("--lifetime", type=float, default=1800, help="stop by itself after this many seconds")
    asyncio.run(serve(ap.parse_args()))


if __name__ == "__main__":
    main()
