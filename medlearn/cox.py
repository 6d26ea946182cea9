"""A fitted Cox model's diagnostics: its information (for hazard ratios' intervals), Schoenfeld residuals, and
the test of proportional hazards.

scikit-survival fits Cox models (``CoxPHSurvivalAnalysis``) but reports neither standard errors nor a check of
the model's central assumption; these functions take its ``coef_`` and the data it was fitted on. All use
Breslow's handling of tied times (scikit-survival's default) and assume an unpenalised fit.

Example:
    >>> X = np.array([[0.0], [1.0], [0.0], [1.0]])
    >>> cox_information(X, [1, 1, 0, 1], [1.0, 2.0, 3.0, 4.0], [0.0]).round(3).tolist()
    [[0.472]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from ._validation import check_array, check_bool, check_choice, check_int_sequence, check_outcome
from .survival import kaplan_meier, survival_at

__all__ = ["cox_information", "proportional_hazards_test", "schoenfeld_residuals"]


def _cox_inputs(X: object, event: object, time: object, coefficients: object) -> tuple[np.ndarray, ...]:
    events, times = check_outcome(event, time)
    x = check_array(X, "X", ndim=2, kinds="iufb").astype(float)
    if len(x) != len(times):
        raise ValueError(f"X has {len(x)} rows but time has {len(times)} patients")
    beta = check_array(coefficients, "coefficients", ndim=1, kinds="iuf").astype(float)
    if len(beta) != x.shape[1]:
        raise ValueError(f"coefficients has {len(beta)} values but X has {x.shape[1]} columns")
    return x, times, events, beta


def _risk_sets(x: np.ndarray, times: np.ndarray, events: np.ndarray, beta: np.ndarray):
    """For each event (in the order of ``np.flatnonzero(events)``): its row, the risk set's weighted mean and
    covariance of the features, with weights ``exp(x b)`` (Breslow's handling of tied times)."""
    linear = x @ beta
    for i in np.flatnonzero(events):
        at_risk = times >= times[i]
        w = np.exp(linear[at_risk] - linear[at_risk].max())  # shifted within the risk set: no underflow to 0/0
        w /= w.sum()
        mean = w @ x[at_risk]
        centred = x[at_risk] - mean
        yield i, mean, (centred * w[:, None]).T @ centred


def cox_information(X: object, event: object, time: object, coefficients: object) -> np.ndarray:
    """The observed information of a Cox model at ``coefficients``: minus the Hessian of Breslow's log partial
    likelihood, the sum over events of the risk set's weighted covariance of the features.

    It assumes Breslow's handling of tied times (scikit-survival's default, ``ties="breslow"``) and an
    unpenalised fit: with ``ties="efron"`` or a penalty (``alpha > 0``, Coxnet) the standard errors
    below are not those of the fitted model. Its inverse estimates the covariance of the fitted
    coefficients, so
    ``np.sqrt(np.diag(np.linalg.inv(information)))`` are their standard errors,
    and ``exp(b +- 1.96 SE)`` the 95 % interval of a hazard ratio (scikit-survival's
    Cox models give the coefficients but not these).

    Args:
        X: ``(N, P)`` the model's inputs, as it was fitted on them.
        event, time: each patient's outcome.
        coefficients: ``(P,)`` the fitted log hazard ratios (``coef_`` of ``CoxPHSurvivalAnalysis``).

    Returns:
        ``(P, P)``, symmetric.

    Example:
        >>> X = np.array([[0.0], [1.0], [0.0], [1.0]])
        >>> cox_information(X, [1, 1, 0, 1], [1.0, 2.0, 3.0, 4.0], [0.0]).round(3).tolist()
        [[0.472]]
    """
    x, times, events, beta = _cox_inputs(X, event, time, coefficients)
    information = np.zeros((x.shape[1], x.shape[1]))
    for _, _, covariance in _risk_sets(x, times, events, beta):
        information += covariance
    return information


def schoenfeld_residuals(
    X: object, event: object, time: object, coefficients: object, *, scaled: bool = False
) -> np.ndarray:
    """Schoenfeld residuals of a fitted Cox model: at each event, the patient's features minus the risk set's mean.

    The mean is weighted by each patient's relative hazard ``exp(x b)`` among
    those still at risk (Breslow's handling of tied times). At the fitted
    coefficients the residuals of each feature sum to zero (the score
    equation). The *scaled* residuals, ``b + E I^-1 r`` for ``E`` events and
    the information ``I`` of :func:`cox_information`, estimate each
    coefficient as it would be at that event's time: under proportional
    hazards they scatter around ``b`` with no trend in time, and a trend
    suggests an effect that changes (Grambsch and Therneau, Biometrika
    1994;81:515-526).

    Args:
        X: ``(N, P)`` the model's inputs, as it was fitted on them.
        event, time: each patient's outcome.
        coefficients: ``(P,)`` the fitted log hazard ratios (``coef_`` of scikit-survival's Cox models).
        scaled: return the scaled residuals.

    Returns:
        ``(E, P)``: one row per event, in the order of ``np.flatnonzero(event)``.

    Example:
        >>> X = np.array([[0.0], [1.0], [0.0], [1.0]])
        >>> schoenfeld_residuals(X, [1, 1, 0, 1], [1.0, 2.0, 3.0, 4.0], [0.0]).round(3).tolist()
        [[-0.5], [0.333], [0.0]]
    """
    x, times, events, beta = _cox_inputs(X, event, time, coefficients)
    scaled = check_bool(scaled, "scaled")
    rows, information = [], np.zeros((x.shape[1], x.shape[1]))
    for i, mean, covariance in _risk_sets(x, times, events, beta):
        rows.append(x[i] - mean)
        information += covariance
    residuals = np.array(rows).reshape(-1, x.shape[1])
    if not scaled:
        return residuals
    if np.linalg.cond(information) > 1e12:
        raise ValueError("X has a column that does not vary within the risk sets: no scaled residuals")
    inverse = np.linalg.inv(information)
    return beta + len(residuals) * residuals @ inverse


def proportional_hazards_test(
    X: object,
    event: object,
    time: object,
    coefficients: object,
    *,
    transform: str = "km",
    groups: dict[str, Sequence[int]] | None = None,
) -> dict[str, tuple[float, int, float]]:
    """The score test of proportional hazards, for each feature, for named groups of features, and for all at once.

    A proportional-hazards model says each log hazard ratio is constant in time. The test asks whether adding
    ``x g(t)`` to the model, for a function ``g`` of time, would improve it: the score of those added
    coefficients at zero is the Schoenfeld residuals weighted by ``g`` at each event, and its variance is the
    information of the added terms given the fitted ones. This is the exact score test that R's
    ``survival::cox.zph`` computes since version 3.0 (Grambsch and Therneau, Biometrika 1994;81:515-526),
    adding one term at a time; the correlation of each feature's scaled residuals with ``g`` asks another
    question, each trend adjusted for all the others' trends. The global test takes every feature together
    and so answers "is there any departure" without
    the multiplicity of one test per feature.

    Args:
        X: ``(N, P)`` the model's inputs, as it was fitted on them.
        event, time: each patient's outcome.
        coefficients: ``(P,)`` the fitted log hazard ratios.
        transform: ``g``: ``"km"`` (one minus the Kaplan-Meier estimate just before each event time,
            ``cox.zph``'s default), ``"rank"`` (the events' ranks) or ``"identity"`` (time itself).
        groups: named lists of column indices tested together (the dummy columns of one categorical feature).

    Returns:
        ``{name: (chi-square, degrees of freedom, p)}``: one entry per column, ``"column j"`` (``j`` from 0),
        one per group, and ``"global"``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.normal(size=(300, 1))
        >>> early = rng.exponential(1 / np.exp(1.5 * x[:, 0]))  # the effect holds early ...
        >>> time = np.where(early < 0.5, early, 0.5 + rng.exponential(1.0, 300))  # ... and is gone after 0.5
        >>> result = proportional_hazards_test(x, np.ones(300), time, [0.8])
        >>> bool(result["global"][2] < 0.01), result["global"][1]
        (True, 1)
    """
    x, times, events, beta = _cox_inputs(X, event, time, coefficients)
    transform = check_choice(transform, "transform", ("km", "rank", "identity"))
    residuals, covariances, at = [], [], []
    for i, mean, covariance in _risk_sets(x, times, events, beta):
        residuals.append(x[i] - mean)
        covariances.append(covariance)
        at.append(times[i])
    if not residuals:
        raise ValueError("event has no event: nothing to test")
    r, v, event_times = np.array(residuals), np.array(covariances), np.array(at)
    if transform == "km":
        km_times, km_survival = kaplan_meier(events, times)
        g = np.array(
            [1.0 - survival_at(km_times, km_survival, t, before=1.0) for t in np.nextafter(event_times, -np.inf)]
        )
    elif transform == "rank":
        g = stats.rankdata(event_times)
    else:
        g = event_times
    information = v.sum(axis=0)
    if np.linalg.cond(information) > 1e12:
        raise ValueError("X has a column that does not vary within the risk sets: no test")
    cross = np.einsum("k,kij->ij", g, v)
    score = g @ r
    variance = np.einsum("k,kij->ij", g**2, v) - cross.T @ np.linalg.solve(information, cross)

    def test(columns: list[int]) -> tuple[float, int, float]:
        u, block = score[columns], variance[np.ix_(columns, columns)]
        chi2 = float(u @ np.linalg.solve(block, u))
        return chi2, len(columns), float(stats.chi2.sf(chi2, len(columns)))

    result = {f"column {j}": test([j]) for j in range(x.shape[1])}
    for name, columns in (groups or {}).items():
        indices = check_int_sequence(list(columns), f"groups[{name!r}]", min_value=0)
        if max(indices) >= x.shape[1]:
            raise ValueError(f"groups[{name!r}] names column {max(indices)}, but X has {x.shape[1]} columns")
        result[str(name)] = test(indices)
    result["global"] = test(list(range(x.shape[1])))
    return result
