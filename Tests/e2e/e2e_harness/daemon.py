"""Running the real frenemyd and frenemyctl binaries, and writing their config files."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[3]


@dataclasses.dataclass(frozen=True)
class Bins:
    frenemyd: Path
    frenemyctl: Path

    @staticmethod
    def locate() -> "Bins":
        """Binaries from $FRENEMY_BIN_DIR, else <repo>/.build/debug; raises with a hint if missing."""
        bin_dir = Path(os.environ.get("FRENEMY_BIN_DIR") or REPO / ".build" / "debug")
        bins = Bins(bin_dir / "frenemyd", bin_dir / "frenemyctl")
        for b in (bins.frenemyd, bins.frenemyctl):
            if not (b.is_file() and os.access(b, os.X_OK)):
                raise FileNotFoundError(
                    f"{b} not found or not executable; run `swift build` or set FRENEMY_BIN_DIR"
                )
        return bins


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value))


def config_yaml(
    *,
    state_dir: str,
    control_socket: str,
    rules: list[str],
    sources: list[dict],
    notify: list[dict] | None = None,
    route: str | None = None,
) -> str:
    """The config file text with the keys of the contract, each value quoted. With receivers and no
    `route`, each report is its own notification (`per_item_route`)."""
    lines = [f"state_dir: {q(state_dir)}", f"control_socket: {q(control_socket)}", "rules:"]
    lines += [f"  - {q(r)}" for r in rules]
    lines.append("sources:")
    for s in sources:
        lines.append(f"  - name: {q(s['name'])}")
        if "url" in s:
            lines.append(f"    url: {q(s['url'])}")
        lines.append(f"    interval: {q(s.get('interval', '1h'))}")
        for key, value in s.items():  # any other source key (type, path, alert_after, ...)
            if key not in ("name", "url", "interval"):
                lines.append(f"    {key}: {q(value) if isinstance(value, str) else json.dumps(value)}")
    if notify:
        # The route first, so a test may append keys to the last receiver.
        lines.append((per_item_route([n["name"] for n in notify]) if route is None else route).rstrip("\n"))
        lines.append("notify:")
        for n in notify:
            lines.append(f"  - name: {q(n['name'])}")
            lines.append(f"    type: {q(n.get('type', 'webhook'))}")
            lines.append(f"    url: {q(n['url'])}")
            if n.get("secret") is not None:
                lines.append(f"    secret: {q(n['secret'])}")
    return "\n".join(lines) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Replace a file in one step, so a daemon reloading it never reads half of it."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _tail(text: str, lines: int = 200) -> str:
    parts = text.splitlines()
    return "\n".join(parts[-lines:])


class DaemonProcess:
    """frenemyd running in the background (foreground mode, as systemd runs it)."""

    def __init__(
        self,
        bins: Bins,
        config: Path,
        socket_path: Path,
        log_dir: Path,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
    ) -> None:
        self.bins = bins
        self.config = config
        self.socket = socket_path
        self.stderr_path = log_dir / f"frenemyd-{time.monotonic_ns()}.stderr"
        self.stdout_path = self.stderr_path.with_suffix(".stdout")
        self.proc = subprocess.Popen(
            [str(bins.frenemyd), "--config", str(config), *(args or [])],
            stdin=subprocess.DEVNULL,
            stdout=open(self.stdout_path, "wb"),
            stderr=open(self.stderr_path, "wb"),
            env={**os.environ, **(env or {})},
        )
        self.returncode: int | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """`frenemyctl <args> --socket S`: the option after the subcommand, where every parser takes it."""
        return run_ctl(self.bins, *args, "--socket", str(self.socket), check=check)

    def ctl_json(self, *args: str):
        out = self.ctl(*args, "--json")
        return json.loads(out.stdout)

    def status(self) -> dict:
        return self.ctl_json("status")

    def alerts(self, limit: int | None = None) -> list[dict]:
        args = ["alerts"] + (["--limit", str(limit)] if limit is not None else [])
        return self.ctl_json(*args)["alerts"]

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Until the control socket answers `status`; fails early if the daemon exits."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if not self.alive():
                raise AssertionError(
                    f"frenemyd exited with {self.proc.returncode} before its socket answered:\n{_tail(self.stderr())}"
                )
            if self.socket.exists():
                out = self.ctl("status", "--json", check=False)
                if out.returncode == 0:
                    return
                last = out.stderr
            time.sleep(0.1)
        raise AssertionError(f"frenemyd socket {self.socket} did not answer within {timeout}s: {last}\n{_tail(self.stderr())}")

    def wait_status(self, predicate: Callable[[dict], bool], timeout: float = 20.0) -> dict:
        """Poll `frenemyctl status --json` until predicate holds; returns the last status either way."""
        deadline = time.monotonic() + timeout
        st = self.status()
        while not predicate(st) and time.monotonic() < deadline:
            time.sleep(0.2)
            st = self.status()
        return st

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM and wait; a daemon that ignores it is killed and reported by the caller."""
        if self.returncode is not None:
            return self.returncode
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.returncode = -9
        return self.returncode


def run_ctl(bins: Bins, *args: str, check: bool = True, timeout: float = 30.0) -> subprocess.CompletedProcess:
    out = subprocess.run([str(bins.frenemyctl), *args], capture_output=True, text=True, timeout=timeout)
    print(f"$ frenemyctl {' '.join(args)}  -> {out.returncode}\n{out.stdout}{out.stderr}")
    if check and out.returncode != 0:
        raise AssertionError(f"frenemyctl {' '.join(args)} exited {out.returncode}:\n{out.stderr}{out.stdout}")
    return out


class Frenemy:
    """Per-test factory: writes configs, runs --once, starts and always stops daemons."""

    def __init__(self, bins: Bins, tmp_path: Path) -> None:
        self.bins = bins
        self.dir = tmp_path
        # Unix socket paths are limited to 108 bytes; pytest's tmp_path can be longer.
        self.short_dir = Path(tempfile.mkdtemp(prefix="fe2e-", dir="/tmp"))
        self.daemons: list[DaemonProcess] = []
        self.runs: list[tuple[list[str], subprocess.CompletedProcess]] = []

    @property
    def socket(self) -> Path:
        return self.short_dir / "run" / "control.sock"

    def config(
        self,
        sources: list[dict],
        rules: list[str],
        notify: list[dict] | None = None,
        name: str = "frenemy.yaml",
        state_dir: str = "state",
    ) -> Path:
        """Write a config next to the test's files; state_dir is relative (resolved by the daemon)."""
        path = self.dir / name
        path.write_text(
            config_yaml(
                state_dir=state_dir,
                control_socket=str(self.socket),
                rules=rules,
                sources=sources,
                notify=notify,
            ),
            encoding="utf-8",
        )
        return path

    def run(self, *args: str, timeout: float = 90.0, wrapper: list[str] | None = None) -> subprocess.CompletedProcess:
        """Run frenemyd to completion; the result carries `.pid` and `.started_usec` (CLOCK_REALTIME µs)
        so journal entries can be matched by _PID from that time on.

        `wrapper` is a command line that execs frenemyd (given as its next arguments)."""
        cmd = [*(wrapper or []), str(self.bins.frenemyd), *args]
        started_usec = time.time_ns() // 1000
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
            raise AssertionError(f"frenemyd {' '.join(args)} did not finish within {timeout}s:\n{_tail(stderr)}")
        out = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
        out.pid = proc.pid  # type: ignore[attr-defined]
        out.started_usec = started_usec  # type: ignore[attr-defined]
        self.runs.append((cmd, out))
        print(f"$ frenemyd {' '.join(args)}  -> {out.returncode}\n{_tail(out.stderr)}")
        return out

    def once(self, config: Path, expect_rc: int | None = 0) -> subprocess.CompletedProcess:
        """One poll cycle; by default asserts a clean exit, with stderr in the message."""
        out = self.run("--config", str(config), "--once")
        if expect_rc is not None:
            assert out.returncode == expect_rc, f"frenemyd --once exited {out.returncode}:\n{_tail(out.stderr)}"
        return out

    def check_config(self, config: Path) -> subprocess.CompletedProcess:
        return self.run("--config", str(config), "--check-config", timeout=30)

    def start(
        self, config: Path, wait: bool = True, env: dict[str, str] | None = None, args: list[str] | None = None
    ) -> DaemonProcess:
        d = DaemonProcess(self.bins, config, self.socket, self.dir, env=env, args=args)
        self.daemons.append(d)
        if wait:
            d.wait_ready()
        return d

    def ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return run_ctl(self.bins, *args, check=check)

    def logs(self) -> str:
        parts = []
        for cmd, out in self.runs:
            parts.append(f"$ {' '.join(cmd)} -> {out.returncode}\n{_tail(out.stderr)}")
        for d in self.daemons:
            parts.append(f"frenemyd pid {d.pid} (rc {d.proc.poll()}), stderr:\n{_tail(d.stderr())}")
        return "\n\n".join(parts)

    def close(self) -> list[str]:
        """Stop every daemon; returns complaints (a daemon that did not exit cleanly on SIGTERM)."""
        problems = []
        for d in self.daemons:
            if d.returncode is None:
                rc = d.stop()
                if rc != 0:
                    problems.append(f"frenemyd pid {d.pid} exited {rc} on SIGTERM:\n{_tail(d.stderr(), 40)}")
        shutil.rmtree(self.short_dir, ignore_errors=True)
        return problems


def unix_http(socket_path: Path, method: str, path: str, body: bytes | None = None, timeout: float = 10.0):
    """One HTTP/1.1 request on the control socket, like `curl --unix-socket`; returns (status, headers, body)."""
    import http.client
    import socket as so

    class Conn(http.client.HTTPConnection):
        def connect(self) -> None:
            self.sock = so.socket(so.AF_UNIX, so.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(str(socket_path))

    conn = Conn("localhost", timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def per_item_route(receivers: list[str]) -> str:
    """A `route:` sending every alert to every receiver, each report its own notification at once
    (`group_by: ['...']`). Tests of delivery mechanics (retries, restarts, kills) count one
    notification per item with it; without a route, reports of one story are digested per
    group_interval (tests/test_stories.py covers that default)."""
    lines = ["route:", f"  receiver: {q(receivers[0])}", "  group_by: ['...']", "  group_wait: 0s", "  routes:"]
    for name in receivers:
        lines += [f"    - receiver: {q(name)}", "      continue: true"]
    return "\n".join(lines) + "\n"
