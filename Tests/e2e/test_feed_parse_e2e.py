"""Issue 4: feeds as a careful reader sees them, through `frenemyctl feed parse` and the daemon alike."""

from __future__ import annotations

import json

import pytest

from e2e_harness import rules
from e2e_harness.checks import parse_rfc3339
from e2e_harness.daemon import run_ctl

CP1252 = (
    '<?xml version="1.0" encoding="windows-1252"?>\n<rss version="2.0"><channel><title>Caf\xe9 Wire</title>'
    "<link>https://cp.example.test/news/</link>"
    "<item><guid>c1</guid><title>\x93Acme Data\x94 signs deal \x96 Globex</title><link>2026/11/acme</link>"
    "<pubDate>Fri, 20 Nov 2026 09:30:00 EST</pubDate><description>Caf\xe9 \x80 price</description></item>"
    "</channel></rss>"
).encode("latin-1")

MISLABELLED = (
    '<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss version="2.0"><channel><title>Mislabelled</title>'
    "<link>https://ml.example.test/</link><item><guid>m1</guid><title>Café “quoted” — dash</title>"
    "<link>https://ml.example.test/1</link></item></channel></rss>"
).encode("utf-8")

XML_BASE = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example.test/blog/">
<title>Base</title><id>urn:b</id><updated>2026-11-20T10:00:00Z</updated>
<entry><id>urn:b:1</id><title>Relative</title><link href="posts/1.html"/><updated>2026-11-20T10:00:00+02:00</updated></entry>
<entry xml:base="https://other.example.test/x/"><id>urn:b:2</id><title>Nested base</title><link href="../y/2.html"/>
<updated>2026-11-20T10:00:00Z</updated></entry>
</feed>"""

CONTROL_CHARS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Ctrl</title><link>https://c.example.test/</link>'
    b"<item><guid>x1</guid><title>Bell\x07 and \x0bvtab</title><link>https://c.example.test/1</link></item>"
    b"</channel></rss>"
)

CASES = {
    "windows-1252": (CP1252, "rss", {"title": "Café Wire"}, [
        {"id": "c1", "title": "\u201cAcme Data\u201d signs deal \u2013 Globex",
         "link": "https://cp.example.test/news/2026/11/acme", "published": "2026-11-20T14:30:00Z",
         "summary": "Café € price"},
    ]),
    "utf8-labelled-latin1": (MISLABELLED, "rss", {"title": "Mislabelled"}, [
        {"id": "m1", "title": "Café \u201cquoted\u201d \u2014 dash"},
    ]),
    "xml-base": (XML_BASE, "atom", {"title": "Base"}, [
        {"id": "urn:b:1", "link": "https://base.example.test/blog/posts/1.html", "updated": "2026-11-20T08:00:00Z"},
        {"id": "urn:b:2", "link": "https://other.example.test/y/2.html"},
    ]),
    "control-characters": (CONTROL_CHARS, "rss", {"title": "Ctrl"}, [
        {"id": "x1", "title": "Bell and vtab"},
    ]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_feed_parse_reads_what_a_reader_would(bins, tmp_path, case):
    body, fmt, feed, items = CASES[case]
    path = tmp_path / "feed"
    path.write_bytes(body)
    doc = json.loads(run_ctl(bins, "feed", "parse", str(path), "--json").stdout)
    assert doc["format"] == fmt
    for k, v in feed.items():
        assert doc["feed"].get(k) == v, (k, doc["feed"])
    assert len(doc["items"]) == len(items), doc["items"]
    for got, want in zip(doc["items"], items):
        for k, v in want.items():
            if k in ("published", "updated"):
                assert parse_rfc3339(got[k]) == parse_rfc3339(v), (k, got)
            else:
                assert got.get(k) == v, f"{k}: {got.get(k)!r} != {v!r}"


def test_a_legacy_charset_feed_alerts_with_the_right_text(frenemy, feeds, journal, uid, tmp_path):
    """The bytes decide the charset, not a wrong HTTP label."""
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    src = f"cp1252-{uid}"
    url = feeds.set("/cp.xml", CP1252, content_type="application/rss+xml; charset=utf-8")
    frenemy.once(frenemy.config(sources=[{"name": src, "url": url}], rules=["rules"]))
    entries = journal.alerts(FRENEMY_SOURCE=src)
    assert [e["FRENEMY_TITLE"] for e in entries] == ["\u201cAcme Data\u201d signs deal \u2013 Globex"], entries
    assert entries[0]["FRENEMY_URL"] == "https://cp.example.test/news/2026/11/acme"
