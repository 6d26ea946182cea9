"""Exercise data of the privacy chapter's checks: the Wisconsin measurements split into members and non-members."""

from __future__ import annotations

import numpy as np

from .._comparing import built_once


@built_once
def wisconsin_halves() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The privacy chapter's split of the Wisconsin measurements in half, stratified, ``random_state=0``: the members
    (the training cases) and the non-members, ``(X_in, y_in, X_out, y_out)``, label 1 = benign (the task
    ``membership_attack``).

    Example:
        >>> X_in, y_in, X_out, y_out = wisconsin_halves()
        >>> X_in.shape, X_out.shape
        ((284, 30), (285, 30))
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    X, y = load_breast_cancer(return_X_y=True)
    X_in, X_out, y_in, y_out = train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)
    return X_in, y_in, X_out, y_out
