"""Answers to the detection chapter's tasks written as a learner would, with options that make the typical mistakes: the
tables of mistakes call them (and the default options give the right answers)."""

from __future__ import annotations

from typing import Any

import numpy as np


def iou(a: list[float], b: list[float], plus: float = 0.0, clip: bool = True, union: bool = True) -> float:
    """The IoU of two corner boxes; ``plus=1`` is VOC's pixel convention, ``clip`` and ``union`` off are mistakes.

    Example:
        >>> iou([0, 0, 2, 2], [1, 0, 3, 2])
        0.3333333333333333
    """
    w = min(a[2], b[2]) - max(a[0], b[0]) + plus
    h = min(a[3], b[3]) - max(a[1], b[1]) + plus
    inter = max(0.0, w) * max(0.0, h) if clip else w * h
    areas = (a[2] - a[0] + plus) * (a[3] - a[1] + plus) + (b[2] - b[0] + plus) * (b[3] - b[1] + plus)
    return inter / (areas - inter if union else areas)


def iou_width_clipped_only(a: list[float], b: list[float]) -> float:
    """The IoU with only the intersection's width clipped at 0 (a mistake: a negative height survives).

    Example:
        >>> iou_width_clipped_only([0, 0, 2, 2], [0, 0, 2, 2])
        1.0
    """
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def nms(
    boxes: np.ndarray,
    scores: np.ndarray,
    labels: np.ndarray,
    threshold: float,
    per_class: bool = True,
    descending: bool = True,
    ordered: bool = True,
    fixed: float | None = None,
    fast: bool = False,
    last: bool = False,
) -> list[int]:
    """Greedy non-maximum suppression within each class; each option off (or ``fixed``, ``fast``, ``last``) is a
    typical mistake.

    Example:
        >>> nms(np.array([[0, 0, 10, 10], [1, 0, 11, 10]], float), np.array([0.9, 0.8]), np.zeros(2, int), 0.5)
        [0]
    """
    threshold = fixed or threshold
    order = list(np.argsort(-scores if descending else scores, kind="stable"))
    if last:  # compares each candidate with the most recently kept box of its class only
        kept: list[int] = []
        for i in order:
            previous = [k for k in kept if labels[k] == labels[i]]
            if not (previous and iou(boxes[previous[-1]], boxes[i]) > threshold):
                kept.append(int(i))
        return kept
    if fast:  # "Fast NMS": a box is dropped if ANY better box overlaps it, even one that was itself dropped
        return [
            int(i)
            for n, i in enumerate(order)
            if not any(
                (not per_class or labels[j] == labels[i]) and iou(boxes[j], boxes[i]) > threshold for j in order[:n]
            )
        ]
    keep = []
    while order:
        best = order.pop(0)
        keep.append(int(best))
        order = [
            i for i in order if (per_class and labels[i] != labels[best]) or iou(boxes[best], boxes[i]) <= threshold
        ]
    return keep if ordered else sorted(keep)


def ap(is_tp: np.ndarray, n: int, levels: int = 101, envelope: bool = True, zeros: bool = True) -> float:
    """COCO's AP at ``levels`` recall levels; ``levels=11``, ``envelope`` or ``zeros`` off are mistakes.

    Example:
        >>> ap(np.array([True, True]), 2)
        1.0
    """
    recall = np.cumsum(is_tp) / n
    precision = np.cumsum(is_tp) / np.arange(1, len(is_tp) + 1)
    if envelope:
        precision = np.maximum.accumulate(precision[::-1])[::-1]
    at = np.searchsorted(recall, np.linspace(0, 1, levels), side="left")
    values = [precision[i] if i < len(precision) else 0.0 for i in at if zeros or i < len(precision)]
    return float(np.mean(values))


def ap_with_origin(is_tp: np.ndarray, n: int) -> float:
    """The AP with a point (recall 0, precision 1) added in front (a mistake).

    Example:
        >>> round(ap_with_origin(np.array([False, True]), 1), 3)
        0.505
    """
    recall = np.r_[0.0, np.cumsum(is_tp) / n]
    precision = np.r_[1.0, np.cumsum(is_tp) / np.arange(1, len(is_tp) + 1)]
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    at = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
    return float(np.mean([envelope[i] if i < len(envelope) else 0.0 for i in at]))


def count(
    detections: list[dict[str, np.ndarray]],
    label: int,
    threshold: float,
    strict: bool = False,
    every: bool = False,
    thresholded: bool = True,
) -> np.ndarray:
    """The detections of ``label`` at or above ``threshold`` per image; the options make the mistakes.

    Example:
        >>> count([{"labels": np.array([0, 1]), "scores": np.array([0.5, 0.9])}], 0, 0.5).tolist()
        [1]
    """
    out = []
    for d in detections:
        keep = np.ones(len(d["scores"]), bool) if every else d["labels"] == label
        if thresholded:
            keep &= d["scores"] > threshold if strict else d["scores"] >= threshold
        out.append(int(keep.sum()))
    return np.array(out)


def cell(
    box: list[float], stride: int, corner: bool = False, rounded: bool = False, swap: bool = False, pixels: bool = False
) -> tuple[int, int]:
    """The (row, column) of the heatmap cell of a box's centre; the options make the mistakes.

    Example:
        >>> cell([8.0, 8.0, 24.0, 16.0], 4)
        (3, 4)
    """
    cx, cy = (box[0], box[1]) if corner else ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    if pixels:
        found = (int(cy), int(cx))
    elif rounded:
        found = (int(round(cy / stride)), int(round(cx / stride)))
    else:
        found = (int(cy // stride), int(cx // stride))
    return found[::-1] if swap else found


def at_rates(
    fp: np.ndarray, sens: np.ndarray, strict: bool = False, curve_mean: bool = False
) -> tuple[np.ndarray, Any]:
    """The sensitivity at LUNA16's seven rates of false positives per image and their mean, the CPM.

    Example:
        >>> at_rates(np.array([0.0, 10.0]), np.array([0.5, 1.0]))[1]
        0.5
    """
    at = np.array([sens[(fp < r) if strict else (fp <= r)].max() for r in (1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8)])
    return at, float(np.mean(sens) if curve_mean else np.mean(at))
