"""Grading a class's exercise notebooks, for instructors (``python3 course.py grade``).

- :mod:`medlearn.classroom.runner`: one learner's notebook run apart (its own kernel, process and folder, with
  time and memory limits), then each task's check asked about the learner's function; never fooled by printed
  text or by a learner's own ``check``.
- :mod:`medlearn.classroom.grade`: a folder of submissions into a CSV that Moodle (or, with
  ``--lms canvas``, Canvas) imports and a summary of the
  class's most common mistakes.

Example:
    >>> from medlearn.classroom import chapter_tasks, check_modules
    >>> stems = {module: stem for stem, module in check_modules().items()}  # by the chapter's name
    >>> chapter_tasks(stems["medical_images"])["to_hounsfield"]
    'to_hounsfield'
"""

from __future__ import annotations

from .._notebook_files import skip_iri_grammar

skip_iri_grammar()  # before nbformat: the grader starts one process for every submission

from .grade import find_learner, grade_folder, read_roster, summary, task_row, write_grades  # noqa: E402
from .runner import Submission, chapter_tasks, check_modules, identify, run_submission  # noqa: E402

__all__ = [
    "Submission",
    "chapter_tasks",
    "check_modules",
    "find_learner",
    "grade_folder",
    "identify",
    "read_roster",
    "run_submission",
    "summary",
    "task_row",
    "write_grades",
]
