"""A new chapter's first files: each file :mod:`authoring.contributing` requires, with its headings, to be written.

``python -m authoring chapters add`` calls :func:`write`. The notebook, the exercise's solution, the checks package,
the quiz and the instructor notes get the headings and markers that the build fills (times, the quiz section, the
Discuss answers) and nothing a learner could mistake for content; the learner's exercise is made from the solution.

Example:
    >>> from authoring.chapters import Chapter
    >>> notebook(Chapter("03", "ultrasound", "Ultrasound", "echoes as images", "B-mode")).cells[0].source
    '# 03 · Ultrasound\\n\\nechoes as images\\n\\n*Estimated time: *'
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from authoring.chapters import Chapter
from authoring.rules import TICKS

KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def _notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def notebook(chapter: Chapter) -> nbformat.NotebookNode:
    """The chapter's notebook: its title and summary, the course's fixed sections, nothing else."""
    titles = (f"## Setup\n\n{TICKS}", f"## 1 · {chapter.title}", "## Recap")
    headings = [nbformat.v4.new_markdown_cell(h) for h in titles]
    for heading in headings:
        heading.metadata["medlearn"] = {"section": "core"}  # the level each section declares (authoring.sections)
    return _notebook(
        [
            nbformat.v4.new_markdown_cell(
                f"# {chapter.number} · {chapter.title}\n\n{chapter.summary}\n\n*Estimated time: *"
            ),
            *headings,
        ]
    )


def solution(chapter: Chapter) -> nbformat.NotebookNode:
    """The exercise's solution notebook: its title and the chapter it goes with."""
    return _notebook(
        [
            nbformat.v4.new_markdown_cell(
                f"# Exercises {chapter.number} · {chapter.title} (solutions)\n\n*Estimated time: *\n\n"
                f"*These exercises go with [chapter {chapter.number}](../../{chapter.notebook}).*"
            )
        ]
    )


def checks(chapter: Chapter) -> str:
    """The exercise's checks package, with no task yet: each task will carry its table of typical mistakes, which
    ``tests/exercises/test_mistakes.py`` finds in every package of ``medlearn/check``."""
    return (
        f'"""Checks for the exercises of the chapter `{chapter.name}` ({chapter.title.lower()}).\n\n'
        f"In the exercise notebook::\n\n    from medlearn.check import {chapter.name} as check\n"
        '"""\n\nfrom __future__ import annotations\n\n__all__: list[str] = []\n'
    )


def notes(chapter: Chapter) -> str:
    """The instructor notes: the headings every chapter's notes have, and the markers the build fills."""
    return (
        f"# {chapter.title} — instructor notes\n\n## Objectives\n\n## Prerequisites\n\n## Timing\n\n"
        "<!-- timing:start -->\n<!-- timing:end -->\n\n## Where learners stumble\n\n"
        "## Discussion prompts and answers\n\n## Exercise notes\n"
    )


def write(chapter: Chapter, repo: Path) -> list[str]:
    """Write every first file of ``chapter`` into ``repo`` (none may exist yet); return their paths."""
    from authoring.build_exercises import learner_version

    files = {
        chapter.notebook: nbformat.writes(notebook(chapter)) + "\n",
        chapter.solution: nbformat.writes(solution(chapter)) + "\n",
        chapter.exercise: nbformat.writes(learner_version(solution(chapter), chapter.solution)) + "\n",
        f"medlearn/check/{chapter.name}/__init__.py": checks(chapter),
        f"medlearn/quizzes/{chapter.stem}.json": json.dumps({"chapter": chapter.stem, "questions": []}, indent=1)
        + "\n",
        f"instructors/{chapter.name}.md": notes(chapter),
    }
    existing = [name for name in files if (repo / name).exists()]
    if existing:
        raise ValueError(f"chapter's files must be new; these exist: {', '.join(existing)}")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    return list(files)
