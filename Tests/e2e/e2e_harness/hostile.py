"""Responses a hostile or broken feed server sends (issue 4): bombs, endless and trickling bodies."""

from __future__ import annotations

import time
import zlib
from http.server import BaseHTTPRequestHandler


def gzip_bomb(decompressed_mb: int = 1024) -> bytes:
    """A gzip body that inflates to `decompressed_mb` MB of zeros (about 1 MB on the wire per GB)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    chunk = b"\0" * (1 << 20)
    parts = [comp.compress(chunk) for _ in range(decompressed_mb)]
    parts.append(comp.flush())
    return b"".join(parts)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>laughs</title><link>https://laughs.example.test/</link>
<item><guid>laugh-1</guid><title>&lol9;</title><link>https://laughs.example.test/1</link></item>
</channel></rss>
"""


def xxe(secret_path: str) -> str:
    """An RSS feed whose item pulls a local file in through an external entity."""
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file://{secret_path}"> ]>
<rss version="2.0"><channel><title>xxe</title><link>https://xxe.example.test/</link>
<item><guid>xxe-1</guid><title>Acme Data signs deal with Globex &xxe;</title>
<link>https://xxe.example.test/1</link><description>Leak: &xxe;</description></item>
</channel></rss>
"""


def _head(h: BaseHTTPRequestHandler, extra: list[tuple[str, str]] = ()) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    for k, v in extra:
        h.send_header(k, v)
    h.send_header("Connection", "close")
    h.end_headers()


def endless(h: BaseHTTPRequestHandler) -> None:
    """A 200 whose body never ends (no Content-Length, 64 KiB at a time)."""
    _head(h)
    h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>endless</title>')
    chunk = b"<item><title>more</title></item>" * 2048
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        h.wfile.write(chunk)


def trickle(h: BaseHTTPRequestHandler) -> None:
    """A 200 that sends one byte every two seconds: only a low-speed or total timeout ends it."""
    _head(h)
    deadline = time.monotonic() + 600
    for b in b'<?xml version="1.0"?><rss version="2.0"><channel>' * 100:
        if time.monotonic() > deadline:
            return
        h.wfile.write(bytes([b]))
        h.wfile.flush()
        time.sleep(2)


def big_body(megabytes: int):
    """A well-formed 200 with a declared Content-Length of `megabytes` MB (streamed, never held in memory)."""

    def serve(h: BaseHTTPRequestHandler) -> None:
        filler = b"<!-- " + b"x" * ((1 << 20) - 9) + b" -->"
        head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>'
        tail = b"</channel></rss>"
        total = len(head) + megabytes * len(filler) + len(tail)
        _head(h, [("Content-Length", str(total))])
        h.wfile.write(head)
        for _ in range(megabytes):
            h.wfile.write(filler)
        h.wfile.write(tail)

    return serve


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a process: its peak resident memory, in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def million_item_json_feed(items: int = 1_000_000) -> str:
    """A JSON Feed with `items` tiny items (about 15 MB for a million: under the 20 MB body cap)."""
    head = '{"version":"https://jsonfeed.org/version/1.1","title":"flood","items":['
    body = ",".join(f'{{"id":"{i}"}}' for i in range(items))
    return head + body + '],"home_page_url":"https://flood.example.test/"}'


def huge_title_rss(title_mb: int = 10, lead: str = "") -> str:
    """An RSS feed whose one item has a `title_mb` MB title, starting with `lead`."""
    filler = "Acme " * ((title_mb << 20) // 5)
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>huge</title>'
        "<link>https://huge.example.test/</link><item><guid>huge-1</guid>"
        f"<title>{lead}{filler}</title><link>https://huge.example.test/1</link></item></channel></rss>"
    )


def peak_rss_of(cmd: list[str], timeout: float = 120) -> tuple[float, "subprocess.CompletedProcess"]:
    """Runs `cmd` under /usr/bin/time -v; returns (peak RSS in MB, the completed process)."""
    import subprocess

    out = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, timeout=timeout)
    for line in out.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split()[-1]) / 1024, out
    raise RuntimeError(f"no peak RSS from /usr/bin/time: {out.stderr[-500:]}")
