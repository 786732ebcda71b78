#!/usr/bin/env python3
"""Polling benchmark (issue 4): one `frenemyd --once` cycle over 2,000 feeds on a loopback
server, beside `newsboat -x reload` on the same URLs, in the same run.

    python3 Benchmarks/bench_poll.py [--feeds 2000] [--changed 5] [--rounds 3] [--no-build]

Installs Debian's `time` and `newsboat` if missing, builds frenemyd as the .deb ships it
(`Packaging/build-deb.sh --build frenemyd`: release, static Swift runtime, scratch path
.build-static), starts Benchmarks/feedserver.py on 127.0.0.1, and gives each client its own
state: frenemyd a config with one source per feed (the repo's Rules/ and example watchlist), its
own state dir and socket; newsboat a urls file, its own cache file and config. Both are warmed
twice (the first cycle gets every feed with an ETag and Last-Modified; newsboat needs a second). Then each round gives --changed
percent of the feeds new content and times one cycle of each client under `/usr/bin/time -v`:
wall time, CPU (user+sys) and peak RSS. The medians over the rounds and their ratios are printed.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GNU_TIME = "/usr/bin/time"

sys.path.insert(0, HERE)
from benchlib import build_shipped, shipped_binary  # noqa: E402


def ensure_debian_packages():
    need = [pkg for pkg, path in (("time", GNU_TIME), ("newsboat", "/usr/bin/newsboat")) if not os.path.exists(path)]
    if not need:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("installing Debian packages: " + " ".join(need), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *need], check=True, env=env)


def control(port, path, method="GET"):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def timed(cmd, log, env=None):
    """Runs cmd under GNU time; returns wall s, cpu s (user+sys), peak RSS MiB, exit status."""
    report = log + ".time"
    with open(log, "ab") as out:
        proc = subprocess.run([GNU_TIME, "-v", "-o", report] + cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    text = open(report).read()

    def field(name):
        m = re.search(re.escape(name) + r": (.+)", text)
        if not m:
            raise SystemExit("no '%s' in GNU time output:\n%s" % (name, text))
        return m.group(1).strip()

    parts = [float(p) for p in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)")) / 1024
    return {"wall": wall, "cpu": cpu, "rss": rss, "status": proc.returncode}


def answers(port):
    stats = control(port, "/_control/stats")
    control(port, "/_control/reset", "POST")
    return ", ".join("%s %s" % (agent, " ".join("%s×%d" % kv for kv in sorted(codes.items())))
                     for agent, codes in sorted(stats.items())) or "no requests"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--feeds", type=int, default=2000)
    ap.add_argument("--changed", type=int, default=5, help="percent of feeds with new content per measured cycle")
    ap.add_argument("--rounds", type=int, default=3, help="measured cycles per client (medians are reported)")
    ap.add_argument("--ports", type=int, default=1, help="spread the feeds over this many server ports (hosts)")
    ap.add_argument("--newsboat-threads", type=int, default=0,
                    help="newsboat reload-threads (default: newsboat's own default, 1)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, state)")
    ap.add_argument("--no-build", action="store_true", help="use the existing .build-static frenemyd")
    args = ap.parse_args()

    ensure_debian_packages()
    frenemyd = shipped_binary("frenemyd") if args.no_build else build_shipped("frenemyd")
    work = tempfile.mkdtemp(prefix="frenemy-poll-")
    server = None
    try:
        port_file = os.path.join(work, "ports")
        server = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "feedserver.py"), "--feeds", str(args.feeds), "--ports",
             str(args.ports), "--port-file", port_file, "--lifetime", "3000"],
            stdout=open(os.path.join(work, "server.log"), "wb"), stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while not os.path.exists(port_file):
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("feed server did not start; see " + os.path.join(work, "server.log"))
            time.sleep(0.05)
        ports = [int(p) for p in open(port_file).read().split()]
        urls = ["http://127.0.0.1:%d/feed/%d" % (ports[n % len(ports)], n) for n in range(args.feeds)]

        # frenemyd: its own config, state dir and control socket.
        fdir = os.path.join(work, "frenemy")
        os.makedirs(fdir)
        config = os.path.join(fdir, "frenemy.yaml")
        with open(config, "w") as f:
            f.write('state_dir: "%s/state"\ncontrol_socket: "%s/control.sock"\n' % (fdir, fdir))
            f.write('rules:\n  - "%s/Rules"\n  - "%s/Rules/examples/watchlist.yaml"\nsources:\n' % (ROOT, ROOT))
            for n, url in enumerate(urls):
                f.write('  - name: feed-%04d\n    url: "%s"\n    interval: 1h\n' % (n, url))
        fcmd = [frenemyd, "--config", config, "--once"]

        # newsboat: its own urls file, cache, config and HOME (so nothing of the user's is touched).
        ndir = os.path.join(work, "newsboat")
        os.makedirs(ndir)
        with open(os.path.join(ndir, "urls"), "w") as f:
            f.write("\n".join(urls) + "\n")
        with open(os.path.join(ndir, "config"), "w") as f:
            if args.newsboat_threads:
                f.write("reload-threads %d\n" % args.newsboat_threads)
        ncmd = ["newsboat", "-x", "reload", "-u", os.path.join(ndir, "urls"), "-c", os.path.join(ndir, "cache.db"),
                "-C", os.path.join(ndir, "config")]
        nenv = dict(os.environ, HOME=ndir, XDG_CONFIG_HOME=ndir, XDG_DATA_HOME=ndir)
        nenv.pop("http_proxy", None)
        nenv.pop("HTTP_PROXY", None)

        flog, nlog = os.path.join(work, "frenemyd.log"), os.path.join(work, "newsboat.log")
        print("frenemyd %s; %s" % (
            subprocess.run([frenemyd, "--version"], capture_output=True, text=True).stdout.strip(),
            subprocess.run(["newsboat", "--version"], capture_output=True, text=True, env=nenv).stdout.split("\n")[0]))
        print("%d feeds on 127.0.0.1 (%d port(s)); newsboat reload-threads %s" % (
            args.feeds, len(ports), args.newsboat_threads or "1 (its default)"))
        print("command: " + " ".join(fcmd))
        print("command: " + " ".join(ncmd))

        # Two warm-up cycles each: newsboat 2.21 stores a new feed's ETag only on its second
        # reload (newsboat issue 2734), so only its third request is conditional.
        control(ports[0], "/_control/reset", "POST")
        for w in (1, 2):
            for name, cmd, log, env in (("frenemyd", fcmd, flog, None), ("newsboat", ncmd, nlog, nenv)):
                m = timed(cmd, log, env)
                print("warm-up %d %-9s %6.2f s wall %6.2f s cpu %7.1f MiB, exit %d; server answered: %s" % (
                    w, name, m["wall"], m["cpu"], m["rss"], m["status"], answers(ports[0])), flush=True)

        runs = {"frenemyd --once": [], "newsboat -x reload": []}
        for r in range(1, args.rounds + 1):
            changed = control(ports[0], "/_control/advance?percent=%d" % args.changed, "POST")["changed"]
            for name, cmd, log, env in (("frenemyd --once", fcmd, flog, None),
                                        ("newsboat -x reload", ncmd, nlog, nenv)):
                m = timed(cmd, log, env)
                runs[name].append(m)
                print("round %d (%d feeds changed) %-19s %6.2f s wall %6.2f s cpu %7.1f MiB peak RSS, exit %d; "
                      "server answered: %s" % (r, changed, name, m["wall"], m["cpu"], m["rss"], m["status"],
                                               answers(ports[0])), flush=True)

        print()
        print("%-20s %10s %10s %14s   (medians of %d measured cycles)" % (
            "client", "wall s", "cpu s", "peak RSS MiB", args.rounds))
        med = {}
        for name, ms in runs.items():
            med[name] = {k: statistics.median(m[k] for m in ms) for k in ("wall", "cpu", "rss")}
            print("%-20s %10.2f %10.2f %14.1f" % (name, med[name]["wall"], med[name]["cpu"], med[name]["rss"]))
        f, n = med["frenemyd --once"], med["newsboat -x reload"]
        print()
        print("ratio newsboat / frenemyd: wall %.2fx, cpu %.2fx, peak RSS %.2fx" % (
            n["wall"] / f["wall"], n["cpu"] / max(f["cpu"], 1e-3), n["rss"] / f["rss"]))
        ok = n["wall"] / f["wall"] >= 3 and f["rss"] < n["rss"]
        print("target (cycle at least 3x faster than newsboat's, with less memory): %s" % ("met" if ok else "NOT met"))
        if any(m["status"] for ms in runs.values() for m in ms):
            print("note: a client exited non-zero; logs in " + work)
            args.keep = True
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if args.keep:
            print("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
