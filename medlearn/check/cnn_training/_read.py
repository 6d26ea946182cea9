"""How the cnn_training chapter's checks read a count the learner returns."""

from __future__ import annotations

from typing import Any

from ..._messages import tr
from ..core import Wrong, as_number


def as_int(value: Any, what: str) -> int:
    """The learner's value as a whole number, with a hint when it is not one.

    Example:
        >>> as_int(4.0, "the epoch")
        4
    """
    number = as_number(value, what)
    if number != round(number):
        raise Wrong(tr("{what} should be a whole number, not {number:g}.", what=what, number=number))
    return int(round(number))
