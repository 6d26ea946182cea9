"""Reading a learner's value for a check: as a float array, as one number, as a dict with given keys; a hint
(:class:`medlearn.check.core.Wrong`) naming what is wrong with it otherwise.

Example:
    >>> as_number(3, "your count")
    3.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from medlearn._messages import tr

from .core import Wrong

__all__ = ["as_array", "as_number", "as_result"]


def as_array(value: Any, what: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """The learner's value as a float array with a hint when it is not one (or has the wrong shape).

    Example:
        >>> as_array([[1, 2], [3, 4]], "the kernel", shape=(2, 2)).dtype
        dtype('float64')
    """
    if value is None:
        raise Wrong(tr("{what} is None: did you forget to return it?", what=what))
    try:
        array = np.asarray(value)
    except Exception:
        kind = type(value).__name__
        raise Wrong(tr("{what} could not be turned into an array (it is a {kind}).", what=what, kind=kind)) from None
    if array.dtype.kind not in "biuf":
        raise Wrong(tr("{what} should hold numbers, but has dtype {dtype}.", what=what, dtype=array.dtype))
    if shape is not None and array.shape != shape:
        raise Wrong(tr("{what} has shape {shape}; expected {want}.", what=what, shape=array.shape, want=shape))
    return array.astype(np.float64)


def as_number(value: Any, what: str) -> float:
    """The learner's value as one float, with a hint when it is not a single number.

    Example:
        >>> as_number(np.float32(0.25), "the fraction")
        0.25
    """
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise Wrong(tr("{what} should be a number, not {value!r}.", what=what, value=value))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Wrong(tr("{what} should be one number, not a {kind}.", what=what, kind=type(value).__name__)) from None


def as_result(value: Any, keys: Sequence[str]) -> dict:
    """The learner's returned dict, holding at least ``keys``; a hint that names them when it does not.

    Example:
        >>> as_result({"model": None, "test_auc": 0.9}, ("model", "test_auc"))["test_auc"]
        0.9
        >>> as_result([0.9], ("model", "test_auc"))
        Traceback (most recent call last):
        ...
        medlearn.check.core.Wrong: return a dict with the keys 'model', 'test_auc'.
    """
    if not isinstance(value, dict) or any(key not in value for key in keys):
        raise Wrong(tr("return a dict with the keys {keys}.", keys=", ".join(map(repr, keys))))
    return value
