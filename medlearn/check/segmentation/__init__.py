"""Checks for the exercises of the segmentation chapter.

In the exercise notebook::

    from medlearn.check import segmentation as check
    check.dice_by_hand(dice_by_hand)

The answers are compared with ``medlearn.segmentation`` (itself tested against scikit-learn and scipy) and
``medlearn.fundus``; the lesion-wise counts with ``medlearn.segmentation.lesion_counts``, which counts as the chapter's
``lesion_scores`` and the ISLES'22 organisers' ``compute_lesion_f1_score`` do.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from scipy import ndimage

from ..._messages import tr
from ...segmentation import dice, hausdorff, iou_from_dice
from ..core import Mistake, as_number, compare, compared, task
from . import _data
from ._lesions import lesion_counts
from ._split import patch_at, split_by_child
from ._training import train_unet, vessel_patches

__all__ = [
    "dice_by_hand",
    "dice_inside",
    "hd95",
    "iou_from_dice_by_hand",
    "lesion_counts",
    "patch_at",
    "split_by_child",
    "train_unet",
    "vessel_patches",
]

_IOU = Mistake(
    "IoU",
    lambda truth, pred: np.sum(truth & pred) / np.sum(truth | pred),
    tr("that is the IoU, overlap / union; Dice divides twice the overlap by the SUM of the two sizes."),
)
_HALF = Mistake(
    "overlap once",
    lambda truth, pred: np.sum(truth & pred) / (truth.sum() + pred.sum()),
    tr("half the Dice: the overlap counts twice, 2 * |A and B| / (|A| + |B|)."),
    spot=lambda got, want, *_: np.isclose(got, want / 2),
)
_EMPTY = Mistake(
    "empty masks",
    lambda truth, pred: 2 * np.sum(truth & pred) / max(truth.sum() + pred.sum(), 1),
    lambda got, *_: tr(
        "two empty masks agree perfectly: return 1.0 (you returned {got}); 0 / 0 needs a rule, and medlearn "
        "chooses 1 (as MONAI's DiceMetric does with ignore_empty=False). MONAI's default, ignore_empty=True, "
        "gives NaN for an empty reference instead, even when the prediction marks false positives there, and its "
        "mean then skips those images.",
        got=got,
    ),
    spot=lambda *_: True,
)


@task(
    tr("Count the pixels where both masks are True (the overlap) and the True pixels of each mask."),
    tr(
        "Dice = 2 * overlap / (pixels of A + pixels of B); when both masks are empty, return 1.0 (they agree "
        "perfectly)."
    ),
    mistakes=[_IOU, _HALF, _EMPTY],
    reference=dice,
)
def dice_by_hand(function: Any) -> None:
    compare(
        function,
        reference=dice,
        cases=[_data.masks(seed) for seed in (0, 1)],
        read=lambda value, *_: as_number(value, tr("your Dice")),
        mistakes=[_IOU, _HALF],
        otherwise=lambda got, want, *_: tr("expected Dice {want:.4f}; you returned {got:.4f}.", want=want, got=got),
    )
    empty = np.zeros((6, 6), bool)
    compare(  # two empty masks: exactly 1.0, the rule the course chooses for 0 / 0
        function,
        reference=dice,
        cases=[(empty, empty)],
        read=lambda value, *_: as_number(value, tr("your Dice of two empty masks")),
        same=operator.eq,
        mistakes=[_EMPTY],
        otherwise=lambda got, want, *case: _EMPTY.wrong(got, *case).args[0],
    )


@compared(
    tr("Write Dice and IoU with the overlap I, the sizes a and b, and the union U = a + b - I."),
    tr("IoU = D / (2 - D)."),
    cases=lambda: [(d,) for d in (0.0, 0.25, 0.5, 0.8, 1.0)],
    read=lambda value, d: as_number(value, tr("your IoU for Dice {d}", d=d)),
    mistakes=[
        Mistake(
            "the other way",
            lambda d: 2 * d / (1 + d),
            tr("that goes the other way (Dice from IoU is 2J / (1 + J)); IoU from Dice is D / (2 - D)."),
        ),
        Mistake(
            "half",
            lambda d: d / 2,
            tr("IoU is not half the Dice: D / (2 - D) is lower than D, but not by half (try D = 1)."),
        ),
    ],
    otherwise=lambda got, want, d: tr(
        "for Dice {d} the IoU is {want:.4f}; you returned {got:.4f}.", d=d, want=want, got=got
    ),
)
def iou_from_dice_by_hand(d: float) -> float:
    return iou_from_dice(d)


def _inside_cases() -> list[tuple[bool, np.ndarray, np.ndarray, np.ndarray]]:
    """(empty inside?, truth, prediction, region): a prediction that is "vessel" everywhere outside the region,
    then two masks that hold vessels only outside it."""
    truth, pred = _data.masks(2)
    region = np.zeros_like(truth)
    region[5:35, 6:40] = True
    return [(False, truth, pred | ~region, region), (True, truth & ~region, ~region, region)]


def _plain_dice(truth: np.ndarray, pred: np.ndarray) -> float:
    return 2 * np.sum(truth & pred) / (truth.sum() + pred.sum()) if truth.sum() + pred.sum() else 1.0


@compared(
    tr("Keep only the pixels where mask is True: truth[mask] and pred[mask] are 1-D arrays of those pixels."),
    tr("Then compute Dice on them: 2 * (t & p).sum() / (t.sum() + p.sum())."),
    tr("When both are empty inside the mask, they agree: return 1.0, as in dice_by_hand."),
    cases=_inside_cases,
    arguments=lambda empty, truth, pred, region: (truth, pred, region),
    read=lambda value, empty, *_: as_number(
        value, tr("your Dice of masks empty inside") if empty else tr("your Dice inside the mask")
    ),
    mistakes=[
        Mistake(
            "every pixel",
            lambda truth, pred, region: _plain_dice(truth, pred),
            tr("that counts every pixel: the prediction's pixels outside the mask must not count."),
            spot=lambda got, want, empty, truth, pred, region: not empty and np.isclose(got, dice(truth, pred)),
        ),
        Mistake(
            "empty inside",
            lambda truth, pred, region: (
                2 * np.sum(truth[region] & pred[region]) / max(truth[region].sum() + pred[region].sum(), 1)
            ),
            lambda got, *_: tr(
                "both masks are empty inside the mask, so they agree there: return 1.0 (you returned {got}). "
                "What lies outside the mask must not change the answer.",
                got=got,
            ),
            spot=lambda got, want, empty, *_: empty,
        ),
    ],
    otherwise=lambda got, want, *_: tr(
        "expected Dice {want:.4f} inside the mask; you returned {got:.4f}.", want=want, got=got
    ),
)
def dice_inside(truth: np.ndarray, pred: np.ndarray, region: np.ndarray) -> float:
    return dice(truth, pred, region)


def _directed(truth: np.ndarray, pred: np.ndarray) -> list[np.ndarray]:
    """The distances from each boundary pixel of one mask to the other's boundary, A to B and B to A."""
    borders = [m & ~ndimage.binary_erosion(m) for m in (truth, pred)]
    return [ndimage.distance_transform_edt(~borders[1 - k])[borders[k]] for k in range(2)]


def _hd95_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    cases = []
    for seed, swap in ((3, False), (3, True), (4, False), (4, True)):  # both orders: the distance is symmetric
        truth, pred = _data.masks(seed, (60, 60))
        cases.append((pred, truth) if swap else (truth, pred))
    return cases


@compared(
    tr(
        "The boundary of a mask: its pixels that erosion removes, m & ~ndimage.binary_erosion(m). For each boundary "
        "pixel of A, the distance to the nearest boundary pixel of B is ndimage.distance_transform_edt(~boundary_B) "
        "read at A's boundary pixels."
    ),
    tr(
        "Take the 95th percentile of A-to-B distances and of B-to-A distances (np.percentile(..., 95)), and return "
        "the larger of the two."
    ),
    cases=_hd95_cases,
    read=lambda value, *_: as_number(value, tr("your HD95")),
    mistakes=[
        Mistake(
            "one direction",
            lambda truth, pred: np.percentile(_directed(truth, pred)[0], 95),
            tr("that is one direction only: compute A to B and B to A, and return the larger."),
            spot=lambda got, want, truth, pred: any(
                np.isclose(got, np.percentile(side, 95)) for side in _directed(truth, pred)
            ),
        ),
        Mistake(
            "pooled",
            lambda truth, pred: np.percentile(np.concatenate(_directed(truth, pred)), 95),
            tr(
                "that pools both directions before the percentile (medpy's hd95). This course, like MONAI, takes "
                "the 95th percentile of each direction and returns the larger."
            ),
        ),
        Mistake(
            "maximum",
            lambda truth, pred: max(side.max() for side in _directed(truth, pred)),
            tr("that is the full (maximum) Hausdorff distance; take the 95th percentile of each direction."),
            spot=lambda got, want, truth, pred: np.isclose(got, hausdorff(truth, pred, percentile=100)),
        ),
    ],
    otherwise=lambda got, want, *_: tr(
        "expected HD95 {want:.3f} pixels; you returned {got:.3f}. Measure between BOUNDARY pixels, not all pixels.",
        want=want,
        got=got,
    ),
)
def hd95(truth: np.ndarray, pred: np.ndarray) -> float:
    return hausdorff(truth, pred)
