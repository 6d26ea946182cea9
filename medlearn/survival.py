"""Time to an event with censoring: the Kaplan-Meier estimate, Harrell's concordance, bootstrap intervals over
patients (a Cox model's diagnostics are in :mod:`medlearn.cox`).

The prognosis chapter writes the Kaplan-Meier estimator and Harrell's concordance index by
hand; these are the same computations, kept here so that later cells, the
exercise checks and ``benchmarks/prognosis.py`` need not retype them. Each is
tested against scikit-survival, the field's Python library, which does the
same (``kaplan_meier_estimator``, ``concordance_index_censored``). The models
themselves (Cox, random survival forests, gradient boosting) and the other
metrics (Uno's C, time-dependent AUC, the Brier score) are scikit-survival's.

Every function takes ``(event, time)`` in that order, as scikit-survival's ``kaplan_meier_estimator(event,
time)`` and ``concordance_index_censored(event, time, estimate)`` do, and a metric then takes ``y_score``. ``event``
is 1 (or ``True``) where the event was observed and 0 where follow-up ended first (right-censored); ``y_score``
(a risk score) is higher for a patient expected to have the event sooner.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import stats

from ._resample import Interval, bootstrap, check_bootstrap
from ._validation import check_array, check_int, check_number, check_outcome

__all__ = [
    "concordance_index",
    "kaplan_meier",
    "kaplan_meier_band",
    "survival_at",
    "survival_bootstrap_ci",
]

#: Risks closer than this are tied (scikit-survival's ``tied_tol``).
TIED_TOL = 1e-8


def _counts(times: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique times, events at each, and patients still at risk just before each."""
    unique, inverse = np.unique(times, return_inverse=True)
    deaths = np.bincount(inverse, weights=events, minlength=len(unique))
    leaving = np.bincount(inverse, minlength=len(unique))
    at_risk = len(times) - np.r_[0, np.cumsum(leaving)[:-1]]
    return unique, deaths, at_risk


def kaplan_meier(event: object, time: object) -> tuple[np.ndarray, np.ndarray]:
    """The Kaplan-Meier estimate of the survival function: the product of ``1 - d/n`` over the event times.

    At each distinct time, ``d`` patients have the event out of ``n`` still
    followed just before it; a censored patient leaves the count ``n`` after
    their time without lowering the curve. The same values as scikit-survival's
    ``kaplan_meier_estimator(event, time)``, at the same times (every distinct
    time, censored ones included).

    Args:
        event: 1 where the event was observed, 0 where the patient was censored.
        time: follow-up time of each patient (to the event, or to the end of follow-up).

    Returns:
        ``(times, survival)``: the distinct times, ascending, and the estimated
        probability of being event-free just after each.

    Example:
        >>> times, survival = kaplan_meier([1, 1, 0, 1, 0], [2, 3, 3, 5, 8])
        >>> times.tolist(), survival.round(3).tolist()
        ([2.0, 3.0, 5.0, 8.0], [0.8, 0.6, 0.3, 0.3])
    """
    events, times = check_outcome(event, time)
    unique, deaths, at_risk = _counts(times, events)
    return unique, np.cumprod(1.0 - deaths / at_risk)


def kaplan_meier_band(event: object, time: object, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pointwise confidence limits of the Kaplan-Meier estimate: Greenwood's variance on the log-log scale.

    With ``sigma^2 = sum d / (n (n - d))`` up to each time (Greenwood's
    formula for the variance of ``log S``), the limits are
    ``S ** exp(+-z sigma / log S)``: they stay inside [0, 1], as the plain
    ``S +- z SE`` limits do not near 0 and 1. The same values as
    ``kaplan_meier_estimator(event, time, conf_type="log-log")`` of
    scikit-survival (Borgan and Liestøl, Scand J Stat 1990;17:35-41).

    Returns:
        ``(times, low, high)`` at the times of :func:`kaplan_meier`.

    Example:
        >>> times, low, high = kaplan_meier_band([1, 1, 0, 1, 0, 1], [2, 3, 3, 5, 8, 9])
        >>> bool(np.all((low <= high) & (low >= 0) & (high <= 1)))
        True
    """
    level = check_number(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    events, times = check_outcome(event, time)
    unique, deaths, at_risk = _counts(times, events)
    survival = np.cumprod(1.0 - deaths / at_risk)
    alive = at_risk - deaths
    ratio = np.divide(deaths, at_risk * alive, out=np.zeros(len(unique)), where=(deaths > 0) & (alive > 0))
    sigma = np.sqrt(np.cumsum(ratio))
    eps = np.finfo(float).eps
    log_s = np.log(survival, out=np.zeros(len(unique)), where=survival > eps)
    theta = np.divide(sigma, log_s, out=np.zeros(len(unique)), where=log_s < -eps)
    z = stats.norm.isf((1.0 - level) / 2.0)
    low, high = (np.exp(np.exp(sign * z * theta) * log_s) for sign in (-1.0, 1.0))
    low[survival <= eps], high[survival <= eps] = 0.0, 0.0
    return unique, low, high


def survival_at(times: object, survival: object, horizon: float, *, before: float = 1.0) -> float:
    """The value of a step curve at ``horizon``: the last step at or before it (``before`` before the first).

    For a survival curve ``before`` is 1; for a cumulative incidence curve, 0. Past the last time the
    last value is returned: the curve is not estimated there, so keep horizons inside the follow-up.

    Example:
        >>> survival_at([2, 3, 5], [0.8, 0.6, 0.3], 4.0), survival_at([2, 3, 5], [0.8, 0.6, 0.3], 1.0)
        (0.6, 1.0)
    """
    steps = check_array(times, "times", ndim=1, kinds="iuf", finite=True)
    values = check_array(survival, "survival", ndim=1, kinds="f", finite=True)
    if len(values) != len(steps):
        raise ValueError(f"survival has {len(values)} values but times has {len(steps)}")
    if np.any(np.diff(steps) < 0):
        raise ValueError("times must be in ascending order, as kaplan_meier returns them")
    horizon = check_number(horizon, "horizon")
    before = check_number(before, "before", low=0.0, high=1.0)
    place = int(np.searchsorted(steps, horizon, side="right"))
    return before if place == 0 else float(values[place - 1])


def concordance_index(event: object, time: object, y_score: object, *, block: int = 512) -> float:
    """Harrell's concordance index: the share of comparable pairs that the risk puts in the right order.

    A pair is comparable when the patient with the shorter time had the event
    (two patients with the event at the same time are not; an event and a
    censoring at the same time are, the censored patient being known to live
    longer). It is concordant when that patient has the higher risk; a tie in
    risk (closer than :data:`TIED_TOL`) counts one half. The same value as the
    first of scikit-survival's ``concordance_index_censored(event, time, estimate)``.
    0.5 is chance; 1 a perfect ordering. Its value depends on the censoring
    distribution even when censoring is independent of the patients' risk;
    Uno's C (``concordance_index_ipcw`` in scikit-survival) removes that
    dependence by inverse-probability-of-censoring weights, when censoring is
    independent of the covariates (Uno et al., Stat Med 2011;30:1105-1117).
    If censoring depends on risk, both are biased unless the censoring model
    uses the covariates.

    Args:
        event, time: each patient's outcome (1 = the event was observed).
        y_score: the risk score, higher for a patient expected to have the event sooner.
        block: events compared at once (memory ``block x N``), not a result.

    Example:
        >>> concordance_index([1, 1, 0, 1], [1.0, 2.0, 3.0, 4.0], [0.9, 0.5, 0.7, 0.1])
        0.8
    """
    events, times = check_outcome(event, time)
    risks = _risk(y_score, "y_score", len(times))
    block = check_int(block, "block", min_value=1)
    score = pairs = 0.0
    cases = np.flatnonzero(events)
    for start in range(0, len(cases), block):
        rows = cases[start : start + block]
        later = times[None, :] > times[rows, None]
        tied_censored = (times[None, :] == times[rows, None]) & ~events[None, :]
        comparable = later | tied_censored
        difference = risks[rows, None] - risks[None, :]
        tied = np.abs(difference) <= TIED_TOL
        score += float(np.sum(comparable & (difference > 0) & ~tied) + 0.5 * np.sum(comparable & tied))
        pairs += float(comparable.sum())
    if pairs == 0:
        raise ValueError("event and time give no comparable pair (no event before another patient's time)")
    return score / pairs


Metric = Callable[[np.ndarray, np.ndarray, np.ndarray], float]


def survival_bootstrap_ci(
    event: object,
    time: object,
    y_score: object,
    y_score_b: object | None = None,
    *,
    metric: Metric = concordance_index,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> Interval:
    """A survival metric with a percentile interval from resampling patients, or two models' paired difference.

    Every resample draws patients with replacement (with their time and event)
    and scores the risk on them; given ``y_score_b``, both models are scored on the
    same resample and the interval is that of ``metric(y_score) - metric(y_score_b)``.
    A resample with no comparable pair (no event before another patient's time) is undefined: it counts at the
    most extreme defined value on each side, which can only widen the interval; if more than 5 % are
    undefined, the data hold too few events for this interval and a ``ValueError`` says so. Any error of
    ``metric`` is raised. The interval
    covers the sampling of patients with the fitted models held fixed, not the variation of refitting.

    Args:
        event, time: each patient's outcome.
        y_score: the risk scores of the model (or of model *a*), higher for an earlier event.
        y_score_b: the risk scores of model *b* on the same patients, for a paired difference.
        metric: ``metric(event, time, y_score) -> float``; Harrell's C by default.
        n_boot, level, seed: resamples (at least 100), interval level, random seed.

    Returns:
        ``Interval(value, low, high)``: the metric (or difference) on the patients given, and its interval.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> risk = rng.normal(size=200)
        >>> time = rng.exponential(1 / np.exp(risk))
        >>> c, low, high = survival_bootstrap_ci(np.ones(200), time, risk, n_boot=200)
        >>> bool(0.5 < low < c < high)
        True
    """
    events, times = check_outcome(event, time)
    scores = [_risk(y_score, "y_score", len(times))]
    if y_score_b is not None:
        scores.append(_risk(y_score_b, "y_score_b", len(times)))
    n_boot, level, seed = check_bootstrap(metric, "metric(event, time, y_score)", n_boot, level, seed)

    def value(sample: np.ndarray) -> float:
        results = [metric(events[sample], times[sample], values[sample]) for values in scores]
        return results[0] - results[1] if len(results) == 2 else results[0]

    def defined_or_nan(sample: np.ndarray) -> float:
        return value(sample) if _has_comparable_pair(events[sample], times[sample]) else float("nan")

    estimate = value(np.arange(len(times)))
    return bootstrap(defined_or_nan, len(times), n_boot=n_boot, level=level, seed=seed, exact=lambda _: estimate)


def _has_comparable_pair(events: np.ndarray, times: np.ndarray) -> bool:
    """Whether some patient had the event before another patient's time (or at a censored patient's time)."""
    if not events.any():
        return False
    first = times[events].min()
    return bool(np.any(times > first) or np.any((times == first) & ~events))


def _risk(values: object, name: str, n: int) -> np.ndarray:
    """Checked finite risk scores, one per patient."""
    risks = check_array(values, name, ndim=1, kinds="iuf", finite=True).astype(float)
    if len(risks) != n:
        raise ValueError(f"{name} has {len(risks)} patients but time has {n}")
    return risks
