"""Exercise-only data of the few_labels chapter's checks: small images with a known structure."""

from __future__ import annotations

import numpy as np


def images(seed: int, n: int = 60, side: int = 6) -> np.ndarray:
    """Small images with structure: a brightness, a left-right gradient, and noise.

    Example:
        >>> images(0).shape
        (60, 6, 6)
    """
    rng = np.random.default_rng(seed)
    ramp = np.linspace(-1, 1, side)[None, None, :]
    stack = rng.normal(0.5, 0.1, (n, 1, 1)) + rng.normal(0, 0.2, (n, 1, 1)) * ramp
    return stack + rng.normal(0, 0.05, (n, side, side))
