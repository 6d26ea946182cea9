"""An answer to the synthesis chapter's memorisation task written as a learner would, with options
that make the typical mistakes (the default options give the right answer)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def correlations(
    synthetic: np.ndarray,
    training: np.ndarray,
    centre: bool = True,
    scale: bool = True,
    reduce: Callable[..., np.ndarray] = np.max,
    guard: bool = True,
) -> np.ndarray:
    """Each synthetic image's highest correlation with a training image; the options make the mistakes.

    Example:
        >>> images = np.random.default_rng(0).random((3, 4, 4))
        >>> np.round(correlations(images, images), 6).tolist()
        [1.0, 1.0, 1.0]
    """
    s = synthetic.reshape(len(synthetic), -1).astype(float)
    t = training.reshape(len(training), -1).astype(float)
    if centre:
        s, t = s - s.mean(1, keepdims=True), t - t.mean(1, keepdims=True)
    if scale:
        with np.errstate(invalid="ignore", divide="ignore"):
            ns, nt = np.linalg.norm(s, axis=1, keepdims=True), np.linalg.norm(t, axis=1, keepdims=True)
            s = np.where(ns > 0, s / np.where(ns > 0, ns, 1), 0) if guard else s / ns
            t = t / nt
    return reduce(s @ t.T, axis=1)
