"""medlearn.metrics against scikit-learn and against cases worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import scored_labels
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score, precision_score, recall_score, roc_auc_score

from medlearn.metrics import (
    bootstrap_ci,
    clinical_metrics,
    threshold_for_sensitivity,
    threshold_for_specificity,
)

# clinical_metrics -------------------------------------------------------------------------------


def test_clinical_metrics_by_hand() -> None:
    #               TP TP TP FN FN TN TN TN TN FP
    y_true = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
    y_pred = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 1])
    m = clinical_metrics(y_true, y_pred)
    assert (m["tp"], m["fn"], m["tn"], m["fp"]) == (3, 2, 4, 1)
    assert m["sensitivity"] == pytest.approx(3 / 5) and m["specificity"] == pytest.approx(4 / 5)
    assert m["ppv"] == pytest.approx(3 / 4) and m["npv"] == pytest.approx(4 / 6)
    assert m["accuracy"] == pytest.approx(7 / 10) and m["prevalence"] == pytest.approx(0.5)
    assert m["f1"] == pytest.approx(2 * 0.75 * 0.6 / (0.75 + 0.6))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=60))
def test_clinical_metrics_agree_with_sklearn(pairs) -> None:
    y_true, y_pred = (np.array(v) for v in zip(*pairs))
    m = clinical_metrics(y_true, y_pred)
    assert m["tp"] + m["fp"] + m["tn"] + m["fn"] == len(y_true)
    if y_true.any():
        assert m["sensitivity"] == pytest.approx(recall_score(y_true, y_pred))
    else:
        assert np.isnan(m["sensitivity"])
    if y_pred.any():
        assert m["ppv"] == pytest.approx(precision_score(y_true, y_pred))
    else:
        assert np.isnan(m["ppv"])
    if (y_true == 0).any():
        assert m["specificity"] == pytest.approx(recall_score(y_true, y_pred, pos_label=0))


def test_clinical_metrics_accepts_booleans_from_a_threshold() -> None:
    y, p = scored_labels()
    assert clinical_metrics(y, p >= 0.5) == clinical_metrics(y, (p >= 0.5).astype(int))


@pytest.mark.parametrize(
    ("y_true", "y_pred", "word"),
    [
        ([0, 1, 2], [0, 1, 1], "y_true"),
        ([0, 1, 1], [0.2, 0.9, 0.7], "y_pred"),
        ([0, 1, 1], [0, 1], "y_pred has 2"),
        ([], [], "y_true"),
        ([[0, 1]], [[0, 1]], "y_true"),
    ],
)
def test_clinical_metrics_rejects_bad_input(y_true, y_pred, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        clinical_metrics(y_true, y_pred)


# thresholds -----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.05, 1.0))
def test_threshold_for_sensitivity_is_the_highest_that_reaches_the_target(seed: int, target: float) -> None:
    y, p = scored_labels(80, seed)
    if y.min() == y.max():
        return
    threshold = threshold_for_sensitivity(y, p, target)
    assert recall_score(y, p >= threshold) >= target - 1e-9
    higher = p[p > threshold]
    if higher.size:  # the next score up no longer reaches the target
        assert recall_score(y, p >= higher.min()) < target


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.05, 1.0))
def test_threshold_for_specificity_is_the_lowest_that_keeps_the_target(seed: int, target: float) -> None:
    y, p = scored_labels(80, seed)
    if y.min() == y.max():
        return
    threshold = threshold_for_specificity(y, p, target)
    assert recall_score(y, p >= threshold, pos_label=0) >= target - 1e-9
    lower = p[p < threshold]
    if lower.size:
        assert recall_score(y, p >= lower.max(), pos_label=0) < target


def test_threshold_for_specificity_can_be_infinite() -> None:
    assert threshold_for_specificity([1, 0], [0.2, 0.9], 1.0) == np.inf


@pytest.mark.parametrize("function", [threshold_for_sensitivity, threshold_for_specificity])
@pytest.mark.parametrize(
    ("y_true", "y_score", "target", "word"),
    [
        ([0, 1], [0.1, 0.9], 0.0, "target"),
        ([0, 1], [0.1, 0.9], 1.5, "target"),
        ([0, 1], [0.1, 0.9], "high", "target"),
        ([1, 1], [0.1, 0.9], 0.9, "both classes"),
        ([0, 1], [0.1, np.nan], 0.9, "y_score"),
        ([0, 1], [0.1], 0.9, "y_score"),
    ],
)
def test_thresholds_reject_bad_input(function, y_true, y_score, target, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        function(y_true, y_score, target)


# bootstrap_ci ---------------------------------------------------------------------------------


def test_bootstrap_ci_contains_the_estimate_is_seeded_and_narrows_with_more_cases() -> None:
    y_small, p_small = scored_labels(150, seed=1)
    y_large, p_large = scored_labels(1500, seed=1)
    small = bootstrap_ci(y_small, p_small, n_boot=400)
    large = bootstrap_ci(y_large, p_large, n_boot=400)
    assert small.value == roc_auc_score(y_small, p_small) and small.low < small.value < small.high
    assert large.high - large.low < 0.6 * (small.high - small.low)  # about 1/sqrt(10)
    assert bootstrap_ci(y_small, p_small, n_boot=400) == small
    assert bootstrap_ci(y_small, p_small, n_boot=400, seed=1) != small
    wider = bootstrap_ci(y_small, p_small, n_boot=400, level=0.99)
    assert wider.low <= small.low and wider.high >= small.high


def test_bootstrap_ci_is_stratified() -> None:
    y = np.r_[np.ones(3, int), np.zeros(200, int)]  # 3 positives: plain resampling often draws none
    p = np.r_[np.full(3, 0.9), np.linspace(0, 0.95, 200)]
    seen = []

    def counting_auc(t, s):
        seen.append(int(t.sum()))
        return roc_auc_score(t, s)

    _, low, high = bootstrap_ci(y, p, metric=counting_auc, n_boot=200)
    assert set(seen[:-1]) == {3} and seen[-1] == 3 and 0 <= low <= high <= 1


def test_the_bootstraps_fast_auc_is_scikit_learns_with_ties() -> None:
    from medlearn.metrics import _rank_auc

    rng = np.random.default_rng(7)
    for n in (10, 200):
        y = np.r_[0, 1, rng.integers(0, 2, n)]
        s = np.round(rng.random(n + 2), 1)  # many ties
        assert _rank_auc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    y, p = scored_labels(200, seed=8)
    by_sklearn = bootstrap_ci(y, p, metric=lambda t, s: roc_auc_score(t, s), n_boot=200)
    assert bootstrap_ci(y, p, n_boot=200) == pytest.approx(by_sklearn, abs=1e-12)


def test_bootstrap_ci_paired_matches_a_loop_by_hand_and_is_zero_for_one_model() -> None:
    y, p = scored_labels(300, seed=3)
    q = p + np.random.default_rng(4).normal(0, 0.3, len(p))
    difference, low, high = bootstrap_ci(y, p, q, n_boot=300, seed=5)
    assert difference == pytest.approx(roc_auc_score(y, p) - roc_auc_score(y, q))
    rng = np.random.default_rng(5)  # the same draws, written out
    positives, negatives = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    values = []
    for _ in range(300):
        s = np.concatenate([rng.choice(positives, len(positives)), rng.choice(negatives, len(negatives))])
        values.append(roc_auc_score(y[s], p[s]) - roc_auc_score(y[s], q[s]))
    assert (low, high) == pytest.approx(tuple(np.percentile(values, [2.5, 97.5])))
    assert low < difference < high
    assert bootstrap_ci(y, p, p, n_boot=100) == (0.0, 0.0, 0.0)
    assert bootstrap_ci(y, p, y_score_b=q, n_boot=300, seed=5) == (difference, low, high)  # by keyword alike
    # the paired interval is narrower than the gap between the two separate intervals would suggest
    separate = [bootstrap_ci(y, s, n_boot=300, seed=5) for s in (p, q)]
    assert high - low < (separate[0].high - separate[0].low) + (separate[1].high - separate[1].low)


def _paired_inputs(case: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """Labels, two models' scores and the options of one paired call that the loop below writes out."""
    y, p = scored_labels(157, seed=21)
    rng = np.random.default_rng(22)
    q = p + rng.normal(0, 0.4, len(p))
    runs_a, runs_b = p + rng.normal(0, 0.2, (3, len(p))), p + rng.normal(0, 0.5, (3, len(p)))
    return {
        "one run": (y, p, q, {}),
        "three runs": (y, runs_a, runs_b, {}),
        "nine runs": (y, p + rng.normal(0, 0.2, (9, len(p))), p + rng.normal(0, 0.5, (9, len(p))), {}),
        "one run as (1, N)": (y, runs_a[:1], runs_b[:1], {}),
        "tied scores": (y, np.round(p, 1), np.round(q, 1), {}),
        "another metric, on labels": (y, (p > 0.5).astype(int), (q > 0.5).astype(int), {"metric": recall_score}),
        "a metric of clusters": (y, (p > 0.4).astype(int), (q > 0.6).astype(int), {"metric": adjusted_rand_score}),
    }[case]


@pytest.mark.parametrize(
    "case",
    [
        *("one run", "three runs", "nine runs", "one run as (1, N)", "tied scores"),
        *("another metric, on labels", "a metric of clusters"),
    ],
)
@pytest.mark.parametrize(("n_boot", "seed", "level"), [(200, 0, 0.95), (300, 7, 0.9)])
def test_bootstrap_ci_paired_is_bit_for_bit_a_loop_over_the_same_resamples(
    case: str, n_boot: int, seed: int, level: float
) -> None:
    """Each resample draws the positives, then the negatives, with replacement (numpy's generator, seeded), and
    scores every run of both models on those cases; the value is the mean over runs of the difference, the
    interval the percentiles of the resamples' values. The default AUC is computed on the resamples by its fast
    twin (tested against scikit-learn above) and on all cases by ``roc_auc_score``."""
    from medlearn.metrics import _rank_auc

    y, a, b, options = _paired_inputs(case)
    metric = options.get("metric", roc_auc_score)
    on_resamples = _rank_auc if metric is roc_auc_score else metric
    runs_a, runs_b = np.atleast_2d(a).astype(float), np.atleast_2d(b).astype(float)

    def mean_difference(score, s: np.ndarray) -> float:
        return float(np.mean([score(y[s], x[s]) - score(y[s], z[s]) for x, z in zip(runs_a, runs_b)]))

    rng = np.random.default_rng(seed)
    positives, negatives = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    values = [
        mean_difference(
            on_resamples,
            np.concatenate([rng.choice(positives, len(positives)), rng.choice(negatives, len(negatives))]),
        )
        for _ in range(n_boot)
    ]
    tail = (1 - level) / 2 * 100
    expected = (mean_difference(metric, np.arange(len(y))), *np.percentile(values, [tail, 100 - tail]))
    result = bootstrap_ci(y, a, b, n_boot=n_boot, seed=seed, level=level, **options)
    assert tuple(result) == tuple(float(v) for v in expected)  # exactly, not approximately
    assert len(set(values)) > 1 and result.low < result.high  # the resamples differ: the loop could disagree


@pytest.mark.parametrize("ties", [False, True])
def test_bootstrap_ci_of_one_model_is_bit_for_bit_a_loop_over_the_same_resamples(ties: bool) -> None:
    """The AUC's resamples are scored in blocks at once: the interval is exactly that of a loop that scores each
    resample alone (300 resamples: several blocks and a shorter last one)."""
    from medlearn.metrics import _rank_auc

    y, p = scored_labels(157, seed=23)
    p = np.round(p, 1) if ties else p
    rng = np.random.default_rng(3)
    positives, negatives = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    values = []
    for _ in range(300):
        s = np.concatenate([rng.choice(positives, len(positives)), rng.choice(negatives, len(negatives))])
        values.append(_rank_auc(y[s], p[s]))
    assert all(isinstance(v, float) for v in values)  # one resample: one float, as before blocks
    expected = (roc_auc_score(y, p), *np.percentile(values, [2.5, 97.5]))
    assert tuple(bootstrap_ci(y, p, n_boot=300, seed=3)) == tuple(float(v) for v in expected)


def test_bootstrap_ci_paired_over_runs_averages_each_runs_difference_on_the_same_resamples() -> None:
    y, p = scored_labels(200, seed=11)
    rng = np.random.default_rng(12)
    a = p + rng.normal(0, 0.2, (3, len(p)))  # three runs (seeds) of each model
    b = p + rng.normal(0, 0.5, (3, len(p)))
    difference, low, high = bootstrap_ci(y, a, b, n_boot=200, seed=1)
    by_run = [roc_auc_score(y, x) - roc_auc_score(y, z) for x, z in zip(a, b)]
    assert difference == pytest.approx(np.mean(by_run))
    draws = np.random.default_rng(1)  # the same resamples, written out
    positives, negatives = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    values = []
    for _ in range(200):
        s = np.concatenate([draws.choice(positives, len(positives)), draws.choice(negatives, len(negatives))])
        values.append(np.mean([roc_auc_score(y[s], x[s]) - roc_auc_score(y[s], z[s]) for x, z in zip(a, b)]))
    assert (low, high) == pytest.approx(tuple(np.percentile(values, [2.5, 97.5])))
    # one run as a (1, N) array is the 1-D call
    assert bootstrap_ci(y, a[:1], b[:1], n_boot=100) == bootstrap_ci(y, a[0], b[0], n_boot=100)


@pytest.mark.parametrize(
    ("options", "word"),
    [
        ({"y_score_b": [0.5, 0.5]}, "y_score_b"),
        ({"metric": "auc"}, "metric"),
        ({"n_boot": 10}, "n_boot"),
        ({"y_score": np.zeros((2, 40)), "y_score_b": np.zeros((3, 40))}, "runs"),
        ({"y_score": np.zeros((2, 39)), "y_score_b": np.zeros((2, 39))}, r"y_score\[0\] must be 40 numbers"),
        ({"y_score": np.zeros((0, 40))}, "y_score must not be empty"),
        ({"y_score": np.zeros((1, 2, 40))}, "y_score"),
        ({"y_score": np.zeros((2, 40)), "y_score_b": None}, "y_score must be a 1-D array"),  # runs need a pair
    ],
)
def test_bootstrap_ci_paired_bad_input(options: dict, word: str) -> None:
    y, p = scored_labels(40, seed=6)
    arguments = {"y_true": y, "y_score": p, "y_score_b": p, **options}
    with pytest.raises(ValueError, match=word):
        bootstrap_ci(**arguments)


def test_bootstrap_ci_of_sensitivity_from_predicted_labels() -> None:
    y, p = scored_labels(400, seed=2)
    called = (p >= 0.5).astype(int)
    sensitivity, low, high = bootstrap_ci(y, called, metric=recall_score, n_boot=300)
    assert low < sensitivity == recall_score(y, called) < high


@pytest.mark.parametrize(
    ("options", "word"),
    [
        ({"n_boot": 10}, "n_boot"),
        ({"n_boot": 200.0}, "n_boot"),
        ({"level": 95}, "level"),
        ({"level": 1.0}, "level"),
        ({"metric": "auc"}, "metric"),
    ],
)
def test_bootstrap_ci_rejects_bad_options(options: dict, word: str) -> None:
    y, p = scored_labels(50)
    with pytest.raises(ValueError, match=word):
        bootstrap_ci(y, p, **options)


def test_corrected_cv_interval_by_its_formula_and_wider_than_the_naive_one() -> None:
    from scipy import stats

    from medlearn._resample import Interval
    from medlearn.metrics import corrected_cv_interval

    values = np.array([0.70, 0.66, 0.73, 0.69, 0.71, 0.68, 0.72, 0.67, 0.70, 0.74])
    interval = corrected_cv_interval(values, 0.2)
    assert isinstance(interval, Interval)  # one return shape with the bootstrap functions
    mean, low, high = interval
    half = stats.t.ppf(0.975, 9) * np.sqrt(values.var(ddof=1) * (1 / 10 + 0.25))
    assert (
        mean == pytest.approx(values.mean())
        and high - mean == pytest.approx(half)
        and mean - low == pytest.approx(half)
    )
    naive = stats.t.ppf(0.975, 9) * values.std(ddof=1) / np.sqrt(10)
    assert half > 1.5 * naive  # the correction matters: folds share training patients
    for bad, words in (([0.7], "at least 2"), ([0.7, np.nan], "finite"), ("ab", "numbers")):
        with pytest.raises(ValueError, match=words):
            corrected_cv_interval(bad, 0.2)
    with pytest.raises(ValueError, match="test_fraction"):
        corrected_cv_interval(values, 1.0)
