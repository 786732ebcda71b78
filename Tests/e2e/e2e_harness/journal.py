"""A real systemd-journald for the tests, and reading entries back with journalctl.

frenemyd writes alerts with sd_journal_sendv to /run/systemd/journal/socket. On a machine
or container without systemd nothing listens there, so the session fixture starts
/lib/systemd/systemd-journald itself (we run as root) and stops it at the end.

Reading back is made deterministic with a barrier: after the daemon has written (it has
exited, or the test has seen its effect elsewhere), the test sends its own entry to the
same datagram socket and waits for it to show up in journalctl. The socket is FIFO, so
once the barrier is visible, every entry sent before it is visible too.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import time
import uuid

JOURNAL_SOCKET = "/run/systemd/journal/socket"
JOURNALD = "/lib/systemd/systemd-journald"
ALERT_MESSAGE_ID = "954d426f9ca9441cbb872e8e38124d00"
TROUBLE_MESSAGE_ID = "958ebfcd1d054f968a5d7eb2fa774dd1"
GAVE_UP_MESSAGE_ID = "314aec8fdbd442a3930f77c815f451b1"


def socket_alive(path: str = JOURNAL_SOCKET) -> bool:
    """True when something receives datagrams on the journal socket (a stale file refuses)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


LOCK_PATH = "/run/frenemy-e2e-journald.lock"


class Journald:
    """Ensures a journald is listening; stops the one it started unless another session uses it.

    Every test session holds a shared lock on LOCK_PATH while it runs; the session that started
    journald stops it only if it can then take the lock exclusively (nobody else is reading)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self._lock = open(LOCK_PATH, "a+")
        fcntl.flock(self._lock, fcntl.LOCK_SH)

    def ensure(self, timeout: float = 15.0) -> None:
        if socket_alive():
            return
        if not os.path.exists(JOURNALD):
            raise RuntimeError(f"no journald listens on {JOURNAL_SOCKET} and {JOURNALD} is not installed")
        if shutil.which("journalctl") is None:
            raise RuntimeError("journalctl is not installed")
        self.proc = subprocess.Popen(
            [JOURNALD],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise RuntimeError(f"systemd-journald exited with {self.proc.returncode}: {err}")
            if socket_alive():
                # The socket answers before journald has opened its files; a round trip proves both.
                Journal().barrier(timeout=timeout)
                return
            time.sleep(0.05)
        raise RuntimeError(f"systemd-journald did not open {JOURNAL_SOCKET} within {timeout}s")

    def stop(self) -> None:
        try:
            if self.proc is None:
                return
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # another test session still reads this journal: leave it running
            self._terminate()
        finally:
            self._lock.close()

    def _terminate(self) -> None:
        assert self.proc is not None
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def _decode(value):
    """journalctl -o json gives binary or non-UTF-8 values as byte arrays, repeated fields as lists."""
    if isinstance(value, list):
        if all(isinstance(v, int) for v in value):
            return bytes(value).decode("utf-8", errors="replace")
        return [_decode(v) for v in value]
    return value


class Journal:
    """Query helper around `journalctl -o json`."""

    def send(self, **fields: str) -> None:
        """Write one entry with the native protocol (what sd_journal_sendv does)."""
        lines = []
        for k, v in fields.items():
            data = str(v).encode("utf-8")
            if b"\n" in data:
                lines.append(k.encode() + b"\n" + len(data).to_bytes(8, "little") + data + b"\n")
            else:
                lines.append(k.encode() + b"=" + data + b"\n")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            s.sendto(b"".join(lines), JOURNAL_SOCKET)
        finally:
            s.close()

    def entries(self, *matches: str, **fields: str) -> list[dict]:
        """Entries matching all KEY=VALUE pairs (positional strings are passed through as-is)."""
        args = ["journalctl", "-o", "json", "--no-pager", "--all", "-q"]
        args += list(matches)
        args += [f"{k}={v}" for k, v in fields.items()]
        out = subprocess.run(args, capture_output=True, timeout=30)
        if out.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(args)} failed ({out.returncode}): {out.stderr.decode(errors='replace')}")
        result = []
        for line in out.stdout.decode("utf-8", errors="replace").splitlines():
            line = line.strip()
            if line:
                entry = json.loads(line)
                result.append({k: _decode(v) for k, v in entry.items()})
        return result

    def wait(self, count: int = 1, timeout: float = 15.0, **fields: str) -> list[dict]:
        """Poll until at least `count` entries match; returns whatever matched (the caller asserts)."""
        deadline = time.monotonic() + timeout
        found = self.entries(**fields)
        while len(found) < count and time.monotonic() < deadline:
            time.sleep(0.2)
            found = self.entries(**fields)
        return found

    def barrier(self, timeout: float = 15.0) -> None:
        """Return once every entry sent to the journal socket before this call is readable."""
        token = uuid.uuid4().hex
        self.send(MESSAGE=f"frenemy e2e barrier {token}", SYSLOG_IDENTIFIER="frenemy-e2e", FRENEMY_E2E_BARRIER=token)
        if not self.wait(1, timeout=timeout, FRENEMY_E2E_BARRIER=token):
            raise RuntimeError(f"journal barrier {token} not readable after {timeout}s")

    def settled(self, **fields: str) -> list[dict]:
        """All matching entries, after a barrier: use for 'exactly once' / 'none' assertions."""
        self.barrier()
        return self.entries(**fields)

    def alerts(self, since_usec: int | None = None, **fields: str) -> list[dict]:
        """Alert entries; `since_usec` (CLOCK_REALTIME µs) drops older ones, for matches by _PID,
        which a long-lived journal may hold for an earlier process with the same PID."""
        found = self.settled(MESSAGE_ID=ALERT_MESSAGE_ID, **fields)
        if since_usec is not None:
            found = [e for e in found if int(e.get("__REALTIME_TIMESTAMP", "0")) >= since_usec]
        return found

    def wait_alerts(self, count: int = 1, timeout: float = 15.0, **fields: str) -> list[dict]:
        return self.wait(count, timeout=timeout, MESSAGE_ID=ALERT_MESSAGE_ID, **fields)

    def trouble(self, **fields: str) -> list[dict]:
        return self.settled(MESSAGE_ID=TROUBLE_MESSAGE_ID, **fields)

    def wait_trouble(self, count: int = 1, timeout: float = 15.0, **fields: str) -> list[dict]:
        return self.wait(count, timeout=timeout, MESSAGE_ID=TROUBLE_MESSAGE_ID, **fields)
