"""medlearn.survival and medlearn.data.cohorts against scikit-survival, which does the same; bad input refused."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.metrics import concordance_index_censored
from sksurv.nonparametric import kaplan_meier_estimator
from sksurv.preprocessing import OneHotEncoder
from sksurv.util import Surv

from medlearn.cox import cox_information, schoenfeld_residuals
from medlearn.data import COHORTS, load_cohort
from medlearn.plotting import plot_survival_curves
from medlearn.survival import (
    concordance_index,
    kaplan_meier,
    kaplan_meier_band,
    survival_at,
    survival_bootstrap_ci,
)

# Small integer times and risks make ties in time, in risk, and between events and censorings common.
outcomes = st.integers(2, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.lists(st.integers(-3, 3), min_size=n, max_size=n),
    )
)


@settings(max_examples=300, deadline=None)
@given(outcomes)
def test_concordance_equals_scikit_survival_with_ties(case) -> None:
    time, event, risk = (np.array(v) for v in case)
    event = event.astype(bool)
    try:
        want = concordance_index_censored(event, time.astype(float), risk.astype(float))[0]
    except (ValueError, RuntimeWarning):  # no comparable pair (or no event): ours refuses too
        with pytest.raises(ValueError):
            concordance_index(event, time, risk)
        return
    assert concordance_index(event, time, risk) == pytest.approx(want, abs=1e-12)
    assert concordance_index(event, time, risk, block=3) == pytest.approx(want, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(outcomes)
def test_kaplan_meier_and_band_equal_scikit_survival(case) -> None:
    time, event, _ = (np.array(v) for v in case)
    event = event.astype(bool)
    want_times, want_survival, want_band = kaplan_meier_estimator(event, time.astype(float), conf_type="log-log")
    times, survival = kaplan_meier(event, time)
    np.testing.assert_allclose(times, want_times)
    np.testing.assert_allclose(survival, want_survival, atol=1e-12)
    band_times, low, high = kaplan_meier_band(event, time)
    np.testing.assert_allclose(band_times, want_times)
    np.testing.assert_allclose(low, want_band[0], atol=1e-10)
    np.testing.assert_allclose(high, want_band[1], atol=1e-10)


def test_on_a_real_cohort() -> None:
    gbsg2 = load_cohort("gbsg2")
    rng = np.random.default_rng(0)
    risk = gbsg2.features["pnodes"].to_numpy() + rng.normal(0, 0.1, len(gbsg2.time))
    want = concordance_index_censored(gbsg2.event, gbsg2.time, risk)[0]
    assert concordance_index(gbsg2.event, gbsg2.time, risk) == pytest.approx(want, abs=1e-12)
    times, survival = kaplan_meier(gbsg2.event, gbsg2.time)
    np.testing.assert_allclose(survival, kaplan_meier_estimator(gbsg2.event, gbsg2.time)[1])
    assert 0.45 < survival_at(times, survival, 5 * 365.25) < 0.55  # recurrence-free at five years


def test_the_band_narrows_at_a_lower_level() -> None:
    gbsg2 = load_cohort("gbsg2")
    _, low95, high95 = kaplan_meier_band(gbsg2.event, gbsg2.time, 0.95)
    _, low80, high80 = kaplan_meier_band(gbsg2.event, gbsg2.time, 0.80)
    want = kaplan_meier_estimator(gbsg2.event, gbsg2.time, conf_type="log-log", conf_level=0.80)[2]
    np.testing.assert_allclose(np.c_[low80, high80].T, want, atol=1e-10)
    assert np.all(high80 - low80 <= high95 - low95 + 1e-12)


def test_a_copy_of_another_size_is_refused(monkeypatch) -> None:
    import sksurv.datasets

    from medlearn.data import cohorts

    real = sksurv.datasets.load_gbsg2
    monkeypatch.setattr(sksurv.datasets, "load_gbsg2", lambda: (lambda X, y: (X.iloc[:-1], y[:-1]))(*real()))
    cohorts._read.cache_clear()  # a cohort is read once per process: forget the copy read before this test
    try:
        with pytest.raises(ValueError, match="685 patients"):
            load_cohort("gbsg2")
    finally:
        cohorts._read.cache_clear()


def test_a_cohort_is_read_once_and_each_caller_gets_its_own_table() -> None:
    first, second = load_cohort("gbsg2"), load_cohort("gbsg2")
    assert first.features is not second.features and first.features.equals(second.features)
    first.features.loc[0, "age"] = -1.0  # a caller that changes its table changes no one else's
    assert second.features.loc[0, "age"] != -1.0 and load_cohort("gbsg2").features.loc[0, "age"] != -1.0
    assert first.time is second.time and not first.time.flags.writeable


def test_cohort_arrays_are_read_only() -> None:
    cohort = load_cohort("veterans")
    with pytest.raises(ValueError):
        cohort.time[0] = 0.0


def test_survival_at_steps() -> None:
    times, survival = [2.0, 3.0, 5.0], [0.8, 0.6, 0.3]
    assert survival_at(times, survival, 0.0) == 1.0
    assert survival_at(times, survival, 2.0) == 0.8  # right-continuous: the step at 2 counts at 2
    assert survival_at(times, survival, 4.99) == 0.6
    assert survival_at(times, survival, 100.0) == 0.3
    assert survival_at(times, [0.1, 0.2, 0.3], 1.0, before=0.0) == 0.0  # an incidence curve starts at 0


def test_schoenfeld_residuals_sum_to_zero_at_the_fit() -> None:
    gbsg2 = load_cohort("gbsg2")
    X = OneHotEncoder().fit_transform(gbsg2.features)
    cox = CoxPHSurvivalAnalysis(ties="breslow").fit(X, gbsg2.outcome)
    residuals = schoenfeld_residuals(X.to_numpy(), gbsg2.event, gbsg2.time, cox.coef_)
    assert residuals.shape == (299, X.shape[1])
    scale = X.to_numpy().std(axis=0)
    np.testing.assert_allclose(residuals.sum(axis=0) / scale, 0.0, atol=1e-3)
    # away from the fit the score is not zero: the check can fail
    off = schoenfeld_residuals(X.to_numpy(), gbsg2.event, gbsg2.time, np.zeros(X.shape[1]))
    assert np.abs(off.sum(axis=0) / scale).max() > 1.0


def test_schoenfeld_residuals_by_hand() -> None:
    X = np.array([[0.0], [1.0], [0.0], [1.0]])
    residuals = schoenfeld_residuals(X, [1, 1, 0, 1], [1.0, 2.0, 3.0, 4.0], [np.log(2.0)])
    # first event: risk set all four, weights 1, 2, 1, 2: mean 4/6
    np.testing.assert_allclose(residuals[:, 0], [0 - 4 / 6, 1 - 4 / 5, 1 - 1])


def test_bootstrap_interval_and_paired_difference() -> None:
    rng = np.random.default_rng(1)
    risk = rng.normal(size=300)
    time = rng.exponential(1 / np.exp(risk))
    event = rng.random(300) < 0.7
    c, low, high = survival_bootstrap_ci(event, time, risk, n_boot=200)
    assert low < c < high and 0.6 < c < 0.8
    same = survival_bootstrap_ci(event, time, risk, risk, n_boot=100)
    assert same == (0.0, 0.0, 0.0)
    difference, low, high = survival_bootstrap_ci(event, time, risk, rng.normal(size=300), n_boot=200)
    assert 0 < low < difference < high
    again = survival_bootstrap_ci(event, time, risk, n_boot=200)
    assert again == (c, *survival_bootstrap_ci(event, time, risk, n_boot=200)[1:])  # seeded


@pytest.mark.parametrize("name", list(COHORTS))
def test_cohorts_load_with_their_stated_size(name: str) -> None:
    cohort = load_cohort(name)
    info = COHORTS[name]
    assert len(cohort.features) == len(cohort.time) == info.patients
    assert int(cohort.event.sum()) == info.events
    assert cohort.event.dtype == bool and np.all(cohort.time >= 0)
    assert cohort.outcome.dtype.names == ("event", "time")
    assert f"{info.patients} {info.members}" in cohort.describe() and info.source in cohort.describe()


def test_plot_survival_curves() -> None:
    gbsg2 = load_cohort("gbsg2")
    treated = (gbsg2.features["horTh"] == "yes").to_numpy()
    ax = plot_survival_curves(
        {"yes": (gbsg2.event[treated], gbsg2.time[treated]), "no": (gbsg2.event[~treated], gbsg2.time[~treated])},
        time_scale=365.25,
        time_label="years",
    )
    assert ax.get_xlabel() == "years" and len(ax.collections) == 2  # one band per group
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: kaplan_meier([1], [1, 2]), "event has 1 patients but time has 2"),
        (lambda: kaplan_meier([1, 1], [-1, 2]), "time must not be negative"),
        (lambda: kaplan_meier([1, 2], [1, 2]), "event must hold 0/1"),
        (lambda: kaplan_meier([3, 5], [1, 0]), "the order is event, then time"),
        (lambda: kaplan_meier([3.5, 5.0], [True, False]), "the order is event, then time"),
        (lambda: kaplan_meier([], []), "event must not be empty"),
        (lambda: kaplan_meier([1], []), "time must not be empty"),
        (lambda: kaplan_meier([1, 0], [1, np.nan]), "time must hold finite values"),
        (lambda: kaplan_meier([1, 0], ["a", "b"]), "time must hold numbers"),
        (lambda: kaplan_meier_band([1, 0], [1, 2], level=1.0), "level must be a number in (0, 1)"),
        (lambda: concordance_index([1, 1], [1, 2], [0.5]), "y_score has 1 patients but time has 2"),
        (lambda: concordance_index([0, 0], [1, 2], [0.5, 0.1]), "no comparable pair"),
        (lambda: concordance_index([1, 0], [1, 2], [0.5, np.inf]), "y_score must hold finite values"),
        (lambda: concordance_index([1, 0], [1, 2], [0.5, 0.1], block=0), "block must be an integer"),
        (lambda: survival_at([3, 2], [0.5, 0.4], 1.0), "times must be in ascending order"),
        (lambda: survival_at([2, 3], [0.5], 1.0), "survival has 1 values but times has 2"),
        (lambda: survival_at([2, 3], [0.5, 0.4], "1"), "horizon must be a number"),
        (lambda: survival_at([2, 3], [0.5, 0.4], 1.0, before=2.0), "before must be a number"),
        (lambda: cox_information([[1.0]], [1, 0], [1, 2], [0.1]), "X has 1 rows"),
        (lambda: cox_information([[1.0], [2.0]], [1, 0], [1, 2], []), "coefficients must not be empty"),
        (lambda: schoenfeld_residuals([[1.0]], [1, 0], [1, 2], [0.1]), "X has 1 rows"),
        (lambda: schoenfeld_residuals([[1.0], [2.0]], [1, 0], [1, 2], [0.1, 0.2]), "coefficients has 2 values"),
        (lambda: schoenfeld_residuals([1.0, 2.0], [1, 0], [1, 2], [0.1]), "X must be a 2-D array"),
        (lambda: survival_bootstrap_ci([1, 0], [1, 2], [0.1, 0.2], [0.1]), "y_score_b has 1 patients"),
        (lambda: survival_bootstrap_ci([1, 0], [1, 2], [0.1, 0.2], metric="c"), "metric must be a function"),
        (lambda: survival_bootstrap_ci([1, 0], [1, 2], [0.1, 0.2], n_boot=0), "n_boot must be an integer"),
        (lambda: survival_bootstrap_ci([0, 0], [1, 2], [0.1, 0.2], n_boot=100), "no comparable pair"),
        (lambda: load_cohort("GBSG2"), "name must be one of 'gbsg2'"),
        (lambda: plot_survival_curves({}), "groups must be a non-empty mapping"),
        (lambda: plot_survival_curves({"a": [1, 2, 3]}), "groups['a'] must be a pair"),
        (lambda: plot_survival_curves({"a": ([1], [1])}, time_scale=0), "time_scale must be a number"),
    ],
)
def test_bad_input_is_named(call, words: str) -> None:
    with pytest.raises(ValueError, match=None) as error:
        call()
    assert words in str(error.value), str(error.value)


def _breslow_log_likelihood(x: np.ndarray, event: np.ndarray, time: np.ndarray, beta: np.ndarray) -> float:
    linear = x @ beta
    return float(sum(linear[i] - np.log(np.exp(linear[time >= time[i]]).sum()) for i in np.flatnonzero(event)))


def test_cox_information_is_minus_the_hessian_and_gives_standard_errors() -> None:
    veterans = load_cohort("veterans")
    X = OneHotEncoder().fit_transform(veterans.features).to_numpy()
    X = (X - X.mean(0)) / X.std(0)
    cox = CoxPHSurvivalAnalysis(ties="breslow").fit(X, veterans.outcome)
    information = cox_information(X, veterans.event, veterans.time, cox.coef_)
    h, p = 1e-4, X.shape[1]
    hessian = np.zeros((p, p))
    for a in range(p):
        for b in range(p):
            step_a, step_b = np.eye(p)[a] * h, np.eye(p)[b] * h
            f = lambda d: _breslow_log_likelihood(X, veterans.event, veterans.time, cox.coef_ + d)  # noqa: E731
            hessian[a, b] = (f(step_a + step_b) - f(step_a - step_b) - f(-step_a + step_b) + f(-step_a - step_b)) / (
                4 * h * h
            )
    np.testing.assert_allclose(information, -hessian, rtol=1e-3, atol=1e-3)
    errors = np.sqrt(np.diag(np.linalg.inv(information)))
    assert np.all((errors > 0.05) & (errors < 0.5))


def test_scaled_schoenfeld_residuals_find_a_changing_effect() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    x = rng.integers(0, 2, n).astype(float)
    # hazard ratio 4 before time 1 and 1/4 after it: the effect changes sign
    early = rng.exponential(1 / np.exp(np.log(4.0) * x))
    late = 1 + rng.exponential(1 / np.exp(-np.log(4.0) * x))
    time = np.where(early < 1, early, late)
    event = np.ones(n, bool)
    beta = CoxPHSurvivalAnalysis().fit(x[:, None], Surv.from_arrays(event, time)).coef_
    scaled = schoenfeld_residuals(x[:, None], event, time, beta, scaled=True)[:, 0]
    at = time[event]  # the rows follow np.flatnonzero(event)
    assert scaled[at < 1].mean() > 1.0 and scaled[at > 1].mean() < 0.0  # the trend is there, and signed right
    steady = rng.exponential(1 / np.exp(np.log(4.0) * x))  # hazard ratio 4 throughout: no trend
    beta = CoxPHSurvivalAnalysis().fit(x[:, None], Surv.from_arrays(event, steady)).coef_
    scaled = schoenfeld_residuals(x[:, None], event, steady, beta, scaled=True)[:, 0]
    early = steady < np.median(steady)
    assert abs(scaled[early].mean() - scaled[~early].mean()) < 0.3
    constant = 1 + 0 * x  # a column that never varies
    with pytest.raises(ValueError, match="does not vary"):
        schoenfeld_residuals(np.c_[x, constant], event, time, np.r_[beta, 0.0], scaled=True)
