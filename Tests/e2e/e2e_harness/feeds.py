"""Small builders for RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents the feed server serves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from email.utils import format_datetime
from xml.sax.saxutils import escape


@dataclasses.dataclass
class Item:
    id: str
    title: str
    link: str
    summary: str = ""
    published: dt.datetime = dataclasses.field(
        default_factory=lambda: dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)
    )


def rss(items: list[Item], title: str = "E2E Wire", link: str = "https://news.example.test/") -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link>",
        "<description>Test wire for frenemy end-to-end tests</description>",
    ]
    for it in items:
        parts.append(
            "<item>"
            f'<guid isPermaLink="false">{escape(it.id)}</guid>'
            f"<title>{escape(it.title)}</title>"
            f"<link>{escape(it.link)}</link>"
            f"<description>{escape(it.summary)}</description>"
            f"<pubDate>{format_datetime(it.published)}</pubDate>"
            "</item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts)


def atom(items: list[Item], title: str = "E2E Atom", link: str = "https://atom.example.test/") -> str:
    updated = max((it.published for it in items), default=dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc))
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title>",
        f'<link href="{escape(link)}"/>',
        f"<id>urn:e2e:{escape(title)}</id>",
        f"<updated>{updated.isoformat()}</updated>",
    ]
    for it in items:
        parts.append(
            "<entry>"
            f"<id>{escape(it.id)}</id>"
            f"<title>{escape(it.title)}</title>"
            f'<link rel="alternate" href="{escape(it.link)}"/>'
            f"<updated>{it.published.isoformat()}</updated>"
            f"<published>{it.published.isoformat()}</published>"
            f'<summary type="text">{escape(it.summary)}</summary>'
            "</entry>"
        )
    parts.append("</feed>")
    return "\n".join(parts)


def json_feed(items: list[Item], title: str = "E2E JSON", link: str = "https://json.example.test/") -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": link,
            "items": [
                {
                    "id": it.id,
                    "url": it.link,
                    "title": it.title,
                    "summary": it.summary,
                    "content_text": it.summary,
                    "date_published": it.published.isoformat(),
                }
                for it in items
            ],
        },
        indent=2,
    )
