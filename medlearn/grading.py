"""Ordinal grades (diabetic retinopathy 0 to 4, say): the metrics a grading model is judged on, cumulative
(ordinal) targets and back, cut points on a continuous score, the referable decision, and bootstrap intervals
of any grading metric.

Built on ``sklearn.metrics``. The grading-and-reporting chapter writes quadratic weighted kappa by hand and checks it
against ``sklearn.metrics.cohen_kappa_score(weights="quadratic")``, which this module uses.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.metrics import accuracy_score, cohen_kappa_score, mean_absolute_error, roc_auc_score
from sklearn.preprocessing import label_binarize

from ._resample import Interval, bootstrap, check_bootstrap
from ._validation import check_array, check_int

__all__ = [
    "apply_cut_points",
    "cumulative_targets",
    "fit_cut_points",
    "grade_bootstrap_ci",
    "grade_probabilities",
    "grading_metrics",
    "referable",
]


def _grades(values: object, name: str, n_grades: int | None = None) -> np.ndarray:
    """Integer grades 0, 1, ... (below ``n_grades`` when it is given) as a 1-D int array."""
    array = check_array(values, name, ndim=1)
    if array.dtype.kind == "b" or not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
        raise ValueError(f"{name} must hold whole grades 0, 1, 2, ..., not {array[:5]!r}")
    grades = array.astype(int)
    if grades.min() < 0 or (n_grades is not None and grades.max() >= n_grades):
        top = "" if n_grades is None else f" to {n_grades - 1}"
        raise ValueError(f"{name} must hold grades from 0{top}, not {grades.min()} to {grades.max()}")
    return grades


def _n_grades(n_grades: object) -> int:
    return check_int(n_grades, "n_grades", min_value=2)


def referable(grades: object, from_grade: int = 2) -> np.ndarray:
    """The binary decision a screening programme acts on: 1 where the grade is ``from_grade`` or more.

    For diabetic retinopathy on the international clinical scale (0 none, 1 mild,
    2 moderate, 3 severe non-proliferative, 4 proliferative), "referable" usually
    means moderate or worse, grade 2 or more (macular oedema, which also makes an
    eye referable, is not a grade on this scale).

    Args:
        grades: whole grades 0, 1, 2, ...
        from_grade: the lowest grade that is referred, at least 1.

    Returns:
        An int array of 0 and 1, one per case.

    Example:
        >>> referable([0, 1, 2, 3, 4])
        array([0, 0, 1, 1, 1])
    """
    from_grade = check_int(from_grade, "from_grade", min_value=1)
    return (_grades(grades, "grades") >= from_grade).astype(int)


def cumulative_targets(grades: object, n_grades: int) -> np.ndarray:
    """Grades as the ``n_grades - 1`` binary questions of an ordinal model: "is the grade above k?".

    Grade 2 of 5 becomes ``[1, 1, 0, 0]``: above 0, above 1, not above 2, not above 3.
    A network with one sigmoid output per question, trained on binary
    cross-entropy, learns P(grade > k) (a cumulative-link model).

    Args:
        grades: whole grades from 0 to ``n_grades - 1``.
        n_grades: the number of grades, at least 2.

    Returns:
        A float32 array ``(N, n_grades - 1)`` of 0 and 1.

    Example:
        >>> cumulative_targets([0, 2, 4], n_grades=5)
        array([[0., 0., 0., 0.],
               [1., 1., 0., 0.],
               [1., 1., 1., 1.]], dtype=float32)
    """
    n_grades = _n_grades(n_grades)
    grades = _grades(grades, "grades", n_grades)
    return (grades[:, np.newaxis] > np.arange(n_grades - 1)).astype("float32")


def grade_probabilities(cumulative: object) -> np.ndarray:
    """The probability of each grade from an ordinal model's P(grade > k), k = 0 ... K-2.

    P(grade = k) = P(grade > k - 1) - P(grade > k), with P(grade > -1) = 1 and
    P(grade > K - 1) = 0. That is a probability only when P(grade > k) does not
    rise with k (a rank-consistent model, such as one with shared weights and
    ordered thresholds); a row that rises by more than 1e-6 is refused rather
    than turned into negative probabilities.

    Args:
        cumulative: ``(N, K - 1)`` probabilities in [0, 1], each row not increasing.

    Returns:
        ``(N, K)`` probabilities, each row summing to 1.

    Example:
        >>> grade_probabilities([[0.9, 0.6, 0.2, 0.1]]).round(2)
        array([[0.1, 0.3, 0.4, 0.1, 0.1]])
    """
    p = check_array(cumulative, "cumulative", ndim=2).astype(float)
    if p.shape[1] < 1 or np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError(f"cumulative must be probabilities in [0, 1], one column per grade but the last, not {p!r}")
    if np.any(np.diff(p, axis=1) > 1e-6):
        raise ValueError("cumulative must not increase along a row: P(grade > k) cannot rise with k")
    bounded = np.column_stack([np.ones(len(p)), p, np.zeros(len(p))])
    probabilities = np.clip(bounded[:, :-1] - bounded[:, 1:], 0, 1)  # a rise within the tolerance becomes 0
    return probabilities / probabilities.sum(axis=1, keepdims=True)


def _probability_rows(y_prob: object, n: int) -> np.ndarray:
    p = check_array(y_prob, "y_prob", ndim=2).astype(float)
    if p.shape[0] != n or p.shape[1] < 2:
        raise ValueError(f"y_prob must be ({n}, number of grades), one row per case, not {p.shape}")
    if np.any(~np.isfinite(p)) or np.any(p < 0) or not np.allclose(p.sum(axis=1), 1, atol=1e-4):
        raise ValueError("y_prob must be non-negative and each row must sum to 1")
    return p


def grading_metrics(y_true: object, y_prob: object, y_pred: object | None = None) -> dict[str, float]:
    """Accuracy, quadratic weighted kappa, mean absolute error and one-vs-rest AUCs of a grading model.

    The AUCs score each grade against the rest with that grade's probability:
    ``macro_auc`` averages the K AUCs (every grade counts the same, as the MedMNIST
    v2 paper reports it), ``micro_auc`` pools all N x K (case, grade) pairs into
    one ROC curve (common grades count more).

    Args:
        y_true: true grades 0 ... K-1, every grade at least once.
        y_prob: ``(N, K)`` probability of each grade.
        y_pred: the predicted grades; by default the most probable grade.

    Returns:
        A dict with ``accuracy``, ``quadratic_kappa``, ``mean_absolute_error``, ``macro_auc``, ``micro_auc``.

    Example:
        >>> m = grading_metrics([0, 1, 2, 2], [[0.8, 0.1, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.4, 0.3]])
        >>> m["accuracy"], round(m["macro_auc"], 3)
        (0.75, 0.958)
    """
    truth = _grades(y_true, "y_true")
    p = _probability_rows(y_prob, len(truth))
    n_grades = p.shape[1]
    truth = _grades(truth, "y_true", n_grades)
    if len(np.unique(truth)) != n_grades:
        raise ValueError(f"y_true must hold every grade from 0 to {n_grades - 1} at least once for the AUCs")
    predicted = p.argmax(axis=1) if y_pred is None else _grades(y_pred, "y_pred", n_grades)
    if len(predicted) != len(truth):
        raise ValueError(f"y_pred has {len(predicted)} cases but y_true has {len(truth)}")
    one_hot = label_binarize(truth, classes=np.arange(n_grades))
    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "quadratic_kappa": float(cohen_kappa_score(truth, predicted, weights="quadratic")),
        "mean_absolute_error": float(mean_absolute_error(truth, predicted)),
        "macro_auc": float(roc_auc_score(truth, p, multi_class="ovr", average="macro")),
        "micro_auc": float(roc_auc_score(one_hot, p, average="micro")),
    }


def apply_cut_points(y_score: object, cut_points: object) -> np.ndarray:
    """Grades from a continuous score (an expected grade, say) and increasing cut points.

    A score below ``cut_points[0]`` is grade 0; a score at or above ``cut_points[k]``
    and below ``cut_points[k + 1]`` is grade k + 1 (``numpy.digitize``).

    Example:
        >>> apply_cut_points([0.2, 0.5, 1.7, 3.9], [0.5, 1.5, 2.5, 3.5])
        array([0, 1, 2, 4])
    """
    values = check_array(y_score, "y_score", ndim=1).astype(float)
    cuts = check_array(cut_points, "cut_points", ndim=1).astype(float)
    if not np.all(np.isfinite(values)) or not np.all(np.isfinite(cuts)):
        raise ValueError("y_score and cut_points must be finite numbers")
    if np.any(np.diff(cuts) <= 0):
        raise ValueError(f"cut_points must increase strictly, not {cuts.tolist()}")
    return np.digitize(values, cuts)


def fit_cut_points(y_true: object, y_score: object, n_grades: int, *, sweeps: int = 3) -> np.ndarray:
    """Cut points on a continuous score that maximise quadratic weighted kappa on the cases given.

    Coordinate ascent: starting from the score quantiles that reproduce the grades'
    frequencies (so the result does not depend on the score's scale or offset),
    each cut point in turn moves to the midpoint between neighbouring scores
    (within its neighbours' cut points) that gives the highest kappa, for at most
    ``sweeps`` rounds or until nothing moves. Fit on validation data and apply
    once to the test set: cut points fitted on the test set flatter it.

    Args:
        y_true: the true grades, 0 ... ``n_grades - 1``.
        y_score: one continuous score per case, higher for higher grades.
        n_grades: the number of grades, at least 2.
        sweeps: the most rounds over all cut points, at least 1.

    Raises:
        ValueError: for a y_score that takes fewer distinct values than there are grades.

    Returns:
        ``n_grades - 1`` strictly increasing cut points, for :func:`apply_cut_points`.

    Example:
        >>> fit_cut_points([0, 0, 1, 1, 2, 2], [0.1, 0.2, 0.9, 1.1, 1.3, 2.4], n_grades=3)
        array([0.55, 1.2 ])
    """
    n_grades = _n_grades(n_grades)
    truth = _grades(y_true, "y_true", n_grades)
    values = check_array(y_score, "y_score", ndim=1).astype(float)
    if values.shape != truth.shape or not np.all(np.isfinite(values)):
        raise ValueError(f"y_score must be {len(truth)} finite numbers, one per case")
    sweeps = check_int(sweeps, "sweeps", min_value=1)
    unique = np.unique(values)
    if len(unique) < n_grades:
        raise ValueError(f"y_score must take at least {n_grades} distinct values to be cut into {n_grades} grades")
    candidates = (unique[:-1] + unique[1:]) / 2
    # Start where the grades' frequencies put the cut points: below the k-th cut lie as many cases as have
    # grades up to k (the nearest candidate midpoint, moved up where two would coincide).
    targets = np.quantile(values, np.cumsum(np.bincount(truth, minlength=n_grades))[:-1] / len(truth))
    cuts, index = np.empty(n_grades - 1), -1
    for k, target in enumerate(targets):
        index = min(max(int(np.searchsorted(candidates, target)), index + 1), len(candidates) - (n_grades - 1) + k)
        cuts[k] = candidates[index]

    def kappa(trial: np.ndarray) -> float:
        return float(cohen_kappa_score(truth, np.digitize(values, trial), weights="quadratic"))

    best = kappa(cuts)
    for _ in range(sweeps):
        moved = False
        for k in range(n_grades - 1):
            low = cuts[k - 1] if k > 0 else -np.inf
            high = cuts[k + 1] if k < n_grades - 2 else np.inf
            for value in candidates[(candidates > low) & (candidates < high)]:
                trial = cuts.copy()
                trial[k] = value
                score = kappa(trial)
                if score > best + 1e-12:
                    best, cuts, moved = score, trial, True
        if not moved:
            break
    return cuts


def grade_bootstrap_ci(
    y_true: object,
    y_pred: object,
    y_pred_b: object | None = None,
    *,
    metric: Callable[[np.ndarray, np.ndarray], float],
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> Interval:
    """``metric(y_true, y_pred)`` on the cases given, with a percentile bootstrap interval; given ``y_pred_b``,
    the paired difference ``metric(y_true, y_pred) - metric(y_true, y_pred_b)`` of two models.

    Cases are drawn with replacement within each true grade, so every resample
    keeps the study's number of cases of each grade. With ``y_pred_b``, both
    models are scored on the same resample, case by case, so the interval is that
    of the difference itself (as :func:`medlearn.metrics.bootstrap_ci` with ``y_score_b``). A resample on which
    the metric is undefined (``nan``) counts at the most extreme defined value on each side, which can only widen
    the interval; when more than 5 % are undefined, a ``ValueError`` says so.

    Args:
        y_true: true grades, 0, 1, 2, ...
        y_pred: one row per case, what the metric takes after ``y_true`` (grades, scores, or an ``(N, K)``
            array of probabilities, as in scikit-learn's ``metric(y_true, y_pred)``).
        y_pred_b: a second model's ``y_pred`` for the same cases, for a paired difference.
        metric: ``metric(y_true, y_pred) -> float`` (keyword-only).
        n_boot, level, seed: as for :func:`medlearn.metrics.bootstrap_ci`.

    Returns:
        ``Interval(value, low, high)``: the metric (or the difference) on the cases given and its interval, within
        each grade.

    Example:
        >>> y = np.repeat([0, 1, 2], 30)
        >>> guess = np.clip(y + np.random.default_rng(0).integers(-1, 2, 90), 0, 2)
        >>> value, low, high = grade_bootstrap_ci(y, guess, metric=accuracy_score, n_boot=200)
        >>> bool(low < value < high)
        True
        >>> gain, low, high = grade_bootstrap_ci(y, y, guess, metric=accuracy_score, n_boot=200)  # truth minus guess
        >>> bool(0 < low < gain < high)
        True
    """
    truth = _grades(y_true, "y_true")
    n_boot, level, seed = check_bootstrap(metric, "metric(y_true, y_pred)", n_boot, level, seed)
    arrays = [_rows(y_pred, "y_pred", len(truth))]
    if y_pred_b is not None:
        arrays.append(_rows(y_pred_b, "y_pred_b", len(truth)))

    def value(sample: np.ndarray) -> float:
        results = [metric(truth[sample], array[sample]) for array in arrays]
        return results[0] - results[1] if len(results) == 2 else results[0]

    return bootstrap(value, len(truth), strata=truth, n_boot=n_boot, level=level, seed=seed)


def _rows(values: object, name: str, n: int) -> np.ndarray:
    """Finite numbers with one row per case (``n`` of them), of any number of columns."""
    array = check_array(values, name)
    if array.ndim == 0 or len(array) != n:
        raise ValueError(f"{name} must have one row per case ({n}), not shape {array.shape}")
    return array
