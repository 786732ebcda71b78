"""Deterministic generator of realistic news feeds for the benchmarks (nothing big is committed).

Produces RSS 2.0 (content:encoded in CDATA, dc:creator, media:content), Atom 1.0 (html and
xhtml content, xml:base relative links), RSS 1.0 / RDF (dc:date) and JSON Feed 1.1
(content_html), with the things real feeds carry: HTML in CDATA and in escaped text, numeric
and predefined XML entities, escaped HTML named entities (&amp;eacute;), curly quotes and other
non-ASCII text, a few ISO-8859-1 files, tracking parameters on links.

    python3 Benchmarks/feedcorpus.py OUT_DIR [--files 240] [--seed 7]

writes OUT_DIR/feed-NNN.{xml,json} and prints the totals. `bench_feeds.py` and
`feedserver.py` import `make_feed` from here.
"""

import argparse
import json
import os
import random
import sys
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

WORDS = (
    "the a of to in and for on with as at by from that this market company report quarter growth "
    "revenue customers product launch model data cloud compute chips training platform users team "
    "new said analysts week year billion million shares investors expected announced plans strategy "
    "research industry leaders software hardware service global region engineers release update "
    "price supply chain contract partnership deal agreement regulators court filing stake board"
).split()
NAMES = [
    "Acme Corp", "Globex", "Initech", "Umbrella Robotics", "Stark Industries", "Wayne Enterprises",
    "Soylent", "Hooli", "Pied Piper", "Vandelay Industries", "Cyberdyne", "Tyrell", "Nakatomi",
    "Massive Dynamic", "Aperture Science", "Black Mesa", "Oscorp", "Wonka", "Gringotts", "Monarch",
]
UNICODE_BITS = [
    "caf\u00e9", "na\u00efve", "\u201cquoted\u201d", "it\u2019s", "\u2014", "M\u00fcnchen", "Z\u00fcrich",
    "S\u00e3o Paulo", "\u00a3120m", "\u20ac3bn", "\u00bd", "Gda\u0144sk", "\u6771\u4eac",
]


def sentence(rng, words):
    out = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.04:
            out.append(rng.choice(NAMES))
        elif roll < 0.07:
            out.append(rng.choice(UNICODE_BITS))
        else:
            out.append(rng.choice(WORDS))
    text = " ".join(out)
    return text[:1].upper() + text[1:] + "."


def html_body(rng, paragraphs):
    parts = []
    for p in range(paragraphs):
        s = " ".join(sentence(rng, rng.randint(10, 22)) for _ in range(rng.randint(2, 4)))
        if p == 0:
            s = "<strong>" + escape(rng.choice(NAMES)) + "</strong> &amp; partners: " + escape(s)
        else:
            s = escape(s)
        if rng.random() < 0.3:
            s += ' <a href="https://news.example.com/related/%d?utm_source=rss&amp;utm_medium=feed">More</a>' % (
                rng.randint(1, 10**6)
            )
        if rng.random() < 0.2:
            s += ' <img src="/img/%d.jpg" alt="photo &amp; caption" width="640" height="360"/>' % rng.randint(1, 999)
        parts.append("<p>" + s + "</p>")
    if rng.random() < 0.3:
        parts.append("<ul><li>One &ndash; point</li><li>Caf&eacute; &copy; 2026&nbsp;Ltd</li></ul>")
    return "\n".join(parts)


def item_fields(rng, feed_no, i, when):
    title = sentence(rng, rng.randint(6, 12)).rstrip(".")
    return {
        "title": title,
        "link": "https://news%d.example.com/%d/%04d/story-%d.html?utm_source=rss&utm_campaign=feed" % (
            feed_no % 50, when.year, feed_no, i),
        "guid": "urn:example:%d:%d" % (feed_no, i),
        "summary": sentence(rng, rng.randint(20, 40)),
        "html": html_body(rng, rng.randint(2, 6)),
        "author": rng.choice(["Jane Doe", "J\u00fcrgen M\u00fcller", "Ana Mar\u00eda", "Kim Lee"]),
        "when": when,
    }


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss2(rng, n, items):
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:media="http://search.yahoo.com/mrss/">',
        "<channel>",
        "<title>Example News %d &amp; Markets</title>" % n,
        "<link>https://news%d.example.com/</link>" % (n % 50),
        '<atom:link href="https://news%d.example.com/feed/" rel="self" type="application/rss+xml"/>' % (n % 50),
        "<description>Business &#8211; tech &#x2014; markets</description>",
        "<language>en-us</language><ttl>30</ttl>",
    ]
    for it in items:
        desc = escape(it["summary"]) if rng.random() < 0.5 else escape("<p>" + escape(it["summary"]) + "</p>")
        out += [
            "<item>",
            "<title>%s</title>" % escape(it["title"]),
            "<link>%s</link>" % escape(it["link"]),
            '<guid isPermaLink="false">%s</guid>' % it["guid"],
            "<pubDate>%s</pubDate>" % format_datetime(it["when"]),
            "<dc:creator>%s</dc:creator>" % cdata(it["author"]),
            "<category>%s</category>" % rng.choice(["Tech", "Business", "Deals &amp; M&amp;A"]),
            "<description>%s</description>" % desc,
            "<content:encoded>%s</content:encoded>" % cdata(it["html"]),
            '<media:content url="https://cdn.example.com/%d.jpg" medium="image"/>' % rng.randint(1, 10**6),
            "</item>",
        ]
    out += ["</channel>", "</rss>"]
    return "\n".join(out)


def atom(rng, n, items):
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog%d.example.org/" xml:lang="en">' % n,
        '<title type="text">Example Blog %d</title>' % n,
        '<subtitle type="html">Notes &lt;em&gt;from&lt;/em&gt; the field</subtitle>',
        '<link rel="alternate" href="/"/><link rel="self" href="/atom.xml"/>',
        "<id>tag:example.org,2026:blog-%d</id>" % n,
        "<updated>%s</updated>" % items[0]["when"].isoformat(),
    ]
    for k, it in enumerate(items):
        out += [
            "<entry>",
            '<title type="html">%s</title>' % escape(escape(it["title"])),
            '<link rel="alternate" type="text/html" href="/posts/%d-%d"/>' % (n, k),
            "<id>%s</id>" % it["guid"],
            "<published>%s</published>" % it["when"].isoformat(),
            "<updated>%s</updated>" % (it["when"] + timedelta(minutes=5)).isoformat(),
            "<author><name>%s</name></author>" % escape(it["author"]),
            '<summary type="text">%s</summary>' % escape(it["summary"]),
        ]
        if k % 3 == 0:
            body = it["html"].replace("&ndash;", "&#8211;").replace("&eacute;", "&#233;")
            body = body.replace("&copy;", "&#169;").replace("&nbsp;", "&#160;")
            out.append(
                '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">%s</div></content>' % body
            )
        else:
            out.append('<content type="html">%s</content>' % escape(it["html"]))
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out)


def rdf(rng, n, items):
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        '<channel rdf:about="https://wire%d.example.net/rss">' % n,
        "<title>Example Wire %d</title><link>https://wire%d.example.net/</link>" % (n, n),
        "<description>Wire &amp; press releases</description>",
        "<items><rdf:Seq>",
    ]
    out += ['<rdf:li rdf:resource="%s"/>' % escape(it["link"]) for it in items]
    out += ["</rdf:Seq></items>", "</channel>"]
    for it in items:
        out += [
            '<item rdf:about="%s">' % escape(it["link"]),
            "<title>%s</title>" % escape(it["title"]),
            "<link>%s</link>" % escape(it["link"]),
            "<description>%s</description>" % escape(it["summary"]),
            "<content:encoded>%s</content:encoded>" % cdata(it["html"]),
            "<dc:date>%s</dc:date>" % it["when"].isoformat(),
            "<dc:creator>%s</dc:creator>" % escape(it["author"]),
            "</item>",
        ]
    out.append("</rdf:RDF>")
    return "\n".join(out)


def json_feed(rng, n, items):
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Example JSON %d" % n,
        "home_page_url": "https://json%d.example.com/" % n,
        "feed_url": "https://json%d.example.com/feed.json" % n,
        "items": [
            {
                "id": it["guid"],
                "url": it["link"],
                "title": it["title"],
                "summary": it["summary"],
                "content_html": it["html"],
                "date_published": it["when"].isoformat(),
                "authors": [{"name": it["author"]}],
                "tags": ["tech", "deals"],
            }
            for it in items
        ],
    }
    return json.dumps(doc, ensure_ascii=rng.random() < 0.5, indent=1)


KINDS = [("rss", rss2, "xml"), ("atom", atom, "xml"), ("rdf", rdf, "xml"), ("json", json_feed, "json")]
MIX = [0, 0, 0, 0, 1, 1, 1, 2, 3, 3]  # 40% RSS 2.0, 30% Atom, 10% RDF, 20% JSON Feed


def make_feed(n, version=0, seed=7, items=None, xml_only=False):
    """Feed number `n` at content `version`: (kind, extension, bytes). Same inputs, same bytes.
    `xml_only` leaves out JSON Feed (for peers that cannot read it, such as newsboat 2.21)."""
    rng = random.Random("%d/%d/%d" % (seed, n, version))
    mix = [k for k in MIX if k != 3] if xml_only else MIX
    kind, fn, ext = KINDS[mix[n % len(mix)]]
    count = items if items is not None else rng.randint(8, 30)
    base = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc) + timedelta(hours=version)
    fields = [item_fields(rng, n, version * 1000 + i, base - timedelta(minutes=37 * i)) for i in range(count)]
    text = fn(rng, n, fields)
    if ext == "xml" and kind == "rss" and n % 25 == 5:
        # A few legacy publishers still serve ISO-8859-1.
        text = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"', 1)
        return kind, ext, text.encode("iso-8859-1", errors="xmlcharrefreplace")
    return kind, ext, text.encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=240)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    total, kinds = 0, {}
    for n in range(args.files):
        kind, ext, data = make_feed(n, seed=args.seed)
        with open(os.path.join(args.out, "feed-%03d.%s" % (n, ext)), "wb") as f:
            f.write(data)
        total += len(data)
        kinds[kind] = kinds.get(kind, 0) + 1
    mix = ", ".join("%s %d" % kv for kv in sorted(kinds.items()))
    print("corpus: %d files (%s), %.2f MB in %s" % (args.files, mix, total / 1e6, args.out))


if __name__ == "__main__":
    sys.exit(main())
