"""Adding, moving and removing a chapter (``python -m authoring chapters add|move|remove``) on a copy of the course:
only the chapter's own files, the chapter list and generated files change (renamed files only in their rendered
chapter numbers), the check passes, and undoing the change gives the course back byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import authoring.__main__ as authoring_main
from authoring import chapters, renumber


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _numbers_masked(text: str) -> str:
    """The text with every rendered chapter number and numbered file name masked: what no renumbering changes."""
    every = {f"{n:02d}": "NN" for n in range(100)}
    names = {c.name: f"NN_{c.name}" for c in chapters.read()} | {"ultrasound": "NN_ultrasound"}
    return renumber.render_stems(renumber.render_numbers(text, every), names)


def _run(repo: Path, *args: str) -> str:
    """``python -m authoring ARGS`` on a copy of the course (its own authoring package and paths)."""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    done = subprocess.run([sys.executable, "-m", "authoring", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


#: Files and blocks the build writes (their content may change with the chapter list).
GENERATED = {
    "README.md",
    "START_HERE.md",
    "README.zh-CN.md",
    "START_HERE.zh-CN.md",
    "handout/README.md",
    "handout/README.zh-CN.md",
    "instructors/README.md",
    "docs/reference.md",
    "benchmarks/README.md",
}


def _changed_only_as_allowed(before: dict[str, bytes], after: dict[str, bytes], own: set[str]) -> list[str]:
    """The files whose change is not allowed: anything but the chapter's own files, the chapter list, generated
    files, and files (renamed or not) whose only change is a rendered chapter number."""
    masked_before = {_numbers_masked(k): v for k, v in before.items()}
    wrong = []
    for name, content in after.items():
        if name in own or name in GENERATED or name == "authoring/chapters.json":
            continue
        old = masked_before.get(_numbers_masked(name))
        if old is None:
            wrong.append(f"{name}: new")
        elif old != content and _numbers_masked(old.decode()) != _numbers_masked(content.decode()):
            wrong.append(f"{name}: changed beyond its chapter numbers")
    return wrong


def test_a_chapter_added_then_removed_changes_only_its_files_the_list_and_generated_files(
    course_copy: Path,
) -> None:
    repo = course_copy
    before = _snapshot(repo)
    added = _run(
        repo,
        "chapters",
        "add",
        "ultrasound",
        "--at",
        "3",
        "--title",
        "Ultrasound",
        "--summary",
        "echoes as images",
        "--topics",
        "B-mode, speckle",
    ).split()
    _run(repo, "build")
    assert _run(repo, "check").strip() == "everything generated is current and every rule holds"
    after = _snapshot(repo)
    own = {name for name in added if "ultrasound" in name}
    assert own >= {
        "notebooks/03_ultrasound.ipynb",
        "exercises/solutions/03_ultrasound.ipynb",
        "instructors/ultrasound.md",
    }
    assert "notebooks/04_svm_margins.ipynb" in after and "notebooks/03_svm_margins.ipynb" not in after
    assert "[chapter 04](../notebooks/04_svm_margins.ipynb)" in after["exercises/04_svm_margins.ipynb"].decode()
    assert _changed_only_as_allowed(before, after, own) == []
    _run(repo, "chapters", "remove", "ultrasound")
    _run(repo, "build")
    assert _snapshot(repo) == before  # byte for byte: the course as it was


def test_a_chapter_moved_and_back_renames_only_and_its_check_sees_a_term_used_before_taught(
    course_copy: Path,
) -> None:
    repo = course_copy
    before = _snapshot(repo)
    _run(repo, "chapters", "move", "svm_margins", "--to", "5")
    _run(repo, "build")
    after = _snapshot(repo)
    assert _changed_only_as_allowed(before, after, set()) == []
    found = authoring_main._rules_check(repo)
    assert any("is taught in 05_svm_margins.ipynb" in problem for problem in found)  # the glossary's order rule
    _run(repo, "chapters", "move", "svm_margins", "--to", "3")
    _run(repo, "build")
    assert _snapshot(repo) == before


def test_a_bad_chapter_change_is_refused_by_name(course_copy: Path) -> None:
    repo = course_copy
    with pytest.raises(ValueError, match="name must be a chapter"):
        renumber.move("no_such_chapter", 2, repo)
    last = len(chapters.read(repo / "authoring" / "chapters.json")) - 1  # the places run from 0 to the last chapter
    with pytest.raises(ValueError, match=f"place must be a place from 0 to {last}"):
        renumber.move("svm_margins", 40, repo)
    with pytest.raises(ValueError, match="name must be new"):
        renumber.add("registration", 2, "T", "S", "T", repo)
    with pytest.raises(ValueError, match="still linked from"):
        renumber.remove("how_networks_learn", repo)
