"""Exercise data of the grading_and_reporting chapter's checks: grades with known answers, and RetinaMNIST."""

from __future__ import annotations

import numpy as np

from .._comparing import built_once

#: The number of grades.
K = 5


def grades_and_guesses(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Five-grade truth and a grader who is mostly right, sometimes one grade off, sometimes far off.

    Example:
        >>> truth, guess = grades_and_guesses(0)
        >>> truth.shape, bool(np.mean(truth == guess) > 0.5)
        ((120,), True)
    """
    rng = np.random.default_rng(seed)
    truth = rng.choice(K, 120, p=[0.45, 0.12, 0.2, 0.17, 0.06])
    guess = truth.copy()
    off = rng.random(120)
    guess[off < 0.25] = np.clip(truth[off < 0.25] + rng.choice([-1, 1], int(np.sum(off < 0.25))), 0, K - 1)
    guess[off > 0.92] = rng.integers(0, K, int(np.sum(off > 0.92)))
    return truth, guess


def probabilities(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Grades (every grade at least once) and softmax probabilities that favour the true grade.

    Example:
        >>> truth, p = probabilities(0)
        >>> p.shape, bool(np.allclose(p.sum(axis=1), 1))
        ((100, 5), True)
    """
    rng = np.random.default_rng(seed)
    truth = np.r_[np.arange(K), rng.choice(K, 95, p=[0.5, 0.1, 0.2, 0.15, 0.05])]
    logits = rng.normal(0, 1, (len(truth), K))
    logits[np.arange(len(truth)), truth] += 1.2
    p = np.exp(logits)
    return truth, p / p.sum(axis=1, keepdims=True)


@built_once
def retina_test_scores() -> tuple[np.ndarray, np.ndarray]:
    """RetinaMNIST's 400 test grades and a seeded score that follows them, rounded to 0.05 (ties at 0.4).

    Example:
        >>> grades, scores = retina_test_scores()
        >>> grades.shape, bool(np.any(scores == 0.4))
        ((400,), True)
    """
    from ...data import load_medmnist

    _, grades = load_medmnist("retinamnist", "test")
    rng = np.random.default_rng(0)
    return grades, np.round(np.clip(grades / 4 + rng.normal(0, 0.25, len(grades)), 0, 1) * 20) / 20


@built_once
def retina_small() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """RetinaMNIST's training and validation photographs at 7 x 7 (means of 4 x 4 pixels per colour, scaled to
    [0, 1]), one row of 147 values each: ``(X_train, grades_train, X_val, grades_val)`` (the task ``fit_cumulative``).

    Example:
        >>> X_train, grades_train, X_val, grades_val = retina_small()
        >>> X_train.shape, X_val.shape
        ((1080, 147), (120, 147))
    """
    from ...data import load_medmnist

    rows = []
    for split in ("train", "val"):
        images, grades = load_medmnist("retinamnist", split)
        small = images.reshape(len(images), 7, 4, 7, 4, 3).mean(axis=(2, 4)).reshape(len(images), -1) / 255.0
        rows += [small, grades]
    return tuple(rows)
