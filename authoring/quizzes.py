"""Each chapter ends with its quiz: ``## Quiz``, the questions with folded answers, and a cell to answer them.

The questions live in ``medlearn/quizzes/<chapter>.json`` (read by :mod:`medlearn.quiz`). This tool writes
them into the chapter as its last section: a heading cell, a markdown cell with the questions between
``<!-- quiz:start -->`` and ``<!-- quiz:end -->`` (answers folded behind a toggle, so that the site and the
handout, where no kernel runs, have the quiz too), a code cell that shows the quiz as buttons, and one that
prints the score. Run
``python -m authoring.quizzes`` after editing a quiz, then store the chapter again (the new code cell must run);
``--check`` only reports chapters whose quiz section is missing or out of date (``tests/course/test_quizzes.py``).

Example:
    >>> quiz_cells(chapter_list.by_name("medical_images").stem)[0].source.splitlines()[0]
    '## Quiz'
"""

from __future__ import annotations

import argparse
import operator
import sys
from collections import Counter
from pathlib import Path

import nbformat

from authoring import chapters as chapter_list
from authoring._paths import REPO
from medlearn.quiz import LETTERS, Question, load_quiz

HEADING = "## Quiz"
START, END = "<!-- quiz:start -->", "<!-- quiz:end -->"
INTRO = (
    "Test yourself on the ideas of this chapter. Answer each question before you open its answer. You can also "
    "answer with the buttons in the cell below. They check each answer and give a hint aimed at the usual "
    "mistake. They also name the section to read again, and they keep your score."
)


def has_quiz(stem: str, repo: Path = REPO) -> bool:
    """Whether ``medlearn/quizzes/<stem>.json`` exists."""
    return (repo / "medlearn" / "quizzes" / f"{stem}.json").is_file()


def quiz_cells(stem: str, folder: Path | None = None) -> list[nbformat.NotebookNode]:
    """The four cells of a chapter's quiz section: heading, questions, the buttons, and the score (the quiz read
    from ``folder``, by default the installed medlearn's)."""
    quiz = load_quiz(stem, folder)
    heading = nbformat.v4.new_markdown_cell(f"{HEADING}\n\n{INTRO}")
    heading.metadata["medlearn"] = {"section": "core"}
    questions = nbformat.v4.new_markdown_cell(f"{START}\n\n{quiz.markdown()}\n\n{END}")
    code = nbformat.v4.new_code_cell(
        f'from medlearn.quiz import load_quiz\n\nquiz = load_quiz("{stem}")\n'
        'quiz.show()  # or, without buttons: quiz.check(1, "b"), then quiz.score()'
    )
    code.metadata["tags"] = ["nbval-ignore-output"]  # the buttons' widget, nothing to compare
    score = nbformat.v4.new_code_cell("quiz.score()  # run this cell again for your score at any time")
    return [heading, questions, code, score]


def _section_start(notebook: nbformat.NotebookNode) -> int | None:
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown" and cell.source.split("\n", 1)[0] == HEADING:
            return index
    return None


def _same_id(new: nbformat.NotebookNode, old: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``new`` under ``old``'s cell id: a rewritten cell keeps its id (a rebuild changes no more than it must)."""
    if "id" in old:
        new["id"] = old["id"]
    return new


def update(path: Path, check: bool = False, folder: Path | None = None) -> bool:
    """Bring a chapter's quiz section up to date; True when it was (or, with ``check``, would be) changed.

    A missing section is appended at the end of the chapter. In an existing one the questions and the code are
    rewritten; the heading cell keeps its time marker (written by ``authoring.sections``) and the code cells
    their stored outputs when their code is unchanged.
    """
    notebook = nbformat.read(path, as_version=4)
    wanted = quiz_cells(path.stem, folder)
    start = _section_start(notebook)
    if start is None:
        if not check:
            notebook.cells.extend(wanted)
            nbformat.write(notebook, path)
        return True
    cells = notebook.cells[start:]
    same = (
        len(cells) == len(wanted)
        and INTRO in cells[0].source
        and all(old.source == new.source for old, new in zip(cells[1:], wanted[1:]))
    )
    if same:
        return False
    if not check:
        kept = [old if old.source == new.source else _same_id(new, old) for old, new in zip(cells[1:], wanted[1:])]
        notebook.cells[start + 1 :] = kept + wanted[1 + len(kept) :]
        if INTRO not in notebook.cells[start].source:
            notebook.cells[start] = _same_id(wanted[0], notebook.cells[start])
        nbformat.write(notebook, path)
    return True


def answer_giveaways(questions: list[Question], where: str, share: float = 0.4) -> list[str]:
    """Ways the right answers could be found without knowing them: by position or by length.

    Among the multiple-choice ``questions``, a problem is named when more than ``share`` of the right answers
    sit at one position, when more than ``share`` of them are the longest choice (strictly longer than every
    other), or when more than ``share`` of them are the shortest (strictly shorter than every other); with fewer
    than three such questions nothing can be said.

    Example:
        >>> make = lambda answer, choices: Question("q", "choice", "?", answer, ".", "1 · A", choices)
        >>> answer_giveaways([make(0, ("long right answer", "no", "nope"))] * 3, "00")
        ['00: 3 of 3 right answers are choice (a)', '00: 3 of 3 right answers are the longest choice']
        >>> answer_giveaways([make(i, tuple("ok" if j == i else "not this" for j in range(3))) for i in range(3)], "00")
        ['00: 3 of 3 right answers are the shortest choice']
    """
    chosen = [q for q in questions if q.kind == "choice"]
    if len(chosen) < 3:
        return []
    problems = []
    positions = Counter(int(q.answer) for q in chosen)
    position, count = positions.most_common(1)[0]
    if count > share * len(chosen):
        problems.append(f"{where}: {count} of {len(chosen)} right answers are choice ({LETTERS[position]})")
    for extreme, beats in (("longest", operator.gt), ("shortest", operator.lt)):
        count = sum(
            all(beats(len(q.choices[int(q.answer)]), len(c)) for i, c in enumerate(q.choices) if i != int(q.answer))
            for q in chosen
        )
        if count > share * len(chosen):
            problems.append(f"{where}: {count} of {len(chosen)} right answers are the {extreme} choice")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report chapters whose quiz is out of date")
    args = parser.parse_args(argv)
    stale = []
    for chapter in chapter_list.load():
        if has_quiz(chapter.stem) and update(REPO / "notebooks" / f"{chapter.stem}.ipynb", check=args.check):
            stale.append(chapter.stem)
    for stem in stale:
        print(("out of date: " if args.check else "updated: ") + stem)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
