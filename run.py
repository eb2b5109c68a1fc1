#!/usr/bin/env python3
"""Bootstrap for a fresh clone: needs nothing but Python 3.11+.

    python3 run.py serve [huida serve options]   install into .venv, then start the server
    python3 run.py test  [pytest options]        install into .venv, then lint (ruff), type-check (mypy) and run
                                                 the whole test suite

Anything else is passed to the `huida` command inside the environment (python3 run.py ask ...).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


# Extras installed with Huida: "dev" (tests, lint, types); CI adds "embeddings" (HUIDA_EXTRAS=dev,embeddings) to
# exercise the optional dense matcher, which needs PyTorch.
EXTRAS = os.environ.get("HUIDA_EXTRAS", "dev")


def _fingerprint() -> str:
    digest = hashlib.sha256(EXTRAS.encode())
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_installed() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Huida needs Python 3.11 or newer")
    wanted = _fingerprint()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing Huida and its pinned dependencies into .venv ...", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[{EXTRAS}]"], check=True)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("serve", [])
    ensure_installed()
    if command == "test":
        lint = subprocess.run([str(BIN / "ruff"), "check", "src", "tests", "bench"], cwd=ROOT)
        if lint.returncode:
            return lint.returncode
        types = subprocess.run([str(BIN / "mypy")], cwd=ROOT)  # what it checks: [tool.mypy] in pyproject.toml
        if types.returncode:
            return types.returncode
        # One test process per core (pytest-xdist) unless the caller chose (-n 0 runs them in this process).
        parallel = [] if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in rest) else ["-n", "auto"]
        return subprocess.run([str(BIN / "python"), "-m", "pytest", *parallel, *rest], cwd=ROOT).returncode
    return subprocess.run([str(BIN / "huida"), command, *rest], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
