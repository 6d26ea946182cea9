"""Checks for the exercises of chapter 08, segmentation.

In the exercise notebook::

    from medlearn.check import segmentation as check
    check.dice_by_hand(dice_by_hand)

The answers are compared with ``medlearn.segmentation`` (itself tested against
scikit-learn and scipy) and ``medlearn.fundus``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import ndimage

from ..segmentation import dice, hausdorff, iou, iou_from_dice
from ._segmentation_training import train_unet, vessel_patches
from .core import Wrong, as_array, as_number, call, task

__all__ = [
    "dice_by_hand",
    "dice_inside",
    "hd95",
    "iou_from_dice_by_hand",
    "patch_at",
    "split_by_child",
    "train_unet",
    "vessel_patches",
]


def _masks(seed: int = 0, shape: tuple[int, int] = (40, 48)) -> tuple[np.ndarray, np.ndarray]:
    """A blobby reference and a prediction that overlaps it imperfectly."""
    rng = np.random.default_rng(seed)
    truth = ndimage.gaussian_filter(rng.random(shape), 3) > 0.52
    pred = ndimage.gaussian_filter(rng.random(shape), 3) > 0.5
    return truth, truth & pred | (ndimage.binary_dilation(truth) & ~truth & pred)


@task(
    hints=[
        "Count the pixels where both masks are True (the overlap) and the True pixels of each mask.",
        "Dice = 2 * overlap / (pixels of A + pixels of B); when both masks are empty, return 1.0 (they agree "
        "perfectly).",
    ]
)
def dice_by_hand(function: Any) -> None:
    for seed in (0, 1):
        truth, pred = _masks(seed)
        want = dice(truth, pred)
        got = as_number(call(function, truth.copy(), pred.copy()), "your Dice")
        if np.isclose(got, want):
            continue
        if np.isclose(got, iou(truth, pred)):
            raise Wrong("that is the IoU, overlap / union; Dice divides twice the overlap by the SUM of the two sizes.")
        if np.isclose(got, want / 2):
            raise Wrong("half the Dice: the overlap counts twice, 2 * |A and B| / (|A| + |B|).")
        raise Wrong(f"expected Dice {want:.4f}; you returned {got:.4f}.")
    empty = np.zeros((6, 6), bool)
    got = as_number(call(function, empty.copy(), empty.copy()), "your Dice of two empty masks")
    if not got == 1.0:
        raise Wrong(
            f"two empty masks agree perfectly: return 1.0 (you returned {got}); 0 / 0 needs a rule, and medlearn "
            "chooses 1 (as MONAI's DiceMetric does with ignore_empty=False). MONAI's default, ignore_empty=True, "
            "gives NaN for an empty reference instead, even when the prediction marks false positives there, and its "
            "mean then skips those images."
        )


@task(
    hints=[
        "Write Dice and IoU with the overlap I, the sizes a and b, and the union U = a + b - I.",
        "IoU = D / (2 - D).",
    ]
)
def iou_from_dice_by_hand(function: Any) -> None:
    for d in (0.0, 0.25, 0.5, 0.8, 1.0):
        want = iou_from_dice(d)
        got = as_number(call(function, d), f"your IoU for Dice {d}")
        if np.isclose(got, want):
            continue
        if np.isclose(got, 2 * d / (1 + d)):
            raise Wrong("that goes the other way (Dice from IoU is 2J / (1 + J)); IoU from Dice is D / (2 - D).")
        if np.isclose(got, d / 2):
            raise Wrong("IoU is not half the Dice: D / (2 - D) is lower than D, but not by half (try D = 1).")
        raise Wrong(f"for Dice {d} the IoU is {want:.4f}; you returned {got:.4f}.")


@task(
    hints=[
        "Keep only the pixels where mask is True: truth[mask] and pred[mask] are 1-D arrays of those pixels.",
        "Then compute Dice on them: 2 * (t & p).sum() / (t.sum() + p.sum()).",
        "When both are empty inside the mask, they agree: return 1.0, as in dice_by_hand.",
    ]
)
def dice_inside(function: Any) -> None:
    truth, pred = _masks(2)
    region = np.zeros_like(truth)
    region[5:35, 6:40] = True
    pred = pred | ~region  # the prediction is "vessel" everywhere outside the region
    want = dice(truth, pred, region)
    got = as_number(call(function, truth.copy(), pred.copy(), region.copy()), "your Dice inside the mask")
    if not np.isclose(got, want):
        if np.isclose(got, dice(truth, pred)):
            raise Wrong("that counts every pixel: the prediction's pixels outside the mask must not count.")
        raise Wrong(f"expected Dice {want:.4f} inside the mask; you returned {got:.4f}.")
    empty_inside = truth & ~region  # both masks hold vessels only outside the region
    got = as_number(
        call(function, empty_inside.copy(), (~region).copy(), region.copy()), "your Dice of masks empty inside"
    )
    if not np.isclose(got, 1.0):
        raise Wrong(
            f"both masks are empty inside the mask, so they agree there: return 1.0 (you returned {got}). "
            "What lies outside the mask must not change the answer."
        )


@task(
    hints=[
        "The boundary of a mask: its pixels that erosion removes, m & ~ndimage.binary_erosion(m). For each boundary "
        "pixel of A, the distance to the nearest boundary pixel of B is ndimage.distance_transform_edt(~boundary_B) "
        "read at A's boundary pixels.",
        "Take the 95th percentile of A-to-B distances and of B-to-A distances (np.percentile(..., 95)), and return "
        "the larger of the two.",
    ]
)
def hd95(function: Any) -> None:
    for seed, swap in ((3, False), (3, True), (4, False), (4, True)):  # both orders: the distance is symmetric
        truth, pred = _masks(seed, (60, 60))
        if swap:
            truth, pred = pred, truth
        want = hausdorff(truth, pred)
        got = as_number(call(function, truth.copy(), pred.copy()), "your HD95")
        if np.isclose(got, want):
            continue
        borders = [m & ~ndimage.binary_erosion(m) for m in (truth, pred)]
        directed = [np.percentile(ndimage.distance_transform_edt(~borders[1 - k])[borders[k]], 95) for k in range(2)]
        if any(np.isclose(got, value) for value in directed):
            raise Wrong("that is one direction only: compute A to B and B to A, and return the larger.")
        both = [ndimage.distance_transform_edt(~borders[1 - k])[borders[k]] for k in range(2)]
        if np.isclose(got, np.percentile(np.concatenate(both), 95)):
            raise Wrong(
                "that pools both directions before the percentile (medpy's hd95). This course, like MONAI, takes "
                "the 95th percentile of each direction and returns the larger."
            )
        if np.isclose(got, hausdorff(truth, pred, percentile=100)):
            raise Wrong("that is the full (maximum) Hausdorff distance; take the 95th percentile of each direction.")
        raise Wrong(
            f"expected HD95 {want:.3f} pixels; you returned {got:.3f}. Measure between BOUNDARY pixels, not all pixels."
        )


@task(
    hints=[
        "A patch of side size centred at (row, col) starts size // 2 pixels above and left of the centre.",
        "top, left = row - size // 2, col - size // 2; return image[top:top + size, left:left + size] and the same "
        "slice of the mask.",
    ]
)
def patch_at(function: Any) -> None:
    image = np.arange(30 * 40, dtype=float).reshape(30, 40)
    mask = image % 7 == 0
    for (row, col), size in (((12, 20), 8), ((15, 9), 5)):
        top, left = row - size // 2, col - size // 2
        result = call(function, image.copy(), mask.copy(), row, col, size)
        if not isinstance(result, tuple) or len(result) != 2:
            raise Wrong("return a pair: (the image patch, the mask patch).")
        got_image = as_array(result[0], "your image patch", shape=(size, size))
        got_mask = as_array(result[1], "your mask patch", shape=(size, size))
        if np.array_equal(got_image, image[top : top + size, left : left + size]) and np.array_equal(
            got_mask, mask[top : top + size, left : left + size]
        ):
            continue
        if np.array_equal(got_image, image[row : row + size, col : col + size]):
            raise Wrong("your patch starts at the centre: (row, col) is the patch's CENTRE, so start size // 2 before.")
        if np.array_equal(got_image, image.T[col - size // 2 : col - size // 2 + size, top : top + size]):
            raise Wrong("rows and columns are swapped: the first index of an image is the row.")
        raise Wrong(
            f"for the centre ({row}, {col}) and size {size}, the patch is image[{top}:{top + size}, "
            f"{left}:{left + size}]."
        )


@task(
    hints=[
        "Choose CHILDREN for the test set, not images: np.unique(child), then a seeded rng.choice of n_test of them.",
        "test = np.isin(child, chosen_children): both eyes of a chosen child land in the test set together.",
    ]
)
def split_by_child(function: Any) -> None:
    child = np.repeat(np.arange(1, 15), 2)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(child))
    child = child[order]  # images not sorted by child, as in many real folders
    for n_test, seed in ((4, 0), (3, 1)):
        answer = call(function, child.copy(), n_test, seed)
        as_array(answer, "your test mask", shape=child.shape)
        if np.asarray(answer).dtype != bool:
            raise Wrong("return a boolean mask, True for the test images (one value per image).")
        test = np.asarray(answer)
        in_test, in_train = set(child[test].tolist()), set(child[~test].tolist())
        if in_test & in_train:
            raise Wrong(
                f"children {sorted(in_test & in_train)} have one eye in test and one in training: split by child."
            )
        if len(in_test) != n_test:
            raise Wrong(f"the test set should hold {n_test} children (all their images); yours holds {len(in_test)}.")
    again = as_array(call(function, child.copy(), 4, 0), "your test mask", shape=child.shape)
    if not np.array_equal(again, as_array(call(function, child.copy(), 4, 0), "your test mask", shape=child.shape)):
        raise Wrong("use the seed: the same seed must give the same split (np.random.default_rng(seed)).")
    others = [
        as_array(call(function, child.copy(), 4, seed), "your test mask", shape=child.shape) for seed in range(1, 6)
    ]
    if all(np.array_equal(again, other) for other in others):
        raise Wrong("seeds 0 to 5 all give the same split: draw the test children at random with the seed.")
