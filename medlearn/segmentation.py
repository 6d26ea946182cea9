"""Overlap and distance metrics for binary segmentation masks, inside an optional region.

Every function takes the reference mask ``y_true`` and the prediction ``y_pred``
(bool, or integers 0 and 1, of one shape: a single image or a stack), and an
optional ``mask`` that limits the comparison to a region, for example the field
of view of a fundus photograph. Called on a stack, the overlap metrics pool all
pixels; :func:`per_image` gives one value per image.

Empty masks have defined results: when the reference and the prediction are both
empty, Dice and IoU are 1 (perfect agreement) and the Hausdorff distance is 0;
when only one is empty, Dice and IoU are 0 and the Hausdorff distance is infinite.

Example:
    >>> y_true = np.array([[0, 1, 1, 0]], dtype=bool)
    >>> y_pred = np.array([[0, 1, 0, 0]], dtype=bool)
    >>> dice(y_true, y_pred), iou(y_true, y_pred)
    (0.6666666666666666, 0.5)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage

from ._validation import check_array, check_mask, check_number, check_spacing

__all__ = [
    "dice",
    "dice_by_threshold",
    "dice_from_iou",
    "hausdorff",
    "iou",
    "iou_from_dice",
    "lesion_counts",
    "per_image",
    "pixel_metrics",
]


def _masks(y_true: object, y_pred: object, mask: object | None) -> tuple[np.ndarray, np.ndarray]:
    """The two masks as bool arrays, restricted to ``mask`` (flattened) when it is given."""
    truth = check_mask(y_true, "y_true")
    pred = check_mask(y_pred, "y_pred", shape=truth.shape, like="y_true")
    if mask is None:
        return truth.ravel(), pred.ravel()
    region = check_mask(mask, "mask", shape=truth.shape, like="y_true")
    return truth[region], pred[region]


def dice(y_true: object, y_pred: object, mask: object | None = None) -> float:
    """The Dice coefficient 2|A ∩ B| / (|A| + |B|): 0 for no overlap, 1 for identical masks (1 when both are empty).

    It equals the F1 score of the pixels (``sklearn.metrics.f1_score`` on the flattened masks).

    Example:
        >>> dice([[1, 1, 0, 0]], [[1, 0, 0, 0]], mask=[[1, 1, 1, 0]])
        0.6666666666666666
    """
    truth, pred = _masks(y_true, y_pred, mask)
    total = truth.sum() + pred.sum()
    return 1.0 if total == 0 else float(2 * np.sum(truth & pred) / total)


def dice_by_threshold(y_true: object, y_score: object, thresholds: object, mask: object | None = None) -> np.ndarray:
    """Dice of ``y_score >= t`` against ``y_true`` for every threshold ``t``, in one pass over the pixels.

    The same numbers as ``[dice(y_true, y_score >= t, mask) for t in thresholds]``,
    but each score is sorted once instead of thresholded once per ``t``, so a fine
    grid of thresholds costs little more than one.

    Args:
        y_true: reference mask(s).
        y_score: one number per pixel (for example a network's probabilities), same shape.
        thresholds: 1-D array of finite thresholds.
        mask: optional region, same shape; pixels outside it are ignored.

    Example:
        >>> dice_by_threshold([[1, 1, 0, 0]], [[0.9, 0.4, 0.6, 0.1]], [0.5, 0.3])
        array([0.5, 0.8])
    """
    truth = check_mask(y_true, "y_true")
    values = check_array(y_score, "y_score", kinds="iuf")
    if values.shape != truth.shape:
        raise ValueError(f"y_score must have y_true's shape {truth.shape}, not {values.shape}")
    cuts = check_array(thresholds, "thresholds", ndim=1, kinds="iuf").astype(float)
    if mask is not None:
        region = check_mask(mask, "mask", shape=truth.shape, like="y_true")
        truth, values = truth[region], values[region]
    if not np.issubdtype(values.dtype, np.floating):
        values = values.astype(float)
    # Sort in the scores' own precision (less memory), with each threshold moved up to the smallest value of
    # that precision that is >= it, so that "score >= threshold" counts exactly as in float64.
    rounded = cuts.astype(values.dtype)
    cuts = np.where(rounded < cuts, np.nextafter(rounded, np.inf), rounded)
    on_vessel, on_background = values[truth], values[~truth]
    on_vessel.sort()
    on_background.sort()
    true_positive = on_vessel.size - np.searchsorted(on_vessel, cuts, side="left")
    false_positive = on_background.size - np.searchsorted(on_background, cuts, side="left")
    total = on_vessel.size + true_positive + false_positive
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total == 0, 1.0, 2 * true_positive / np.maximum(total, 1))


def iou(y_true: object, y_pred: object, mask: object | None = None) -> float:
    """Intersection over union (the Jaccard index) |A ∩ B| / |A ∪ B| (1 when both masks are empty).

    It equals ``sklearn.metrics.jaccard_score`` on the flattened masks.

    Example:
        >>> iou([[1, 1, 0, 0]], [[1, 0, 0, 1]])
        0.3333333333333333
    """
    truth, pred = _masks(y_true, y_pred, mask)
    union = np.sum(truth | pred)
    return 1.0 if union == 0 else float(np.sum(truth & pred) / union)


def iou_from_dice(value: float) -> float:
    """IoU from Dice for the same pair of masks: J = D / (2 - D).

    Example:
        >>> round(iou_from_dice(0.8), 4)
        0.6667
    """
    value = check_number(value, "value", low=0, high=1)
    return value / (2 - value)


def dice_from_iou(value: float) -> float:
    """Dice from IoU for the same pair of masks: D = 2J / (1 + J).

    Example:
        >>> dice_from_iou(0.5)
        0.6666666666666666
    """
    value = check_number(value, "value", low=0, high=1)
    return 2 * value / (1 + value)


def pixel_metrics(y_true: object, y_pred: object, mask: object | None = None) -> dict[str, float]:
    """Sensitivity, specificity, accuracy, Dice and IoU of the pixels (inside ``mask`` when given).

    Sensitivity is the share of reference vessel (foreground) pixels found, specificity
    the share of background pixels left out; either is NaN when its class is absent.

    Example:
        >>> m = pixel_metrics([[1, 1, 0, 0]], [[1, 0, 0, 1]])
        >>> m["sensitivity"], m["specificity"], m["accuracy"]
        (0.5, 0.5, 0.5)
    """
    truth, pred = _masks(y_true, y_pred, mask)
    tp, fn = np.sum(truth & pred), np.sum(truth & ~pred)
    tn, fp = np.sum(~truth & ~pred), np.sum(~truth & pred)
    return {
        "sensitivity": float(tp / (tp + fn)) if tp + fn else float("nan"),
        "specificity": float(tn / (tn + fp)) if tn + fp else float("nan"),
        "accuracy": float((tp + tn) / truth.size) if truth.size else float("nan"),
        "dice": dice(truth, pred),
        "iou": iou(truth, pred),
    }


def lesion_counts(y_true: object, y_pred: object) -> dict[str, float]:
    """Lesion-wise counts of a 2-D or 3-D mask against its reference, as the ISLES'22 challenge scores them.

    A lesion is a connected piece of a mask; voxels that touch, even at a corner, are one piece (26 neighbours in
    3-D, 8 in 2-D). A reference lesion is *found* when it shares at least one voxel with ``y_pred``, else *missed*;
    a piece of ``y_pred`` that shares no voxel with ``y_true`` is a *false alarm*. The lesion-wise F1 is
    found / (found + (missed + false alarms) / 2), and 1 when both masks are empty (the organisers'
    ``compute_lesion_f1_score``, ezequieldlrosa/isles22, ``utils/eval_utils.py``).

    Example:
        >>> truth = np.zeros((1, 6, 6), bool)
        >>> truth[0, 1, 1] = truth[0, 2, 2] = truth[0, 1, 4] = True  # two lesions: a corner joins the first two
        >>> pred = np.zeros_like(truth)
        >>> pred[0, 1, 1] = pred[0, 4, 4] = True
        >>> lesion_counts(truth, pred)
        {'found': 1, 'missed': 1, 'false alarms': 1, 'lesion F1': 0.5}
    """
    truth = check_mask(y_true, "y_true")
    check_array(truth, "y_true", ndim=(2, 3))
    pred = check_mask(y_pred, "y_pred", shape=truth.shape, like="y_true")
    touching = np.ones((3,) * truth.ndim, bool)  # every neighbour, corners included
    truth_labels, n_truth = ndimage.label(truth, structure=touching)
    pred_labels, n_pred = ndimage.label(pred, structure=touching)
    found = int(np.count_nonzero(np.unique(truth_labels[truth & pred])))
    false_alarms = n_pred - int(np.count_nonzero(np.unique(pred_labels[truth & pred])))
    missed = n_truth - found
    denominator = found + (missed + false_alarms) / 2
    return {
        "found": found,
        "missed": missed,
        "false alarms": false_alarms,
        "lesion F1": float(found / denominator) if denominator else 1.0,
    }


def _boundary(mask: np.ndarray) -> np.ndarray:
    """The mask's pixels that touch the background (face neighbours), as in MONAI's ``get_mask_edges``."""
    return mask & ~ndimage.binary_erosion(mask, border_value=0)


def hausdorff(
    y_true: object,
    y_pred: object,
    percentile: float = 95,
    spacing: float | tuple[float, ...] = 1.0,
) -> float:
    """The symmetric percentile Hausdorff distance between two masks' boundaries, in units of ``spacing``.

    For each boundary pixel of one mask, the distance to the nearest boundary pixel
    of the other; the ``percentile`` of those distances in each direction; the
    larger of the two. ``percentile=100`` is the classical Hausdorff distance; 95
    (HD95) ignores the farthest 5 % of boundary pixels. This is MONAI's
    ``compute_hausdorff_distance``; medpy's ``hd95`` instead pools the distances
    of both directions before taking the percentile. For population quantiles,
    or the sample quantile that inverts the empirical distribution function
    (``np.percentile(..., method="inverted_cdf")``), the pooled one lies between
    the two directed ones; with the linear interpolation of ``np.percentile``
    (which medpy uses) it can exceed both: directed distances [0, 10] each way
    give 9.5 here, while the pooled [0, 0, 10, 10] give 10.0 (with
    ``method="inverted_cdf"`` all three are 10.0). Say which one you report.
    0 when both masks are empty, infinite when only one is.

    Args:
        y_true, y_pred: masks of one image (2-D, or 3-D for a volume).
        percentile: in (0, 100].
        spacing: pixel size, one number or one per axis (for example millimetres).

    Example:
        >>> a = np.zeros((9, 9), bool); a[2:5, 2:5] = True
        >>> b = np.zeros((9, 9), bool); b[2:5, 4:7] = True
        >>> hausdorff(a, b, percentile=100)
        2.0
    """
    truth = check_mask(y_true, "y_true")
    check_array(truth, "y_true", ndim=(2, 3))
    pred = check_mask(y_pred, "y_pred", shape=truth.shape, like="y_true")
    percentile = check_number(percentile, "percentile", low=0, high=100, low_open=True)
    sampling = check_spacing(spacing, "spacing", truth.ndim)
    if not truth.any() and not pred.any():
        return 0.0
    if not truth.any() or not pred.any():
        return float("inf")
    edges_true, edges_pred = _boundary(truth), _boundary(pred)
    to_pred = ndimage.distance_transform_edt(~edges_pred, sampling=sampling)[edges_true]
    to_true = ndimage.distance_transform_edt(~edges_true, sampling=sampling)[edges_pred]
    return float(max(np.percentile(to_pred, percentile), np.percentile(to_true, percentile)))


def per_image(
    metric: Callable[..., float], y_true: object, y_pred: object, mask: object | None = None, **options: object
) -> np.ndarray:
    """``metric`` on each image of a stack ``(N, H, W)``: one value per image (``mask`` per image too).

    Example:
        >>> per_image(dice, [[[1, 0]], [[1, 1]]], [[[1, 0]], [[0, 1]]])
        array([1.        , 0.66666667])
    """
    truth = check_mask(y_true, "y_true")
    check_array(truth, "y_true", ndim=(3, 4))
    pred = check_mask(y_pred, "y_pred", shape=truth.shape, like="y_true")
    if mask is None:
        return np.array([metric(t, p, **options) for t, p in zip(truth, pred)])
    region = check_mask(mask, "mask", shape=truth.shape, like="y_true")
    return np.array([metric(t, p, r, **options) for t, p, r in zip(truth, pred, region)])
