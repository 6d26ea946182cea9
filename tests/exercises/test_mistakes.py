"""Every named mistake of the converted chapters' tables, fed back as a learner's answer, earns its own hint.

The tables live with the checks (``medlearn/check/<name>/``): a mistake is written once, as the function a learner
would write, and this file turns each into a test. A check that accepts a typical mistake, or answers it with
another mistake's hint, fails here.
"""

from __future__ import annotations

import pytest

from conftest import chapter_tasks, converted_chapters, named_mistakes
from medlearn.check.core import Mistake, Task

MISTAKES = named_mistakes()
TASKS = [task for chapter in converted_chapters() for task in chapter_tasks(chapter)]


def _id(value: object) -> str:
    return value.name if isinstance(value, (Task, Mistake)) else ""


def test_the_converted_chapters_are_found() -> None:
    names = [chapter.__name__.rsplit(".", 1)[1] for chapter in converted_chapters()]
    assert {"medical_images", "convolution"} <= set(names)
    assert all(chapter_tasks(chapter) for chapter in converted_chapters()), names


@pytest.mark.parametrize(("task", "mistake"), MISTAKES, ids=_id)
def test_a_named_mistake_earns_its_hint(task: Task, mistake: Mistake) -> None:
    result = task.run(mistake.answer)
    assert result.status == "fail", f"{task.name} accepted the mistake {mistake.name!r}: {result.message}"
    assert result.mistake == mistake.name, f"{task.name}: {mistake.name!r} got another message: {result.message}"
    if isinstance(mistake.hint, str):
        assert result.message == mistake.hint


@pytest.mark.parametrize("task", TASKS, ids=_id)
def test_mistake_names_are_unique_within_a_task(task: Task) -> None:
    names = [mistake.name for mistake in task.mistakes]
    assert len(names) == len(set(names)), names


@pytest.mark.parametrize("task", [t for t in TASKS if t._reference is not None], ids=_id)
def test_the_reference_answer_passes(task: Task) -> None:
    # The reference is private to the task (a learner's tab completion must not offer it); the tests may read it.
    assert task.run(task._reference).passed, task.run(task._reference).message


@pytest.mark.parametrize("task", TASKS, ids=_id)
def test_the_placeholder_is_todo_and_nonsense_fails(task: Task) -> None:
    def placeholder(*_: object) -> object:
        raise NotImplementedError

    assert task.run(placeholder).status == "todo" and task.run(None).status == "todo"
    assert task.run(lambda *_: "nonsense").status == "fail"
