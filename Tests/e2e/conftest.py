"""Fixtures for frenemy's end-to-end tests: real binaries, a real journald, loopback servers.

Binaries come from $FRENEMY_BIN_DIR (default <repo>/.build/debug). See README.md.
"""

from __future__ import annotations

import os
import uuid

import pytest

from e2e_harness.daemon import REPO, Bins, Frenemy
from e2e_harness.journal import Journal, Journald
from e2e_harness.servers import FeedServer, WebhookReceiver


@pytest.fixture(scope="session")
def bins() -> Bins:
    try:
        return Bins.locate()
    except FileNotFoundError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def journald():
    """A listening systemd-journald: the running one, or one started for this session."""
    j = Journald()
    try:
        j.ensure()
    except RuntimeError as e:
        pytest.fail(f"cannot get a journald: {e}", pytrace=False)
    yield j
    if os.environ.get("FRENEMY_E2E_KEEP_JOURNALD"):
        j.proc = None  # forget it: stop() then only releases the lock
    j.stop()


@pytest.fixture
def journal(journald) -> Journal:
    return Journal()


@pytest.fixture
def feeds():
    server = FeedServer()
    yield server
    server.stop()


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.stop()


@pytest.fixture
def uid() -> str:
    """A token unique to this test, for source names the journal can be filtered by."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def frenemy(bins, journald, tmp_path, request):
    f = Frenemy(bins, tmp_path)
    request.node._frenemy = f
    yield f
    problems = f.close()
    if problems and not getattr(request.node, "_frenemy_failed", False):
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach every frenemyd/frenemyctl log of a failed test to its report."""
    outcome = yield
    report = outcome.get_result()
    f = getattr(item, "_frenemy", None)
    if f is not None and report.failed:
        item._frenemy_failed = True
        report.sections.append(("frenemy logs", f.logs()))
