"""One neuron trained by full-batch gradient descent, as train_neuron asks, and the ways of getting it wrong."""

from __future__ import annotations

from typing import Any

import numpy as np


def neuron(
    x: np.ndarray,
    y: np.ndarray,
    rate: float,
    steps: int,
    *,
    bias: bool = True,
    sign: float = 1.0,
    weight_scale: float = 1.0,
    bias_scale: float = 1.0,
    error: str = "p - y",
) -> tuple[np.ndarray, float]:
    """Weights and bias after ``steps`` full-batch steps from zero on the cross-entropy, gradients scaled as given
    (a bias that is never updated, a step up the slope and gradients off by a constant are the mistakes), with the
    error at the logit that ``error`` names (the squared error's slope through the sigmoid, or no sigmoid at all).

    Example:
        >>> w, b = neuron(np.array([[1.0], [-1.0]]), np.array([1.0, 0.0]), rate=0.5, steps=1)
        >>> w.tolist(), b
        ([0.25], 0.0)
    """
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        z = x @ w + b
        p = 1 / (1 + np.exp(-z))
        slope = {"p - y": p - y, "squared error": (p - y) * p * (1 - p), "no sigmoid": z - y}[error]
        w = w - sign * rate * weight_scale * x.T @ slope / len(y)
        b = b - rate * bias_scale * float(np.mean(slope)) if bias else 0.0
    return w, b


def neuron_steps(x: np.ndarray, y: np.ndarray, rate: float, steps: int, **options: Any) -> np.ndarray:
    """:func:`neuron`'s weights and bias as one array.

    Example:
        >>> neuron_steps(np.array([[1.0], [-1.0]]), np.array([1.0, 0.0]), 0.5, 1).tolist()
        [0.25, 0.0]
    """
    return np.append(*neuron(x, y, rate, steps, **options))
