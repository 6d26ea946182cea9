"""Exercise checks of chapter 08 (segmentation): typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import numpy as np
from helpers import typical_mistakes_test
from scipy import ndimage

from medlearn.check import segmentation


def _dice(t, p):
    return 2 * np.sum(t & p) / (t.sum() + p.sum()) if t.sum() + p.sum() else 1.0


def _borders(a, b):
    return [m & ~ndimage.binary_erosion(m) for m in (a, b)]


MISTAKES = [
    (segmentation.dice_by_hand, lambda t, p: np.sum(t & p) / np.sum(t | p), "IoU"),
    (segmentation.dice_by_hand, lambda t, p: np.sum(t & p) / (t.sum() + p.sum()), "twice"),
    (segmentation.dice_by_hand, lambda t, p: 2 * np.sum(t & p) / max(t.sum() + p.sum(), 1), "empty"),
    (segmentation.iou_from_dice_by_hand, lambda d: 2 * d / (1 + d), "other way"),
    (segmentation.iou_from_dice_by_hand, lambda d: d / 2, "not half"),
    (segmentation.dice_inside, lambda t, p, m: _dice(t, p), "outside the mask"),
    (
        segmentation.hd95,
        lambda a, b: np.percentile(ndimage.distance_transform_edt(~_borders(a, b)[1])[_borders(a, b)[0]], 95),
        "one direction",
    ),
    (
        segmentation.hd95,
        lambda a, b: max(
            ndimage.distance_transform_edt(~_borders(a, b)[1])[_borders(a, b)[0]].max(),
            ndimage.distance_transform_edt(~_borders(a, b)[0])[_borders(a, b)[1]].max(),
        ),
        "maximum",
    ),
    (
        segmentation.dice_inside,
        lambda t, p, m: 2 * np.sum(t[m] & p[m]) / max(t[m].sum() + p[m].sum(), 1),
        "empty inside",
    ),
    (
        segmentation.hd95,
        lambda a, b: np.percentile(
            np.concatenate(
                [
                    ndimage.distance_transform_edt(~_borders(a, b)[1])[_borders(a, b)[0]],
                    ndimage.distance_transform_edt(~_borders(a, b)[0])[_borders(a, b)[1]],
                ]
            ),
            95,
        ),
        "medpy",
    ),
    (segmentation.patch_at, lambda im, m, r, c, s: (im[r : r + s, c : c + s], m[r : r + s, c : c + s]), "CENTRE"),
    (segmentation.split_by_child, lambda child, n, seed: np.isin(child, np.unique(child)[:n]), "same split"),
    (
        segmentation.split_by_child,
        lambda child, n, seed: np.isin(np.arange(len(child)), np.random.default_rng(seed).choice(len(child), 2 * n)),
        "split by child",
    ),
    (
        segmentation.split_by_child,
        lambda child, n, seed: np.isin(child, np.unique(child)[:n]).astype(int),
        "boolean",
    ),
]


test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)
