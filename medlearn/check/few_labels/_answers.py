"""Answers to the few_labels chapter's tasks written as a learner would, with options that make the typical mistakes:
the tables of mistakes call them (and the default options give the right answers)."""

from __future__ import annotations

from typing import Any

import numpy as np


def variance(images: np.ndarray, k: int, centre: bool = True, square: bool = True, shift: int = 0) -> float:
    """The share of the variance the first k principal components keep; the options make the mistakes.

    Example:
        >>> round(float(variance(np.random.default_rng(0).normal(size=(20, 2, 2)), 4)), 4)
        1.0
    """
    rows = images.reshape(len(images), -1)
    if centre:
        rows = rows - rows.mean(axis=0)
    s = np.linalg.svd(rows, compute_uv=False)
    s = s**2 if square else s
    return s[: k - shift].sum() / s.sum()


def _pairs(n: Any) -> Any:
    return n * (n - 1) / 2


def ari(a: np.ndarray, b: np.ndarray, adjust: bool = True) -> float:
    """The adjusted Rand index of two partitions (``adjust=False``: the plain Rand index, a mistake).

    Example:
        >>> float(ari(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0])))
        1.0
    """
    _, a = np.unique(a, return_inverse=True)
    _, b = np.unique(b, return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)
    index = _pairs(table).sum()
    rows, cols = _pairs(table.sum(axis=1)).sum(), _pairs(table.sum(axis=0)).sum()
    total = _pairs(len(a))
    if not adjust:  # the plain Rand index: pairs together in both, or apart in both
        return (total + 2 * index - rows - cols) / total
    expected = rows * cols / total
    return (index - expected) / ((rows + cols) / 2 - expected)


def pca_scores(
    normal: np.ndarray, images: np.ndarray, k: int, fit_on_images: bool = False, total: bool = False
) -> np.ndarray:
    """Each image's mean squared error after projection on k components fitted on the normal rows; the options make
    the mistakes.

    Example:
        >>> rows = np.random.default_rng(0).normal(size=(10, 4))
        >>> bool(pca_scores(rows, rows, 4).max() < 1e-20)
        True
    """
    source = images if fit_on_images else normal
    mean = source.mean(axis=0)
    _, _, vt = np.linalg.svd(source - mean, full_matrices=False)
    v = vt[:k]
    rebuilt = mean + (images - mean) @ v.T @ v
    errors = (images - rebuilt) ** 2
    return errors.sum(axis=1) if total else errors.mean(axis=1)


def pick(
    p: np.ndarray, labelled: np.ndarray, n: int, ignore: bool = False, lowest: bool = False, confident: bool = False
) -> np.ndarray:
    """The n unlabelled images closest to 0.5; the options make the mistakes.

    Example:
        >>> pick(np.array([0.1, 0.5, 0.45]), np.array([False, True, False]), 1).tolist()
        [2]
    """
    candidates = np.arange(len(p)) if ignore else np.flatnonzero(~labelled)
    key = p[candidates] if lowest else -np.abs(p[candidates] - 0.5) if confident else np.abs(p[candidates] - 0.5)
    return candidates[np.argsort(key, kind="stable")[:n]]


def order(labels: np.ndarray, probabilities: np.ndarray, reverse: bool = False, class_one: bool = False) -> np.ndarray:
    """The images from the least to the most self-confident in their label; the options make the mistakes.

    Example:
        >>> order(np.array([0, 1]), np.array([[0.2, 0.8], [0.1, 0.9]])).tolist()
        [0, 1]
    """
    confidence = probabilities[:, 1] if class_one else probabilities[np.arange(len(labels)), labels]
    order = np.argsort(confidence, kind="stable")
    return order[::-1] if reverse else order
