"""Checks for the exercise notebooks: a pass, a targeted hint, or "not done yet". Never an error.

One package per chapter, used as ``from medlearn.check import convolution as check``.
"""

from .core import CheckResult, NotDone, Task, Wrong, as_array, as_number, call, task

__all__ = ["CheckResult", "NotDone", "Task", "Wrong", "as_array", "as_number", "call", "task"]
