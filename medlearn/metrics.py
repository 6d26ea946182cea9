"""Clinical metrics of a diagnostic model: the confusion counts and their ratios, thresholds for a target,
bootstrap intervals.

Built on ``sklearn.metrics``. Labels are binary, 1 = the condition (the
"positive" class), and scores are higher for the positive class. The figures
that go with these numbers are in :mod:`medlearn.metric_plots`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, roc_auc_score, roc_curve

from ._resample import Interval, bootstrap, check_bootstrap
from ._validation import check_array, check_binary_labels, check_number, check_scores

__all__ = [
    "Interval",
    "bootstrap_ci",
    "clinical_metrics",
    "corrected_cv_interval",
    "threshold_for_sensitivity",
    "threshold_for_specificity",
]


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else float("nan")


def clinical_metrics(y_true: object, y_pred: object) -> dict[str, float]:
    """Sensitivity, specificity, PPV, NPV, accuracy and F1 of binary predictions, with the counts.

    A ratio whose denominator is zero (say, the PPV when nothing is called
    positive) is ``nan``, not 0: it is undefined, not bad.

    Args:
        y_true: true labels, 1 = the condition.
        y_pred: predicted labels, 0 or 1 (apply a threshold to scores first).

    Returns:
        A dict with ``tp``, ``fp``, ``tn``, ``fn`` (counts) and ``sensitivity``
        (recall of class 1), ``specificity``, ``ppv`` (precision), ``npv``,
        ``accuracy``, ``f1``, ``prevalence``.

    Example:
        >>> m = clinical_metrics([1, 1, 1, 0, 0], [1, 1, 0, 0, 1])
        >>> m["tp"], m["fn"], m["sensitivity"], m["specificity"]
        (2, 1, 0.6666666666666666, 0.5)
    """
    truth = check_binary_labels(y_true, "y_true")
    predicted = check_binary_labels(y_pred, "y_pred")
    if len(predicted) != len(truth):
        raise ValueError(f"y_pred has {len(predicted)} cases but y_true has {len(truth)}")
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(truth, predicted, labels=[0, 1]).ravel())
    return {
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
        "sensitivity": _ratio(tp, tp + fn),
        "specificity": _ratio(tn, tn + fp),
        "ppv": _ratio(tp, tp + fp),
        "npv": _ratio(tn, tn + fn),
        "accuracy": float(accuracy_score(truth, predicted)),
        "f1": float(f1_score(truth, predicted, zero_division=np.nan)),
        "prevalence": float(truth.mean()),
    }


def _roc_for_target(
    y_true: object, y_score: object, target: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Checked inputs, then every threshold's false and true positive rates (none dropped)."""
    truth = check_binary_labels(y_true, "y_true")
    scores = check_scores(y_score, "y_score", len(truth))
    target = check_number(target, "target", low=0, high=1, low_open=True)
    check_binary_labels(truth, "y_true", both_classes=True)
    fpr, tpr, thresholds = roc_curve(truth, scores, drop_intermediate=False)
    return fpr, tpr, thresholds, float(target)


def threshold_for_sensitivity(y_true: object, y_score: object, target: float) -> float:
    """The highest threshold whose sensitivity (cases with ``score >= threshold`` called positive) reaches ``target``.

    The highest such threshold gives the best specificity among those that
    meet the target. Choose it on validation data, then apply it unchanged to the test set.

    Args:
        y_true: true labels, 1 = the condition.
        y_score: scores or probabilities, higher for the condition.
        target: the sensitivity wanted, in (0, 1].

    Returns:
        The threshold; ``y_score >= threshold`` are the positive calls.

    Example:
        >>> threshold_for_sensitivity([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], target=1.0)
        0.35
    """
    _, tpr, thresholds, wanted = _roc_for_target(y_true, y_score, target)
    index = int(np.argmax(tpr >= wanted - 1e-12))
    return float(thresholds[index])


def threshold_for_specificity(y_true: object, y_score: object, target: float) -> float:
    """The lowest threshold whose specificity reaches ``target``: the best sensitivity that keeps it.

    Args:
        y_true: true labels, 1 = the condition.
        y_score: scores or probabilities, higher for the condition.
        target: the specificity wanted, in (0, 1].

    Returns:
        The threshold; ``y_score >= threshold`` are the positive calls. It is
        ``inf`` (call nobody positive) when even the highest score belongs to a negative case
        and ``target`` is 1.

    Example:
        >>> threshold_for_specificity([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], target=1.0)
        0.8
    """
    fpr, _, thresholds, wanted = _roc_for_target(y_true, y_score, target)
    allowed = np.flatnonzero(fpr <= 1 - wanted + 1e-12)
    return float(thresholds[allowed[-1]])


def bootstrap_ci(
    y_true: object,
    y_score: object,
    y_score_b: object | None = None,
    *,
    metric: Callable[[np.ndarray, np.ndarray], float] = roc_auc_score,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> Interval:
    """``metric(y_true, y_score)`` with a percentile bootstrap confidence interval, resampling within each class;
    given ``y_score_b``, the paired difference ``metric(y_score) - metric(y_score_b)`` of two models.

    Cases are drawn with replacement separately from the positives and the
    negatives, so every resample keeps the study's numbers of each class
    (and the AUC is always defined). A resample on which the metric is
    undefined (``nan``) counts at the most extreme defined value on each side, which can only widen the interval;
    when more than 5 % are undefined, a ``ValueError`` says so.

    With ``y_score_b`` (a second model's scores on the same cases), every resample scores both models on the
    same cases, so the interval is that of the difference itself; it is narrower than the two models' separate
    intervals suggest when the models err on the same cases. The CNN-training chapter writes this by hand.
    Paired scores of shape ``(R, N)`` are ``R`` training runs of each model (for example seeds, run ``r`` of
    one paired with run ``r`` of the other): the difference is then the mean over runs of
    ``metric(y_score[r]) - metric(y_score_b[r])``, recomputed on every resample of the cases. That interval
    covers the test cases' sampling with the runs averaged; it says nothing about how a single run varies
    (the transfer chapter shows both).

    Args:
        y_true: true labels, 1 = the condition.
        y_score: scores, probabilities, or predicted labels (for a metric such as ``recall_score``), ``(N,)``;
            ``(N,)`` or ``(R, N)`` with ``y_score_b``.
        y_score_b: a second model's scores for the same cases, shaped as ``y_score``, for a paired difference.
        metric: ``metric(y_true, y_score) -> float``; default ``roc_auc_score``.
        n_boot: number of resamples, at least 100.
        level: coverage of the interval, in (0, 1).
        seed: seed of the resampling.

    Returns:
        ``Interval(value, low, high)``: the metric (or the difference) on the cases given and its interval.

    Example:
        >>> y = np.r_[np.zeros(50, int), np.ones(50, int)]
        >>> scores = y + np.random.default_rng(0).normal(0, 1, 100)
        >>> auc, low, high = bootstrap_ci(y, scores, n_boot=200)
        >>> bool(low < auc < high), bool(auc == roc_auc_score(y, scores))
        (True, True)
        >>> noise = np.random.default_rng(0).normal(0, 1, (2, 100))
        >>> difference, low, high = bootstrap_ci(y, y + noise[0], y + 2 * noise[0], n_boot=200)
        >>> bool(0 < low < difference < high)
        True
        >>> difference, low, high = bootstrap_ci(y, y + noise, y + 2 * noise, n_boot=200)  # two runs each
        >>> bool(0 < low < difference < high)
        True
    """
    if y_score_b is not None:
        return _paired(y_true, y_score, y_score_b, metric, n_boot, level, seed)
    truth, (scores,), fast, n_boot, level, seed = _bootstrap_arguments(
        y_true, {"y_score": y_score}, metric, n_boot, level, seed
    )
    return bootstrap(
        lambda sample: fast(truth[sample], scores[sample]),
        len(truth),
        strata=truth,
        n_boot=n_boot,
        level=level,
        seed=seed,
        exact=lambda sample: metric(truth[sample], scores[sample]),
        blocks=metric is roc_auc_score,  # the AUC's fast twin takes a block of resamples at once
    )


def _bootstrap_arguments(
    y_true: object, scores: dict[str, object], metric: Any, n_boot: object, level: object, seed: object
) -> tuple[np.ndarray, list[np.ndarray], Callable[[np.ndarray, np.ndarray], float], int, float, int]:
    """The checked arguments of the bootstraps, with the metric replaced by its fast twin when it is the AUC."""
    truth = check_binary_labels(y_true, "y_true")
    arrays = [check_scores(values, name, len(truth)) for name, values in scores.items()]
    check_binary_labels(truth, "y_true", both_classes=True)
    n_boot, level, seed = check_bootstrap(metric, "metric(y_true, y_score)", n_boot, level, seed)
    return truth, arrays, _fast_if_auc(metric), n_boot, level, seed


def _rank_auc(y_true: np.ndarray, y_score: np.ndarray) -> Any:
    """The ROC AUC from ranks (the Mann-Whitney U statistic over n1 x n0): roc_auc_score's value, ties
    counted as one half, without its input checks (the bootstrap calls it thousands of times). Along the last
    axis: given blocks of resamples, ``(..., B, N)``, the ``(..., B)`` AUCs at once, each bit for bit the AUC of its
    own row (the ranks are halves of whole numbers, so their sums are exact in any order)."""
    from scipy.stats import rankdata

    positive = y_true == 1
    n1 = positive.sum(axis=-1)
    n0 = np.shape(y_true)[-1] - n1
    ranks = rankdata(y_score, axis=-1)
    auc = (np.where(positive, ranks, 0.0).sum(axis=-1) - n1 * (n1 + 1) / 2) / (n1 * n0)
    return float(auc) if np.ndim(auc) == 0 else auc


def _fast_if_auc(metric: Callable[[np.ndarray, np.ndarray], float]) -> Callable[[np.ndarray, np.ndarray], float]:
    return _rank_auc if metric is roc_auc_score else metric


def _paired(
    y_true: object,
    y_score: object,
    y_score_b: object,
    metric: Callable[[np.ndarray, np.ndarray], float],
    n_boot: object,
    level: object,
    seed: object,
) -> Interval:
    """:func:`bootstrap_ci` of the paired difference: the mean over runs of each run's difference."""
    runs_a, runs_b = _runs(y_score, "y_score"), _runs(y_score_b, "y_score_b")
    if runs_a.shape[0] != runs_b.shape[0]:
        raise ValueError(f"y_score and y_score_b must hold as many runs, not {runs_a.shape[0]} and {runs_b.shape[0]}")
    truth, arrays, fast, n_boot, level, seed = _bootstrap_arguments(
        y_true,
        {
            name if np.ndim(given) == 1 else f"{name}[{r}]": run
            for name, given, runs in (("y_score", y_score, runs_a), ("y_score_b", y_score_b, runs_b))
            for r, run in enumerate(runs)
        },
        metric,
        n_boot,
        level,
        seed,
    )
    a, b = np.stack(arrays[: len(runs_a)]), np.stack(arrays[len(runs_a) :])

    def mean_difference(score: Callable[[np.ndarray, np.ndarray], float]) -> Callable[[np.ndarray], float]:
        return lambda sample: float(
            np.mean([score(truth[sample], x[sample]) - score(truth[sample], y[sample]) for x, y in zip(a, b)])
        )

    def mean_differences(block: np.ndarray) -> list[float]:
        """The AUC's mean difference on each resample of a block: every run of both models at once, then each
        resample's mean over runs as above (the same sums in the same order)."""
        differences = fast(truth[block], a[:, block]) - fast(truth[block], b[:, block])  # (runs, resamples)
        return [float(np.mean(runs)) for runs in np.ascontiguousarray(differences.T)]

    auc = metric is roc_auc_score  # the AUC's fast twin takes a block of resamples at once
    return bootstrap(
        mean_differences if auc else mean_difference(fast),
        len(truth),
        strata=truth,
        n_boot=n_boot,
        level=level,
        seed=seed,
        exact=mean_difference(metric),
        blocks=auc,
    )


def _runs(values: object, name: str) -> np.ndarray:
    """Scores as ``(R, N)``: one run for a 1-D array, ``R`` runs for a 2-D one."""
    array = check_array(values, name, ndim=(1, 2))
    return array[None] if array.ndim == 1 else array


def corrected_cv_interval(values: object, test_fraction: float, level: float = 0.95) -> Interval:
    """The mean of per-fold scores (or paired per-fold differences) of repeated cross-validation, with
    Nadeau and Bengio's corrected resampled t interval.

    The folds share training patients, so their scores are correlated and the plain standard error of
    their mean is too small. The correction multiplies the variance of the ``J`` values by
    ``1/J + test_fraction / (1 - test_fraction)`` (Nadeau and Bengio, *Machine Learning* 2003;52:239-281;
    Bouckaert and Frank, 2004, for repeated cross-validation), and uses Student's t with ``J - 1``
    degrees of freedom. The prognosis chapter and ``benchmarks/prognosis.py`` use it.

    Args:
        values: one score per fold, over all repeats (at least 2).
        test_fraction: the share of patients in each test fold (0.2 for 5 folds).
        level: the interval's level.

    Returns:
        An :class:`Interval` ``(value, low, high)``, as the bootstrap functions return: the mean and its interval.

    Example:
        >>> mean, low, high = corrected_cv_interval([0.70, 0.68, 0.72, 0.69, 0.71], 0.2)
        >>> round(mean, 3), bool(low < mean < high)
        (0.7, True)
    """
    from scipy import stats

    scores = check_array(values, "values", ndim=1, kinds="iuf").astype(float)
    if len(scores) < 2:
        raise ValueError(f"values must hold at least 2 folds' scores, not {len(scores)}")
    test_fraction = check_number(test_fraction, "test_fraction", low=0.0, high=1.0, low_open=True, high_open=True)
    level = check_number(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    j = len(scores)
    variance = scores.var(ddof=1) * (1 / j + test_fraction / (1 - test_fraction))
    half = float(stats.t.ppf(0.5 + level / 2, j - 1) * np.sqrt(variance))
    mean = float(scores.mean())
    return Interval(mean, mean - half, mean + half)
