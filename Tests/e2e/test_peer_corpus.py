"""Issue 4: feeds that nobody here wrote. feedparser's own test corpus (its sdist on PyPI, about
1,200 RSS, RDF and Atom files written over two decades to catch parser mistakes) goes through
`frenemyctl feed parse --json`, and the result is compared with what feedparser itself reads from
the same files: the same entries, with the same titles and the same links. Where frenemy reads a
file differently on purpose, the file is listed below with the reason, so any other difference,
and any crash, fails the test.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from e2e_harness.daemon import Bins

FEEDPARSER = "6.0.11"
FOLDERS = [
    "wellformed/rss",
    "wellformed/rdf",
    "wellformed/atom",
    "wellformed/atom10",
    "wellformed/base",
    "wellformed/amp",
    "wellformed/namespace",
    "illformed",
    "encoding",
    "entities",
]
# Not compared: illformed/chardet holds EUC-JP, EUC-KR, GB2312 and Shift_JIS feeds that name no
# charset at all; reading them needs statistical charset detection, which neither frenemy nor
# feedparser (without the chardet package) does, so both give different mojibake.

# Files frenemy reads differently on purpose: (path under tests/, what differs) -> why.
ON_PURPOSE = {
    ("wellformed/base/cdf_item_abstract_xml_base.xml", "count"): "CDF (Microsoft, 1997) is not a feed format frenemy reads",
    ("wellformed/namespace/unknown-namespace.xml", "count"): "<item> inside an Atom <feed> is not an Atom entry",
    ("illformed/rss_incomplete_cdata.xml", "count"): "a document cut off inside an item drops that item",
    ("wellformed/rss/item_category_image.xml", "title"): "feedparser takes the title of an <image> inside a <category>",
    ("wellformed/atom10/entry_id_with_attributes.xml", "link"): "an id that is no http(s) URL is not a link",
    ("wellformed/rdf/rdf_item_description.xml", "link"): "an RSS 1.0 item without <link> links to its rdf:about",
    ("wellformed/rdf/rdf_item_rdf_about.xml", "link"): "an RSS 1.0 item without <link> links to its rdf:about",
    ("wellformed/rdf/rdf_item_title.xml", "link"): "an RSS 1.0 item without <link> links to its rdf:about",
    ("illformed/rdf_channel_empty_textinput.xml", "link"): "an RSS 1.0 item without <link> links to its rdf:about",
}

# feedparser's view of each file, from the version whose corpus this is.
ORACLE = """
import json, sys, feedparser
out = {}
for path in sys.argv[1:]:
    d = feedparser.parse(path)
    out[path] = [
        {"title": e.get("title"), "html": "html" in (e.get("title_detail") or {}).get("type", ""), "link": e.get("link")}
        for e in d.entries
    ]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Path], Path]:
    """feedparser's sdist and the package itself, fetched from PyPI into a private folder."""
    root = tmp_path_factory.mktemp("feedparser")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        pip + ["download", f"feedparser=={FEEDPARSER}", "--no-binary", ":all:", "--no-deps", "-d", str(root)],
        check=True,
        timeout=300,
    )
    site = root / "site"
    subprocess.run(pip + ["install", "--target", str(site), f"feedparser=={FEEDPARSER}"], check=True, timeout=300)
    (sdist,) = root.glob("feedparser-*.tar.gz")
    with tarfile.open(sdist) as tar:
        tar.extractall(root, filter="data")
    tests = root / f"feedparser-{FEEDPARSER}" / "tests"
    # http_* files expect the HTTP headers feedparser's own test server sends with them.
    files = [f for folder in FOLDERS for f in sorted((tests / folder).glob("*.xml")) if not f.name.startswith("http_")]
    return tests, files, site


def text(entry: dict) -> str:
    """feedparser keeps sanitized HTML in HTML titles; frenemy gives the text a reader sees."""
    value = entry["title"] or ""
    if entry["html"]:
        value = html.unescape(re.sub(r"<[^>]*>", " ", value))
    return " ".join(value.split())


def test_feedparser_corpus_reads_like_feedparser(bins: Bins, corpus):
    tests, files, site = corpus
    assert len(files) > 1100, f"only {len(files)} corpus files found under {tests}"
    oracle = subprocess.run(
        [sys.executable, "-c", ORACLE, *map(str, files)],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    theirs = json.loads(oracle.stdout)

    differences, crashes, compared, used = [], [], 0, set()
    for f in files:
        name = str(f.relative_to(tests))
        out = subprocess.run([str(bins.frenemyctl), "feed", "parse", str(f), "--json"], capture_output=True, text=True)
        if out.returncode not in (0, 1) or (out.returncode == 1 and str(f) not in out.stderr):
            crashes.append(f"{name}: exit {out.returncode}: {out.stderr.strip()[:200]}")
            continue
        ours = json.loads(out.stdout)["items"] if out.returncode == 0 else []
        expected = theirs[str(f)]
        checks = [("count", len(expected), len(ours))]
        if len(expected) == len(ours):
            checks.append(("title", [text(e) for e in expected], [" ".join(i["title"].split()) for i in ours]))
            checks.append(("link", [e["link"] or None for e in expected], [i.get("link") for i in ours]))
        for what, want, got in checks:
            compared += 1
            if want != got and (name, what) in ON_PURPOSE:
                used.add((name, what))
            elif want != got:
                differences.append(f"{name}: {what}: feedparser {want!r}, frenemy {got!r}")

    assert not crashes, "frenemyctl failed on:\n" + "\n".join(crashes)
    assert not differences, f"{len(differences)} of {compared} comparisons differ:\n" + "\n".join(differences)
    stale = sorted(set(ON_PURPOSE) - used)
    assert not stale, f"listed as read differently on purpose, but read the same now: {stale}"
