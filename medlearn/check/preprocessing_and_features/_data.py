"""Exercise-only data of the preprocessing_and_features chapter's checks: arrays with known answers."""

from __future__ import annotations

import numpy as np

#: The names of the columns of :func:`ranking_table`.
FEATURE_NAMES = ("texture_a", "texture_b", "shape_c", "intensity_d")


def train_and_test(seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Fifty training and twenty test "images" of 8 x 8 pixels whose intensities differ (a shift between sites).

    Example:
        >>> train, test = train_and_test()
        >>> train.shape, test.shape, bool(test.mean() > train.mean())
        ((50, 8, 8), (20, 8, 8), True)
    """
    rng = np.random.default_rng(seed)
    return rng.normal(100.0, 20.0, (50, 8, 8)), rng.normal(130.0, 35.0, (20, 8, 8))


def components() -> tuple[np.ndarray, np.ndarray]:
    """A mask of four blobs (16, 80, 48 pixels and a one-pixel speck) and the mask of its largest blob alone.

    Example:
        >>> mask, largest = components()
        >>> int(mask.sum()), int(largest.sum())
        (145, 80)
    """
    mask = np.zeros((20, 30), dtype=bool)
    mask[2:6, 2:6] = True  # 16 pixels
    mask[10:18, 5:15] = True  # 80 pixels: the largest
    mask[3:9, 20:28] = True  # 48 pixels
    mask[15, 25] = True  # a speck
    largest = np.zeros_like(mask)
    largest[10:18, 5:15] = True
    return mask, largest


def ranking_table(seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """A table of four features for 300 cases and their labels: column 1 has the largest AUC, column 3 a small AUC
    but the best separation (in the other direction).

    Example:
        >>> X, labels = ranking_table()
        >>> X.shape, sorted(set(labels.tolist()))
        ((300, 4), [0, 1])
    """
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, 300)
    X = rng.normal(size=(300, 4))
    X[:, 1] += 0.8 * labels  # the largest AUC
    X[:, 3] -= 1.6 * labels  # a small AUC: the best separation, in the other direction
    return X, labels
