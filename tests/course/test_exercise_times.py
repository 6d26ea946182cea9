"""Each exercise's estimated time (authoring.exercise_times): written by the build, from one stated model that
reproduces the one measured time."""

from __future__ import annotations

import nbformat
from helpers import REPO

from authoring import exercise_times
from authoring.chapters import by_name

MEASURED_MINUTES = 130  # a resident's time on the how_networks_learn exercise, cold (see the module's docstring)


def _pair(name: str) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    chapter = by_name(name)
    solution = nbformat.read(REPO / "exercises" / "solutions" / f"{chapter.stem}.ipynb", as_version=4)
    return solution, nbformat.read(REPO / chapter.exercise, as_version=4)


def test_every_exercise_states_the_models_time() -> None:
    assert exercise_times.run(REPO, check=True) == [], "run: python -m authoring.exercise_times"


def test_the_model_gives_the_measured_time_within_a_tenth() -> None:
    minutes = exercise_times.minutes(*_pair("how_networks_learn"))
    assert abs(minutes - MEASURED_MINUTES) <= MEASURED_MINUTES / 10, minutes


def test_more_lines_of_answer_and_more_tasks_take_longer() -> None:
    solution, learner = _pair("medical_images")
    before = exercise_times.minutes(solution, learner)
    solution.cells.append(nbformat.v4.new_markdown_cell("## Task 9 · One more (hard)"))
    solution.cells.append(nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\ny = 2\n### END SOLUTION"))
    expected = before + exercise_times.TASK_MINUTES + 2 * exercise_times.LINE_MINUTES
    assert exercise_times.minutes(solution, learner) == expected
