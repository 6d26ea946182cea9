"""ruff, configured in pyproject.toml, finds nothing to fix in the library, tests, tools and notebooks' code cells."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers import REPO

CHECKED = ["medlearn", "tests", "authoring", "benchmarks", "course.py", "notebooks", "exercises"]


def _ruff(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_ruff_lint_is_clean() -> None:
    result = _ruff("check", "--no-cache", *CHECKED)
    assert result.returncode == 0, f"run: ruff check --fix\n{result.stdout}{result.stderr}"


def test_ruff_format_is_clean() -> None:
    result = _ruff("format", "--no-cache", "--check", *CHECKED)
    assert result.returncode == 0, f"run: ruff format\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize(
    ("name", "source", "rule"),
    [
        ("long.py", "x = '" + "a" * 130 + "'\n", "E501"),
        ("unused.py", "import os\n", "F401"),
        ("loop.py", "fs = []\nfor i in range(3):\n    fs.append(lambda: i)\n", "B023"),
        ("utc.py", "import datetime\n\nnow = datetime.datetime.now(datetime.timezone.utc)\n", "UP017"),  # py311+
    ],
)
def test_ruff_catches_what_it_is_configured_for(tmp_path: Path, name: str, source: str, rule: str) -> None:
    """The configuration is read and applied: a file with a known problem fails."""
    (tmp_path / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text())
    (tmp_path / name).write_text(source)
    result = _ruff("check", "--no-cache", name, cwd=tmp_path)
    assert result.returncode == 1 and rule in result.stdout, result.stdout


def test_ruff_targets_the_oldest_python_the_course_supports() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    oldest = re.search(r">=\s*3\.(\d+)", project["project"]["requires-python"])
    assert oldest and project["tool"]["ruff"]["target-version"] == f"py3{oldest[1]}"


def test_lines_up_to_120_characters_pass(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text())
    (tmp_path / "ok.py").write_text("x = '" + "a" * 114 + "'\n")  # 120 characters
    assert _ruff("check", "--no-cache", "ok.py", cwd=tmp_path).returncode == 0
