"""Each exercise's estimated time: the chapters' reading model, plus the time to write the answers and check them.

    python -m authoring.exercise_times            # write the line in every solution and its learner's copy
    python -m authoring.exercise_times --check    # only report what is out of date

The model. A learner's time on an exercise is

- the time to read the learner's copy, by the reading model of :mod:`authoring.sections` (its words, visible code
  lines, figures, formulas and printed output, with the same rates as the chapters);
- plus :data:`LINE_MINUTES` for each line of answer: the non-blank, non-comment lines between the solution's
  ``### BEGIN SOLUTION`` and ``### END SOLUTION`` markers (working it out, typing it, mending it);
- plus :data:`TASK_MINUTES` for each task (a ``## Task`` heading): running its check, reading the message, often a
  hint, and running it again.

Calibration. One measured time exists: a resident who reads English as a second language, knows Python and no
machine learning, did the how_networks_learn exercise (10 tasks, 26 lines of answer) in about 130 minutes (a cold
read of 2026-11-27). Its reading takes 40 min by the chapters' model, which leaves about 90 min for 26 lines and 10
tasks. One point cannot separate the two rates; 2 min a line and 4 min a task give 132 min. (An earlier reader put
an older version of the same exercise, with 8 tasks, at 80-100 min.) Readers differ about twofold, as for the
chapters: the line states the slower reader's time.

Example:
    >>> exercise_line(132)
    "*Estimated time: about 132 min at a newcomer's pace: reading, writing each answer and running its check.*"
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from authoring import sections, translations
from authoring._paths import REPO
from authoring.build_exercises import BEGIN, END, refresh_text

LINE_MINUTES = 2
TASK_MINUTES = 4
TASK = re.compile(r"^#+ *Task\b", re.MULTILINE)
#: The line of estimated time in a solution's first cell, whatever it says now.
PLACEHOLDER = re.compile(r"^\*Estimated time:[^*\n]*\*$", re.MULTILINE)


def exercise_line(minutes: int) -> str:
    """The first cell's line of estimated time (the template the Chinese edition translates)."""
    return translations.GENERATED["exercise-estimate"] % {"minutes": minutes}


def answer_lines(solution: nbformat.NotebookNode) -> int:
    """The lines of answer a learner writes: non-blank, non-comment lines between the solution markers.

    Example:
        >>> code = "def f(x):\\n    ### BEGIN SOLUTION\\n    # double it\\n    return 2 * x\\n    ### END SOLUTION\\n"
        >>> answer_lines(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]))
        1
    """
    count = 0
    for cell in solution.cells:
        if cell.cell_type != "code":
            continue
        inside = False
        for line in cell.source.splitlines():
            text = line.strip()
            if text in (BEGIN, END):
                inside = text == BEGIN
            elif inside and text and not text.startswith("#"):
                count += 1
    return count


def tasks(solution: nbformat.NotebookNode) -> int:
    """The tasks of an exercise: its markdown headings that begin with "Task".

    Example:
        >>> tasks(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Task 1 · Dice (easy)")]))
        1
    """
    return sum(len(TASK.findall(cell.source)) for cell in solution.cells if cell.cell_type == "markdown")


def minutes(solution: nbformat.NotebookNode, learner: nbformat.NotebookNode) -> int:
    """An exercise's estimated minutes (see the model above), from the solution and the learner's stored copy."""
    cells = [dict(cell) for cell in learner.cells]
    if cells:  # the line of estimated time itself is not counted: so one run of the build gives a stable number
        cells[0] = {**cells[0], "source": PLACEHOLDER.sub("", cells[0]["source"], count=1)}
    reading = sections.counts(cells).minutes
    return round(reading + LINE_MINUTES * answer_lines(solution) + TASK_MINUTES * tasks(solution))


def run(repo: Path = REPO, check: bool = False) -> list[str]:
    """Write (or with ``check`` only compare) every solution's line and its learner's copy; return what differs."""
    stale = []
    for path in sorted((repo / "exercises" / "solutions").glob("[0-9]*.ipynb")):
        solution = nbformat.read(path, as_version=4)
        learner_path = repo / "exercises" / path.name
        first = solution.cells[0]
        if not PLACEHOLDER.search(first.source):
            raise ValueError(f"{path.relative_to(repo)}: the first cell needs a line '*Estimated time: ...*'")
        line = exercise_line(minutes(solution, nbformat.read(learner_path, as_version=4)))
        new = PLACEHOLDER.sub(lambda _, line=line: line, first.source, count=1)
        if new != first.source:
            stale.append(path.relative_to(repo).as_posix())
            if not check:
                first.source = new
                nbformat.write(solution, path)
        if not check and refresh_text(path, repo):
            stale.append(learner_path.relative_to(repo).as_posix())
    return stale


def main(argv: list[str] | None = None) -> int:
    return sections.stale_main(run, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
