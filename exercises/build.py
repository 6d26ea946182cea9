#!/usr/bin/env python3
"""Make the learners' exercise notebooks from the solutions, then execute and store both.

    python exercises/build.py                 # every chapter
    python exercises/build.py 01_convolution  # one chapter

The source of each exercise is ``exercises/solutions/NN_name.ipynb``. In its
code cells, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
are the answer; the learner's copy ``exercises/NN_name.ipynb`` gets
``raise NotImplementedError  # your code here`` in their place. Cells tagged
``solution`` (for example an explanation of the answer) are left out.

Instructors hand out ``exercises/*.ipynb`` and keep ``exercises/solutions/``.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"
_BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*(\n|$)", re.M | re.S)


def learner_source(source: str) -> str:
    """Replace every solution block of a cell's source by a placeholder."""
    return _BLOCK.sub(lambda m: f"{m.group(1)}raise NotImplementedError  # your code here{m.group(2)}", source)


def learner_version(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The learner's notebook: solution blocks replaced, solution cells dropped, outputs cleared."""
    nb = copy.deepcopy(solution)
    nb.cells = [c for c in nb.cells if "solution" not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = learner_source(cell.source)
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            # The learner's copy sits one folder up: links and the title change with it.
            cell.source = cell.source.replace(" (solutions)", "").replace("](../../", "](../")
    return nb


def _runner():
    spec = importlib.util.spec_from_file_location("run_notebooks", HERE.parent / "benchmarks" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(names: list[str]) -> int:
    sources = sorted(SOLUTIONS.glob("[0-9]*.ipynb"))
    if names:
        sources = [p for p in sources if p.stem in names]
    run_notebook = _runner().run_notebook
    status = 0
    for source in sources:
        learner = HERE / source.name
        nbformat.write(learner_version(nbformat.read(source, as_version=4)), learner)
        for path in (source, learner):
            result = run_notebook(path, store=True)
            print(f"{result['notebook']:48} {result['seconds']:6.1f} s {result['peak_mb']} MB  {result['status']}")
            status |= result["status"] != "ok"
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
