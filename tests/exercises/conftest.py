"""Fixtures of the exercise checks' tests: the chapters whose checks are tables of mistakes, and their tasks.

A chapter is converted when its checks are a subpackage, ``medlearn/check/<name>/``: each task there lists its
typical mistakes (``task.mistakes``), and ``test_mistakes.py`` feeds every one back as a learner's answer.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import medlearn.check
from medlearn.check.core import Mistake, Task


def converted_chapters() -> list[ModuleType]:
    """The check packages of the chapters whose checks are tables (``medlearn/check/<name>/``), by name."""
    found = [m.name for m in pkgutil.iter_modules(medlearn.check.__path__) if m.ispkg]
    return [importlib.import_module(f"medlearn.check.{name}") for name in sorted(found)]


def chapter_tasks(chapter: ModuleType) -> list[Task]:
    """The tasks a learner calls in a chapter (``check.NAME``), in the order of its ``__all__``."""
    return [getattr(chapter, name) for name in chapter.__all__ if isinstance(getattr(chapter, name), Task)]


def named_mistakes() -> list[tuple[Task, Mistake]]:
    """Every (task, mistake) of every converted chapter."""
    return [
        (task, mistake)
        for chapter in converted_chapters()
        for task in chapter_tasks(chapter)
        for mistake in task.mistakes
    ]
