"""Issue 13, getting started: `make run` builds only what it runs and says so, shows the demo's
alerts on every run (a fresh demo state each time), and the project's docs stand alone."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from e2e_harness.daemon import REPO

DEMO_ALERT = "Meta signs $14 billion deal for 49% stake in Scale AI"


def _build_dir() -> Path:
    """The scratch path whose debug/ holds the binaries under test (FRENEMY_BIN_DIR's parent)."""
    bin_dir = Path(os.environ.get("FRENEMY_BIN_DIR") or REPO / ".build" / "debug")
    return bin_dir.parent


def test_make_run_builds_only_the_two_programs():
    out = subprocess.run(
        ["make", "-n", "run", f"BUILD_DIR={_build_dir()}"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    builds = [line for line in out.stdout.splitlines() if " build" in line and "swift" in line]
    assert builds, out.stdout
    assert all("--build-tests" not in line for line in builds), builds
    assert any("--product frenemyd" in line for line in builds) and any("--product frenemyctl" in line for line in builds), builds
    assert re.search(r"echo .*building frenemyd and frenemyctl", out.stdout), "make run must say what it builds"


def _make_run(run_dir: Path, timeout: float = 600.0) -> str:
    """`make run` until the demo's first alert shows (or timeout), then Ctrl-C; its output."""
    log = run_dir.parent / f"make-run-{time.monotonic_ns()}.log"
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            ["make", "run", f"BUILD_DIR={_build_dir()}", f"DEMO_RUN={run_dir}"],
            cwd=REPO, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and proc.poll() is None:
                if DEMO_ALERT in log.read_text(errors="replace"):
                    break
                time.sleep(0.3)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
    return log.read_text(errors="replace")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_shows_alerts_on_every_run(journald):
    base = Path(tempfile.mkdtemp(prefix="fe2e-", dir="/tmp"))  # short: the socket lives in it
    try:
        run_dir = base / "run"
        first = _make_run(run_dir)
        assert DEMO_ALERT in first, f"the first make run showed no demo alert:\n{first[-4000:]}"
        second = _make_run(run_dir)
        assert "fresh demo state" in second, second[-4000:]
        assert DEMO_ALERT in second, f"a second make run showed no demo alert:\n{second[-4000:]}"
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_docs_stand_alone():
    """Nothing the project ships points outside the repository (the design notes it grew from)."""
    offenders = []
    for path in [REPO / "README.md", *REPO.glob("docs/**/*"), *REPO.glob("Rules/**/*.yaml"), *REPO.glob("Sources/**/*.swift"),
                 *REPO.glob("Packaging/**/*"), *REPO.glob("systemd/*"), *REPO.glob("Tests/e2e/README.md")]:
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        for needle in ("../shared", "DESIGN.md", "/work/shared"):
            if needle in text:
                offenders.append(f"{path.relative_to(REPO)}: {needle}")
    assert not offenders, offenders
    # Every docs/ link in the README resolves.
    readme = (REPO / "README.md").read_text()
    for target in re.findall(r"`(docs/[\w./-]+)`", readme):
        assert (REPO / target).exists(), f"README names {target}, which does not exist"
