"""What several test files share (import it as ``from helpers import REPO``: ``pyproject.toml`` puts ``tests/`` on
pytest's path).

Fixtures live in ``conftest.py``; plain values and functions live here.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

#: The repository's root folder.
from authoring._paths import REPO  # noqa: F401 (re-exported: `from helpers import REPO`)

#: The chapters whose checks are tables of mistakes, and their tasks: the check's own (authoring.mistakes).
from authoring.mistakes import chapter_tasks, converted_chapters  # noqa: F401 (re-exported)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (the system picks it)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scored_labels(n: int = 300, seed: int = 0, prevalence: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """Labels 0/1 and a score that separates them moderately (a logistic of the label plus noise)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    return y, 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(0, 1, n))))


def one_code_cell(path: Path, start: str) -> str:
    """The source of a notebook's one code cell that contains ``start`` (a test fails unless exactly one does)."""
    found = [source for source in code_cells(path) if start in source]
    assert len(found) == 1, f"{len(found)} code cells of {path.name} contain {start!r}"
    return found[0]


def code_cells(path: Path) -> list[str]:
    """The sources of a notebook's code cells, in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def typical_mistakes_test(mistakes: list[tuple]) -> object:
    """A pytest test over ``(exercise-check task, wrong answer, words of its hint)``: each must fail with that hint.

    A ``tests/exercises/test_check_<chapter>.py`` assigns it to a ``test_...`` name for the mistakes its chapter's
    tables do not hold (a training replay, say), so that the rule is written once: a check that accepts a typical
    mistake is useless. The tables' mistakes are tested from the tables (``tests/exercises/test_mistakes.py``).
    """
    import pytest

    @pytest.mark.parametrize(
        ("task", "answer", "hint"), mistakes, ids=[f"{t.name}-{i}" for i, (t, _, _) in enumerate(mistakes)]
    )
    def test(task: object, answer: object, hint: str) -> None:
        result = task.run(answer)
        assert result.status == "fail", f"{task.name} accepted a typical mistake"
        assert hint in result.message, result.message

    return test


def right_answers_test(right: dict) -> object:
    """A pytest test over ``{exercise-check task: a right answer}``: each right answer must pass (no false alarm)."""
    import pytest

    @pytest.mark.parametrize("task", list(right), ids=lambda t: t.name)
    def test(task: object) -> None:
        assert task.run(right[task]).passed

    return test


def placeholders_test(right: dict) -> object:
    """A pytest test over the tasks of ``{exercise-check task: a right answer}``: the untouched placeholder and
    ``None`` are "todo", and nonsense fails without crashing the check."""

    def test() -> None:
        def placeholder(*_):
            raise NotImplementedError

        for task in right:
            assert task.run(placeholder).status == "todo" and task.run(None).status == "todo"
            assert task.run(lambda *_: "nonsense").status == "fail"

    return test


def rewrite_archive(content: bytes, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> bytes:
    """A zip archive with the members of ``content`` after ``change`` (which may alter, drop or add members)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in change(members).items():
            archive.writestr(name, data)
    return out.getvalue()


def altered_member(members: dict[str, bytes], name: str = "Image_07R_2ndHO.png") -> dict[str, bytes]:
    """The members with one byte of ``name`` changed near its end (the image still decodes as a PNG)."""
    data = bytearray(members[name])
    data[-20] ^= 0xFF
    return members | {name: bytes(data)}


def save_medmnist_like(path: Path, images: dict[str, np.ndarray], labels: dict[str, np.ndarray]) -> Path:
    """Write a file in the official format: six arrays, ``{split}_images`` and ``{split}_labels``."""
    arrays = {f"{s}_images": images[s] for s in images} | {f"{s}_labels": labels[s] for s in labels}
    np.savez_compressed(path, **arrays)
    return path
