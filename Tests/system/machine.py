"""A booted systemd in a container on this machine, for driving the Debian package as an operator.

The container's root is this machine's own root, bind-mounted and booted with
`systemd-nspawn --volatile=overlay --boot`: every write inside lands in a tmpfs overlay and is
gone when the container stops, so nothing here changes the host. The packages under test are
bind-mounted read-only at /srv/frenemy-debs. Commands run inside through `nsenter` into the
container's namespaces (no systemd-machined is needed on the host), each with a timeout.
The container shares the host's network, so loopback servers started by the tests on the host
are reachable from the daemon inside.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

DEBS_INSIDE = "/srv/frenemy-debs"
ENV = ["env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
       "DEBIAN_FRONTEND=noninteractive", "SYSTEMD_PAGER=", "SYSTEMD_COLORS=0", "TERM=dumb"]


class MachineError(RuntimeError):
    pass


class Machine:
    def __init__(self, debs_dir: Path, name: str | None = None) -> None:
        self.name = name or f"frenemy-test-{os.getpid()}"
        self.debs_dir = debs_dir
        self.work = Path(tempfile.mkdtemp(prefix="frenemy-nspawn-"))
        self.root = self.work / "root"
        self.log_path = self.work / "console.log"
        self.proc: subprocess.Popen | None = None
        self.leader: int | None = None
        self.mounted = False

    # -- lifecycle -------------------------------------------------------------------------------

    def boot(self, timeout: float = 120) -> None:
        self.root.mkdir()
        subprocess.run(["mount", "--bind", "/", str(self.root)], check=True, timeout=30)
        self.mounted = True
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            ["systemd-nspawn", "--quiet", "-D", str(self.root), "--volatile=overlay", "--boot",
             "--register=no", "--keep-unit", "--machine", self.name, "--console=passive",
             f"--bind-ro={self.debs_dir}:{DEBS_INSIDE}"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while self.leader is None:
            if self.proc.poll() is not None:
                raise MachineError(f"systemd-nspawn exited with {self.proc.returncode}:\n{self.console()}")
            if time.monotonic() > deadline:
                raise MachineError(f"the container did not start within {timeout}s:\n{self.console()}")
            self.leader = self._find_leader()
            time.sleep(0.2)
        # Until systemd has set the container up, nsenter may find no shell or no bus, and
        # `is-system-running --wait` started that early can hang: poll instead.
        state, why = "", ""
        while state not in ("running", "degraded"):
            if time.monotonic() > deadline:
                raise MachineError(f"the container's systemd is {state!r} after {timeout}s: {why}\n{self.console()}")
            try:
                done = self.run("systemctl is-system-running", check=False, timeout=10)
                state, why = done.stdout.strip(), done.stderr.strip()
            except MachineError as e:
                why = str(e)
            if state in ("maintenance", "stopping"):
                raise MachineError(f"the container's systemd is {state!r}:\n{self.console()}")
            time.sleep(0.5)

    def _find_leader(self) -> int | None:
        """The container's PID 1 (systemd), a child of systemd-nspawn's own child."""
        assert self.proc is not None
        for pid in _descendants(self.proc.pid):
            try:
                if Path(f"/proc/{pid}/comm").read_text().strip() == "systemd":
                    return pid
            except OSError:
                continue
        return None

    def shutdown(self, timeout: float = 60) -> None:
        """Powers the container off (killing it if it does not stop) and unmounts its root."""
        try:
            if self.proc is not None and self.proc.poll() is None:
                if self.leader is not None:
                    subprocess.run(["nsenter", "-t", str(self.leader), "-a", *ENV, "systemctl", "poweroff"],
                                   capture_output=True, timeout=30, check=False)
                try:
                    self.proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, 9)
                    self.proc.wait(timeout=30)
        finally:
            if self.mounted:
                run = subprocess.run(["umount", str(self.root)], capture_output=True, timeout=30, check=False)
                if run.returncode != 0:
                    subprocess.run(["umount", "--lazy", str(self.root)], capture_output=True, timeout=30, check=False)
                self.mounted = False
            shutil.rmtree(self.work, ignore_errors=True)

    def console(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    # -- inside ----------------------------------------------------------------------------------

    def run(self, command: str, *, check: bool = True, timeout: float = 60, user: str | None = None,
            input: str | None = None) -> subprocess.CompletedProcess:
        """`sh -c COMMAND` inside the container (as USER with runuser); output as text."""
        assert self.leader is not None, "the container is not booted"
        argv = ["nsenter", "-t", str(self.leader), "-a", *ENV]
        argv += ["runuser", "-u", user, "--", "sh", "-c", command] if user else ["sh", "-c", command]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, input=input)
        except subprocess.TimeoutExpired as e:
            raise MachineError(f"timed out after {timeout}s inside the container: {command}") from e
        if check and done.returncode != 0:
            raise MachineError(
                f"inside the container, exit {done.returncode}: {command}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}")
        return done

    def write(self, path: str, text: str, mode: str = "0644", owner: str = "root:root") -> None:
        self.run(f"install -D -m {mode} -o {owner.split(':')[0]} -g {owner.split(':')[1]} /dev/stdin '{path}'",
                 input=text)

    def wait_until(self, command: str, *, timeout: float = 60, interval: float = 0.5) -> str:
        """Runs COMMAND until it succeeds; returns its stdout."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            last = self.run(command, check=False, timeout=max(5.0, deadline - time.monotonic()))
            if last.returncode == 0:
                return last.stdout
            if time.monotonic() > deadline:
                raise MachineError(f"still failing after {timeout}s: {command}\n{last.stdout}{last.stderr}")
            time.sleep(interval)


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in children:
                out.append(int(child))
                todo.append(int(child))
    return out
