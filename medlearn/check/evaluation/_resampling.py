"""The evaluation chapter's tasks that draw at random: a bootstrap interval of the AUC and a split by patient, with
their tables of mistakes."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from ..._messages import tr
from ...metrics import bootstrap_ci
from ..core import Mistake, as_array, call, task
from . import _data


def _bootstrap(y: np.ndarray, scores: np.ndarray, n_boot: int, seed: int, replace: bool = True) -> tuple:
    """The percentile interval of the AUC over ``n_boot`` resamples (``replace=False``: permutations, a mistake)."""
    rng = np.random.default_rng(seed)
    aucs = []
    for _ in range(n_boot):
        order = rng.integers(0, len(y), len(y)) if replace else rng.permutation(len(y))
        if np.unique(y[order]).size == 2:
            aucs.append(roc_auc_score(y[order], scores[order]))
    return tuple(np.percentile(aucs, [2.5, 97.5]))


_NOT_A_PAIR = Mistake(
    "three numbers",
    lambda y, scores, n_boot, seed: (*_bootstrap(y, scores, n_boot, seed), roc_auc_score(y, scores)),
    lambda shape: tr("return two numbers, (low, high); yours has shape {shape}.", shape=shape),
)
_NO_WIDTH = Mistake(
    "without replacement",
    lambda y, scores, n_boot, seed: _bootstrap(y, scores, n_boot, seed, replace=False),
    tr(
        "the interval has no width: draw the resamples WITH replacement (rng.choice(n, n) or rng.integers(0, n, "
        "n)); a permutation of all cases always gives the same AUC."
    ),
)
_MISSES_ESTIMATE = Mistake(
    "an interval elsewhere",
    lambda y, scores, n_boot, seed: (0.1, 0.2),
    lambda estimate, low, high: tr(
        "the AUC of the data, {estimate:.3f}, should lie inside your interval ({low:.3f}, {high:.3f}).",
        estimate=estimate,
        low=low,
        high=high,
    ),
)
_TOO_WIDE = Mistake(
    "the extremes",
    lambda y, scores, n_boot, seed: (0.5, 1.0),
    lambda low, high, ref_low, ref_high: tr(
        "your interval ({low:.3f}, {high:.3f}) is much wider than a 95 % bootstrap interval "
        "(about {ref_low:.3f} to {ref_high:.3f}): take the 2.5th and 97.5th percentiles, not the extremes.",
        low=low,
        high=high,
        ref_low=ref_low,
        ref_high=ref_high,
    ),
)
_TOO_NARROW = Mistake(
    "the middle",
    lambda y, scores, n_boot, seed: (roc_auc_score(y, scores) - 0.005, roc_auc_score(y, scores) + 0.005),
    lambda low, high, ref_low, ref_high: tr(
        "your interval ({low:.3f}, {high:.3f}) is much narrower than a 95 % bootstrap interval "
        "(about {ref_low:.3f} to {ref_high:.3f}): the 2.5th and 97.5th percentiles, and resamples as large as the "
        "data.",
        low=low,
        high=high,
        ref_low=ref_low,
        ref_high=ref_high,
    ),
)


@task(
    tr(
        "rng = np.random.default_rng(seed); in each round draw n case indices with replacement, and compute the AUC "
        "of those cases."
    ),
    tr("Collect n_boot AUCs (skip a draw that has only one class), then np.percentile(aucs, [2.5, 97.5])."),
    mistakes=[_NOT_A_PAIR, _NO_WIDTH, _MISSES_ESTIMATE, _TOO_WIDE, _TOO_NARROW],
    reference=_bootstrap,
)
def bootstrap_auc(function: Any) -> None:
    y, scores = _data.example(n=150, seed=5)
    result = as_array(call(function, y.copy(), scores.copy(), 500, 0), tr("your (low, high) interval"))
    if result.shape != (2,):
        raise _NOT_A_PAIR.wrong(result.shape)
    low, high = result
    estimate = roc_auc_score(y, scores)
    if np.isclose(low, high):
        raise _NO_WIDTH.wrong()
    if not low < estimate < high:
        raise _MISSES_ESTIMATE.wrong(estimate, low, high)
    _, ref_low, ref_high = bootstrap_ci(y, scores, n_boot=1000, seed=1)
    if high - low > 1.6 * (ref_high - ref_low):
        raise _TOO_WIDE.wrong(low, high, ref_low, ref_high)
    if high - low < 0.5 * (ref_high - ref_low):
        raise _TOO_NARROW.wrong(low, high, ref_low, ref_high)


def _split(ids: np.ndarray, test_fraction: float, seed: Any) -> np.ndarray:
    unique = np.unique(ids)
    chosen = np.random.default_rng(seed).choice(unique, size=round(test_fraction * len(unique)), replace=False)
    return np.isin(ids, chosen)


_NOT_A_MASK = Mistake(
    "indices",
    lambda ids, test_fraction, seed: np.flatnonzero(_split(ids, test_fraction, seed)),
    lambda shape, array: tr(
        "return a boolean mask with one entry per image (shape {shape}), True for the test set; "
        "yours is {dtype} of shape {got}.",
        shape=shape,
        dtype=array.dtype,
        got=array.shape,
    ),
)
_BY_IMAGE = Mistake(
    "images, not patients",
    lambda ids, test_fraction, seed: np.random.default_rng(seed).random(len(ids)) < test_fraction,
    lambda shared: tr(
        "{count} patients have images on both sides (for example patient {patient}): choose "
        "test PATIENTS, then take all of their images.",
        count=shared.size,
        patient=shared[0],
    ),
)
_SHARE = Mistake(
    "five patients",
    lambda ids, test_fraction, seed: np.isin(ids, np.random.default_rng(seed).choice(np.unique(ids), 5, replace=False)),
    lambda share: tr(
        "about a quarter of the patients (test_fraction 0.25) should be in the test set; you have {share:.0%}.",
        share=share,
    ),
)
_SEED_IGNORED = Mistake(
    "the first patients",
    lambda ids, test_fraction, seed: np.isin(ids, np.unique(ids)[: round(test_fraction * len(np.unique(ids)))]),
    tr("seeds 0 and 1 gave the same split: draw the test patients with np.random.default_rng(seed)."),
)
_UNSEEDED = Mistake(
    "no seed",
    lambda ids, test_fraction, seed: _split(ids, test_fraction, None),
    tr("the same seed gave two different splits: use np.random.default_rng(seed), not np.random without a seed."),
)


@task(
    tr(
        "Work with np.unique(patient_ids): choose a quarter of the patients at random, then mark every image of theirs."
    ),
    tr(
        "test = rng.choice(unique, size=round(test_fraction * len(unique)), replace=False); "
        "return np.isin(patient_ids, test)."
    ),
    mistakes=[_NOT_A_MASK, _BY_IMAGE, _SHARE, _SEED_IGNORED, _UNSEEDED],
    reference=_split,
)
def patient_split(function: Any) -> None:
    patients = _data.patients()
    masks = []
    for seed in (0, 1):
        mask = call(function, patients.copy(), 0.25, seed)
        array = np.asarray(mask)
        if array.dtype != bool or array.shape != patients.shape:
            raise _NOT_A_MASK.wrong(patients.shape, array)
        shared = np.intersect1d(patients[array], patients[~array])
        if shared.size:
            raise _BY_IMAGE.wrong(shared)
        share = np.unique(patients[array]).size / np.unique(patients).size
        if not 0.15 <= share <= 0.35:
            raise _SHARE.wrong(share)
        masks.append(array)
    if np.array_equal(*masks):
        raise _SEED_IGNORED.wrong()
    again = np.asarray(call(function, patients.copy(), 0.25, 0))
    if not np.array_equal(again, masks[0]):
        raise _UNSEEDED.wrong()
