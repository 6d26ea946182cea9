"""Every named mistake of the converted chapters' tables, fed back as a learner's answer, earns its own hint.

The tables live with the checks (``medlearn/check/<name>/``): a mistake is written once, as the function a learner
would write, and this file turns each into a test (the parameters come from ``conftest.py``). A check that accepts
a typical mistake, or answers it with another mistake's hint, fails here.
"""

from __future__ import annotations

from helpers import chapter_tasks, converted_chapters

from authoring.mistakes import mistake_problem
from medlearn.check.core import Mistake, Task


def test_the_converted_chapters_are_found() -> None:
    names = [chapter.__name__.rsplit(".", 1)[1] for chapter in converted_chapters()]
    assert {
        "medical_images",
        "convolution",
        "preprocessing_and_features",
        "svm_margins",
        "random_forests",
        "how_networks_learn",
        "cnn_training",
        "evaluation",
    } <= set(names)
    assert all(chapter_tasks(chapter) for chapter in converted_chapters()), names


def test_a_named_mistake_earns_its_hint(task: Task, named_mistake: Mistake) -> None:
    assert mistake_problem(task, named_mistake) is None  # the verdict of python -m authoring check's step


def test_mistake_names_are_unique_within_a_task(converted_task: Task) -> None:
    names = [mistake.name for mistake in converted_task.mistakes]
    assert len(names) == len(set(names)), names


def test_the_reference_answer_passes(converted_task: Task) -> None:
    # The reference is private to the task (a learner's tab completion must not offer it); the tests may read it.
    if converted_task._reference is not None:
        result = converted_task.run(converted_task._reference)
        assert result.passed, result.message


def test_the_placeholder_is_todo_and_nonsense_fails(converted_task: Task) -> None:
    def placeholder(*_: object) -> object:
        raise NotImplementedError

    assert converted_task.run(placeholder).status == "todo" and converted_task.run(None).status == "todo"
    assert converted_task.run(lambda *_: "nonsense").status == "fail"
