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
