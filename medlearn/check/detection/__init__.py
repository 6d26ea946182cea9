"""Checks for the exercises of the detection chapter.

In the exercise notebook::

    from medlearn.check import detection as check
    check.iou_by_hand(iou_by_hand)

The answers are compared with ``medlearn.detection`` (itself tested against pycocotools and
``tf.image.non_max_suppression``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...detection import count_objects
from .._letters import letter_task
from ..core import Mistake, Wrong, as_array, call, task
from . import _answers as _ans
from ._boxes import iou_by_hand, nms_per_class
from ._curves import average_precision_101, froc_points, sensitivity_at_rates
from ._training import train_detector

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


_EVERY_CLASS = Mistake(
    "every class",
    lambda d, label, threshold: _ans.count(d, label, threshold, every=True),
    "you counted every class: keep only the detections of the label asked for.",
)
_STRICT = Mistake(
    "above, not at",
    lambda d, label, threshold: _ans.count(d, label, threshold, strict=True),
    "a score equal to the threshold counts: use >=, as medlearn.detection.count_objects does.",
)
_UNTHRESHOLDED = Mistake(
    "no threshold",
    lambda d, label, threshold: _ans.count(d, label, threshold, thresholded=False),
    "every detection counted, whatever its score: apply the threshold.",
)


@task(
    "For each image, count the detections whose label is the class AND whose score is at least the threshold.",
    "np.sum((d['labels'] == label) & (d['scores'] >= threshold)) for each dict d; return an array, one count "
    "per image (0 for an image without detections).",
    mistakes=[_EVERY_CLASS, _STRICT, _UNTHRESHOLDED],
    reference=_ans.count,
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
                raise _EVERY_CLASS.wrong()
            strict = np.array([np.sum((d["labels"] == label) & (d["scores"] > threshold)) for d in detections])
            if np.array_equal(got, strict):
                raise _STRICT.wrong()
            unthresholded = np.array([np.sum(d["labels"] == label) for d in detections])
            if np.array_equal(got, unthresholded):
                raise _UNTHRESHOLDED.wrong()
        raise Wrong(f"expected counts {want.tolist()} for label {label} at {threshold}; you returned {got.tolist()}.")


_ROW_COLUMN = Mistake(
    "(x, y)",
    lambda box, stride: _ans.cell(box, stride, swap=True),
    "(row, column) is (y, x): the row comes from the centre's y.",
)
_CORNER = Mistake(
    "corner",
    lambda box, stride: _ans.cell(box, stride, corner=True),
    "that is the cell of the box's top-left corner; the peak goes at the box's CENTRE.",
)
_ROUNDED = Mistake(
    "rounded",
    lambda box, stride: _ans.cell(box, stride, rounded=True),
    "rounding moves a centre past the middle of its cell into the next one: take the floor.",
)
_PIXELS = Mistake(
    "in pixels",
    lambda box, stride: _ans.cell(box, stride, pixels=True),
    "that is the centre in input pixels: divide by the stride to get the grid cell.",
)


@task(
    "The centre of a box is ((xmin + xmax) / 2, (ymin + ymax) / 2) in input pixels; the grid is stride times coarser.",
    "Divide the centre by the stride and take the integer part (the floor): return (row, column), that is "
    "(int(cy / stride), int(cx / stride)).",
    mistakes=[_ROW_COLUMN, _CORNER, _ROUNDED, _PIXELS],
    reference=_ans.cell,
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
            raise _ROW_COLUMN.wrong()
        if got == (int(box[1] // stride), int(box[0] // stride)):
            raise _CORNER.wrong()
        if got == (int(round(cy / stride)), int(round(cx / stride))):
            raise _ROUNDED.wrong()
        if got == (int(cy), int(cx)):
            raise _PIXELS.wrong()
        raise Wrong(f"for box {box} at stride {stride} the centre cell is {want}; you returned {got}.")


#: The wrong letters of report_with_missing_labels, each with its hint.
_REPORT_WRONG = {
    "a": "the number is right but alone it blames the model for the annotators' misses: a reader "
    "cannot tell a model fault from a label fault.",
    "b": "the rule that calls a detection 'on an unboxed cell' was never checked by a person: it may "
    "count debris or a platelet as a red cell. It is a hypothesis to test, not a new reference.",
    "d": "dropping the hard images selects the easy ones: the test set then no longer represents the "
    "smears the counter will see (a selection bias).",
}


@letter_task(
    "Ask of each answer: does it hide a fault, does it invent a result nobody checked, or does it say what is "
    "known and measure what is not?",
    "Against an incomplete reference, precision at a fixed threshold can only rise once the reference is "
    "completed, while recall and AP may move either way; an automatic 'this is probably a cell' rule is not a "
    "reference either. Report what you measured, what you know of its bias, and fix the reference.",
    wrong=_REPORT_WRONG,
    message="Measured value, its known bias, and a complete reference where one can be made.",
)
def report_with_missing_labels() -> str:
    return "c"
