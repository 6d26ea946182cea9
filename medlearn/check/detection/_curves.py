"""The detection chapter's tasks on curves: COCO's 101-point AP, FROC points and the sensitivity at LUNA16's rates, with
their tables of mistakes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Mistake, Wrong, as_array, as_number, call, task
from . import _answers as _ans


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


_ELEVEN = Mistake(
    "11 points",
    lambda is_tp, n: _ans.ap(is_tp, n, levels=11),
    "that is VOC 2007's 11-point AP; COCO reads 101 recall levels, 0, 0.01, ..., 1.",
)
_RAW = Mistake(
    "raw precision",
    lambda is_tp, n: _ans.ap(is_tp, n, envelope=False),
    "you read the raw precision: first make it non-increasing from the right (the envelope).",
)
_REACHED_ONLY = Mistake(
    "reached levels only",
    lambda is_tp, n: _ans.ap(is_tp, n, zeros=False),
    "recall levels that are never reached count as precision 0, not left out of the mean.",
)
_ORIGIN = Mistake(
    "a point at the origin",
    _ans.ap_with_origin,
    "do not add a point (recall 0, precision 1): when the best detection is false, precision starts at 0.",
)


@task(
    "Recall after each detection = cumulative true positives / n_boxes; precision = cumulative true positives "
    "/ detections so far. Then replace each precision by the best precision at that recall or beyond "
    "(np.maximum.accumulate on the reversed array).",
    "Read that envelope at the 101 recall levels np.linspace(0, 1, 101): at each level, the first point whose "
    "recall reaches it (np.searchsorted(recall, levels, side='left')); 0 for levels never reached; average.",
    mistakes=[_ELEVEN, _RAW, _REACHED_ONLY, _ORIGIN],
    reference=_ans.ap,
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
            raise _ELEVEN.wrong()
        if np.isclose(got, raw):
            raise _RAW.wrong()
        if np.isclose(got, only_reached):
            raise _REACHED_ONLY.wrong()
        with_origin = np.maximum.accumulate(np.r_[1.0, precision][::-1])[::-1]
        at0 = np.searchsorted(np.r_[0.0, recall], np.linspace(0, 1, 101), side="left")
        prepended = float(np.mean([with_origin[i] if i < len(with_origin) else 0.0 for i in at0]))
        if np.isclose(got, prepended):
            raise _ORIGIN.wrong()
        raise Wrong(f"expected AP {want:.4f}; you returned {got:.4f}.")


def _froc(is_tp: np.ndarray, n_images: int, n_lesions: int) -> tuple[np.ndarray, np.ndarray]:
    return np.cumsum(~is_tp) / n_images, np.cumsum(is_tp) / n_lesions


def _detections_so_far(is_tp: np.ndarray) -> np.ndarray:
    return np.arange(1, len(is_tp) + 1)


_ONE_ARRAY = Mistake(
    "false positives only",
    lambda is_tp, n_images, n_lesions: _froc(is_tp, n_images, n_lesions)[0],
    "return two arrays: (false positives per image, sensitivity).",
)
_PER_LESION = Mistake(
    "per lesion",
    lambda is_tp, n_images, n_lesions: (np.cumsum(~is_tp) / n_lesions, np.cumsum(is_tp) / n_lesions),
    "false positives are counted per IMAGE (per scan in radiology): divide by n_images, not n_lesions.",
)
_SHARE_FALSE = Mistake(
    "share of detections",
    lambda is_tp, n_images, n_lesions: (np.cumsum(~is_tp) / _detections_so_far(is_tp), np.cumsum(is_tp) / n_lesions),
    "that is the share of detections that are false; FROC wants false positives per image.",
)
_PRECISION = Mistake(
    "precision",
    lambda is_tp, n_images, n_lesions: (np.cumsum(~is_tp) / n_images, np.cumsum(is_tp) / _detections_so_far(is_tp)),
    "that is precision; sensitivity divides the true positives by the number of lesions.",
)


@task(
    "Walk down the detections (best first): a false positive is a detection that is not a true positive. "
    "Cumulative sums give the counts after each detection.",
    "False positives per IMAGE = cumulative false positives / n_images; sensitivity = cumulative true positives "
    "/ n_lesions. Return the two arrays, one value per detection.",
    mistakes=[_ONE_ARRAY, _PER_LESION, _SHARE_FALSE, _PRECISION],
    reference=_froc,
)
def froc_points(function: Any) -> None:
    is_tp = np.array([1, 1, 0, 1, 0, 0, 1, 0, 0, 0], bool)
    n_images, n_lesions = 4, 6
    want_fp, want_sens = np.cumsum(~is_tp) / n_images, np.cumsum(is_tp) / n_lesions
    got = call(function, is_tp.copy(), n_images, n_lesions)
    if not isinstance(got, tuple) or len(got) != 2:
        raise _ONE_ARRAY.wrong()
    fp = as_array(got[0], "your false positives per image").reshape(-1)
    sens = as_array(got[1], "your sensitivity").reshape(-1)
    if fp.shape != want_fp.shape or sens.shape != want_sens.shape:
        raise Wrong(f"one value per detection ({len(is_tp)}), cumulative: use np.cumsum.")
    if np.allclose(fp, np.cumsum(~is_tp) / n_lesions):
        raise _PER_LESION.wrong()
    if np.allclose(fp, np.cumsum(~is_tp) / np.arange(1, len(is_tp) + 1)):
        raise _SHARE_FALSE.wrong()
    if np.allclose(sens, np.cumsum(is_tp) / np.arange(1, len(is_tp) + 1)):
        raise _PRECISION.wrong()
    if not (np.allclose(fp, want_fp) and np.allclose(sens, want_sens)):
        raise Wrong(f"expected {want_fp.tolist()} and {want_sens.round(3).tolist()}.")


def _froc_curve() -> tuple[np.ndarray, np.ndarray]:
    """A FROC curve from (0, 0): 3 images and 10 lesions, so some rates fall on its points, some between, one past."""
    is_tp = np.array([1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], bool)
    fp = np.concatenate([[0.0], np.cumsum(~is_tp) / 3])
    return fp, np.concatenate([[0.0], np.cumsum(is_tp) / 10])


_RATES_ONLY = Mistake(
    "the sensitivities only",
    lambda fp, sens: _ans.at_rates(fp, sens)[0],
    "return two things: (the sensitivity at each of the seven rates, their mean: the CPM).",
)
_BELOW = Mistake(
    "below, not at",
    lambda fp, sens: _ans.at_rates(fp, sens, strict=True),
    "a point exactly at the rate counts, and so do the hits found there before the next false positive: "
    "use fp_per_image <= rate, not <, and take the highest sensitivity.",
)
_CURVE_MEAN = Mistake(
    "the curve's mean",
    lambda fp, sens: _ans.at_rates(fp, sens, curve_mean=True),
    "the CPM averages the sensitivity at the seven rates, not every point of the curve.",
)


@task(
    "At each rate, look only at the points of the curve with at most that many false positives per image "
    "(fp_per_image <= rate), and take the highest sensitivity among them.",
    "The curve is a staircase: where a rate falls exactly on a column of points, the highest of them counts "
    "(<=, not <). The CPM is the mean of the seven values, not of the whole curve.",
    mistakes=[_RATES_ONLY, _BELOW, _CURVE_MEAN],
    reference=_ans.at_rates,
)
def sensitivity_at_rates(function: Any) -> None:
    fp, sens = _froc_curve()
    rates = np.array([1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8])
    want = np.array([sens[fp <= r].max() for r in rates])
    got = call(function, fp.copy(), sens.copy())
    if not isinstance(got, tuple) or len(got) != 2:
        raise _RATES_ONLY.wrong()
    at = as_array(got[0], "your sensitivities").reshape(-1)
    cpm = as_number(got[1], "your CPM")
    if at.shape != rates.shape:
        raise Wrong(f"one sensitivity per rate: {len(rates)} values, for 1/8, 1/4, 1/2, 1, 2, 4 and 8.")
    strict = np.array([sens[fp < r].max() for r in rates])
    if np.allclose(at, strict) and not np.allclose(at, want):
        raise _BELOW.wrong()
    if not np.allclose(at, want):
        raise Wrong(f"expected the sensitivities {want.tolist()}; you returned {at.round(3).tolist()}.")
    if np.isclose(cpm, sens.mean()):
        raise _CURVE_MEAN.wrong()
    if not np.isclose(cpm, want.mean()):
        raise Wrong(f"the CPM is the mean of your seven sensitivities, {want.mean():.3f}; you returned {cpm:.3f}.")
