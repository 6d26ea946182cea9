#!/usr/bin/env python3
"""Set up the course in ./.venv and open it, or run its tests. Needs only Python 3.10 to 3.13.

    python3 course.py lab     # set up, then open the course in JupyterLab
    python3 course.py test    # set up, then run the whole test suite (extra arguments go to pytest)

On Windows type ``py`` instead of ``python3``. The first run installs the
pinned packages (about a minute); later runs reuse ``.venv`` until
``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
STAMP = VENV / "medlearn-installed.txt"
SUPPORTED = ((3, 10), (3, 13))


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def run(*command: object) -> None:
    result = subprocess.run([str(c) for c in command], cwd=HERE)
    if result.returncode != 0:
        sys.exit(result.returncode)


def setup() -> Path:
    """Create .venv and install medlearn with its test tools, unless already done."""
    low, high = SUPPORTED
    if not low <= sys.version_info[:2] <= high:
        sys.exit(
            f"This course needs Python {low[0]}.{low[1]} to {high[0]}.{high[1]} (TensorFlow has no "
            f"wheels for others); this is Python {sys.version.split()[0]}.\n"
            "Run this script with a supported Python, for example: python3.12 course.py lab"
        )
    python = venv_python()
    if not python.exists():
        print(f"Creating {VENV} ...", flush=True)
        run(sys.executable, "-m", "venv", VENV)
    wanted = hashlib.sha256((HERE / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing the course's packages (about a minute the first time) ...", flush=True)
        run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(python, "-m", "pip", "install", "--quiet", "-e", ".[test]")
        STAMP.write_text(wanted + "\n")
    return python


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("lab", "test"):
        sys.exit(__doc__)
    python = setup()
    command, extra = argv[0], argv[1:]
    if command == "lab":
        options = ["--LabApp.default_url=/lab/tree/notebooks"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            options.append("--allow-root")
        run(python, "-m", "jupyter", "lab", *options, *extra)
    else:
        run(python, "-m", "pytest", *extra)


if __name__ == "__main__":
    main(sys.argv[1:])
