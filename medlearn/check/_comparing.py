"""Comparing a learner's value with the right one, for the checks (:mod:`medlearn.check.core`): numbers and arrays
that are close, a comparison that cannot be made, and the copies of a case that each call gets (of data built once).

Example:
    >>> close(0.1 + 0.2, 0.3)
    True
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

__all__ = ["built_once", "close", "copies", "holds"]

T = TypeVar("T")


def close(value: Any, want: Any, *, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """True when two arrays (or numbers) have the same shape and ``np.allclose`` values.

    Example:
        >>> close([1.0, 2.0], [1.0, 2.0 + 1e-9]), close([1.0, 2.0], [[1.0, 2.0]])
        (True, False)
    """
    value, want = np.asarray(value, dtype=np.float64), np.asarray(want, dtype=np.float64)
    return value.shape == want.shape and bool(np.allclose(value, want, rtol=rtol, atol=atol))


def holds(same: Callable[[Any, Any], bool], value: Any, want: Any) -> bool:
    """``same(value, want)``, False when the comparison cannot be made (a value of another kind).

    Example:
        >>> holds(lambda a, b: a < b, 1, "two"), holds(lambda a, b: a < b, 1, 2)
        (False, True)
    """
    try:
        return bool(same(value, want))
    except Exception:
        return False


def copies(case: Sequence[Any]) -> list[Any]:
    """The arguments of a case, each array, list or dict copied: a learner's function that changes its input cannot
    change the next call's.

    Example:
        >>> case = (np.zeros(2), [1], 3)
        >>> copied = copies(case)
        >>> copied[0] is case[0], copied[1] == case[1], copied[2]
        (False, True, 3)
    """
    return [
        arg.copy() if isinstance(arg, np.ndarray) else copy.deepcopy(arg) if isinstance(arg, (list, dict)) else arg
        for arg in case
    ]


def built_once(build: Callable[..., T]) -> Callable[..., T]:
    """``build`` runs once per process for each set of arguments; every call gets a deep copy of what it built.

    For a check's data that take time to build (a real data set loaded, a model fitted): a check runs many times in
    the tests, and a learner's function that changes what it is given cannot change the next call's data.
    ``build`` must be deterministic (seeded), and its arguments hashable.

    Example:
        >>> built = []
        >>> @built_once
        ... def ramp(n):
        ...     built.append(n)
        ...     return np.arange(n)
        >>> first, second = ramp(3), ramp(3)
        >>> first is second, len(built), second.tolist()
        (False, 1, [0, 1, 2])
    """
    once = functools.cache(build)

    @functools.wraps(build)
    def fresh(*args: Any, **kwargs: Any) -> T:
        return copy.deepcopy(once(*args, **kwargs))

    return fresh
