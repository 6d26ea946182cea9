"""The detection chapter's tasks on boxes: their IoU and non-maximum suppression per class, with their tables of
mistakes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...detection import box_iou, non_max_suppression
from ..core import Mistake, Wrong, as_array, as_number, call, task
from . import _answers as _ans

_PAIRS = [
    ([10.0, 20.0, 50.0, 60.0], [30.0, 30.0, 70.0, 90.0]),  # overlapping, different sizes
    ([0.0, 0.0, 10.0, 10.0], [20.0, 20.0, 30.0, 30.0]),  # apart
    ([0.0, 0.0, 10.0, 10.0], [12.0, 0.0, 22.0, 10.0]),  # apart in x only: a negative width
    ([5.0, 5.0, 15.0, 25.0], [5.0, 5.0, 15.0, 25.0]),  # the same box
    ([0.0, 0.0, 40.0, 10.0], [10.0, -5.0, 20.0, 30.0]),  # a cross
    ([0.0, 0.0, 10.0, 10.0], [0.0, 12.0, 10.0, 22.0]),  # apart in y only: a negative height
]


def _xywh(box: list[float]) -> list[float]:
    return [box[0], box[1], box[0] + box[2], box[1] + box[3]]


_NOT_CLIPPED = Mistake(
    "not clipped",
    lambda p, q: _ans.iou(p, q, clip=False),
    "boxes that do not overlap give a negative width or height: clip both at 0 before multiplying, "
    "or disjoint boxes get a non-zero IoU.",
)
_PLUS_ONE = Mistake(
    "+ 1 pixel",
    lambda p, q: _ans.iou(p, q, plus=1.0),
    "that is the old VOC convention with + 1 pixel in each width and height; these boxes are in "
    "continuous coordinates (COCO's): area = (xmax - xmin) * (ymax - ymin).",
)
_NO_UNION = Mistake(
    "intersection counted twice",
    lambda p, q: _ans.iou(p, q, union=False),
    "the union is area A + area B MINUS the intersection, which both areas count once.",
)
_XYWH = Mistake(
    "width and height",
    lambda p, q: _ans.iou(_xywh(p), _xywh(q)),
    "the boxes are corners (xmin, ymin, xmax, ymax), not (x, y, width, height).",
)
_X_Y_SWAPPED = Mistake(
    "x and y swapped",
    lambda p, q: _ans.iou([p[1], p[0], p[3], p[2]], q),
    "x and y are swapped for one box: the order is xmin, ymin, xmax, ymax.",
)


@task(
    "The intersection is a box too: its left edge is the larger of the two xmin, its right edge the smaller "
    "of the two xmax (the same for y). If the boxes do not overlap, its width or height is negative: clip at 0.",
    "IoU = intersection / (area A + area B - intersection), with area = (xmax - xmin) * (ymax - ymin): "
    "continuous coordinates, no + 1.",
    mistakes=[_NOT_CLIPPED, _PLUS_ONE, _NO_UNION, _XYWH, _X_Y_SWAPPED],
    reference=_ans.iou,
)
def iou_by_hand(function: Any) -> None:
    for a, b in _PAIRS:
        want = float(box_iou([a], [b])[0, 0])
        got = as_number(call(function, list(a), list(b)), "your IoU")
        if np.isclose(got, want):
            continue
        a1, b1 = np.array(a), np.array(b)
        inter_w = min(a1[2], b1[2]) - max(a1[0], b1[0])
        inter_h = min(a1[3], b1[3]) - max(a1[1], b1[1])
        areas = (a1[2] - a1[0]) * (a1[3] - a1[1]) + (b1[2] - b1[0]) * (b1[3] - b1[1])
        unclipped = inter_w * inter_h
        if (inter_w < 0 or inter_h < 0) and np.isclose(got, unclipped / (areas - unclipped)):
            raise _NOT_CLIPPED.wrong()
        plus_one = (
            max(0, inter_w + 1) * max(0, inter_h + 1),
            (a1[2] - a1[0] + 1) * (a1[3] - a1[1] + 1) + (b1[2] - b1[0] + 1) * (b1[3] - b1[1] + 1),
        )
        if plus_one[0] and np.isclose(got, plus_one[0] / (plus_one[1] - plus_one[0])):
            raise _PLUS_ONE.wrong()
        inter = max(0.0, inter_w) * max(0.0, inter_h)
        if inter and np.isclose(got, inter / areas):
            raise _NO_UNION.wrong()
        xywh_a, xywh_b = np.r_[a1[:2], a1[:2] + a1[2:]], np.r_[b1[:2], b1[:2] + b1[2:]]
        if np.isclose(got, float(box_iou([xywh_a], [xywh_b])[0, 0])):
            raise _XYWH.wrong()
        swapped = float(box_iou([[a1[1], a1[0], a1[3], a1[2]]], [[b1[0], b1[1], b1[2], b1[3]]])[0, 0])
        if not np.isclose(swapped, want) and np.isclose(got, swapped):
            raise _X_Y_SWAPPED.wrong()
        raise Wrong(f"for boxes {a} and {b} the IoU is {want:.4f}; you returned {got:.4f}.")


def _proposals() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two touching cells of class 0 and a class-1 object over the first (IoU about 0.75), each proposed 3 times."""
    rng = np.random.default_rng(3)
    objects = np.array([[10, 10, 40, 40], [38, 12, 68, 42], [14, 12, 42, 40]], float)
    boxes = np.repeat(objects, 3, axis=0) + rng.normal(0, 1.0, (9, 4))
    labels = np.repeat([0, 0, 1], 3)
    scores = rng.permutation(np.linspace(0.1, 0.9, 9))
    return boxes, scores, labels


_ACROSS_CLASSES = Mistake(
    "across classes",
    lambda *args: _ans.nms(*args, per_class=False),
    "a box of one class suppressed a box of another (the object lying over the cell is gone): "
    "suppress only within a class.",
)
_UNORDERED = Mistake(
    "sorted indices",
    lambda *args: _ans.nms(*args, ordered=False),
    "the right boxes, in the wrong order: return them best score first.",
)
_LOWEST_FIRST = Mistake(
    "lowest first",
    lambda *args: _ans.nms(*args, descending=False),
    "you started from the LOWEST score: sort descending (np.argsort(-scores)).",
)
_FIXED = Mistake(
    "a fixed 0.5", lambda *args: _ans.nms(*args, fixed=0.5), "use the threshold you are given, not a fixed 0.5."
)
_FAST = Mistake(
    "suppressed boxes suppress",
    lambda *args: _ans.nms(*args, fast=True),
    "a box that was suppressed must not suppress others: for boxes A > B > C where A removes B, C is "
    "compared with A only (and kept if it overlaps A little).",
)
_LAST_ONLY = Mistake(
    "the last kept only",
    lambda *args: _ans.nms(*args, last=True),
    "compare each box with EVERY box already kept of its class, not only the last one kept: two "
    "cells of one class whose proposals alternate in score keep a second box each.",
)


@task(
    "Sort by score, best first. Keep the best box left; drop the boxes of the SAME class that overlap it "
    "with IoU above the threshold; repeat with the best box left.",
    "Work class by class (or skip a box of another class when you suppress), and return the kept indices in "
    "descending score order: np.argsort(-scores, kind='stable').",
    mistakes=[_ACROSS_CLASSES, _UNORDERED, _LOWEST_FIRST, _FIXED, _FAST, _LAST_ONLY],
    reference=_ans.nms,
)
def nms_per_class(function: Any) -> None:
    boxes, scores, labels = _proposals()
    for threshold in (0.5, 0.2):
        want = non_max_suppression(boxes, scores, threshold, labels=labels).tolist()
        answer = call(function, boxes.copy(), scores.copy(), labels.copy(), threshold)
        got = [int(i) for i in as_array(answer, "your kept indices").reshape(-1)]
        if got == want:
            continue
        if got == non_max_suppression(boxes, scores, threshold).tolist():
            raise _ACROSS_CLASSES.wrong()
        if sorted(got) == sorted(want):
            raise _UNORDERED.wrong()
        if got and got[0] == int(np.argsort(scores, kind="stable")[0]):
            raise _LOWEST_FIRST.wrong()
        if threshold == 0.2 and got == non_max_suppression(boxes, scores, 0.5, labels=labels).tolist():
            raise _FIXED.wrong()
        raise Wrong(f"expected the kept indices {want} at threshold {threshold}; you returned {got}.")
    # a chain: A suppresses B, B would suppress C, but C overlaps A too little, so C stays
    chain = np.array([[0, 0, 10, 10], [3, 0, 13, 10], [6, 0, 16, 10]], float)
    chained = call(function, chain.copy(), np.array([0.9, 0.8, 0.7]), np.zeros(3, int), 0.3)
    chained = [int(i) for i in as_array(chained, "your kept indices").reshape(-1)]
    if chained == [0]:
        raise _FAST.wrong()
    if chained != [0, 2]:
        raise Wrong(f"for three boxes in a row at threshold 0.3, expected [0, 2]; you returned {chained}.")
    # two cells of one class whose proposals alternate in score: A 0.9, B 0.8, A 0.7, B 0.6
    pairs = np.array([[0, 0, 10, 10], [30, 0, 40, 10], [1, 0, 11, 10], [31, 0, 41, 10]], float)
    alternating = call(function, pairs.copy(), np.array([0.9, 0.8, 0.7, 0.6]), np.zeros(4, int), 0.5)
    alternating = [int(i) for i in as_array(alternating, "your kept indices").reshape(-1)]
    if alternating != [0, 1]:
        if alternating == [0, 1, 2, 3]:
            raise _LAST_ONLY.wrong()
        raise Wrong(f"for two cells of one class, proposed twice each, expected [0, 1]; you returned {alternating}.")
    loose = call(function, chain.copy(), np.array([0.9, 0.8, 0.7]), np.zeros(3, int), 0.6)
    loose = [int(i) for i in as_array(loose, "your kept indices").reshape(-1)]
    if loose != [0, 1, 2]:
        if loose == [0, 2]:
            raise _FIXED.wrong()
        raise Wrong(f"at threshold 0.6 no two of the three boxes overlap enough: expected [0, 1, 2], not {loose}.")
