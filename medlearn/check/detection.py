"""Checks for the exercises of chapter 13, detection.

In the exercise notebook::

    from medlearn.check import detection as check
    check.iou_by_hand(iou_by_hand)

The answers are compared with ``medlearn.detection`` (itself tested against pycocotools and
``tf.image.non_max_suppression``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..detection import box_iou, count_objects, non_max_suppression
from ._detection_training import train_detector
from .core import Wrong, as_array, as_number, call, letter_answer, task

__all__ = [
    "average_precision_101",
    "count_per_image",
    "froc_points",
    "heatmap_peak_cell",
    "iou_by_hand",
    "nms_per_class",
    "report_with_missing_labels",
    "sensitivity_at_rates",
    "train_detector",
]

_PAIRS = [
    ([10.0, 20.0, 50.0, 60.0], [30.0, 30.0, 70.0, 90.0]),  # overlapping, different sizes
    ([0.0, 0.0, 10.0, 10.0], [20.0, 20.0, 30.0, 30.0]),  # apart
    ([0.0, 0.0, 10.0, 10.0], [12.0, 0.0, 22.0, 10.0]),  # apart in x only: a negative width
    ([5.0, 5.0, 15.0, 25.0], [5.0, 5.0, 15.0, 25.0]),  # the same box
    ([0.0, 0.0, 40.0, 10.0], [10.0, -5.0, 20.0, 30.0]),  # a cross
    ([0.0, 0.0, 10.0, 10.0], [0.0, 12.0, 10.0, 22.0]),  # apart in y only: a negative height
]


@task(
    hints=[
        "The intersection is a box too: its left edge is the larger of the two xmin, its right edge the smaller "
        "of the two xmax (the same for y). If the boxes do not overlap, its width or height is negative: clip at 0.",
        "IoU = intersection / (area A + area B - intersection), with area = (xmax - xmin) * (ymax - ymin): "
        "continuous coordinates, no + 1.",
    ]
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
            raise Wrong(
                "boxes that do not overlap give a negative width or height: clip both at 0 before multiplying, "
                "or disjoint boxes get a non-zero IoU."
            )
        plus_one = (
            max(0, inter_w + 1) * max(0, inter_h + 1),
            (a1[2] - a1[0] + 1) * (a1[3] - a1[1] + 1) + (b1[2] - b1[0] + 1) * (b1[3] - b1[1] + 1),
        )
        if plus_one[0] and np.isclose(got, plus_one[0] / (plus_one[1] - plus_one[0])):
            raise Wrong(
                "that is the old VOC convention with + 1 pixel in each width and height; these boxes are in "
                "continuous coordinates (COCO's): area = (xmax - xmin) * (ymax - ymin)."
            )
        inter = max(0.0, inter_w) * max(0.0, inter_h)
        if inter and np.isclose(got, inter / areas):
            raise Wrong("the union is area A + area B MINUS the intersection, which both areas count once.")
        xywh_a, xywh_b = np.r_[a1[:2], a1[:2] + a1[2:]], np.r_[b1[:2], b1[:2] + b1[2:]]
        if np.isclose(got, float(box_iou([xywh_a], [xywh_b])[0, 0])):
            raise Wrong("the boxes are corners (xmin, ymin, xmax, ymax), not (x, y, width, height).")
        swapped = float(box_iou([[a1[1], a1[0], a1[3], a1[2]]], [[b1[0], b1[1], b1[2], b1[3]]])[0, 0])
        if not np.isclose(swapped, want) and np.isclose(got, swapped):
            raise Wrong("x and y are swapped for one box: the order is xmin, ymin, xmax, ymax.")
        raise Wrong(f"for boxes {a} and {b} the IoU is {want:.4f}; you returned {got:.4f}.")


def _proposals() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two touching cells of class 0 and a class-1 object over the first (IoU about 0.75), each proposed 3 times."""
    rng = np.random.default_rng(3)
    objects = np.array([[10, 10, 40, 40], [38, 12, 68, 42], [14, 12, 42, 40]], float)
    boxes = np.repeat(objects, 3, axis=0) + rng.normal(0, 1.0, (9, 4))
    labels = np.repeat([0, 0, 1], 3)
    scores = rng.permutation(np.linspace(0.1, 0.9, 9))
    return boxes, scores, labels


@task(
    hints=[
        "Sort by score, best first. Keep the best box left; drop the boxes of the SAME class that overlap it "
        "with IoU above the threshold; repeat with the best box left.",
        "Work class by class (or skip a box of another class when you suppress), and return the kept indices in "
        "descending score order: np.argsort(-scores, kind='stable').",
    ]
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
            raise Wrong(
                "a box of one class suppressed a box of another (the object lying over the cell is gone): "
                "suppress only within a class."
            )
        if sorted(got) == sorted(want):
            raise Wrong("the right boxes, in the wrong order: return them best score first.")
        if got and got[0] == int(np.argsort(scores, kind="stable")[0]):
            raise Wrong("you started from the LOWEST score: sort descending (np.argsort(-scores)).")
        if threshold == 0.2 and got == non_max_suppression(boxes, scores, 0.5, labels=labels).tolist():
            raise Wrong("use the threshold you are given, not a fixed 0.5.")
        raise Wrong(f"expected the kept indices {want} at threshold {threshold}; you returned {got}.")
    # a chain: A suppresses B, B would suppress C, but C overlaps A too little, so C stays
    chain = np.array([[0, 0, 10, 10], [3, 0, 13, 10], [6, 0, 16, 10]], float)
    chained = call(function, chain.copy(), np.array([0.9, 0.8, 0.7]), np.zeros(3, int), 0.3)
    chained = [int(i) for i in as_array(chained, "your kept indices").reshape(-1)]
    if chained == [0]:
        raise Wrong(
            "a box that was suppressed must not suppress others: for boxes A > B > C where A removes B, C is "
            "compared with A only (and kept if it overlaps A little)."
        )
    if chained != [0, 2]:
        raise Wrong(f"for three boxes in a row at threshold 0.3, expected [0, 2]; you returned {chained}.")
    # two cells of one class whose proposals alternate in score: A 0.9, B 0.8, A 0.7, B 0.6
    pairs = np.array([[0, 0, 10, 10], [30, 0, 40, 10], [1, 0, 11, 10], [31, 0, 41, 10]], float)
    alternating = call(function, pairs.copy(), np.array([0.9, 0.8, 0.7, 0.6]), np.zeros(4, int), 0.5)
    alternating = [int(i) for i in as_array(alternating, "your kept indices").reshape(-1)]
    if alternating != [0, 1]:
        if alternating == [0, 1, 2, 3]:
            raise Wrong(
                "compare each box with EVERY box already kept of its class, not only the last one kept: two "
                "cells of one class whose proposals alternate in score keep a second box each."
            )
        raise Wrong(f"for two cells of one class, proposed twice each, expected [0, 1]; you returned {alternating}.")
    loose = call(function, chain.copy(), np.array([0.9, 0.8, 0.7]), np.zeros(3, int), 0.6)
    loose = [int(i) for i in as_array(loose, "your kept indices").reshape(-1)]
    if loose != [0, 1, 2]:
        if loose == [0, 2]:
            raise Wrong("use the threshold you are given, not a fixed 0.5.")
        raise Wrong(f"at threshold 0.6 no two of the three boxes overlap enough: expected [0, 1, 2], not {loose}.")


def _pr(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    is_tp = rng.random(30) < np.linspace(0.9, 0.3, 30)
    is_tp[0] = seed != 2  # the third sequence starts with a false positive
    return is_tp, np.array(int(is_tp.sum()) + 4)  # 4 boxes never found


def _ap101(is_tp: np.ndarray, n_boxes: int) -> float:
    recall = np.cumsum(is_tp) / n_boxes
    precision = np.cumsum(is_tp) / np.arange(1, len(is_tp) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    at = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
    return float(np.mean([envelope[i] if i < len(envelope) else 0.0 for i in at]))


@task(
    hints=[
        "Recall after each detection = cumulative true positives / n_boxes; precision = cumulative true positives "
        "/ detections so far. Then replace each precision by the best precision at that recall or beyond "
        "(np.maximum.accumulate on the reversed array).",
        "Read that envelope at the 101 recall levels np.linspace(0, 1, 101): at each level, the first point whose "
        "recall reaches it (np.searchsorted(recall, levels, side='left')); 0 for levels never reached; average.",
    ]
)
def average_precision_101(function: Any) -> None:
    for seed in (0, 1, 2):
        is_tp, n_boxes = _pr(seed)
        want = _ap101(is_tp, int(n_boxes))
        got = as_number(call(function, is_tp.copy(), int(n_boxes)), "your AP")
        if np.isclose(got, want, atol=1e-9):
            continue
        recall = np.cumsum(is_tp) / n_boxes
        precision = np.cumsum(is_tp) / np.arange(1, len(is_tp) + 1)
        envelope = np.maximum.accumulate(precision[::-1])[::-1]
        levels11 = np.linspace(0, 1, 11)
        at11 = np.searchsorted(recall, levels11, side="left")
        ap11 = float(np.mean([envelope[i] if i < len(envelope) else 0.0 for i in at11]))
        at = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
        raw = float(np.mean([precision[i] if i < len(precision) else 0.0 for i in at]))
        only_reached = float(np.mean([envelope[i] for i in at if i < len(envelope)]))
        if np.isclose(got, ap11):
            raise Wrong("that is VOC 2007's 11-point AP; COCO reads 101 recall levels, 0, 0.01, ..., 1.")
        if np.isclose(got, raw):
            raise Wrong("you read the raw precision: first make it non-increasing from the right (the envelope).")
        if np.isclose(got, only_reached):
            raise Wrong("recall levels that are never reached count as precision 0, not left out of the mean.")
        with_origin = np.maximum.accumulate(np.r_[1.0, precision][::-1])[::-1]
        at0 = np.searchsorted(np.r_[0.0, recall], np.linspace(0, 1, 101), side="left")
        prepended = float(np.mean([with_origin[i] if i < len(with_origin) else 0.0 for i in at0]))
        if np.isclose(got, prepended):
            raise Wrong(
                "do not add a point (recall 0, precision 1): when the best detection is false, precision starts at 0."
            )
        raise Wrong(f"expected AP {want:.4f}; you returned {got:.4f}.")


def _detections() -> list[dict[str, np.ndarray]]:
    rng = np.random.default_rng(5)
    out = []
    for n in (6, 0, 9, 3):
        out.append(
            {"boxes": np.tile([0.0, 0.0, 5.0, 5.0], (n, 1)), "labels": rng.integers(0, 3, n), "scores": rng.random(n)}
        )
    out[2]["scores"][0] = 0.4  # exactly at the threshold below
    out[2]["labels"][0] = 2
    return out


@task(
    hints=[
        "For each image, count the detections whose label is the class AND whose score is at least the threshold.",
        "np.sum((d['labels'] == label) & (d['scores'] >= threshold)) for each dict d; return an array, one count "
        "per image (0 for an image without detections).",
    ]
)
def count_per_image(function: Any) -> None:
    detections = _detections()
    for label, threshold in ((2, 0.4), (0, 0.7)):
        want = count_objects(detections, threshold, 3)[:, label]
        got = as_array(call(function, detections, label, threshold), "your counts").reshape(-1)
        if got.shape == want.shape and np.array_equal(got, want):
            continue
        if got.shape == want.shape:
            every = count_objects(detections, threshold, 3).sum(axis=1)
            if np.array_equal(got, every):
                raise Wrong("you counted every class: keep only the detections of the label asked for.")
            strict = np.array([np.sum((d["labels"] == label) & (d["scores"] > threshold)) for d in detections])
            if np.array_equal(got, strict):
                raise Wrong("a score equal to the threshold counts: use >=, as medlearn.detection.count_objects does.")
            unthresholded = np.array([np.sum(d["labels"] == label) for d in detections])
            if np.array_equal(got, unthresholded):
                raise Wrong("every detection counted, whatever its score: apply the threshold.")
        raise Wrong(f"expected counts {want.tolist()} for label {label} at {threshold}; you returned {got.tolist()}.")


@task(
    hints=[
        "Walk down the detections (best first): a false positive is a detection that is not a true positive. "
        "Cumulative sums give the counts after each detection.",
        "False positives per IMAGE = cumulative false positives / n_images; sensitivity = cumulative true positives "
        "/ n_lesions. Return the two arrays, one value per detection.",
    ]
)
def froc_points(function: Any) -> None:
    is_tp = np.array([1, 1, 0, 1, 0, 0, 1, 0, 0, 0], bool)
    n_images, n_lesions = 4, 6
    want_fp, want_sens = np.cumsum(~is_tp) / n_images, np.cumsum(is_tp) / n_lesions
    got = call(function, is_tp.copy(), n_images, n_lesions)
    if not isinstance(got, tuple) or len(got) != 2:
        raise Wrong("return two arrays: (false positives per image, sensitivity).")
    fp = as_array(got[0], "your false positives per image").reshape(-1)
    sens = as_array(got[1], "your sensitivity").reshape(-1)
    if fp.shape != want_fp.shape or sens.shape != want_sens.shape:
        raise Wrong(f"one value per detection ({len(is_tp)}), cumulative: use np.cumsum.")
    if np.allclose(fp, np.cumsum(~is_tp) / n_lesions):
        raise Wrong("false positives are counted per IMAGE (per scan in radiology): divide by n_images, not n_lesions.")
    if np.allclose(fp, np.cumsum(~is_tp) / np.arange(1, len(is_tp) + 1)):
        raise Wrong("that is the share of detections that are false; FROC wants false positives per image.")
    if np.allclose(sens, np.cumsum(is_tp) / np.arange(1, len(is_tp) + 1)):
        raise Wrong("that is precision; sensitivity divides the true positives by the number of lesions.")
    if not (np.allclose(fp, want_fp) and np.allclose(sens, want_sens)):
        raise Wrong(f"expected {want_fp.tolist()} and {want_sens.round(3).tolist()}.")


def _froc_curve() -> tuple[np.ndarray, np.ndarray]:
    """A FROC curve from (0, 0): 3 images and 10 lesions, so some rates fall on its points, some between, one past."""
    is_tp = np.array([1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], bool)
    fp = np.concatenate([[0.0], np.cumsum(~is_tp) / 3])
    return fp, np.concatenate([[0.0], np.cumsum(is_tp) / 10])


@task(
    hints=[
        "At each rate, look only at the points of the curve with at most that many false positives per image "
        "(fp_per_image <= rate), and take the highest sensitivity among them.",
        "The curve is a staircase: where a rate falls exactly on a column of points, the highest of them counts "
        "(<=, not <). The CPM is the mean of the seven values, not of the whole curve.",
    ]
)
def sensitivity_at_rates(function: Any) -> None:
    fp, sens = _froc_curve()
    rates = np.array([1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8])
    want = np.array([sens[fp <= r].max() for r in rates])
    got = call(function, fp.copy(), sens.copy())
    if not isinstance(got, tuple) or len(got) != 2:
        raise Wrong("return two things: (the sensitivity at each of the seven rates, their mean: the CPM).")
    at = as_array(got[0], "your sensitivities").reshape(-1)
    cpm = as_number(got[1], "your CPM")
    if at.shape != rates.shape:
        raise Wrong(f"one sensitivity per rate: {len(rates)} values, for 1/8, 1/4, 1/2, 1, 2, 4 and 8.")
    strict = np.array([sens[fp < r].max() for r in rates])
    if np.allclose(at, strict) and not np.allclose(at, want):
        raise Wrong(
            "a point exactly at the rate counts, and so do the hits found there before the next false positive: "
            "use fp_per_image <= rate, not <, and take the highest sensitivity."
        )
    if not np.allclose(at, want):
        raise Wrong(f"expected the sensitivities {want.tolist()}; you returned {at.round(3).tolist()}.")
    if np.isclose(cpm, sens.mean()):
        raise Wrong("the CPM averages the sensitivity at the seven rates, not every point of the curve.")
    if not np.isclose(cpm, want.mean()):
        raise Wrong(f"the CPM is the mean of your seven sensitivities, {want.mean():.3f}; you returned {cpm:.3f}.")


@task(
    hints=[
        "The centre of a box is ((xmin + xmax) / 2, (ymin + ymax) / 2) in input pixels; the grid is stride times "
        "coarser.",
        "Divide the centre by the stride and take the integer part (the floor): return (row, column), that is "
        "(int(cy / stride), int(cx / stride)).",
    ]
)
def heatmap_peak_cell(function: Any) -> None:
    cases = [([8.0, 8.0, 24.0, 16.0], 4), ([30.0, 2.0, 41.0, 13.0], 4), ([3.0, 50.0, 15.0, 70.0], 8)]
    for box, stride in cases:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        want = (int(cy // stride), int(cx // stride))
        got = call(function, list(box), stride)
        try:
            got = tuple(int(v) for v in got)
        except (TypeError, ValueError):
            raise Wrong("return two integers, (row, column).") from None
        if got == want:
            continue
        if got == want[::-1]:
            raise Wrong("(row, column) is (y, x): the row comes from the centre's y.")
        if got == (int(box[1] // stride), int(box[0] // stride)):
            raise Wrong("that is the cell of the box's top-left corner; the peak goes at the box's CENTRE.")
        if got == (int(round(cy / stride)), int(round(cx / stride))):
            raise Wrong("rounding moves a centre past the middle of its cell into the next one: take the floor.")
        if got == (int(cy), int(cx)):
            raise Wrong("that is the centre in input pixels: divide by the stride to get the grid cell.")
        raise Wrong(f"for box {box} at stride {stride} the centre cell is {want}; you returned {got}.")


@task(
    hints=[
        "Ask of each answer: does it hide a fault, does it invent a result nobody checked, or does it say what is "
        "known and measure what is not?",
        "Against an incomplete reference, precision at a fixed threshold can only rise once the reference is "
        "completed, while recall and AP may move either way; an automatic 'this is probably a cell' rule is not a "
        "reference either. Report what you measured, what you know of its bias, and fix the reference.",
    ]
)
def report_with_missing_labels(function: Any) -> str:
    return letter_answer(
        function,
        right="c",
        wrong={
            "a": "the number is right but alone it blames the model for the annotators' misses: a reader "
            "cannot tell a model fault from a label fault.",
            "b": "the rule that calls a detection 'on an unboxed cell' was never checked by a person: it may "
            "count debris or a platelet as a red cell. It is a hypothesis to test, not a new reference.",
            "d": "dropping the hard images selects the easy ones: the test set then no longer represents the "
            "smears the counter will see (a selection bias).",
        },
        message="Measured value, its known bias, and a complete reference where one can be made.",
    )
