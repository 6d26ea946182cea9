"""medlearn.detection against the libraries that do the same: pycocotools' COCOeval and tf.image's NMS."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from medlearn.detection import (
    COCO_IOU_THRESHOLDS,
    box_iou,
    centres_to_corners,
    choose_count_threshold,
    corners_to_centres,
    count_objects,
    four_flips,
    froc,
    match_detections,
    mean_average_precision,
    non_max_suppression,
)


def coco_eval(ground_truth, predictions, n_classes: int):
    """pycocotools' COCOeval (bbox, area all, 100 detections) on the same boxes: (stats, precision array)."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    images, annotations, detections = [], [], []
    for i, (g, p) in enumerate(zip(ground_truth, predictions)):
        images.append({"id": i})
        for box, label in zip(np.asarray(g["boxes"], float).reshape(-1, 4), g["labels"]):
            w, h = box[2] - box[0], box[3] - box[1]
            annotations.append(
                {"id": len(annotations) + 1, "image_id": i, "category_id": int(label), "iscrowd": 0,
                 "bbox": [box[0], box[1], w, h], "area": w * h}
            )  # fmt: skip
        for box, label, score in zip(np.asarray(p["boxes"], float).reshape(-1, 4), p["labels"], p["scores"]):
            detections.append(
                {"image_id": i, "category_id": int(label), "score": float(score),
                 "bbox": [box[0], box[1], box[2] - box[0], box[3] - box[1]]}
            )  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = {"images": images, "annotations": annotations, "categories": [{"id": c} for c in range(n_classes)]}
        gt.createIndex()
        dt = gt.loadRes(detections) if detections else COCO()
        evaluation = COCOeval(gt, dt, "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return evaluation.stats, evaluation.eval["precision"][:, :, :, 0, 2]


def random_case(rng: np.random.Generator, n_images: int = 6, n_classes: int = 3, grid: bool = False):
    """Images with boxes of some classes (some images and classes empty), and detections near them: jittered
    copies, duplicates, strays, and (with ``grid``) scores on a coarse grid so that many tie."""
    ground_truth, predictions = [], []
    for _ in range(n_images):
        n = rng.integers(0, 8)
        xy = rng.uniform(0, 80, (n, 2))
        wh = rng.uniform(4, 30, (n, 2))
        boxes = np.concatenate([xy, xy + wh], axis=1)
        labels = rng.integers(0, n_classes, n)
        if rng.random() < 0.3:
            labels[:] = 0  # images without some classes
        ground_truth.append({"boxes": boxes, "labels": labels})
        found = rng.random(n) < 0.8
        det = boxes[found] + rng.normal(0, 3, (found.sum(), 4))
        det_labels = labels[found].copy()
        flip = rng.random(len(det_labels)) < 0.1
        det_labels[flip] = rng.integers(0, n_classes, flip.sum())
        again = rng.random(len(det)) < 0.3  # duplicate detections: exact copies in even images, shifted in odd
        dup = det[again] + (rng.normal(0, 1, (again.sum(), 4)) if len(ground_truth) % 2 else 0)
        dup_labels = det_labels[again]
        m = rng.integers(0, 5)
        sxy = rng.uniform(0, 80, (m, 2))
        stray = np.concatenate([sxy, sxy + rng.uniform(4, 30, (m, 2))], axis=1)
        all_boxes = np.concatenate([det, dup, stray])
        all_boxes[:, 2:] = np.maximum(all_boxes[:, 2:], all_boxes[:, :2] + 0.5)
        all_labels = np.concatenate([det_labels, dup_labels, rng.integers(0, n_classes, m)])
        scores = rng.random(len(all_boxes))
        if grid:
            scores = np.round(scores * 4) / 4
        predictions.append({"boxes": all_boxes, "labels": all_labels.astype(int), "scores": scores})
    return ground_truth, predictions


@pytest.mark.parametrize("seed", range(40))
def test_map_equals_pycocotools(seed: int) -> None:
    rng = np.random.default_rng(seed)
    gt, dt = random_case(rng, grid=seed % 2 == 1)
    stats, precision = coco_eval(gt, dt, 3)
    ours = mean_average_precision(gt, dt)
    assert ours["map"] == pytest.approx(stats[0], abs=1e-6)
    assert ours["map_50"] == pytest.approx(stats[1], abs=1e-6)
    assert ours["map_75"] == pytest.approx(stats[2], abs=1e-6)
    labels = ours["labels"]
    np.testing.assert_allclose(ours["precision"], precision[:, :, labels], atol=1e-9)
    for label in labels:
        column = precision[0, :, label]
        expected = float(np.mean(column)) if np.all(column > -1) else float("nan")
        assert ours["ap_50_per_class"][label] == pytest.approx(expected, abs=1e-6, nan_ok=True)


def test_map_edge_cases_equal_pycocotools() -> None:
    box = [10.0, 10.0, 30.0, 30.0]
    cases = {
        "duplicates of one box, tied scores": (
            [{"boxes": [box], "labels": [0]}],
            [{"boxes": [box, box, box], "labels": [0, 0, 0], "scores": [0.5, 0.5, 0.5]}],
        ),
        "a class with boxes and no detections, an image with neither": (
            [{"boxes": [box, [50, 50, 60, 60]], "labels": [0, 1]}, {"boxes": np.zeros((0, 4)), "labels": []}],
            [{"boxes": [box], "labels": [0], "scores": [0.9]}, {"boxes": np.zeros((0, 4)), "labels": [], "scores": []}],
        ),
        "detections of a class no image has": (
            [{"boxes": [box], "labels": [0]}],
            [{"boxes": [box, box], "labels": [0, 2], "scores": [0.3, 0.9]}],
        ),
        "ties across images, a false positive first": (
            [{"boxes": [box], "labels": [0]}, {"boxes": [box], "labels": [0]}],
            [
                {"boxes": [[70, 70, 90, 90]], "labels": [0], "scores": [0.7]},
                {"boxes": [box, box], "labels": [0, 0], "scores": [0.7, 0.7]},
            ],
        ),
        "IoU exactly at the threshold": (
            [{"boxes": [[0, 0, 10, 10]], "labels": [0]}],
            [{"boxes": [[0, 0, 10, 5]], "labels": [0], "scores": [0.5]}],
        ),
        "more than 100 detections in an image": (
            [{"boxes": [box] * 3, "labels": [0, 0, 0]}],
            [{"boxes": [[0, 0, 5, 5]] * 120 + [box], "labels": [0] * 121, "scores": [0.9] * 120 + [0.1]}],
        ),
    }
    for name, (gt, dt) in cases.items():
        stats, _ = coco_eval(gt, dt, 3)
        ours = mean_average_precision(gt, dt)
        for key, index in (("map", 0), ("map_50", 1), ("map_75", 2)):
            assert ours[key] == pytest.approx(stats[index], abs=1e-6, nan_ok=True), (name, key)
    # the 121st detection is beyond COCO's 100 per image: the box it finds does not count
    assert mean_average_precision(*cases["more than 100 detections in an image"][:2])["map"] == pytest.approx(0.0)


def test_map_is_one_for_perfect_and_zero_for_misses() -> None:
    gt = [{"boxes": [[0, 0, 10, 10], [20, 20, 40, 40]], "labels": [0, 1]}]
    perfect = [{"boxes": [[0, 0, 10, 10], [20, 20, 40, 40]], "labels": [0, 1], "scores": [0.9, 0.8]}]
    assert mean_average_precision(gt, perfect)["map"] == pytest.approx(1.0)
    swapped = [{"boxes": [[0, 0, 10, 10], [20, 20, 40, 40]], "labels": [1, 0], "scores": [0.9, 0.8]}]
    assert mean_average_precision(gt, swapped)["map"] == 0.0  # the right places with the wrong classes


def test_custom_thresholds_and_map_50_only_when_asked() -> None:
    gt = [{"boxes": [[0, 0, 10, 10]], "labels": [0]}]
    dt = [{"boxes": [[0, 0, 10, 6]], "labels": [0], "scores": [0.9]}]  # IoU 0.6
    result = mean_average_precision(gt, dt, iou_thresholds=[0.5, 0.7])
    assert result["map"] == pytest.approx(0.5, abs=1e-6) and "map_75" not in result
    assert result["map_50"] == pytest.approx(1.0)
    assert len(COCO_IOU_THRESHOLDS) == 10


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mean_average_precision({"boxes": []}, []), "ground_truth must be a list"),
        (lambda: mean_average_precision([{"boxes": [[0, 0, 1, 1]]}], [{}]), r"ground_truth\[0\] must be a dict"),
        (lambda: mean_average_precision([{"boxes": [[0, 0, 1, 1]], "labels": [0]}], []), "one dict per image"),
        (
            lambda: mean_average_precision(
                [{"boxes": [[0, 0, 1, 1]], "labels": [0]}], [{"boxes": [[0, 0, 1, 1]], "labels": [0], "scores": []}]
            ),
            r"predictions\[0\]\['scores'\] must have one value per box",
        ),
        (lambda: mean_average_precision([{"boxes": [[5, 0, 1, 1]], "labels": [0]}], [{}]), "centre-size boxes"),
        (lambda: mean_average_precision([], [], iou_thresholds=[1.5]), "iou_thresholds must lie in"),
        (
            lambda: mean_average_precision([{"boxes": [[0, 0, 1, 1]], "labels": [0.5]}], [{}]),
            "must hold integer class labels",
        ),
        (lambda: box_iou([[0, 0, 1]], [[0, 0, 1, 1]]), r"boxes_a must be an \(N, 4\) array"),
        (lambda: box_iou([[0, 0, 1, np.nan]], [[0, 0, 1, 1]]), "boxes_a must hold finite values"),
        (lambda: non_max_suppression([[0, 0, 1, 1]], [0.5, 0.4]), "scores must have one value per box"),
        (lambda: non_max_suppression([[0, 0, 1, 1]], [0.5], iou_threshold=2), "iou_threshold must be a number"),
        (lambda: non_max_suppression([[0, 0, 1, 1]], [0.5], labels=[0, 1]), "labels must have one value per box"),
        (lambda: centres_to_corners([[0, 0, -1, 1]]), "width >= 0"),
        (
            lambda: froc([{"boxes": [[0, 0, 1, 1]], "labels": [0]}], [{"boxes": [], "labels": [], "scores": []}], 1),
            "no box of label 1",
        ),  # fmt: skip
        (lambda: froc([], [], 0, hit="distance"), "hit must be"),
        (lambda: froc([], [], 0, rates=[0, 1]), "rates must be positive"),
        (lambda: count_objects([{"boxes": [[0, 0, 1, 1]], "labels": [3], "scores": [1]}], 0.5, 2), "must lie in 0..1"),
        (lambda: count_objects([], 0.5, 0), "n_classes must be"),
        (lambda: match_detections([], [], label=0, max_detections=0), "max_detections must be"),
    ],
)
def test_bad_input_names_the_argument(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_box_iou_by_formula_and_symmetry() -> None:
    a = np.array([[0, 0, 10, 10], [5, 5, 15, 15], [0, 0, 0, 0]], float)
    iou = box_iou(a, a)
    assert iou[0, 1] == pytest.approx(25 / 175) and iou[1, 0] == iou[0, 1]
    assert iou[0, 0] == 1 and iou[2, 2] == 0  # a zero-area box: 0, not NaN
    assert box_iou(np.zeros((0, 4)), a).shape == (0, 3)


def test_box_iou_equals_pycocotools() -> None:
    from pycocotools import mask

    rng = np.random.default_rng(1)
    a = centres_to_corners(np.c_[rng.uniform(0, 50, (30, 2)), rng.uniform(1, 20, (30, 2))])
    b = centres_to_corners(np.c_[rng.uniform(0, 50, (20, 2)), rng.uniform(1, 20, (20, 2))])
    xywh = lambda x: np.c_[x[:, :2], x[:, 2:] - x[:, :2]]  # noqa: E731
    np.testing.assert_allclose(box_iou(a, b), mask.iou(xywh(a), xywh(b), [0] * len(b)), atol=1e-12)


def test_conversions_round_trip() -> None:
    rng = np.random.default_rng(2)
    boxes = np.sort(rng.uniform(0, 100, (50, 2, 2)), axis=1).transpose(0, 2, 1).reshape(50, 4)[:, [0, 2, 1, 3]]
    np.testing.assert_allclose(centres_to_corners(corners_to_centres(boxes)), boxes)
    assert corners_to_centres([[0, 0, 4, 2]]).tolist() == [[2.0, 1.0, 4.0, 2.0]]
    assert corners_to_centres(np.zeros((0, 4))).shape == (0, 4) and centres_to_corners([]).shape == (0, 4)


@pytest.mark.parametrize("seed", range(10))
def test_nms_equals_tensorflow(seed: int) -> None:
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    n = 60
    boxes = centres_to_corners(np.c_[rng.uniform(0, 60, (n, 2)), rng.uniform(5, 25, (n, 2))])
    scores = rng.random(n) if seed % 2 == 0 else np.round(rng.random(n) * 5) / 5  # ties in odd seeds
    for threshold in (0.3, 0.5, 0.7):
        # tf.image wants (y1, x1, y2, x2)
        expected = tf.image.non_max_suppression(
            boxes[:, [1, 0, 3, 2]], scores, max_output_size=n, iou_threshold=threshold
        )
        ours = non_max_suppression(boxes, scores, threshold)
        if seed % 2 == 0:
            assert ours.tolist() == expected.numpy().tolist()
        else:  # with ties, the same set (the order among equal scores is the library's own)
            assert sorted(ours.tolist()) == sorted(expected.numpy().tolist())
    assert len(non_max_suppression(boxes, scores, 0.5, max_output=3)) == 3
    assert np.all(scores[non_max_suppression(boxes, scores, 0.5, score_threshold=0.5)] > 0.5)


def test_nms_per_class_never_suppresses_across_classes() -> None:
    boxes = [[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10]]
    assert non_max_suppression(boxes, [0.9, 0.8, 0.7], labels=[0, 1, 0]).tolist() == [0, 1]
    assert non_max_suppression(boxes, [0.9, 0.8, 0.7]).tolist() == [0]


def test_match_detections_builds_the_ap_of_pycocotools() -> None:
    rng = np.random.default_rng(3)
    gt, dt = random_case(rng, n_images=8)
    scores, tp, n = match_detections(gt, dt, label=0)
    assert np.all(np.diff(scores) <= 0)
    recall, precision = np.cumsum(tp) / n, np.cumsum(tp) / np.arange(1, len(tp) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    levels = np.linspace(0, 1, 101)
    idx = np.searchsorted(recall, levels, side="left")
    ap = np.mean(np.where(idx < len(envelope), envelope[np.minimum(idx, len(envelope) - 1)], 0))
    assert ap == pytest.approx(mean_average_precision(gt, dt)["ap_50_per_class"][0], abs=1e-6)


def test_froc_counts_hits_duplicates_and_false_positives() -> None:
    gt = [{"boxes": [[0, 0, 10, 10], [20, 20, 30, 30]], "labels": [0, 0]}, {"boxes": [[0, 0, 10, 10]], "labels": [0]}]
    dt = [
        {"boxes": [[1, 1, 9, 9], [0, 0, 10, 10], [50, 50, 60, 60]], "labels": [0, 0, 0], "scores": [0.9, 0.8, 0.7]},
        {"boxes": [[3, 3, 13, 13], [40, 0, 50, 10]], "labels": [0, 0], "scores": [0.6, 0.5]},
    ]
    # 0.9 hit, 0.8 duplicate (ignored), 0.7 FP, 0.6: centre (8, 8) is 3*sqrt(2) = 4.2 <= 5 from (5, 5): hit
    result = froc(gt, dt, label=0, rates=(0.25, 0.5, 1.0))
    assert result["fp_per_image"].tolist() == [0, 0, 0.5, 0.5, 1.0]
    assert result["sensitivity_curve"].tolist() == pytest.approx([0, 1 / 3, 1 / 3, 2 / 3, 2 / 3])
    assert result["sensitivity"].tolist() == pytest.approx([1 / 3, 2 / 3, 2 / 3])
    assert result["cpm"] == pytest.approx(5 / 9)
    # with IoU >= 0.5 the shifted box (IoU 49/151) is a false positive instead
    by_iou = froc(gt, dt, label=0, rates=(1.0,), hit="iou")
    assert by_iou["sensitivity"].tolist() == pytest.approx([1 / 3])


def test_counts_and_the_threshold_from_validation() -> None:
    gt = [{"boxes": [[0, 0, 1, 1]], "labels": [1]}, {"boxes": [[0, 0, 1, 1]] * 2, "labels": [1, 1]}]
    dt = [
        {"boxes": [[0, 0, 1, 1]] * 2, "labels": [1, 1], "scores": [0.9, 0.2]},
        {"boxes": [[0, 0, 1, 1]] * 3, "labels": [1, 1, 0], "scores": [0.8, 0.6, 0.99]},
    ]
    assert count_objects(dt, 0.5, 2).tolist() == [[0, 1], [1, 2]]
    threshold, error = choose_count_threshold(gt, dt, 1, thresholds=[0.1, 0.5, 0.7, 0.85])
    assert (threshold, error) == (0.5, 0.0)
    assert choose_count_threshold(gt, dt, 1, thresholds=[0.1, 0.85]) == (0.1, 0.5)  # counts 2, 2 against 1, 0
    # no class-0 boxes, and detections of higher labels in the images
    assert choose_count_threshold(gt, dt, 0, thresholds=[0.5, 0.995]) == (0.995, 0.0)


def test_four_flips_move_each_box_with_its_pixels() -> None:
    rng = np.random.default_rng(5)
    images = rng.random((3, 12, 20, 2))
    targets = [{"boxes": [[2.0, 1.0, 7.0, 5.0], [10.0, 6.0, 20.0, 12.0]], "labels": [0, 1]} for _ in range(3)]
    flipped, moved = four_flips(images, targets)
    assert flipped.shape == (12, 12, 20, 2) and len(moved) == 12
    for image, target, original, source in zip(flipped, moved, targets * 4, np.concatenate([images] * 4)):
        for (x0, y0, x1, y1), (a0, b0, a1, b1) in zip(target["boxes"].astype(int), np.array(original["boxes"], int)):
            inside, before = image[y0:y1, x0:x1], source[b0:b1, a0:a1]
            assert np.isclose(inside.sum(), before.sum())  # the same pixels, in another order
        assert target["labels"].tolist() == [0, 1]
    with pytest.raises(ValueError, match="one dict per image"):
        four_flips(images, targets[:2])
    with pytest.raises(ValueError, match="images must be a stack"):
        four_flips(np.zeros(5), [])
