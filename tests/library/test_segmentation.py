"""medlearn.segmentation against scikit-learn, brute-force distances and the two CHASE_DB1 observers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage
from scipy.spatial.distance import cdist
from sklearn.metrics import f1_score, jaccard_score, recall_score

from medlearn.segmentation import (
    dice,
    dice_by_threshold,
    dice_from_iou,
    hausdorff,
    iou,
    iou_from_dice,
    lesion_counts,
    per_image,
    pixel_metrics,
)


def _random_pair(seed: int, shape: tuple[int, ...] = (32, 40), share: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.random(shape) < share
    pred = truth ^ (rng.random(shape) < 0.1)  # the truth with 10 % of the pixels flipped
    return truth, pred


@pytest.mark.parametrize("seed", range(5))
def test_overlap_metrics_equal_scikit_learn(seed: int) -> None:
    truth, pred = _random_pair(seed)
    region = np.random.default_rng(seed + 100).random(truth.shape) < 0.7
    assert dice(truth, pred) == pytest.approx(f1_score(truth.ravel(), pred.ravel()))
    assert iou(truth, pred) == pytest.approx(jaccard_score(truth.ravel(), pred.ravel()))
    assert dice(truth, pred, region) == pytest.approx(f1_score(truth[region], pred[region]))
    m = pixel_metrics(truth, pred, region)
    assert m["sensitivity"] == pytest.approx(recall_score(truth[region], pred[region]))
    assert m["specificity"] == pytest.approx(recall_score(~truth[region], ~pred[region]))
    assert m["accuracy"] == pytest.approx(np.mean(truth[region] == pred[region]))
    assert dice_from_iou(iou(truth, pred)) == pytest.approx(dice(truth, pred))
    assert iou_from_dice(dice(truth, pred)) == pytest.approx(iou(truth, pred))


def test_empty_masks_have_documented_results() -> None:
    empty, full = np.zeros((5, 5), bool), np.ones((5, 5), bool)
    assert dice(empty, empty) == iou(empty, empty) == 1.0 and hausdorff(empty, empty) == 0.0
    assert dice(empty, full) == iou(full, empty) == 0.0 and hausdorff(empty, full) == np.inf
    assert np.isnan(pixel_metrics(empty, empty)["sensitivity"]) and pixel_metrics(empty, empty)["specificity"] == 1


def _brute_force_hausdorff(a: np.ndarray, b: np.ndarray, percentile: float, spacing: np.ndarray) -> float:
    edges = [m & ~ndimage.binary_erosion(m, border_value=0) for m in (a, b)]
    points = [np.argwhere(e) * spacing for e in edges]
    distances = cdist(points[0], points[1])
    return max(np.percentile(distances.min(axis=1), percentile), np.percentile(distances.min(axis=0), percentile))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("percentile", [50, 95, 100])
def test_hausdorff_equals_brute_force(seed: int, percentile: float) -> None:
    truth, pred = _random_pair(seed, (20, 24), share=0.3)
    spacing = np.array([0.5, 0.8])
    assert hausdorff(truth, pred, percentile, spacing=(0.5, 0.8)) == pytest.approx(
        _brute_force_hausdorff(truth, pred, percentile, spacing)
    )


def test_hausdorff_of_shifted_squares_in_2d_and_3d() -> None:
    a = np.zeros((20, 20), bool)
    a[5:10, 5:10] = True
    assert hausdorff(a, a) == 0.0
    assert hausdorff(a, np.roll(a, 3, axis=1), percentile=100) == 3.0
    assert hausdorff(a, np.roll(a, 3, axis=1), percentile=100, spacing=2.0) == 6.0
    cube = np.zeros((12, 12, 12), bool)
    cube[3:7, 3:7, 3:7] = True
    assert hausdorff(cube, np.roll(cube, 2, axis=0), percentile=100) == 2.0
    # HD95 ignores a few far outliers that the classical distance counts
    big = np.zeros((20, 20), bool)
    big[3:13, 3:13] = True  # 36 boundary pixels
    far = big.copy()
    far[19, 19] = True  # one stray pixel, 1 of 37 boundary pixels
    assert hausdorff(big, far, percentile=100) > 9 and hausdorff(big, far, percentile=95) == 0.0


def test_hausdorff_takes_the_larger_directed_percentile_which_pooling_can_exceed() -> None:
    # two single pixels each: A at columns 0 and 20, B at columns 0 and 10 (a lone pixel is its own boundary)
    a = np.zeros((3, 24), bool)
    a[1, [0, 20]] = True
    b = np.zeros((3, 24), bool)
    b[1, [0, 10]] = True
    # directed distances: A to B [0, 10], B to A [0, 10]; np.percentile([0, 10], 95) interpolates to 9.5
    assert np.percentile([0.0, 10.0], 95) == pytest.approx(9.5)
    assert hausdorff(a, b) == pytest.approx(9.5)
    assert hausdorff(b, a) == pytest.approx(9.5)
    # medpy's way pools both directions first: [0, 0, 10, 10] gives 10.0, above both directed values
    pooled = np.percentile([0.0, 0.0, 10.0, 10.0], 95)
    assert pooled == pytest.approx(10.0) and pooled > hausdorff(a, b)


def test_per_image_and_pooled() -> None:
    truth = np.stack([_random_pair(s)[0] for s in range(3)])
    pred = np.stack([_random_pair(s)[1] for s in range(3)])
    values = per_image(dice, truth, pred)
    assert values.shape == (3,) and np.allclose(values, [dice(t, p) for t, p in zip(truth, pred)])
    assert per_image(hausdorff, truth, pred, percentile=95).shape == (3,)
    region = np.ones_like(truth)
    assert np.allclose(per_image(dice, truth, pred, region), values)
    # pooled Dice weights images by their foreground: it is not the mean of the per-image values
    truth[0] = False
    truth[0, :2, :2] = True
    assert not np.isclose(dice(truth, pred), per_image(dice, truth, pred).mean())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: dice([[0, 2]], [[0, 1]]), "y_true must be a binary mask"),
        (lambda: dice([[0, 1]], [[0, 1, 1]]), r"y_pred must have the shape of y_true \(1, 2\)"),
        (lambda: iou([[0, 1]], [[0, 1]], mask=[[1]]), "mask must have the shape of y_true"),
        (lambda: dice(np.zeros((0, 3), bool), np.zeros((0, 3), bool)), "y_true must not be empty"),
        (lambda: dice([["a"]], [["b"]]), "y_true must hold numbers"),
        (lambda: hausdorff([0, 1], [0, 1]), "y_true must be a 2-D or 3-D array"),
        (lambda: hausdorff([[0, 1]], [[0, 1]], percentile=0), "percentile must be"),
        (lambda: hausdorff([[0, 1]], [[0, 1]], spacing=-1), "spacing must be positive"),
        (
            lambda: hausdorff([[0, 1]], [[0, 1]], spacing=(1, 2, 3)),
            "spacing must be positive numbers, one or one per axis",
        ),
        (lambda: iou_from_dice(1.5), "value must be"),
        (lambda: dice_from_iou(True), "value must be"),
        (lambda: per_image(dice, [[0, 1]], [[0, 1]]), "y_true must be a 3-D or 4-D array"),
        (lambda: lesion_counts([0, 1], [0, 1]), "y_true must be a 2-D or 3-D array"),
        (
            lambda: lesion_counts(np.zeros((3, 3, 3), bool), np.zeros((3, 3), bool)),
            "y_pred must have the shape of y_true",
        ),
    ],
)
def test_bad_input_names_the_argument(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_second_observer_against_first_on_chasedb1(chase_bytes: bytes, tmp_path) -> None:
    from medlearn.data import CHASEDB1_ARCHIVE, load_chasedb1

    (tmp_path / CHASEDB1_ARCHIVE).write_bytes(chase_bytes)
    data = load_chasedb1(tmp_path, download=False)
    test = data.child >= 11  # the 8 test images most papers use
    per = per_image(dice, data.first_observer[test], data.second_observer[test])
    pooled = dice(data.first_observer[test], data.second_observer[test])
    # two experts agree well but far from perfectly on thin vessels (published inter-observer F1 about 0.77-0.80)
    assert per.shape == (8,) and 0.65 < pooled < 0.9 and np.all((per > 0.6) & (per < 0.9))
    hd = per_image(hausdorff, data.first_observer[test], data.second_observer[test])
    assert np.all(np.isfinite(hd) & (hd > 0))


def test_dice_by_threshold_equals_dice_at_each_threshold() -> None:
    rng = np.random.default_rng(5)
    truth = rng.random((3, 20, 24)) < 0.2
    scores = np.where(truth, rng.random(truth.shape) * 0.6 + 0.3, rng.random(truth.shape) * 0.7)
    scores[0, :3, :3] = 0.5  # ties at a threshold: scores >= t count as positive
    region = np.zeros_like(truth)
    region[:, 2:18, 3:20] = True
    thresholds = np.array([0.0, 0.25, 0.5, 0.5001, 0.8, 1.5])
    for mask in (None, region):
        want = [dice(truth, scores >= t, mask) for t in thresholds]
        assert np.allclose(dice_by_threshold(truth, scores, thresholds, mask), want)


def test_dice_by_threshold_float32_scores_count_as_float64_comparisons() -> None:
    rng = np.random.default_rng(6)
    truth = rng.random((50, 60)) < 0.3
    scores = rng.random(truth.shape).astype(np.float32)
    thresholds = np.concatenate([scores.ravel()[:20].astype(float), [0.1, 0.3, 0.7]])  # ties, exactly
    thresholds[:10] = np.nextafter(thresholds[:10], 2.0)  # just above a float32 score: it must not count
    want = [dice(truth, scores.astype(float) >= t) for t in thresholds]
    assert np.array_equal(dice_by_threshold(truth, scores, thresholds), want)
    assert scores.dtype == np.float32  # the input is left alone


def test_dice_by_threshold_empty_cases() -> None:
    empty = np.zeros((4, 4), bool)
    assert np.allclose(dice_by_threshold(empty, np.zeros((4, 4)), [0.5, -1]), [1.0, 0.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"y_score": np.zeros((3, 3))}, "y_score"),
        ({"y_score": np.full((4, 4), np.nan)}, "y_score"),
        ({"y_score": np.full((4, 4), "a")}, "y_score"),
        ({"thresholds": []}, "thresholds"),
        ({"thresholds": [[0.5]]}, "thresholds"),
        ({"thresholds": [np.inf]}, "thresholds"),
        ({"mask": np.ones((3, 3), bool)}, "mask"),
    ],
)
def test_dice_by_threshold_bad_input(kwargs: dict, message: str) -> None:
    arguments = {"y_true": np.zeros((4, 4), bool), "y_score": np.zeros((4, 4)), "thresholds": [0.5]} | kwargs
    with pytest.raises(ValueError, match=message):
        dice_by_threshold(**arguments)


def _lesion_counts_by_regions(truth: np.ndarray, pred: np.ndarray) -> tuple[int, int, int]:
    """Found, missed and false alarms from scikit-image's regions, one region at a time (as the organisers' loop)."""
    from skimage import measure

    full = truth.ndim  # connectivity = ndim: every neighbour, corners included
    truth_regions = measure.regionprops(measure.label(truth, connectivity=full))
    pred_regions = measure.regionprops(measure.label(pred, connectivity=full))
    found = sum(bool(pred[tuple(region.coords.T)].any()) for region in truth_regions)
    false_alarms = sum(not truth[tuple(region.coords.T)].any() for region in pred_regions)
    return found, len(truth_regions) - found, false_alarms


@pytest.mark.parametrize(("seed", "shape"), [(0, (12, 14, 9)), (1, (12, 14, 9)), (2, (30, 40)), (3, (30, 40))])
def test_lesion_counts_equal_a_region_by_region_count(seed: int, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(seed)
    truth, pred = rng.random(shape) < 0.08, rng.random(shape) < 0.08  # many small pieces, some touching
    counts = lesion_counts(truth, pred)
    found, missed, false_alarms = _lesion_counts_by_regions(truth, pred)
    assert (counts["found"], counts["missed"], counts["false alarms"]) == (found, missed, false_alarms)
    assert found and missed and false_alarms  # each count is exercised
    assert counts["lesion F1"] == pytest.approx(2 * found / (2 * found + missed + false_alarms))


def test_lesion_counts_join_through_corners_and_have_a_rule_for_empty_masks() -> None:
    corner = np.zeros((3, 3, 3), bool)
    corner[0, 0, 0] = corner[1, 1, 1] = True  # one lesion: the voxels touch at a corner only
    tip = np.zeros_like(corner)
    tip[1, 1, 1] = True
    assert lesion_counts(corner, tip) == {"found": 1, "missed": 0, "false alarms": 0, "lesion F1": 1.0}
    empty = np.zeros_like(corner)
    assert lesion_counts(empty, empty)["lesion F1"] == 1.0  # the organisers' empty_value
    assert lesion_counts(corner, empty) == {"found": 0, "missed": 1, "false alarms": 0, "lesion F1": 0.0}
    assert lesion_counts(empty, corner) == {"found": 0, "missed": 0, "false alarms": 1, "lesion F1": 0.0}
