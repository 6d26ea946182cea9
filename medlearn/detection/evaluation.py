"""Scoring object detection: matching detections to ground truth, COCO's mAP, FROC, and counting objects.

Ground truth and predictions are lists with one dict per image of corner boxes, as torchvision and torchmetrics
take them: ``{"boxes": (N, 4), "labels": (N,)}``, and predictions also ``"scores": (N,)``; boxes are as in
:mod:`medlearn.detection.boxes`. pycocotools takes ``[x, y, width, height]`` in COCO JSON instead: convert
before handing it corner boxes.

:func:`mean_average_precision` follows pycocotools' ``COCOeval`` (bbox, area "all") step for
step, and the tests check that the two agree to 1e-6; :func:`froc` is in the style of the lung-nodule
challenge LUNA16 (Setio et al., Medical Image Analysis 42:1-13, 2017), without its interpolation or its
ignored findings, and with a hit radius taken from the box.

Example:
    >>> truth = [{"boxes": [[0, 0, 10, 10]], "labels": [0]}]
    >>> found = [{"boxes": [[1, 0, 11, 10]], "labels": [0], "scores": [0.9]}]
    >>> round(mean_average_precision(truth, found)["map_50"], 3)
    1.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._validation import check_array, check_int, check_number
from .boxes import _boxes, box_iou, corners_to_centres

__all__ = [
    "COCO_IOU_THRESHOLDS",
    "COCO_RECALL_THRESHOLDS",
    "FROC_RATES",
    "choose_count_threshold",
    "count_objects",
    "froc",
    "match_detections",
    "mean_average_precision",
]

#: COCO's IoU thresholds 0.50, 0.55, ..., 0.95, computed as pycocotools computes them.
COCO_IOU_THRESHOLDS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
#: COCO's 101 recall levels 0, 0.01, ..., 1 at which precision is read.
COCO_RECALL_THRESHOLDS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)
#: False positives per image at which FROC reads sensitivity (LUNA16's seven points).
FROC_RATES = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def _images(values: object, name: str, *, scores: bool) -> list[dict[str, np.ndarray]]:
    """A list of per-image dicts, each checked and converted to arrays."""
    if isinstance(values, Mapping) or not isinstance(values, Sequence):
        raise ValueError(f"{name} must be a list with one dict per image, not {type(values).__name__}")
    checked = []
    for i, item in enumerate(values):
        keys = ("boxes", "labels", "scores") if scores else ("boxes", "labels")
        if not isinstance(item, Mapping) or any(k not in item for k in keys):
            raise ValueError(f"{name}[{i}] must be a dict with {', '.join(keys)}, not {type(item).__name__}")
        boxes = _boxes(item["boxes"], f"{name}[{i}]['boxes']")
        out = {"boxes": boxes}
        for key in ("labels", "scores")[: 2 if scores else 1]:
            array = check_array(item[key], f"{name}[{i}][{key!r}]", empty=True).reshape(-1)
            if key == "labels":
                if array.size and (array.dtype.kind not in "iu" and not np.all(array == np.round(array))):
                    raise ValueError(f"{name}[{i}]['labels'] must hold integer class labels, not {array[:5].tolist()}")
                array = array.astype(np.int64)
            if len(array) != len(boxes):
                raise ValueError(f"{name}[{i}][{key!r}] must have one value per box ({len(boxes)}), not {len(array)}")
            out[key] = array
        checked.append(out)
    return checked


def _pair(ground_truth: object, predictions: object) -> tuple[list[dict], list[dict]]:
    gt, dt = _images(ground_truth, "ground_truth", scores=False), _images(predictions, "predictions", scores=True)
    if len(gt) != len(dt):
        raise ValueError(f"predictions must have one dict per image of ground_truth ({len(gt)}), not {len(dt)}")
    return gt, dt


def _match_image(
    gt_boxes: np.ndarray, dt_boxes: np.ndarray, dt_scores: np.ndarray, thresholds: np.ndarray, max_detections: int
) -> tuple[np.ndarray, np.ndarray]:
    """COCOeval.evaluateImg for one image and class: (scores of the kept detections, matched (T, D) bool)."""
    order = np.argsort(-dt_scores, kind="mergesort")[:max_detections]
    dt_boxes, dt_scores = dt_boxes[order], dt_scores[order]
    iou = box_iou(dt_boxes, gt_boxes)
    matched = np.zeros((len(thresholds), len(dt_boxes)), bool)
    for t, threshold in enumerate(thresholds):
        free = np.ones(len(gt_boxes), bool)
        for d in range(len(dt_boxes) if len(gt_boxes) else 0):
            candidates = np.where(free, iou[d], -1.0)
            g = len(candidates) - 1 - int(np.argmax(candidates[::-1]))  # the highest IoU; the last of equals
            if candidates[g] >= min(threshold, 1 - 1e-10):
                free[g], matched[t, d] = False, True
    return dt_scores, matched


def match_detections(
    ground_truth: object,
    predictions: object,
    label: int,
    iou_threshold: float = 0.5,
    *,
    max_detections: int = 100,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Every detection of one class, best score first, marked true or false positive, and the number of boxes.

    In each image, detections are taken best score first (at most ``max_detections``); each is
    a true positive when it overlaps a box of its class not yet matched with IoU at least
    ``iou_threshold`` (the box of highest IoU is taken), else a false positive: COCO's rule.
    A second detection of a matched box is a false positive. The precision-recall curve follows
    from the cumulative sums.

    Returns:
        ``(scores, is_true_positive, n_boxes)``, scores in descending order over all images.

    Example:
        >>> gt = [{"boxes": [[0, 0, 10, 10]], "labels": [0]}]
        >>> dt = [{"boxes": [[0, 0, 10, 10], [1, 0, 10, 10]], "labels": [0, 0], "scores": [0.9, 0.8]}]
        >>> scores, tp, n = match_detections(gt, dt, label=0)
        >>> scores.tolist(), tp.tolist(), n
        ([0.9, 0.8], [True, False], 1)
    """
    gt, dt = _pair(ground_truth, predictions)
    label = check_int(label, "label")
    threshold = check_number(iou_threshold, "iou_threshold", low=0, high=1)
    max_detections = check_int(max_detections, "max_detections", min_value=1)
    scores, hits, n_boxes = [], [], 0
    for g, d in zip(gt, dt):
        n_boxes += int(np.sum(g["labels"] == label))
        mine = d["labels"] == label
        s, m = _match_image(
            g["boxes"][g["labels"] == label], d["boxes"][mine], d["scores"][mine].astype(float),
            np.array([threshold]), max_detections,
        )  # fmt: skip
        scores.append(s)
        hits.append(m[0])
    all_scores, all_hits = np.concatenate(scores), np.concatenate(hits)
    order = np.argsort(-all_scores, kind="mergesort")
    return all_scores[order], all_hits[order], n_boxes


def mean_average_precision(
    ground_truth: object,
    predictions: object,
    iou_thresholds: object | None = None,
    *,
    max_detections: int = 100,
) -> dict[str, Any]:
    """COCO's mean average precision, as pycocotools' ``COCOeval`` computes it (bbox, area "all").

    For each class and IoU threshold: detections matched as in :func:`match_detections`,
    precision made non-increasing from the right, read at COCO's 101 recall levels (0 where a
    level is not reached) and averaged. A class with no ground-truth box is left out of the mean
    (its AP is NaN); a class with boxes but no detections has AP 0.

    Args:
        ground_truth: one dict per image with ``boxes`` (N, 4) and integer ``labels`` (N,).
        predictions: one dict per image with ``boxes``, ``labels`` and ``scores``.
        iou_thresholds: the IoU thresholds to average over; None means COCO's 0.50:0.05:0.95.
        max_detections: detections kept per image and class, best first (COCO: 100).

    Returns:
        ``map`` (mean over classes and thresholds), ``map_50`` and ``map_75`` (when those thresholds
        are among them), ``ap_per_class`` ({label: AP averaged over the thresholds}),
        ``ap_50_per_class`` ({label: AP at IoU 0.5}, when 0.5 is among them) and ``precision``
        (array thresholds x 101 recall levels x classes, -1 for a class without boxes), ``labels``.

    Example:
        >>> gt = [{"boxes": [[0, 0, 10, 10], [20, 20, 30, 30]], "labels": [0, 1]}]
        >>> dt = [{"boxes": [[0, 0, 10, 10], [21, 21, 30, 30]], "labels": [0, 1], "scores": [0.9, 0.8]}]
        >>> result = mean_average_precision(gt, dt)
        >>> round(result["map"], 4), round(result["map_50"], 4)
        (0.85, 1.0)
        >>> {label: round(ap, 4) for label, ap in result["ap_50_per_class"].items()}
        {0: 1.0, 1: 1.0}
    """
    gt, dt = _pair(ground_truth, predictions)
    if iou_thresholds is None:
        thresholds = COCO_IOU_THRESHOLDS
    else:
        thresholds = check_array(iou_thresholds, "iou_thresholds", ndim=1).astype(float)
        if np.any((thresholds < 0) | (thresholds > 1)):
            raise ValueError(f"iou_thresholds must lie in [0, 1], not {thresholds.tolist()}")
    max_detections = check_int(max_detections, "max_detections", min_value=1)
    labels = sorted({int(v) for image in (*gt, *dt) for v in image["labels"]})
    precision = -np.ones((len(thresholds), len(COCO_RECALL_THRESHOLDS), len(labels)))
    for k, label in enumerate(labels):
        scores, matches, n_boxes = [], [], 0
        for g, d in zip(gt, dt):
            boxes = g["boxes"][g["labels"] == label]
            mine = d["labels"] == label
            n_boxes += len(boxes)
            s, m = _match_image(boxes, d["boxes"][mine], d["scores"][mine].astype(float), thresholds, max_detections)
            scores.append(s)
            matches.append(m)
        if n_boxes == 0:
            continue
        order = np.argsort(-np.concatenate(scores), kind="mergesort")
        tps = np.concatenate(matches, axis=1)[:, order]
        tp_sum = np.cumsum(tps, axis=1).astype(float)
        fp_sum = np.cumsum(~tps, axis=1).astype(float)
        for t in range(len(thresholds)):
            recall = tp_sum[t] / n_boxes
            prec = tp_sum[t] / (fp_sum[t] + tp_sum[t] + np.spacing(1))
            prec = np.maximum.accumulate(prec[::-1])[::-1]  # the precision envelope
            q = np.zeros(len(COCO_RECALL_THRESHOLDS))
            idx = np.searchsorted(recall, COCO_RECALL_THRESHOLDS, side="left")
            reached = idx < len(prec)
            q[reached] = prec[idx[reached]]
            precision[t, :, k] = q
    has_boxes = [bool(np.any(precision[:, :, k] > -1)) for k in range(len(labels))]

    def mean(block: np.ndarray) -> float:
        block = block[block > -1]
        return float(np.mean(block)) if block.size else float("nan")

    result: dict[str, Any] = {
        "map": mean(precision),
        "ap_per_class": {
            lab: mean(precision[:, :, k]) if has_boxes[k] else float("nan") for k, lab in enumerate(labels)
        },
        "precision": precision,
        "labels": labels,
        "iou_thresholds": thresholds,
    }
    for name, value in (("map_50", 0.5), ("map_75", 0.75)):
        at = np.flatnonzero(np.isclose(thresholds, value))
        if at.size:
            result[name] = mean(precision[at[0]])
            if value == 0.5:
                result["ap_50_per_class"] = {
                    lab: mean(precision[at[0], :, k]) if has_boxes[k] else float("nan") for k, lab in enumerate(labels)
                }
    return result


def _centre_hits(gt_boxes: np.ndarray, dt_boxes: np.ndarray) -> np.ndarray:
    """(D, G): the detection's centre lies within the radius of the box's centre (half its smaller side)."""
    g, d = corners_to_centres(gt_boxes), corners_to_centres(dt_boxes)
    distance = np.hypot(d[:, None, 0] - g[None, :, 0], d[:, None, 1] - g[None, :, 1])
    return distance <= np.minimum(g[:, 2], g[:, 3])[None, :] / 2


def froc(
    ground_truth: object,
    predictions: object,
    label: int,
    *,
    rates: Sequence[float] = FROC_RATES,
    hit: str = "centre",
    iou_threshold: float = 0.5,
) -> dict[str, Any]:
    """Free-response ROC: sensitivity against false positives per image, and LUNA16's summary.

    Hit rule (``hit="centre"``, LUNA16's): a detection hits a box when its centre lies within
    the box's radius (half its smaller side) of the box's centre; ``hit="iou"`` uses IoU at
    least ``iou_threshold`` instead. Detections are taken best score first over all images;
    the first hit on a box is a true positive, further hits on the same box are ignored
    (neither true nor false positive, as in LUNA16), and a detection that hits no box is a
    false positive. At each rate, the sensitivity is the highest reached with at most that many
    false positives per image (no interpolation between operating points).

    Args:
        ground_truth, predictions: as for :func:`mean_average_precision`.
        label: the class to score (a lesion finder has one).
        rates: false positives per image at which to read sensitivity (LUNA16's seven by default).
        hit: ``"centre"`` or ``"iou"``.
        iou_threshold: for ``hit="iou"``.

    Returns:
        ``rates``, ``sensitivity`` at each rate, ``cpm`` (their mean: the competition performance
        metric), and the whole curve as ``fp_per_image``, ``sensitivity_curve`` and ``thresholds``.

    Example:
        >>> gt = [{"boxes": [[0, 0, 10, 10]], "labels": [0]}, {"boxes": [[0, 0, 10, 10]], "labels": [0]}]
        >>> dt = [{"boxes": [[1, 1, 9, 9], [50, 50, 60, 60]], "labels": [0, 0], "scores": [0.9, 0.8]},
        ...       {"boxes": [[40, 40, 50, 50]], "labels": [0], "scores": [0.7]}]
        >>> result = froc(gt, dt, label=0, rates=(0.5, 1.0))
        >>> result["sensitivity"].tolist(), result["cpm"]
        ([0.5, 0.5], 0.5)
    """
    gt, dt = _pair(ground_truth, predictions)
    label = check_int(label, "label")
    if hit not in ("centre", "iou"):
        raise ValueError(f"hit must be 'centre' or 'iou', not {hit!r}")
    threshold = check_number(iou_threshold, "iou_threshold", low=0, high=1)
    rate_array = check_array(rates, "rates", ndim=1).astype(float)
    if np.any(rate_array <= 0):
        raise ValueError(f"rates must be positive, not {rate_array.tolist()}")
    events = []  # (score, image, detection)
    hits_of, boxes_total = [], 0
    for i, (g, d) in enumerate(zip(gt, dt)):
        boxes, mine = g["boxes"][g["labels"] == label], np.flatnonzero(d["labels"] == label)
        boxes_total += len(boxes)
        dt_boxes = d["boxes"][mine]
        hits = _centre_hits(boxes, dt_boxes) if hit == "centre" else box_iou(dt_boxes, boxes) >= threshold
        hits_of.append(hits)
        events += [(float(d["scores"][j]), i, k) for k, j in enumerate(mine)]
    if boxes_total == 0:
        raise ValueError(f"ground_truth has no box of label {label}: sensitivity is undefined")
    events.sort(key=lambda e: -e[0])  # stable: ties keep image order
    found = [np.zeros(h.shape[1], bool) for h in hits_of]
    tp = fp = 0
    curve_fp, curve_tp, scores = [0.0], [0.0], [np.inf]
    for score, i, k in events:
        row = hits_of[i][k]
        if not row.any():
            fp += 1
        elif (row & ~found[i]).any():
            found[i][np.flatnonzero(row & ~found[i])[0]] = True
            tp += 1
        else:
            continue
        curve_fp.append(fp / len(gt))
        curve_tp.append(tp / boxes_total)
        scores.append(score)
    fp_per_image, sensitivity_curve = np.array(curve_fp), np.array(curve_tp)
    sensitivity = np.array([sensitivity_curve[fp_per_image <= r].max() for r in rate_array])
    return {
        "rates": rate_array,
        "sensitivity": sensitivity,
        "cpm": float(np.mean(sensitivity)),
        "fp_per_image": fp_per_image,
        "sensitivity_curve": sensitivity_curve,
        "thresholds": np.array(scores),
    }


def count_objects(predictions: object, threshold: float, n_classes: int) -> np.ndarray:
    """Objects counted per image and class: the detections whose score is at least ``threshold``.

    Returns:
        An int array (n_images, n_classes).

    Example:
        >>> count_objects([{"boxes": [[0, 0, 1, 1]] * 3, "labels": [0, 0, 1], "scores": [0.9, 0.2, 0.6]}], 0.5, 2)
        array([[1, 1]])
    """
    preds = _images(predictions, "predictions", scores=True)
    threshold = check_number(threshold, "threshold")
    n_classes = check_int(n_classes, "n_classes", min_value=1)
    counts = np.zeros((len(preds), n_classes), np.int64)
    for i, p in enumerate(preds):
        kept = p["labels"][p["scores"] >= threshold]
        if kept.size and (kept.min() < 0 or kept.max() >= n_classes):
            raise ValueError(f"predictions[{i}]['labels'] must lie in 0..{n_classes - 1}, not {sorted(set(kept))}")
        counts[i] = np.bincount(kept, minlength=n_classes)
    return counts


def choose_count_threshold(
    ground_truth: object, predictions: object, label: int, thresholds: object | None = None
) -> tuple[float, float]:
    """The score threshold whose counts of one class are closest to the truth on these (validation) images.

    Closest: the smallest mean absolute error per image; among equals, the highest threshold.

    Returns:
        ``(threshold, mean_absolute_error)``.

    Example:
        >>> gt = [{"boxes": [[0, 0, 1, 1]], "labels": [0]}]
        >>> dt = [{"boxes": [[0, 0, 1, 1]] * 2, "labels": [0, 0], "scores": [0.9, 0.4]}]
        >>> choose_count_threshold(gt, dt, 0, thresholds=[0.3, 0.5, 0.95])
        (0.5, 0.0)
    """
    gt, dt = _pair(ground_truth, predictions)
    label = check_int(label, "label", min_value=0)
    grid = np.linspace(0.05, 0.95, 19) if thresholds is None else check_array(thresholds, "thresholds", ndim=1)
    truth = np.array([np.sum(g["labels"] == label) for g in gt])

    def counts(threshold: float) -> np.ndarray:
        return np.array([np.sum((d["labels"] == label) & (d["scores"] >= threshold)) for d in dt])

    errors = [np.mean(np.abs(counts(float(t)) - truth)) for t in grid]
    best = min(range(len(grid)), key=lambda i: (round(float(errors[i]), 12), -float(grid[i])))
    return float(grid[best]), float(errors[best])
