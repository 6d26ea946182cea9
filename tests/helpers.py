"""What several test files share (import it as ``from helpers import REPO``; pytest puts tests/ on the path).

Fixtures live in ``conftest.py``; plain values and functions live here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

#: The repository's root folder.
REPO = Path(__file__).resolve().parents[1]


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

    Each ``tests/test_check_<chapter>.py`` assigns it to a ``test_...`` name, so that the rule is written once:
    a check that accepts a typical mistake is useless.
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
