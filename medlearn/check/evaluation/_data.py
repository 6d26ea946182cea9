"""Exercise data of the evaluation chapter's checks: labelled scores with a known answer, and BreastMNIST's pixels."""

from __future__ import annotations

import numpy as np

from .._comparing import built_once


def example(n: int = 200, seed: int = 0, ties: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Labels (about 35 % positive) and scores that separate them moderately; ``ties`` rounds the scores to 0.1.

    Example:
        >>> y, scores = example(n=10)
        >>> y.shape, bool(np.all((0 < scores) & (scores < 1)))
        ((10,), True)
    """
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.35).astype(int)
    scores = 1 / (1 + np.exp(-(1.5 * (2 * y - 1) + rng.normal(0, 1, n))))
    return y, (np.round(scores, 1) if ties else scores)


def patients(seed: int = 7) -> np.ndarray:
    """The patient of each image: 120 patients with one to six images each, in a shuffled order.

    Example:
        >>> np.unique(patients()).size
        120
    """
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(120), rng.integers(1, 7, 120))
    rng.shuffle(ids)
    return ids


@built_once
def breast_pixels() -> tuple[np.ndarray, ...]:
    """BreastMNIST's three official splits as pixel rows scaled to [0, 1], with their labels as stored (0 =
    malignant, 1 = normal or benign): ``(X_train, y_train, X_val, y_val, X_test, y_test)`` (the task
    ``fit_and_threshold``).

    Example:
        >>> X_train, y_train, X_val, y_val, X_test, y_test = breast_pixels()
        >>> X_train.shape, X_val.shape, X_test.shape
        ((546, 784), (78, 784), (156, 784))
    """
    from ...data import load_medmnist

    splits = []
    for split in ("train", "val", "test"):
        images, labels = load_medmnist("breastmnist", split)
        splits += [images.reshape(len(images), -1) / 255.0, labels]
    return tuple(splits)
