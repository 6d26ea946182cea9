"""Watching a model in use: drift in its inputs and outputs, and deferring its least confident cases to a reader.

- :func:`reference_stats`: what a bundle keeps of its training inputs and outputs (JSON-ready);
- :func:`input_drift`: a two-sample Kolmogorov-Smirnov test of a batch's per-image intensity statistics
  against the reference's, with a Bonferroni correction over the statistics;
- :func:`output_drift`: the batch's predicted positive rate against the reference's, with a binomial test;
- :func:`risk_coverage`: the error rate among the cases the model keeps, at every share it keeps, when
  it defers the least confident to a reader (selective prediction);
- :func:`confidence`: how likely the model's label is right, for calibrated probabilities;
- :func:`deferral_threshold`: the confidence below which to defer, so that the kept cases' error rate on
  validation data stays at or under a target (optionally its upper confidence bound).

Example:
    >>> rng = np.random.default_rng(0)
    >>> train = rng.integers(0, 200, (300, 28, 28), dtype=np.uint8)
    >>> stats = reference_stats(train, rng.random(300), threshold=0.5)
    >>> input_drift(stats, train[:100])["alarm"], input_drift(stats, (train[:100] // 2))["alarm"]
    (False, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats as scipy_stats

from .._validation import check_array, check_binary_labels, check_int, check_number, check_scores

__all__ = [
    "confidence",
    "deferral_threshold",
    "image_statistics",
    "input_drift",
    "output_drift",
    "reference_stats",
    "risk_coverage",
]

#: The per-image statistics compared for input drift.
STATISTICS = ("mean", "std", "p05", "p95")


def image_statistics(images: object) -> dict[str, np.ndarray]:
    """Per-image mean, standard deviation and 5th and 95th percentiles of uint8 images ``(N, H, W)``.

    Example:
        >>> image_statistics(np.full((2, 4, 4), 10, np.uint8))["mean"].tolist()
        [10.0, 10.0]
    """
    array = check_array(images, "images", ndim=3, kinds="iuf")
    if array.dtype != np.uint8:
        raise ValueError(f"images must be uint8, as the course stores them, not {array.dtype}")
    stack = array.astype(np.float64).reshape(len(array), -1)
    p05, p95 = np.percentile(stack, [5, 95], axis=1)
    return {"mean": stack.mean(axis=1), "std": stack.std(axis=1), "p05": p05, "p95": p95}


def reference_stats(images: object, y_prob: object, *, threshold: float, max_kept: int = 2000) -> dict[str, Any]:
    """The training (or validation) distribution a monitor compares with: per-image statistics (at most
    ``max_kept`` images, an even subsample) and the predicted positive rate at ``threshold``. JSON-ready.

    Example:
        >>> ref = reference_stats(np.zeros((3, 4, 4), np.uint8), [0.2, 0.7, 0.9], threshold=0.5)
        >>> ref["positive_rate"], ref["n"]
        (0.6666666666666666, 3)
    """
    per_image = image_statistics(images)
    n = len(per_image["mean"])
    scores = check_scores(y_prob, "y_prob", n)
    threshold = check_number(threshold, "threshold", low=0.0, high=1.0)
    max_kept = check_int(max_kept, "max_kept", min_value=10)
    keep = np.linspace(0, n - 1, min(n, max_kept)).round().astype(int)
    return {
        "statistics": {name: per_image[name][keep].tolist() for name in STATISTICS},
        "positive_rate": float(np.mean(scores >= threshold)),
        "mean_probability": float(np.mean(scores)),
        "threshold": threshold,
        "n": n,
    }


def _reference(reference: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(reference, Mapping) or not {"statistics", "positive_rate", "threshold"} <= set(reference):
        raise ValueError("reference must be what reference_stats returns (statistics, positive_rate, threshold)")
    return reference


def input_drift(reference: Mapping[str, Any], images: object, *, alpha: float = 0.01) -> dict[str, Any]:
    """Kolmogorov-Smirnov tests of each per-image statistic of ``images`` against the reference's.

    Returns the statistics' p-values, the smallest, and ``alarm`` (True when the smallest is below
    ``alpha / 4``: Bonferroni over the four statistics). A batch from the reference's own distribution
    raises a false alarm with probability at most about ``alpha``; measure it, do not assume it.

    Example:
        >>> ref = reference_stats(np.full((50, 4, 4), 100, np.uint8), np.zeros(50), threshold=0.5)
        >>> input_drift(ref, np.full((20, 4, 4), 30, np.uint8))["alarm"]
        True
    """
    reference = _reference(reference)
    alpha = check_number(alpha, "alpha", low=0.0, high=1.0, low_open=True, high_open=True)
    batch = image_statistics(images)
    # One call tests the four statistics (rows) at once: the same p-values as four calls, in a third of the time.
    tests = scipy_stats.ks_2samp(
        np.stack([batch[name] for name in STATISTICS]),
        np.stack([np.asarray(reference["statistics"][name], dtype=np.float64) for name in STATISTICS]),
        axis=1,
    )
    p_values = {name: float(p) for name, p in zip(STATISTICS, np.atleast_1d(tests.pvalue))}
    smallest = min(p_values.values())
    return {"p_values": p_values, "smallest_p": smallest, "alarm": smallest < alpha / len(STATISTICS)}


def output_drift(reference: Mapping[str, Any], y_prob: object, *, alpha: float = 0.01) -> dict[str, Any]:
    """A two-sided binomial test of the batch's predicted positive rate against the reference's.

    Example:
        >>> ref = {"statistics": {}, "positive_rate": 0.3, "threshold": 0.5}
        >>> output_drift(ref, np.r_[np.ones(60), np.zeros(40)])["alarm"]
        True
    """
    reference = _reference(reference)
    alpha = check_number(alpha, "alpha", low=0.0, high=1.0, low_open=True, high_open=True)
    scores = check_array(y_prob, "y_prob", ndim=1, kinds="iuf").astype(float)
    positives = int(np.sum(scores >= reference["threshold"]))
    rate = float(reference["positive_rate"])
    p_value = float(scipy_stats.binomtest(positives, len(scores), min(max(rate, 1e-9), 1 - 1e-9)).pvalue)
    return {
        "positive_rate": positives / len(scores),
        "reference_rate": rate,
        "p_value": p_value,
        "alarm": p_value < alpha,
    }


def confidence(y_prob: object, threshold: float) -> np.ndarray:
    """How likely the label at ``threshold`` is right, for calibrated probabilities: ``p`` where the label
    is positive (``p >= threshold``), ``1 - p`` where it is negative.

    With a threshold far from 0.5 this differs from the distance to the threshold: at threshold 0.88, a
    negative call at p = 0.30 is wrong about 30 % of the time, a positive call at p = 0.95 about 5 %.

    Example:
        >>> confidence([0.30, 0.95, 0.02], 0.88).round(2).tolist()
        [0.7, 0.95, 0.98]
    """
    scores = check_array(y_prob, "y_prob", ndim=1, kinds="iuf").astype(float)
    threshold = check_number(threshold, "threshold", low=0.0, high=1.0, low_open=True, high_open=True)
    return np.where(scores >= threshold, scores, 1 - scores)


def risk_coverage(y_true: object, y_prob: object, *, threshold: float = 0.5) -> dict[str, np.ndarray]:
    """Selective prediction: keep the most confident cases, defer the rest to a reader, at every coverage.

    Cases are sorted by :func:`confidence` (the probability that the label is right); keeping the ``k``
    most confident gives coverage ``k / N`` and the error rate of the model's labels among them.

    Returns:
        ``{"coverage", "risk", "confidence"}``: arrays of length ``N``; ``confidence[k - 1]`` is the least
        confidence among the ``k`` kept.

    Example:
        >>> curve = risk_coverage([0, 0, 1, 1], [0.1, 0.45, 0.55, 0.9])
        >>> curve["coverage"].tolist(), curve["risk"].tolist()
        ([0.25, 0.5, 0.75, 1.0], [0.0, 0.0, 0.0, 0.0])
    """
    truth = check_binary_labels(y_true, "y_true")
    scores = check_scores(y_prob, "y_prob", len(truth))
    sure = confidence(scores, threshold)
    order = np.argsort(-sure, kind="stable")
    wrong = ((scores >= threshold).astype(int) != truth)[order]
    kept = np.arange(1, len(truth) + 1)
    return {"coverage": kept / len(truth), "risk": np.cumsum(wrong) / kept, "confidence": sure[order]}


def deferral_threshold(
    y_true: object,
    y_prob: object,
    target_risk: float,
    *,
    threshold: float = 0.5,
    confidence_level: float | None = None,
) -> float:
    """The least confidence to keep, chosen on validation data: the largest coverage whose error rate
    among the kept cases is at most ``target_risk``. Cases below it go to the reader.

    The error rate of the chosen coverage is an optimistic estimate (the best of many). With
    ``confidence_level`` (say 0.95) the rule asks instead that the one-sided Clopper-Pearson upper
    bound of that error rate be at most ``target_risk``: fewer cases are kept, with a stated margin.

    Returns ``inf`` (defer everything) when no coverage reaches the target.

    Example:
        >>> deferral_threshold([0, 1, 0, 1], [0.1, 0.9, 0.6, 0.4], 0.0)
        0.9
    """
    target_risk = check_number(target_risk, "target_risk", low=0.0, high=1.0)
    curve = risk_coverage(y_true, y_prob, threshold=threshold)
    risk = curve["risk"]
    if confidence_level is not None:
        level = check_number(confidence_level, "confidence_level", low=0.0, high=1.0, low_open=True, high_open=True)
        kept = np.arange(1, len(risk) + 1)
        errors = np.rint(risk * kept).astype(int)
        # one-sided upper bound: the (level) quantile of Beta(errors + 1, kept - errors)
        risk = np.where(errors < kept, scipy_stats.beta.ppf(level, errors + 1, kept - errors), 1.0)
    good = np.flatnonzero(risk <= target_risk)
    if len(good) == 0:
        return float("inf")
    return float(curve["confidence"][good[-1]])
