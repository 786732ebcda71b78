"""Issue 8: `type: email` delivers through a real SMTP server on loopback (aiosmtpd), over
STARTTLS with AUTH, and what arrives is a proper message: decoded subject, multipart/alternative
with text and HTML, and an update threaded under its group's first message. A server that
offers no STARTTLS gets nothing (the delivery stays queued, the reason in words), and a login
the server refuses is a permanent failure.
"""

from __future__ import annotations

import email.utils
import json
import os
from pathlib import Path

import pytest

from e2e_harness import feeds as F
from e2e_harness import rules
from e2e_harness.checks import deal_item, decoy_items, wait_until
from e2e_harness.daemon import q

smtp = pytest.importorskip("e2e_harness.smtp", reason="aiosmtpd is not installed (make deps installs it)")

RETRY_TIMEOUT = float(os.environ.get("FRENEMY_E2E_RETRY_TIMEOUT", "60"))
USER, PASSWORD = "frenemy", "correct-horse-battery-staple"


@pytest.fixture
def mail_server(tmp_path):
    server = smtp.SMTPServer(tmp_path / "smtp", tls=True, auth={USER: PASSWORD}).start()
    yield server
    server.stop()


def email_entry(server, tmp_path: Path, **extra) -> dict:
    """A `type: email` receiver for `server`, its password in a file, the test CA as ca_file."""
    password_file = tmp_path / "smtp-password"
    password_file.write_text(PASSWORD + "\n")
    entry = {
        "name": "mail", "type": "email", "smtp": server.url, "username": USER,
        "password_file": str(password_file), "from": "frenemy alerts <alerts@example.test>",
        "to": ["risk@example.test", "Jürgen Groß <jg@example.test>"], "cc": ["legal@example.test"],
    }
    if server.ca_file:
        entry["ca_file"] = str(server.ca_file)
    entry.update(extra)
    return entry


def write_config(frenemy, feeds, tmp_path: Path, uid: str, entry: dict, items: list[F.Item], route: str = ""):
    """The harness's config (one source, the tests' rules) plus our own notify: (and route:) text."""
    rules.write(tmp_path / "rules", "watchlist.yaml", rules.VENDOR_DEAL)
    url = feeds.set("/wire.xml", F.rss(items + decoy_items(uid)))
    config = frenemy.config(sources=[{"name": f"wire-{uid}", "url": url, "interval": "1h"}], rules=["rules"])
    lines = ["notify:", f"  - name: {q(entry['name'])}"]
    for key, value in entry.items():
        if key != "name":
            lines.append(f"    {key}: {json.dumps(value) if isinstance(value, list) else q(value)}")
    with config.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n" + route)
    return config, url


def test_alert_is_mailed_over_starttls_with_auth(frenemy, feeds, mail_server, journal, uid, tmp_path):
    hit = deal_item(uid)
    config, _ = write_config(frenemy, feeds, tmp_path, uid, email_entry(mail_server, tmp_path), [hit])
    frenemy.once(config)
    got = mail_server.wait_for(1, timeout=RETRY_TIMEOUT)
    assert len(got) == 1, f"no message arrived; frenemyd said:\n{frenemy.runs[-1][1].stderr[-3000:]}"
    received = got[0]
    assert received.tls, "the message must travel after STARTTLS"
    assert received.user == USER and mail_server.auth_attempts == [(USER, True)]
    assert received.mail_from == "alerts@example.test"
    assert received.rcpt_tos == ["risk@example.test", "jg@example.test", "legal@example.test"]

    msg = received.message()
    subject = str(msg["Subject"])
    assert "[high] Our vendor signs with our competitor (e2e)" in subject, subject
    assert "Acme Data" in subject and "Globex Corporation" in subject, subject
    assert email.utils.parseaddr(str(msg["From"])) == ("frenemy alerts", "alerts@example.test")
    assert [a for _, a in email.utils.getaddresses([str(msg["To"])])] == ["risk@example.test", "jg@example.test"]
    assert "Jürgen Groß" in str(msg["To"]), "a non-ASCII display name decodes back"
    assert str(msg["Cc"]) == "legal@example.test"
    assert msg["Bcc"] is None
    assert email.utils.parsedate_to_datetime(str(msg["Date"])).tzinfo is not None
    assert str(msg["Message-ID"]).endswith("@frenemy.example.test>"), msg["Message-ID"]
    assert msg["In-Reply-To"] is None, "a group's first message starts a thread"

    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    text, html = parts[0].get_content(), parts[1].get_content()
    for body in (text, html):
        assert hit.title in body
        assert "news.example.test" in body
        assert f"wire-{uid}" in body
    assert f'<a href="{hit.link}">' in html
    raw_lines = received.data.split(b"\r\n")
    assert all(len(line) <= 998 for line in raw_lines)


def test_update_is_threaded_under_the_groups_first_message(frenemy, feeds, mail_server, journal, uid, tmp_path):
    first = deal_item(uid)
    route = "route:\n  receiver: mail\n  group_by: [vendor]\n  group_wait: 0s\n  group_interval: 0s\n"
    entry = email_entry(mail_server, tmp_path)
    config, _ = write_config(frenemy, feeds, tmp_path, uid, entry, [first], route=route)
    daemon = frenemy.start(config)
    assert len(mail_server.wait_for(1, timeout=RETRY_TIMEOUT)) == 1, daemon.stderr[-3000:]

    second = deal_item(uid, slug="deal-2", title="Acme Data signs a second data deal with Globex")
    feeds.set("/wire.xml", F.rss([second, first] + decoy_items(uid)))
    daemon.ctl("poll", f"wire-{uid}")
    got = mail_server.wait_for(2, timeout=RETRY_TIMEOUT)
    assert len(got) == 2, f"the update did not arrive:\n{daemon.stderr[-3000:]}"
    root, update = got[0].message(), got[1].message()
    assert str(update["In-Reply-To"]) == str(root["Message-ID"])
    assert str(update["References"]) == str(root["Message-ID"])
    assert str(update["Message-ID"]) != str(root["Message-ID"])
    assert str(update["Subject"]).startswith("Update: "), update["Subject"]
    assert second.title in update.get_body(("plain",)).get_content()
    assert first.title not in update.get_body(("plain",)).get_content(), "an update reports only what is new"


def test_required_starttls_not_offered_is_not_delivered(frenemy, feeds, journal, uid, tmp_path):
    plain = smtp.SMTPServer(tmp_path / "plain", tls=False).start()
    try:
        entry = email_entry(plain, tmp_path)
        for key in ("username", "password_file"):
            entry.pop(key)
        config, _ = write_config(frenemy, feeds, tmp_path, uid, entry, [deal_item(uid)])
        daemon = frenemy.start(config)

        def failed():
            st = daemon.ctl_json("receivers")["receivers"][0]
            return st if st.get("consecutive_failures", 0) >= 1 else None

        assert wait_until(failed, 30), daemon.ctl_json("receivers")
        st = failed()
        assert "does not offer STARTTLS" in (st.get("last_error") or ""), f"the reason in words: {st}"
        assert st["queued"] == 1, f"the notification stays queued for a retry: {st}"
        assert st["target"] == plain.url, "the target is smtp://host:port"
        assert plain.snapshot() == [], "nothing may be sent without the STARTTLS the receiver requires"
    finally:
        plain.stop()


def test_notify_test_sends_a_sample_and_a_refused_login_is_permanent(frenemy, feeds, mail_server, uid, tmp_path):
    config, _ = write_config(frenemy, feeds, tmp_path, uid, email_entry(mail_server, tmp_path), [])
    daemon = frenemy.start(config)
    res = daemon.ctl("notify", "test", "mail")
    assert res.stdout.startswith("mail: delivered: 250"), res.stdout
    got = mail_server.wait_for(1, timeout=RETRY_TIMEOUT)
    assert len(got) == 1 and got[0].message().get_content_type() == "multipart/alternative"
    table = daemon.ctl("receivers").stdout
    assert "email" in table and mail_server.url in table, table
    assert PASSWORD not in table + json.dumps(daemon.ctl_json("receivers"))
    daemon.stop()

    bad = email_entry(mail_server, tmp_path)
    (tmp_path / "smtp-password").write_text("not-the-password\n")  # the same file, now wrong
    config, _ = write_config(frenemy, feeds, tmp_path, uid, bad, [])
    daemon = frenemy.start(config)
    res = daemon.ctl("notify", "test", "mail", check=False)
    assert res.returncode == 1, res.stdout + res.stderr
    assert res.stdout.startswith("mail: permanent: ") and "535" in res.stdout, res.stdout
    assert "not-the-password" not in res.stdout + res.stderr
    assert len(mail_server.snapshot()) == 1


def test_bad_address_is_a_located_config_error(frenemy, feeds, mail_server, uid, tmp_path):
    entry = email_entry(mail_server, tmp_path, to=["risk@example.test", "x"])
    config, _ = write_config(frenemy, feeds, tmp_path, uid, entry, [deal_item(uid)])
    out = frenemy.check_config(config)
    assert out.returncode != 0
    assert "notify[0].to[1]: 'x' is not an e-mail address" in out.stderr, out.stderr
    assert PASSWORD not in out.stderr + out.stdout
