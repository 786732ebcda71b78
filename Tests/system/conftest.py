"""The Debian package, built (`make deb`), checked as a file (test_deb.py) and driven by an operator
under a booted systemd in a container (test_booted.py). Run by `make service-test`, as root.

FRENEMY_DEB            the package under test (default: the newest frenemy_*.deb in the repo root)
FRENEMY_PREVIOUS_DEB   the build the upgrade test starts from (make service-test builds one)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))  # e2e_harness: loopback feed server, receiver, rules


def _deb(variable: str, pattern: str) -> Path | None:
    if os.environ.get(variable):
        return Path(os.environ[variable]).resolve()
    found = sorted(REPO.glob(pattern), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


@pytest.fixture(scope="session")
def deb() -> Path:
    path = _deb("FRENEMY_DEB", "frenemy_*_*.deb")
    if path is None or not path.is_file():
        pytest.fail("no package: run `make deb` (or set FRENEMY_DEB)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def previous_deb(deb) -> Path:
    value = os.environ.get("FRENEMY_PREVIOUS_DEB")
    if not value:
        pytest.fail("set FRENEMY_PREVIOUS_DEB to the build to upgrade from (make service-test does)", pytrace=False)
    return Path(value).resolve()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
