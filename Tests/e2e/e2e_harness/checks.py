"""Shared assertions and scenario setup for the pipeline tests."""

from __future__ import annotations

import base64
import datetime as dt
import time
from pathlib import Path

from . import feeds as F
from . import rules

SECRET = "whsec_" + base64.b64encode(b"frenemy-e2e-signing-key-0123456789").decode()


def parse_rfc3339(value: str) -> dt.datetime:
    """RFC 3339 with a zone (Z or offset), as every frenemy JSON date must be."""
    assert isinstance(value, str), f"not a date string: {value!r}"
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.tzinfo is not None, f"date without a zone: {value!r}"
    return parsed


def deal_item(uid: str, slug: str = "deal", title: str = "Acme Data signs multi-year data deal with Globex") -> F.Item:
    return F.Item(
        id=f"urn:e2e:{uid}:{slug}",
        title=title,
        link=f"https://news.example.test/{uid}/{slug}",
        summary="The three-year arrangement covers labelling work for new models.",
    )


def decoy_items(uid: str) -> list[F.Item]:
    """Items a naive keyword matcher would flag and frenemy must not."""
    return [
        F.Item(f"urn:e2e:{uid}:office", "Acme Data opens an office in Lisbon", f"https://news.example.test/{uid}/office",
               "The deal team grows to forty people."),
        F.Item(f"urn:e2e:{uid}:lease", "Globex signs lease for new Austin campus", f"https://news.example.test/{uid}/lease",
               "The campus will house 2,000 staff."),
        F.Item(f"urn:e2e:{uid}:apart", "Acme Data hires a new CFO. Globex signs a lease in Austin.",
               f"https://news.example.test/{uid}/apart", "Two unrelated announcements."),
    ]


def deal_scenario(frenemy, feeds, receiver, tmp_path: Path, uid: str, interval: str = "1h", secret: str | None = SECRET):
    """One RSS source with one alerting item and decoys, one signed webhook, the tests' own rules."""
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    hit = deal_item(uid)
    src = f"wire-{uid}"
    url = feeds.set("/wire.xml", F.rss([hit] + decoy_items(uid)))
    config = frenemy.config(
        sources=[{"name": src, "url": url, "interval": interval}],
        rules=["rules"],  # relative: resolves against the config file's folder
        notify=[{"name": "hook", "url": receiver.url("/hook"), "secret": secret}],
    )
    return config, src, hit


def assert_alert_entry(entry: dict, *, rule: str, priority: str, severity: str, roles: dict[str, str], item: F.Item, source: str):
    """The journal fields of the contract, for one alert entry."""
    problems = []

    def expect(field: str, want: str) -> None:
        got = entry.get(field)
        if got != want:
            problems.append(f"{field}: expected {want!r}, got {got!r}")

    expect("PRIORITY", priority)
    expect("SYSLOG_IDENTIFIER", "frenemyd")
    expect("MESSAGE_ID", "954d426f9ca9441cbb872e8e38124d00")
    expect("FRENEMY_RULE", rule)
    expect("FRENEMY_SEVERITY", severity)
    expect("FRENEMY_SOURCE", source)
    expect("FRENEMY_URL", item.link)
    expect("FRENEMY_TITLE", item.title)
    for role, name in roles.items():
        expect(f"FRENEMY_{role.upper()}", name)
    for field in ("FRENEMY_ALERT_ID", "FRENEMY_ENTITIES", "FRENEMY_EXPLANATION", "MESSAGE"):
        if not entry.get(field):
            problems.append(f"{field} missing or empty")
    assert not problems, "journal entry wrong:\n  " + "\n  ".join(problems) + f"\nentry: {entry}"


def wait_until(predicate, timeout: float = 15.0) -> bool:
    """Poll a condition about the outside world (files, processes); returns its last value."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return bool(predicate())
        time.sleep(0.1)
    return True


def wait_fetches(feeds, path: str, count: int, timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    while len(feeds.requests_for(path)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    n = len(feeds.requests_for(path))
    assert n >= count, f"{path} fetched {n} times, expected at least {count} within {timeout}s"
    return n


def source_status(status: dict, name: str) -> dict:
    for s in status.get("sources", []):
        if s.get("name") == name:
            return s
    raise AssertionError(f"source {name!r} not in status: {status}")
