"""What the benchmark scripts share: building a Swift product in release mode."""

import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build(product):
    """Builds `product` with `swift build -c release` into .build-release; returns the binary's path."""
    cmd = ["nice", "-n", "10", "swift", "build", "-c", "release", "--scratch-path", ".build-release",
           "--product", product]
    print("$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)
    out = subprocess.run(cmd[3:] + ["--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
    return os.path.join(out.stdout.strip(), product)


def build_shipped(product):
    """Builds `product` exactly as the .deb ships it (Packaging/build-deb.sh --build: static Swift
    runtime, lld, packed relocations, into .build-static); returns the binary's path. The polling
    benchmark measures memory, and how a binary is linked changes its resident pages."""
    cmd = ["nice", "-n", "10", os.path.join(ROOT, "Packaging", "build-deb.sh"), "--build", product]
    print("$ " + " ".join(cmd), flush=True)
    out = subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


def shipped_binary(product):
    """Where build_shipped puts `product` (for --no-build)."""
    return os.path.join(ROOT, ".build-static", "release", product)
