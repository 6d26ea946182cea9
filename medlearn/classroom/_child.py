"""The child process of :func:`medlearn.classroom.runner.run_submission`: run a notebook, print the grader's output.

``python -m medlearn.classroom._child NOTEBOOK CELL_LIMIT`` runs every cell in a fresh kernel, interrupting a
cell that runs past ``CELL_LIMIT`` seconds and going on, and writes the stream output of the last cell (the
grader's, which has up to :data:`GRADER_SECONDS`) to its standard output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

#: Time for the grader's own cell, which loads the checks again and runs each of them.
GRADER_SECONDS = 600


def _execute(notebook: str, cell_limit: str) -> None:
    """Run ``notebook`` with ``cell_limit`` seconds a cell; print the last cell's stream output."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    limit = int(cell_limit)
    client = NotebookClient(
        nb,
        timeout=limit,
        timeout_func=lambda cell: GRADER_SECONDS if cell.metadata.get("medlearn_grader") else limit,
        interrupt_on_timeout=True,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path.cwd())}},
    )
    try:
        client.execute()
    finally:
        for output in nb.cells[-1].get("outputs", []):
            if output.get("output_type") == "stream":
                sys.stdout.write(output.get("text", ""))
        sys.stdout.flush()


if __name__ == "__main__":
    _execute(*sys.argv[1:3])
