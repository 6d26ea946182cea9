"""The child process of :func:`medlearn.classroom.runner.run_submission`: run a notebook, print the grader's output.

``python -m medlearn.classroom._child NOTEBOOK CELL_LIMIT`` runs every cell in a fresh kernel, interrupting a
cell that runs past ``CELL_LIMIT`` seconds and going on, and writes the stream output of the last cell (the
grader's, which has up to :data:`GRADER_SECONDS`) to its standard output.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

import nbformat  # quick to import: the package's __init__ skipped jsonschema's IRI grammar (_notebook_files)

#: Time for the grader's own cell, which loads the checks again and runs each of them.
GRADER_SECONDS = 600


def _kernel_manager_class() -> type:
    """The kernel manager: on POSIX systems one that reaches the kernel over Unix sockets.

    Over TCP, the five ports are chosen by the client and bound by the kernel a moment later; an outgoing
    connection elsewhere on the machine can take one in between, and the kernel dies before it starts (the
    submission would be graded "not done"). Unix sockets under a random name cannot be taken so; they go to the
    folder the runner names in ``MEDLEARN_KERNEL_SOCKETS`` (removed by the runner even when it had to kill this
    process), else to the temporary folder. Windows keeps TCP (ZeroMQ has no ipc transport there).
    """
    from jupyter_client.manager import AsyncKernelManager

    if os.name != "posix":
        return AsyncKernelManager

    folder = os.environ.get("MEDLEARN_KERNEL_SOCKETS") or tempfile.gettempdir()

    class UnixSocketKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: object) -> None:
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(folder, f"medlearn-kernel-{uuid.uuid4().hex[:12]}"))
            super().__init__(**kwargs)

    return UnixSocketKernelManager


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
        kernel_manager_class=_kernel_manager_class(),
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
