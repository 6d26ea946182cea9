"""Boxes of object detection: geometry (IoU, corner and centre forms), non-maximum suppression, and the four
flips of images with their boxes.

Boxes are ``(xmin, ymin, xmax, ymax)`` in continuous pixel coordinates (a box's area is
``(xmax - xmin) * (ymax - ymin)``, COCO's convention). A prediction is the record
``{"boxes", "scores", "labels"}`` of torchvision and torchmetrics; :func:`non_max_suppression` takes its fields.

Example:
    >>> box_iou([[0, 0, 10, 10]], [[5, 0, 15, 10]]).round(3).tolist()
    [[0.333]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._validation import check_array, check_int, check_number

__all__ = ["box_iou", "centres_to_corners", "corners_to_centres", "four_flips", "non_max_suppression"]


def _boxes(values: object, name: str) -> np.ndarray:
    """Corner boxes (N, 4) as float, checked: finite, and xmax >= xmin, ymax >= ymin."""
    boxes = check_array(values, name, kinds="biuf", empty=True).astype(float)
    if boxes.size == 0:
        return boxes.reshape(0, 4)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{name} must be an (N, 4) array of xmin, ymin, xmax, ymax, not of shape {boxes.shape}")
    bad = np.flatnonzero((boxes[:, 2] < boxes[:, 0]) | (boxes[:, 3] < boxes[:, 1]))
    if bad.size:
        raise ValueError(
            f"{name} must have xmax >= xmin and ymax >= ymin (corner boxes), not {boxes[bad[0]].tolist()} "
            f"(row {bad[0]}): centre-size boxes? convert them with centres_to_corners"
        )
    return boxes


def corners_to_centres(boxes: object) -> np.ndarray:
    """Corner boxes ``(xmin, ymin, xmax, ymax)`` to centre-size boxes ``(cx, cy, width, height)``.

    Example:
        >>> corners_to_centres([[0, 10, 4, 16]]).tolist()
        [[2.0, 13.0, 4.0, 6.0]]
    """
    b = _boxes(boxes, "boxes")
    return np.stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2, b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]], axis=1)


def centres_to_corners(boxes: object) -> np.ndarray:
    """Centre-size boxes ``(cx, cy, width, height)`` to corner boxes ``(xmin, ymin, xmax, ymax)``.

    Example:
        >>> centres_to_corners([[2, 13, 4, 6]]).tolist()
        [[0.0, 10.0, 4.0, 16.0]]
    """
    b = check_array(boxes, "boxes", empty=True).astype(float)
    b = b.reshape(0, 4) if b.size == 0 else b
    if b.ndim != 2 or b.shape[1] != 4 or np.any(b[:, 2:] < 0):
        raise ValueError(f"boxes must be an (N, 4) array of cx, cy, width >= 0, height >= 0, not of shape {b.shape}")
    half = b[:, 2:] / 2
    return np.concatenate([b[:, :2] - half, b[:, :2] + half], axis=1)


def box_iou(boxes_a: object, boxes_b: object) -> np.ndarray:
    """Intersection over union of every box in ``boxes_a`` with every box in ``boxes_b``: an (N, M) matrix.

    Two boxes of zero area have IoU 0 (not 0/0).

    Example:
        >>> box_iou([[0, 0, 2, 2], [10, 10, 12, 12]], [[1, 1, 3, 3]]).round(4).tolist()
        [[0.1429], [0.0]]
    """
    a, b = _boxes(boxes_a, "boxes_a"), _boxes(boxes_b, "boxes_b")
    width = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    height = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = width * height
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def non_max_suppression(
    boxes: object,
    scores: object,
    iou_threshold: float = 0.5,
    *,
    labels: object | None = None,
    max_output: int | None = None,
    score_threshold: float = -np.inf,
) -> np.ndarray:
    """Greedy non-maximum suppression: the indices of the boxes kept, best score first.

    Take the best box left, drop every box that overlaps it with IoU above ``iou_threshold``,
    repeat. With ``labels``, boxes of different classes never suppress each other (a platelet
    lying on a red cell stays). Equal scores keep the order of the input, as
    ``tf.image.non_max_suppression`` does.

    Args:
        boxes: (N, 4) corner boxes.
        scores: (N,) scores.
        iou_threshold: a box is dropped when its IoU with a kept box is above this.
        labels: (N,) class labels, or None to suppress across all boxes.
        max_output: keep at most this many boxes (None: all).
        score_threshold: drop boxes whose score is not above this first.

    Example:
        >>> boxes = [[0, 0, 10, 10], [1, 0, 11, 10], [20, 20, 30, 30]]
        >>> non_max_suppression(boxes, [0.9, 0.8, 0.7]).tolist()
        [0, 2]
        >>> non_max_suppression(boxes, [0.9, 0.8, 0.7], labels=[0, 1, 0]).tolist()
        [0, 1, 2]
    """
    b = _boxes(boxes, "boxes")
    s = check_array(scores, "scores", ndim=1, empty=True).astype(float)
    if len(s) != len(b):
        raise ValueError(f"scores must have one value per box ({len(b)}), not {len(s)}")
    iou_threshold = check_number(iou_threshold, "iou_threshold", low=0, high=1)
    if max_output is not None:
        max_output = check_int(max_output, "max_output", min_value=0)
    if labels is not None:
        lab = check_array(labels, "labels", ndim=1, kinds="biu", empty=True)
        if len(lab) != len(b):
            raise ValueError(f"labels must have one value per box ({len(b)}), not {len(lab)}")
    order = [i for i in np.argsort(-s, kind="stable") if s[i] > score_threshold]
    iou = box_iou(b, b)
    keep: list[int] = []
    suppressed = np.zeros(len(b), bool)
    for i in order:
        if suppressed[i]:
            continue
        keep.append(int(i))
        if max_output is not None and len(keep) >= max_output:
            break
        overlap = iou[i] > iou_threshold
        suppressed |= overlap if labels is None else overlap & (lab == lab[i])
    return np.array(keep, dtype=np.int64)


def four_flips(images: object, targets: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, list[dict[str, np.ndarray]]]:
    """The images in all four flips (as they are, left-right, top-bottom, both), with their boxes flipped to match.

    A left-right flip of an image ``width`` pixels wide moves a box to ``(width - xmax, ymin, width - xmin,
    ymax)``; a top-bottom flip does the same with the heights. The detection chapter trains on all four flips of
    its blood smears, which have no up, down, left or right.

    Args:
        images: (N, height, width, ...) images.
        targets: one dict per image with ``boxes`` (N, 4) and ``labels``.

    Returns:
        ``(images, targets)`` four times as many, in the order: original, top-bottom, left-right, both.

    Example:
        >>> flipped, boxes = four_flips(np.zeros((1, 10, 20)), [{"boxes": [[0, 0, 5, 2]], "labels": [1]}])
        >>> flipped.shape
        (4, 10, 20)
        >>> [b["boxes"][0].tolist() for b in boxes]
        [[0.0, 0.0, 5.0, 2.0], [0.0, 8.0, 5.0, 10.0], [15.0, 0.0, 20.0, 2.0], [15.0, 8.0, 20.0, 10.0]]
    """
    stack = check_array(images, "images", kinds="biuf")
    if stack.ndim < 3:
        raise ValueError(f"images must be a stack (N, height, width, ...), not of shape {stack.shape}")
    if isinstance(targets, Mapping) or len(targets) != len(stack):
        raise ValueError(f"targets must be a list with one dict per image ({len(stack)})")
    height, width = stack.shape[1:3]
    out_images, out_targets = [], []
    for flip_x in (False, True):
        for flip_y in (False, True):
            out_images.append(stack[:, :: -1 if flip_y else 1, :: -1 if flip_x else 1])
            for i, target in enumerate(targets):
                boxes = _boxes(target["boxes"], f"targets[{i}]['boxes']").copy()
                if flip_x:
                    boxes[:, [0, 2]] = width - boxes[:, [2, 0]]
                if flip_y:
                    boxes[:, [1, 3]] = height - boxes[:, [3, 1]]
                out_targets.append({"boxes": boxes, "labels": np.asarray(target["labels"])})
    return np.concatenate(out_images), out_targets
