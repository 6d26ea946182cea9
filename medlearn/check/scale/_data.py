"""Exercise-only data of the scale chapter's checks: a stack of images as a lazy Dask array, and batches of a table."""

from __future__ import annotations

from typing import Any

import numpy as np


def lazy_images() -> tuple[Any, np.ndarray]:
    """Fifty random 12 x 12 uint8 images as a Dask array in chunks of 16 images, and the same stack in memory.

    Example:
        >>> lazy, stack = lazy_images()
        >>> lazy.chunks[0], stack.shape
        ((16, 16, 16, 2), (50, 12, 12))
    """
    import dask.array as da

    stack = np.random.default_rng(0).integers(0, 256, (50, 12, 12), dtype=np.uint8)
    return da.from_array(stack, chunks=(16, 12, 12)), stack


def batches() -> list[tuple[np.ndarray, np.ndarray]]:
    """Six batches of 50 rows of a four-column table and its labels (a linear rule of two columns).

    Example:
        >>> [X.shape for X, _ in batches()][:2]
        [(50, 4), (50, 4)]
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    return [(X[i : i + 50], y[i : i + 50]) for i in range(0, 300, 50)]
