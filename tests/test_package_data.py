"""Every data file inside medlearn/ is declared as package data in pyproject.toml, so that it is in the wheel."""

from __future__ import annotations

from fnmatch import fnmatch

import tomllib
from helpers import REPO


def test_every_data_file_of_the_library_is_package_data() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = declared.get("package-data", {})
    data = [
        path.relative_to(REPO)
        for path in (REPO / "medlearn").rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    missing = [
        str(path)
        for path in data
        if not any(fnmatch(path.name, p) for p in patterns.get(".".join(path.parent.parts), []))
    ]
    assert data and missing == []
