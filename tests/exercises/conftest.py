"""What only the exercise checks' tests need: their parameters, drawn from the checks' own tables.

A test here that takes ``converted_task`` runs once for each task of the chapters whose checks are tables of mistakes
(``medlearn/check/<name>/``), and one that takes ``task`` and ``named_mistake`` once for each mistake of those tables.
"""

from __future__ import annotations

import pytest
from helpers import chapter_tasks, converted_chapters


def _name(value: object) -> str:
    return str(getattr(value, "name", value))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``converted_task``, or ``task`` with ``named_mistake``, from the converted chapters' tables."""
    tasks = [task for chapter in converted_chapters() for task in chapter_tasks(chapter)]
    if "named_mistake" in metafunc.fixturenames:
        pairs = [(task, mistake) for task in tasks for mistake in task.mistakes]
        metafunc.parametrize(("task", "named_mistake"), pairs, ids=[f"{t.name}-{m.name}" for t, m in pairs])
    elif "converted_task" in metafunc.fixturenames:
        metafunc.parametrize("converted_task", tasks, ids=_name)
