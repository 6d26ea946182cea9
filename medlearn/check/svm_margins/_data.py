"""Exercise-only data of the svm_margins chapter's checks: random vectors and the split pick_c is checked on."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split

from ...data import wisconsin_pair
from .._comparing import built_once

#: The values of C that pick_c chooses from.
C_CANDIDATES = (0.001, 0.01, 0.1, 1.0, 10.0, 100.0)


def decision_cases(seed: int = 0) -> list[tuple[np.ndarray, float, np.ndarray]]:
    """Three random ``(w, b, x)`` in three dimensions, the arguments of decision_value.

    Example:
        >>> [(w.shape, type(b).__name__) for w, b, x in decision_cases()]
        [((3,), 'float'), ((3,), 'float'), ((3,), 'float')]
    """
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(3):
        w, x, b = rng.normal(size=3), rng.normal(size=3), float(rng.normal())
        cases.append((w, b, x))
    return cases


@built_once
def pick_c_split() -> tuple[np.ndarray, ...]:
    """The Wisconsin pair of the svm_margins chapter, split in halves: ``X_train, X_val, y_train, y_val``.

    Example:
        >>> [part.shape[0] for part in pick_c_split()][:2]
        [284, 285]
    """
    X, y = wisconsin_pair()
    return tuple(train_test_split(X, y, test_size=0.5, stratify=y, random_state=0))
