"""The repository's root for the authoring tools, the tests and the benchmarks: the course's root as medlearn
defines it (``medlearn._course``), so that the grader and the tools read one definition.

The tools refuse to run against a medlearn imported from another copy of the course (a second clone or worktree
whose medlearn is installed in place): every path would otherwise point into that other copy.

Example:
    >>> (REPO / "authoring" / "_paths.py").is_file()
    True
"""

from __future__ import annotations

from pathlib import Path

from medlearn._course import COURSE

if COURSE != Path(__file__).resolve().parents[1]:
    raise ImportError(
        f"medlearn is imported from {COURSE / 'medlearn'}, not from this copy of the course "
        f"({Path(__file__).resolve().parents[1]}): run the tools from this copy's root, or put it first on PYTHONPATH"
    )

#: The repository's root folder.
REPO = COURSE
