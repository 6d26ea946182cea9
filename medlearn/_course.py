"""Where the course's files are, defined once for the library (the grader) and the authoring tools.

In a clone of the course, where medlearn is installed in place (``pip install -e``), this is the clone's root, with
``notebooks/`` and ``exercises/`` beside the ``medlearn`` package. An installed copy of medlearn has no course
around it: the grader is then given the course's folder.

Example:
    >>> (COURSE / "medlearn" / "_course.py").is_file()
    True
"""

from __future__ import annotations

from pathlib import Path

#: The folder that holds the ``medlearn`` package: the course's root in a clone.
COURSE = Path(__file__).resolve().parents[1]
