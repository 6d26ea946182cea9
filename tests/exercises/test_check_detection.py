"""Exercise checks of chapter 14 (detection): right answers pass, typical mistakes fail with their hint."""

from __future__ import annotations

import functools

import numpy as np
from helpers import placeholders_test, right_answers_test, typical_mistakes_test

from medlearn.check import detection


def _iou(a, b, plus=0.0, clip=True, union=True):
    w = min(a[2], b[2]) - max(a[0], b[0]) + plus
    h = min(a[3], b[3]) - max(a[1], b[1]) + plus
    inter = max(0.0, w) * max(0.0, h) if clip else w * h
    areas = (a[2] - a[0] + plus) * (a[3] - a[1] + plus) + (b[2] - b[0] + plus) * (b[3] - b[1] + plus)
    return inter / (areas - inter if union else areas)


def _nms(
    boxes, scores, labels, threshold, per_class=True, descending=True, ordered=True, fixed=None, fast=False, last=False
):
    threshold = fixed or threshold
    order = list(np.argsort(-scores if descending else scores, kind="stable"))
    if last:  # compares each candidate with the most recently kept box of its class only
        kept = []
        for i in order:
            previous = [k for k in kept if labels[k] == labels[i]]
            if not (previous and _iou(boxes[previous[-1]], boxes[i]) > threshold):
                kept.append(int(i))
        return kept
    if fast:  # "Fast NMS": a box is dropped if ANY better box overlaps it, even one that was itself dropped
        return [
            int(i)
            for n, i in enumerate(order)
            if not any(
                (not per_class or labels[j] == labels[i]) and _iou(boxes[j], boxes[i]) > threshold for j in order[:n]
            )
        ]
    keep = []
    while order:
        best = order.pop(0)
        keep.append(int(best))
        order = [
            i for i in order if (per_class and labels[i] != labels[best]) or _iou(boxes[best], boxes[i]) <= threshold
        ]
    return keep if ordered else sorted(keep)


def _iou_width_clipped_only(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _ap_with_origin(is_tp, n):
    recall = np.r_[0.0, np.cumsum(is_tp) / n]
    precision = np.r_[1.0, np.cumsum(is_tp) / np.arange(1, len(is_tp) + 1)]
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    at = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
    return float(np.mean([envelope[i] if i < len(envelope) else 0.0 for i in at]))


def _ap(is_tp, n, levels=101, envelope=True, zeros=True):
    recall = np.cumsum(is_tp) / n
    precision = np.cumsum(is_tp) / np.arange(1, len(is_tp) + 1)
    if envelope:
        precision = np.maximum.accumulate(precision[::-1])[::-1]
    at = np.searchsorted(recall, np.linspace(0, 1, levels), side="left")
    values = [precision[i] if i < len(precision) else 0.0 for i in at if zeros or i < len(precision)]
    return float(np.mean(values))


def _count(detections, label, threshold, strict=False, every=False, thresholded=True):
    out = []
    for d in detections:
        keep = np.ones(len(d["scores"]), bool) if every else d["labels"] == label
        if thresholded:
            keep &= d["scores"] > threshold if strict else d["scores"] >= threshold
        out.append(int(keep.sum()))
    return np.array(out)


def _cell(box, stride, corner=False, rounded=False, swap=False, pixels=False):
    cx, cy = (box[0], box[1]) if corner else ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    if pixels:
        cell = (int(cy), int(cx))
    elif rounded:
        cell = (int(round(cy / stride)), int(round(cx / stride)))
    else:
        cell = (int(cy // stride), int(cx // stride))
    return cell[::-1] if swap else cell


def _at_rates(fp, sens, strict=False, curve_mean=False):
    at = np.array([sens[(fp < r) if strict else (fp <= r)].max() for r in (1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8)])
    return at, float(np.mean(sens) if curve_mean else np.mean(at))


RIGHT = {
    detection.iou_by_hand: lambda a, b: _iou(a, b),
    detection.nms_per_class: lambda b, s, lab, t: _nms(b, s, lab, t),
    detection.average_precision_101: lambda tp, n: _ap(tp, n),
    detection.count_per_image: lambda d, label, t: _count(d, label, t),
    detection.froc_points: lambda tp, n_images, n_lesions: (np.cumsum(~tp) / n_images, np.cumsum(tp) / n_lesions),
    detection.heatmap_peak_cell: lambda box, stride: _cell(box, stride),
    detection.report_with_missing_labels: lambda: "c",
    detection.sensitivity_at_rates: lambda fp, sens: _at_rates(fp, sens),
}

MISTAKES = [
    (detection.iou_by_hand, lambda a, b: _iou(a, b, clip=False), "clip both at 0"),
    (detection.iou_by_hand, lambda a, b: _iou(a, b, plus=1.0), "+ 1 pixel"),
    (detection.iou_by_hand, lambda a, b: _iou(a, b, union=False), "MINUS the intersection"),
    (
        detection.iou_by_hand,
        lambda a, b: _iou([a[0], a[1], a[0] + a[2], a[1] + a[3]], [b[0], b[1], b[0] + b[2], b[1] + b[3]]),
        "not (x, y, width, height)",
    ),
    (detection.iou_by_hand, lambda a, b: _iou([a[1], a[0], a[3], a[2]], b), "swapped"),
    (detection.nms_per_class, lambda b, s, lab, t: _nms(b, s, lab, t, per_class=False), "only within a class"),
    (detection.nms_per_class, lambda b, s, lab, t: _nms(b, s, lab, t, ordered=False), "wrong order"),
    (detection.nms_per_class, lambda b, s, lab, t: _nms(b, s, lab, t, descending=False), "LOWEST"),
    (detection.nms_per_class, lambda b, s, lab, t: _nms(b, s, lab, t, fixed=0.5), "not a fixed 0.5"),
    (detection.nms_per_class, lambda b, s, lab, t: _nms(b, s, lab, t, fast=True), "must not suppress others"),
    (detection.nms_per_class, lambda b, s, lab, t: _nms(b, s, lab, t, last=True), "not only the last one kept"),
    (detection.iou_by_hand, lambda a, b: _iou_width_clipped_only(a, b), "clip both at 0"),
    (detection.average_precision_101, lambda tp, n: _ap_with_origin(tp, n), "do not add a point"),
    (detection.average_precision_101, lambda tp, n: _ap(tp, n, levels=11), "11-point"),
    (detection.average_precision_101, lambda tp, n: _ap(tp, n, envelope=False), "envelope"),
    (detection.average_precision_101, lambda tp, n: _ap(tp, n, zeros=False), "never reached"),
    (detection.count_per_image, lambda d, label, t: _count(d, label, t, every=True), "every class"),
    (detection.count_per_image, lambda d, label, t: _count(d, label, t, strict=True), ">="),
    (detection.count_per_image, lambda d, label, t: _count(d, label, t, thresholded=False), "apply the threshold"),
    (detection.froc_points, lambda tp, ni, nl: (np.cumsum(~tp) / nl, np.cumsum(tp) / nl), "per IMAGE"),
    (
        detection.froc_points,
        lambda tp, ni, nl: (np.cumsum(~tp) / np.arange(1, len(tp) + 1), np.cumsum(tp) / nl),
        "share of detections",
    ),
    (
        detection.froc_points,
        lambda tp, ni, nl: (np.cumsum(~tp) / ni, np.cumsum(tp) / np.arange(1, len(tp) + 1)),
        "that is precision",
    ),
    (detection.froc_points, lambda tp, ni, nl: np.cumsum(~tp) / ni, "two arrays"),
    (detection.heatmap_peak_cell, lambda box, stride: _cell(box, stride, swap=True), "(y, x)"),
    (detection.heatmap_peak_cell, lambda box, stride: _cell(box, stride, corner=True), "top-left corner"),
    (detection.heatmap_peak_cell, lambda box, stride: _cell(box, stride, rounded=True), "take the floor"),
    (detection.heatmap_peak_cell, lambda box, stride: _cell(box, stride, pixels=True), "divide by the stride"),
    (detection.sensitivity_at_rates, lambda fp, sens: _at_rates(fp, sens, strict=True), "not <"),
    (detection.sensitivity_at_rates, lambda fp, sens: _at_rates(fp, sens, curve_mean=True), "seven rates"),
    (detection.sensitivity_at_rates, lambda fp, sens: _at_rates(fp, sens)[0], "return two things"),
    (detection.report_with_missing_labels, lambda: "a", "blames the model"),
    (detection.report_with_missing_labels, lambda: "b", "hypothesis to test"),
    (detection.report_with_missing_labels, lambda: "d", "selection bias"),
    (detection.report_with_missing_labels, lambda: "e", "one letter"),
]

test_right_answers_pass = right_answers_test(RIGHT)
test_typical_mistakes_fail_with_their_hint = typical_mistakes_test(MISTAKES)

test_placeholders_are_todo_and_odd_input_never_crashes = placeholders_test(RIGHT)


@functools.cache
def _trained_centernet():
    import keras

    from medlearn.data import load_bccd
    from medlearn.detection import four_flips
    from medlearn.models import centernet_loss, centernet_targets, small_centernet

    train = load_bccd("train", downscale=4)
    keras.utils.set_random_seed(0)
    model = small_centernet(train.images.shape[1:], n_classes=3)  # the solution's: its AP tells the mistakes apart
    model.compile(keras.optimizers.Adam(3e-3), centernet_loss(3), jit_compile=False)
    images, targets = four_flips(train.images, train.targets)
    model.fit(images, centernet_targets(targets, (120, 160), 4, 3), batch_size=16, epochs=2, verbose=0)
    return model


def _tiny_fit(x, epochs=1):
    import keras

    tiny = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.Conv2D(1, 1)])
    tiny.compile(loss="mse")
    tiny.fit(x, np.zeros((*x.shape[:3], 1)), epochs=epochs, batch_size=len(x), verbose=0)


def _detector_answer(how, fit_on="train", epochs=1):
    def answer(train_images, train_targets, val_images, val_targets):
        from medlearn.detection import mean_average_precision
        from medlearn.models import decode_centernet

        _tiny_fit(train_images if fit_on == "train" else val_images, epochs)
        model = _trained_centernet()
        images, targets = (train_images, train_targets) if how == "training" else (val_images, val_targets)
        detections = decode_centernet(model.predict(images, verbose=0), n_classes=3, stride=4)
        result = mean_average_precision(targets, detections, iou_thresholds=None if how == "coco" else [0.5])
        ap = result["ap_per_class"][1] if how == "one class" else result["map"]
        return {"model": model, "val_ap50": ap}

    return answer


DETECTOR_MISTAKES = [
    (detection.train_detector, _detector_answer("coco"), "COCO's mAP"),
    (detection.train_detector, _detector_answer("one class"), "one class's AP"),
    (detection.train_detector, _detector_answer("training"), "training smears"),
    (detection.train_detector, _detector_answer("right", fit_on="val"), "validation smears went into training"),
    (detection.train_detector, _detector_answer("right", epochs=20), "train briefly"),
    (detection.train_detector, lambda *d: {"model": _trained_centernet(), "val_ap50": 0.5}, "never trained"),
    (detection.train_detector, lambda *d: {"model": "a model", "val_ap50": 0.5}, "keras.Model"),
    (detection.train_detector, lambda *d: 0.5, "return a dict"),
]
test_detector_right_answer_passes = right_answers_test({detection.train_detector: _detector_answer("right")})
test_detector_mistakes_fail_with_their_hint = typical_mistakes_test(DETECTOR_MISTAKES)
test_detector_placeholder_is_todo = placeholders_test({detection.train_detector: _detector_answer("right")})
