"""Every data file inside medlearn/ is declared as package data in pyproject.toml, so that it is in the wheel."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from helpers import REPO


def test_every_data_file_of_the_library_is_package_data() -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = declared.get("package-data", {})
    data = [
        path.relative_to(REPO)
        for path in (REPO / "medlearn").rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    missing = [str(path) for path in data if not _declared(path, patterns)]
    assert data and missing == []


def _declared(path, patterns: dict[str, list[str]]) -> bool:
    """Whether a package above the file (its own folder or one further up) declares a pattern for it, as
    setuptools reads them: relative to that package's folder ("medlearn.privacy" = ["data/iods.json.gz"])."""
    folders = path.parent.parts
    for depth in range(1, len(folders) + 1):
        package, inside = ".".join(folders[:depth]), path.relative_to(Path(*folders[:depth])).as_posix()
        if any(fnmatch(inside, pattern) for pattern in patterns.get(package, [])):
            return True
    return False
