"""authoring/colab.py: the Open in Colab badge and the setup cell that runs only on Colab."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
from helpers import REPO

from authoring import colab

COMMIT = "0123456789abcdef0123456789abcdef01234567"
CHAPTER = REPO / "notebooks" / "00_medical_images.ipynb"


def test_the_colab_url_opens_the_notebook_from_github() -> None:
    url = colab.colab_url("notebooks/09_volumes.ipynb", "https://github.com/org/course", "main")
    assert url == "https://colab.research.google.com/github/org/course/blob/main/notebooks/09_volumes.ipynb"
    assert colab.badge(url) == f"[Open in Colab]({url})"  # no image from Google's server: the site loads nothing


@pytest.mark.parametrize("repository", ["https://gitlab.com/org/course", "https://github.com/org", "course"])
def test_a_repository_colab_cannot_open_is_refused(repository: str) -> None:
    with pytest.raises(ValueError, match="repository must be"):
        colab.colab_url("notebooks/x.ipynb", repository)


@pytest.mark.parametrize("commit", ["main", "0123456", COMMIT.upper(), COMMIT + "0"])
def test_the_cell_installs_a_full_commit_only(commit: str) -> None:
    with pytest.raises(ValueError, match="commit must be 40 hexadecimal digits"):
        colab.setup_cell_source(commit, [])


def test_the_chapter_data_are_the_files_its_code_loads() -> None:
    cells = [
        {"cell_type": "markdown", "source": 'load_medmnist("retinamnist", "train")'},  # text, not code
        {
            "cell_type": "code",
            "source": 'for name in ("breastmnist", "pneumoniamnist"):\n    load_medmnist(name, "test")',
        },
        {"cell_type": "code", "source": 'load_medmnist("adrenalmnist3d", "val", size=64)\n%matplotlib inline'},
        {"cell_type": "code", "source": "x = load_chasedb1()  # chestmnist, in a comment, is not loaded"},
    ]
    assert colab.chapter_data(cells) == [
        ("breastmnist", None),
        ("pneumoniamnist", None),
        ("adrenalmnist3d", 64),
        ("chasedb1", None),
    ]
    source = colab.setup_cell_source(COMMIT, colab.chapter_data(cells))
    assert '"data", "fetch", "adrenalmnist3d", "--size", "64")' in source
    assert '"data", "fetch", "breastmnist" "pneumoniamnist"' not in source  # each name its own argument
    assert '"data", "fetch", "breastmnist", "pneumoniamnist", "chasedb1")' in source


def _ruff(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    (tmp_path / "cell.py").write_text(source + "\n")
    (tmp_path / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text())
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["check", "cell.py"], ["format", "--check", "cell.py"]):
        result = subprocess.run([*ruff, *command], cwd=tmp_path, capture_output=True, text=True)
        if result.returncode:
            return result
    return result


def test_the_cell_keeps_the_notebooks_style(tmp_path: Path) -> None:
    result = _ruff(tmp_path, colab.setup_cell_source(COMMIT, [("breastmnist", None), ("bccd", None)]))
    assert result.returncode == 0, result.stdout + result.stderr


def test_outside_colab_the_cell_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail(f"ran {a}"))
    exec(colab.setup_cell_source(COMMIT, [("breastmnist", None)]), {})


def test_on_colab_it_keeps_the_versions_in_range_and_adds_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The install's constraints: what is installed and in medlearn's range, nothing else."""
    commands = []
    constraints = []

    def run(command: tuple[str, ...], check: bool) -> None:
        commands.append(list(command[3:]))
        if "-c" in command:
            constraints.append(Path(command[command.index("-c") + 1]).read_text().split("\n"))

    numpy = importlib.metadata.version("numpy")
    requires = [
        "numpy>=1",  # installed, in range: kept
        "pytest<1",  # installed, out of range: left to pip
        "no-such-package-here>=1",  # not installed: pip adds it
        'ruff>=0; extra == "test"',  # an extra's: not medlearn's own
    ]
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.setattr(importlib.metadata, "requires", lambda name: requires if name == "medlearn" else None)
    exec(colab.setup_cell_source(COMMIT, [("breastmnist", None)], "https://github.com/org/course"), {})
    source = f"medlearn @ git+https://github.com/org/course@{COMMIT}"
    assert commands[0] == ["install", "--quiet", "--no-deps", source]
    assert commands[1][:3] == ["install", "--quiet", "-c"] and commands[1][-1] == source
    assert constraints == [[f"numpy=={numpy}"]]
    assert commands[2] == ["data", "fetch", "breastmnist"]


def test_after_a_restart_it_installs_nothing_and_fetches_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """medlearn already installed from this commit (the cell ran, then the session restarted): no pip at all."""
    commands = []

    class Installed:
        def read_text(self, name: str) -> str:
            return f'{{"url": "https://github.com/org/course", "vcs_info": {{"commit_id": "{COMMIT}"}}}}'

    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", lambda command, check: commands.append(list(command[3:])))
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Installed())
    exec(colab.setup_cell_source(COMMIT, [("breastmnist", None)], "https://github.com/org/course"), {})
    assert commands == [["data", "fetch", "breastmnist"]]


def test_applying_twice_gives_one_badge_and_one_cell_in_setup() -> None:
    notebook = colab.remove(nbformat.read(CHAPTER, as_version=4))
    count = len(notebook.cells)
    once = colab.apply(notebook, "notebooks/00_medical_images.ipynb", COMMIT)
    twice = colab.apply(nbformat.from_dict(once), "notebooks/00_medical_images.ipynb", COMMIT)
    assert len(twice.cells) == count + 1
    assert twice.cells[0].source.count(colab.COLAB) == 1
    assert twice.cells[0].source.startswith("# 00 · ") and "Estimated time" in twice.cells[0].source
    setup = next(i for i, c in enumerate(twice.cells) if c.source.startswith("## Setup"))
    assert twice.cells[setup + 1].source.startswith(colab.MARKER)
    assert twice.cells[setup + 1].outputs == [] and "colab-setup" in twice.cells[setup + 1].metadata.tags
    assert twice.cells[setup + 1].metadata.jupyter.source_hidden  # collapsed: not in the learner's reading path
    code = [c.execution_count for c in twice.cells if c.cell_type == "code"]
    assert code == list(range(1, len(code) + 1))  # a stored run: the new cell runs in its place
    nbformat.validate(twice)


def test_check_finds_a_missing_badge_and_a_commit_with_another_library(tmp_path: Path) -> None:
    bare = tmp_path / "bare.ipynb"
    nbformat.write(colab.remove(nbformat.read(CHAPTER, as_version=4)), bare)
    assert colab.check(bare) == [
        f"{bare}: no Open in Colab badge in the title cell",
        f"{bare}: 0 Colab setup cells, not 1",
    ]
    first = subprocess.run(
        ["git", "rev-list", "--max-parents=0", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()[0]
    path = tmp_path / CHAPTER.name
    bare_chapter = colab.remove(nbformat.read(CHAPTER, as_version=4))
    nbformat.write(colab.apply(bare_chapter, "notebooks/00_medical_images.ipynb", first), path)
    assert colab.check(path) == [f"{path}: the setup cell installs {first[:12]}, whose library differs from this one"]


def test_every_chapter_and_exercise_opens_on_colab_with_the_current_library() -> None:
    """After a change to medlearn, commit it and run the command in authoring/colab.py's docstring."""
    notebooks = colab.course_notebooks()
    assert len(notebooks) >= 3 * 19
    assert [problem for path in notebooks for problem in colab.check(path)] == []
