"""Exercise-only data of the segmentation chapter's checks: masks with a known overlap, and children's eyes."""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def masks(seed: int = 0, shape: tuple[int, int] = (40, 48)) -> tuple[np.ndarray, np.ndarray]:
    """A blobby reference and a prediction that overlaps it imperfectly.

    Example:
        >>> truth, pred = masks()
        >>> truth.shape, bool((truth & pred).any()), bool((truth != pred).any())
        ((40, 48), True, True)
    """
    rng = np.random.default_rng(seed)
    truth = ndimage.gaussian_filter(rng.random(shape), 3) > 0.52
    pred = ndimage.gaussian_filter(rng.random(shape), 3) > 0.5
    return truth, truth & pred | (ndimage.binary_dilation(truth) & ~truth & pred)


def children() -> np.ndarray:
    """The child of each of 28 photographs: children 1 to 14, two eyes each, in a shuffled order.

    Example:
        >>> np.bincount(children()).tolist()[1:4]
        [2, 2, 2]
    """
    child = np.repeat(np.arange(1, 15), 2)
    return child[np.random.default_rng(0).permutation(len(child))]
