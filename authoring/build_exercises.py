#!/usr/bin/env python3
"""Make the learners' exercise notebooks from the solutions, then execute and store both.

    python -m authoring.build_exercises                 # every chapter (executes every notebook)
    python -m authoring.build_exercises NN_name         # one chapter
    python -m authoring.build_exercises --text [NN_name ...]   # after a text-only edit: nothing executed

``--text`` carries the solutions' markdown into the learners' copies and executes nothing. It is for an
edit of the markdown only, and it refuses (naming the notebook) when a copy's code or its cells would
change: then run the build without ``--text``.

The source of each exercise is ``exercises/solutions/NN_name.ipynb``. In its
code cells, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
are the answer; the learner's copy ``exercises/NN_name.ipynb`` gets
``raise NotImplementedError  # your code here`` in their place. Cells tagged
``solution`` (for example an explanation of the answer) are left out. A marker
without its partner, or a block inside a block, stops the build with a
:class:`MarkerError` that names the notebook, the cell and the line, so that an
answer can never leak into the learner's copy.

Test scaffolding (``# claim:`` lines, ``# NBVAL_IGNORE_OUTPUT``) is moved into cell metadata
by :mod:`authoring.scaffolding`, in the solutions before the build and in every learner's copy;
cell metadata (claims, nbval's tags) is carried into the learner's copy unchanged.

Instructors hand out ``exercises/*.ipynb`` and keep ``exercises/solutions/``.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat

from . import scaffolding
from .run_notebooks import REPO, run_notebook

EXERCISES = REPO / "exercises"
SOLUTIONS = EXERCISES / "solutions"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDER = "raise NotImplementedError  # your code here"


class MarkerError(ValueError):
    """A solution marker without its partner, or nested in another block."""


def learner_source(source: str, where: str = "cell") -> str:
    r"""Replace every solution block of a cell's source by a placeholder at the block's indentation.

    ``where`` names the cell in the error raised for an unmatched or nested marker.

    Example:
        >>> learner_source("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n")
        'def f():\n    raise NotImplementedError  # your code here\n'
    """
    lines, begun = [], None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = line.strip()
        if marker.startswith(BEGIN):
            if begun is not None:
                raise MarkerError(f"{where}, line {number}: {BEGIN} inside the block opened on line {begun}")
            begun = number
            indent = line[: len(line) - len(line.lstrip())]
        elif marker.startswith(END):
            if begun is None:
                raise MarkerError(f"{where}, line {number}: {END} without a {BEGIN} before it")
            lines.append(indent + PLACEHOLDER + ("\n" if line.endswith("\n") else ""))
            begun = None
        elif begun is None:
            lines.append(line)
    if begun is not None:
        raise MarkerError(f"{where}, line {begun}: {BEGIN} without an {END} after it")
    return "".join(lines)


def learner_version(solution: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The learner's notebook: solution blocks replaced, solution cells dropped, outputs cleared.

    Scaffolding lines left in a code cell move into its metadata; cell metadata is kept.
    ``name`` (the solution's file name) goes into a :class:`MarkerError`, with the cell's number.
    """
    nb = copy.deepcopy(solution)
    scaffolding.move_notebook(nb)
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            # Checked in every cell, solution cells included: a stray marker is a mistake wherever it is.
            cell.source = learner_source(cell.source, where=f"{name}, cell {number}")
    nb.cells = [c for c in nb.cells if "solution" not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            # The learner's copy sits one folder up: links and the title change with it.
            cell.source = cell.source.replace(" (solutions)", "").replace("](../../", "](../")
            # An "Open in Colab" badge opens the learner's copy, not the solution.
            cell.source = cell.source.replace("/exercises/solutions/", "/exercises/")
    return nb


def learner_sources(solution: Path) -> list[str]:
    """The cell sources that the learner's copy of the solution notebook at ``solution`` must have (outputs aside)."""
    return [cell.source for cell in learner_version(nbformat.read(solution, as_version=4)).cells]


def stale_copies(repo: Path = REPO) -> list[str]:
    """The learner's exercises (relative to ``repo``) whose cells are not what :func:`learner_sources` makes of their
    solution, or that are missing."""
    stale = []
    for solution in sorted((repo / "exercises" / "solutions").glob("[0-9]*.ipynb")):
        learner = repo / "exercises" / solution.name
        stored = [c.source for c in nbformat.read(learner, as_version=4).cells] if learner.exists() else None
        if stored != learner_sources(solution):
            stale.append(learner.relative_to(repo).as_posix())
    return stale


def refresh_text(solution: Path, repo: Path = REPO) -> bool:
    """Give the stored learner's copy of ``solution`` (in ``repo``) the markdown that :func:`learner_version` makes,
    executing nothing; True when the copy changed. Raises ValueError, naming the copy, when its cells or code would
    change.

    Example:
        >>> from authoring.chapters import by_name
        >>> refresh_text(SOLUTIONS / f"{by_name('medical_images').stem}.ipynb")  # current: nothing to change
        False
    """
    learner = repo / "exercises" / solution.name
    wanted = learner_version(nbformat.read(solution, as_version=4), solution.name).cells
    stored = nbformat.read(learner, as_version=4) if learner.exists() else None
    shape = [(c.cell_type, c.source if c.cell_type == "code" else None) for c in wanted]
    if stored is None or shape != [(c.cell_type, c.source if c.cell_type == "code" else None) for c in stored.cells]:
        raise ValueError(
            f"exercises/{learner.name}: more than its markdown would change; "
            f"run python -m authoring.build_exercises {solution.stem} (it executes the notebooks)"
        )
    changed = False
    for cell, want in zip(stored.cells, wanted):
        if cell.cell_type != "code" and cell.source != want.source:
            cell.source, changed = want.source, True
    if changed:
        nbformat.write(stored, learner)
    return changed


def main(names: list[str]) -> int:
    text_only = "--text" in names
    names = [name for name in names if name != "--text"]
    sources = sorted(SOLUTIONS.glob("[0-9]*.ipynb"))
    if names:
        unknown = sorted(set(names) - {p.stem for p in sources})
        if unknown:
            print(f"no solution notebook named {', '.join(unknown)} in {SOLUTIONS.relative_to(REPO)}", file=sys.stderr)
            return 2
        sources = [p for p in sources if p.stem in names]
    # Every learner's copy is made before any is executed: one bad marker stops the build with nothing written.
    try:
        learners = {s: learner_version(nbformat.read(s, as_version=4), str(s.relative_to(REPO))) for s in sources}
    except MarkerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if text_only:
        try:
            changed = [source.name for source in sources if refresh_text(source)]
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"markdown carried into {len(changed)} learner's cop{'y' if len(changed) == 1 else 'ies'}: {changed}")
        return 0
    scaffolding.run(sources)  # the solutions keep their scaffolding in metadata too
    status = 0
    for source, version in learners.items():
        learner = EXERCISES / source.name
        nbformat.write(version, learner)
        for path in (source, learner):
            result = run_notebook(path, store=True)
            print(f"{result['notebook']:48} {result['seconds']:6.1f} s {result['peak_mb']} MB  {result['status']}")
            status |= result["status"] != "ok"
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
