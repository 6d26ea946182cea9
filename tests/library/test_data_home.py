"""The data folder is one module's, ``medlearn.data._home``, shared by every loader, under the names it always had."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import REPO

import medlearn.data
from medlearn.data import _home, medmnist

NAMES = ["DATA_ENV", "FileReport", "data_dir", "default_data_dir"]


@pytest.mark.parametrize("name", NAMES)
def test_the_home_is_one_object_under_its_public_names(name: str) -> None:
    assert getattr(medlearn.data, name) is getattr(_home, name) is getattr(medmnist, name)
    assert name in medlearn.data.__all__ and name in medmnist.__all__


def test_no_loader_takes_the_home_from_another_loader() -> None:
    """Each module of medlearn.data that uses the home imports it from ``._home``, not from ``.medmnist``."""
    wrong = []
    for path in sorted((REPO / "medlearn" / "data").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module != "_home":
                wrong += [f"{path.name}: {a.name} from .{node.module}" for a in node.names if a.name in NAMES]
    assert wrong == []


def test_data_dir_follows_the_argument_then_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_home.DATA_ENV, str(tmp_path / "env"))
    assert _home.data_dir(tmp_path / "arg") == tmp_path / "arg" and _home.data_dir() == tmp_path / "env"
    monkeypatch.setenv(_home.DATA_ENV, "")
    assert _home.data_dir() == _home.default_data_dir()


@pytest.mark.parametrize("root", [42, b"/tmp/data", ["/tmp/data"]])
def test_data_dir_refuses_what_is_no_folder_path(root: object) -> None:
    with pytest.raises(ValueError, match=r"^root must be a folder path or None, not "):
        _home.data_dir(root)  # type: ignore[arg-type]
