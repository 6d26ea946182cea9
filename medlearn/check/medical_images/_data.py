"""Exercise-only data of the medical_images chapter's checks: label arrays with a known share of each class."""

from __future__ import annotations

import numpy as np


def labels(n_malignant: int, n_benign: int, seed: int) -> np.ndarray:
    """BreastMNIST-like labels in a shuffled order: ``n_malignant`` zeros (malignant) and ``n_benign`` ones.

    Example:
        >>> y = labels(3, 5, seed=0)
        >>> int(np.sum(y == 0)), y.size
        (3, 8)
    """
    return np.random.default_rng(seed).permutation(np.array([0] * n_malignant + [1] * n_benign))


def predictions(y_true: np.ndarray, right: float, seed: int) -> np.ndarray:
    """Predicted labels that agree with ``y_true`` with probability ``right`` (and are flipped otherwise).

    Example:
        >>> predictions(np.array([0, 1, 1]), right=1.0, seed=0).tolist()
        [0, 1, 1]
    """
    return np.where(np.random.default_rng(seed).random(y_true.size) < right, y_true, 1 - y_true)
