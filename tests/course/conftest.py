"""Fixtures of the course's tests: a private copy of the course's sources, which a test may change (add, move or
remove a chapter, damage a generated file) without touching the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import REPO

#: What a copy of the course needs for ``python -m authoring build`` and ``check`` (no .git, no .venv, no build).
COPIED = (
    *("authoring", "notebooks", "exercises", "instructors", "docs", "handout", "benchmarks", "medlearn", "tests"),
    "locale",
)
COPIED_FILES = (
    *("README.md", "START_HERE.md", "README.zh-CN.md", "START_HERE.zh-CN.md", "CONTRIBUTING.md", "pyproject.toml"),
)


@pytest.fixture(scope="session")
def pristine_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the course's sources for the session; tests never change it (they get :func:`course_copy`)."""
    root = tmp_path_factory.mktemp("course")
    for folder in COPIED:
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in COPIED_FILES:
        shutil.copy(REPO / name, root / name)
    return root


@pytest.fixture
def course_copy(pristine_course: Path, tmp_path: Path) -> Path:
    """A copy of the course's sources of this test's own."""
    copy = tmp_path / "course"
    shutil.copytree(pristine_course, copy)
    return copy
