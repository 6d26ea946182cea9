"""Near-duplicate images across two sets, by pixel-wise Pearson correlation.

Images of one patient taken minutes apart, or one image resized and stored
twice, look almost the same. When such near-copies fall on both sides of a
split, a test score measures recognition, not diagnosis. This module finds
them; the evaluation chapter teaches with the twins it finds inside BreastMNIST.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_bool, check_number

#: Rows of the query set compared at once (keeps memory at a few tens of MB).
_BLOCK = 1024


class NearDuplicates(NamedTuple):
    """For each query image: its most similar reference image, and whether it is a near-copy."""

    index: np.ndarray
    """``(N,)`` int: index into ``reference`` of the most correlated image."""
    correlation: np.ndarray
    """``(N,)`` float: the Pearson correlation of the pixels with that image, in [-1, 1]."""
    duplicate: np.ndarray
    """``(N,)`` bool: ``correlation > threshold``."""


def _standardised_rows(images: object, name: str) -> np.ndarray:
    array = check_array(images, name, kinds="iuf")
    if array.ndim < 3 or array[0].size < 2:
        raise ValueError(f"{name} must be a non-empty stack of images, shape (N, H, W, ...), not {array.shape}")
    rows = array.reshape(len(array), -1).astype(np.float64)
    rows -= rows.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    # A constant image has no defined correlation: its row stays zero, so it correlates 0 with everything.
    np.divide(rows, norms, out=rows, where=norms > 0)
    return rows


def near_duplicates(
    query: object, reference: object, threshold: float = 0.99, *, skip_self: bool = False
) -> NearDuplicates:
    """Find, for every query image, the most similar reference image by Pearson correlation of the pixels.

    Each image is flattened, centred on its mean and scaled to unit length, so
    that a dot product is the correlation; the query is compared with all of
    the reference set in blocks, with one matrix product per block. A brighter
    or more contrasted copy of an image still correlates 1 with it. A constant
    image (no variation) correlates 0 with everything.

    Args:
        query: ``(N, H, W)`` or ``(N, H, W, C)`` (or volumes) images to look up, for example a test split.
        reference: ``(M, ...)`` images of the same shape, for example the training split.
        threshold: correlation above which a pair counts as a near-duplicate, in (-1, 1].
        skip_self: for duplicates *within* one set, pass it as both ``query`` and
            ``reference`` with ``skip_self=True``: image ``i`` is then not compared with itself.

    Returns:
        :class:`NearDuplicates` with ``index``, ``correlation`` and ``duplicate``, one entry per query image.

    Raises:
        ValueError: for an empty or non-numeric array, NaN values, images of different
            shapes, a threshold outside (-1, 1], or ``skip_self`` with sets of different
            lengths or a set of one image.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> train = rng.integers(0, 256, (5, 28, 28))
        >>> test = np.stack([train[3] // 2 + 10, rng.integers(0, 256, (28, 28))])  # a darker copy, a stranger
        >>> found = near_duplicates(test, train)
        >>> int(found.index[0]), round(float(found.correlation[0]), 3), found.duplicate.tolist()
        (3, 1.0, [True, False])
    """
    threshold = check_number(threshold, "threshold", low=-1, high=1, low_open=True)
    q = _standardised_rows(query, "query")
    r = _standardised_rows(reference, "reference")
    if np.shape(query)[1:] != np.shape(reference)[1:]:
        raise ValueError(
            f"query images have shape {np.shape(query)[1:]} but reference images {np.shape(reference)[1:]}"
        )
    skip_self = check_bool(skip_self, "skip_self")
    if skip_self and (len(q) != len(r) or len(r) < 2):
        raise ValueError(
            f"skip_self needs the same set (of two or more images) twice, not {len(q)} and {len(r)} images"
        )
    index = np.empty(len(q), dtype=np.intp)
    correlation = np.empty(len(q))
    for start in range(0, len(q), _BLOCK):
        block = q[start : start + _BLOCK] @ r.T
        if skip_self:
            rows = np.arange(len(block))
            block[rows, start + rows] = -np.inf
        best = np.argmax(block, axis=1)
        index[start : start + _BLOCK] = best
        correlation[start : start + _BLOCK] = block[np.arange(len(block)), best]
    correlation = np.clip(correlation, -1.0, 1.0)
    return NearDuplicates(index=index, correlation=correlation, duplicate=correlation > threshold)
