"""medlearn.grading: every function against scikit-learn or its definition, and its bad input."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, cohen_kappa_score, roc_auc_score
from sklearn.preprocessing import label_binarize

from medlearn.grading import (
    apply_cut_points,
    cumulative_targets,
    fit_cut_points,
    grade_bootstrap_ci,
    grade_probabilities,
    grading_metrics,
    referable,
)

RNG = np.random.default_rng(0)
TRUTH = np.r_[np.arange(5), RNG.choice(5, 195, p=[0.45, 0.12, 0.2, 0.17, 0.06])]


def _probabilities(truth: np.ndarray, signal: float = 1.5, seed: int = 0) -> np.ndarray:
    logits = np.random.default_rng(seed).normal(0, 1, (len(truth), 5))
    logits[np.arange(len(truth)), truth] += signal
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def test_referable_is_grade_two_or_more_and_the_line_can_move() -> None:
    np.testing.assert_array_equal(referable([0, 1, 2, 3, 4]), [0, 0, 1, 1, 1])
    np.testing.assert_array_equal(referable(np.array([0.0, 3.0]), from_grade=4), [0, 0])
    for bad, word in [([0, -1], "grades"), ([0.5], "grades"), ([[1, 2]], "grades"), ([True, False], "grades")]:
        with pytest.raises(ValueError, match=f"^{word}"):
            referable(bad)
    with pytest.raises(ValueError, match="^from_grade"):
        referable([1, 2], from_grade=0)


def test_cumulative_targets_round_trip_through_grade_probabilities() -> None:
    targets = cumulative_targets(TRUTH, 5)
    assert targets.shape == (len(TRUTH), 4) and targets.dtype == np.float32
    np.testing.assert_array_equal(targets.sum(axis=1), TRUTH)  # the grade is the number of yes answers
    one_hot = grade_probabilities(targets)
    np.testing.assert_array_equal(one_hot.argmax(axis=1), TRUTH)
    np.testing.assert_allclose(one_hot.sum(axis=1), 1)
    with pytest.raises(ValueError, match="^grades must hold grades from 0 to 4"):
        cumulative_targets([0, 5], 5)
    with pytest.raises(ValueError, match="^n_grades"):
        cumulative_targets([0, 1], 1)


def test_grade_probabilities_refuses_rising_or_out_of_range_rows() -> None:
    np.testing.assert_allclose(grade_probabilities([[0.9, 0.6, 0.2, 0.1]]), [[0.1, 0.3, 0.4, 0.1, 0.1]])
    tiny_rise = grade_probabilities([[0.5, 0.5000009, 0.2, 0.1]])  # within the tolerance: still a probability
    assert tiny_rise.min() >= 0 and tiny_rise.sum() == pytest.approx(1, abs=1e-12)
    with pytest.raises(ValueError, match="^cumulative must not increase"):
        grade_probabilities([[0.2, 0.6, 0.1, 0.0]])
    for bad in ([[1.2, 0.5]], [[np.nan, 0.1]], [[-0.1, -0.2]], np.zeros((2, 0)), [0.5, 0.2]):
        with pytest.raises(ValueError, match="^cumulative"):
            grade_probabilities(bad)


def test_grading_metrics_match_scikit_learn_and_a_constant_model_scores_chance() -> None:
    p = _probabilities(TRUTH)
    m = grading_metrics(TRUTH, p)
    predicted = p.argmax(axis=1)
    assert m["accuracy"] == accuracy_score(TRUTH, predicted)
    assert m["quadratic_kappa"] == cohen_kappa_score(TRUTH, predicted, weights="quadratic")
    assert m["mean_absolute_error"] == np.mean(np.abs(TRUTH - predicted))
    assert m["macro_auc"] == pytest.approx(np.mean([roc_auc_score(TRUTH == g, p[:, g]) for g in range(5)]))
    assert m["micro_auc"] == pytest.approx(roc_auc_score(label_binarize(TRUTH, classes=range(5)).ravel(), p.ravel()))
    assert m["macro_auc"] > 0.7
    constant = grading_metrics(TRUTH, np.full((len(TRUTH), 5), 0.2), np.zeros_like(TRUTH))
    assert constant["macro_auc"] == 0.5 and constant["micro_auc"] == 0.5 and constant["quadratic_kappa"] == 0
    random = grading_metrics(TRUTH, _probabilities(TRUTH, signal=0.0, seed=1))
    assert abs(random["macro_auc"] - 0.5) < 0.1  # no signal, no AUC


def test_grading_metrics_scores_the_grades_given_rather_than_the_most_probable() -> None:
    p = _probabilities(TRUTH)
    shifted = np.clip(p.argmax(axis=1) + 1, 0, 4)
    m = grading_metrics(TRUTH, p, shifted)
    assert m["accuracy"] == accuracy_score(TRUTH, shifted)
    assert m["quadratic_kappa"] == cohen_kappa_score(TRUTH, shifted, weights="quadratic")
    assert m["macro_auc"] == grading_metrics(TRUTH, p)["macro_auc"]  # the AUCs use the probabilities alone


def test_grading_metrics_bad_input() -> None:
    p = _probabilities(TRUTH)
    with pytest.raises(ValueError, match="^y_prob must be"):
        grading_metrics(TRUTH, p[:-1])
    with pytest.raises(ValueError, match="^y_prob must be non-negative"):
        grading_metrics(TRUTH, p * 2)
    with pytest.raises(ValueError, match="^y_true must hold every grade"):
        grading_metrics(np.zeros(len(TRUTH), int), p)
    with pytest.raises(ValueError, match="^y_pred has"):
        grading_metrics(TRUTH, p, TRUTH[:-1])
    with pytest.raises(ValueError, match="^y_pred must hold grades"):
        grading_metrics(TRUTH, p, TRUTH + 1)


def test_cut_points_are_numpy_digitize_and_refuse_unordered_points() -> None:
    scores = np.array([-1.0, 0.5, 0.49, 3.5, 10.0])
    np.testing.assert_array_equal(apply_cut_points(scores, [0.5, 1.5, 2.5, 3.5]), [0, 1, 0, 4, 4])
    for cuts in ([1.0, 0.5], [0.5, 0.5], [np.nan, 1.0]):
        with pytest.raises(ValueError, match="cut_points"):
            apply_cut_points(scores, cuts)


def test_fit_cut_points_never_does_worse_than_the_default_and_finds_shifted_grades() -> None:
    score = TRUTH + 0.7 + np.random.default_rng(2).normal(0, 0.2, len(TRUTH))  # every grade read 0.7 too high
    default = cohen_kappa_score(TRUTH, apply_cut_points(score, [0.5, 1.5, 2.5, 3.5]), weights="quadratic")
    cuts = fit_cut_points(TRUTH, score, 5)
    fitted = cohen_kappa_score(TRUTH, apply_cut_points(score, cuts), weights="quadratic")
    assert np.all(np.diff(cuts) > 0) and fitted >= default and fitted > 0.95 > default
    np.testing.assert_allclose(cuts, np.arange(4) + 1.2, atol=0.35)
    for shifted in (score + 10, 3 * score - 2):  # the scale and offset of a score do not matter
        np.testing.assert_array_equal(
            apply_cut_points(shifted, fit_cut_points(TRUTH, shifted, 5)), apply_cut_points(score, cuts)
        )
    with pytest.raises(ValueError, match="^y_score must be"):
        fit_cut_points(TRUTH, score[:-1], 5)
    with pytest.raises(ValueError, match="^y_score must take at least 5 distinct values"):
        fit_cut_points(TRUTH, np.r_[np.zeros(len(TRUTH) - 3), 1, 2, 3], 5)
    with pytest.raises(ValueError, match="^sweeps"):
        fit_cut_points(TRUTH, score, 5, sweeps=0)
    with pytest.raises(ValueError, match="^y_true"):
        fit_cut_points(TRUTH, score, 4)
    with pytest.raises(ValueError, match="^y_true must hold whole grades"):  # the arguments swapped
        fit_cut_points(score, TRUTH, 5)


def test_grade_bootstrap_ci_covers_the_value_keeps_grade_counts_and_pairs_models() -> None:
    p = _probabilities(TRUTH)
    guess = p.argmax(axis=1)
    value, low, high = grade_bootstrap_ci(TRUTH, guess, metric=accuracy_score, n_boot=200)
    assert low < value < high and value == accuracy_score(TRUTH, guess)
    seen = []
    grade_bootstrap_ci(TRUTH, guess, metric=lambda y, g: seen.append(np.bincount(y, minlength=5)) or 0.0, n_boot=100)
    assert all(np.array_equal(counts, np.bincount(TRUTH)) for counts in seen)  # within-grade resampling
    same = grade_bootstrap_ci(TRUTH, guess, guess, metric=accuracy_score)
    assert same == (0.0, 0.0, 0.0)  # a model against itself: no difference in any resample
    worse = np.where(np.arange(len(TRUTH)) % 3 == 0, (guess + 2) % 5, guess)
    gain = grade_bootstrap_ci(TRUTH, guess, worse, metric=accuracy_score)
    assert 0 < gain[1] < gain[0] < gain[2]
    assert gain[0] == accuracy_score(TRUTH, guess) - accuracy_score(TRUTH, worse)
    assert grade_bootstrap_ci(TRUTH, guess, y_pred_b=worse, metric=accuracy_score) == gain  # by keyword alike
    draws = {seed: [] for seed in (0, 1)}
    for seed, record in draws.items():
        grade_bootstrap_ci(TRUTH, guess, metric=lambda y, g, r=record: r.append(g.sum()) or 0.0, n_boot=100, seed=seed)
    assert draws[0] != draws[1]  # the seed sets the resamples


@pytest.mark.parametrize("kind", ["grades", "probabilities"])
def test_a_paired_grade_bootstrap_ci_is_bit_for_bit_a_loop_over_the_same_resamples(kind: str) -> None:
    """Each resample draws within each grade, the highest grade first (numpy's generator, seeded), and scores both
    models on the same cases; the value is the difference on all cases, the interval the resamples' percentiles."""
    a, b = _probabilities(TRUTH, signal=1.5, seed=1), _probabilities(TRUTH, signal=0.8, seed=2)
    if kind == "grades":
        a, b = a.argmax(axis=1), b.argmax(axis=1)

        def metric(y, g):
            return cohen_kappa_score(y, g, weights="quadratic")
    else:

        def metric(y, p):
            return roc_auc_score(y, p, multi_class="ovr", average="macro")

    rng = np.random.default_rng(3)
    groups = [np.flatnonzero(TRUTH == grade) for grade in (4, 3, 2, 1, 0)]
    values = []
    for _ in range(200):
        s = np.concatenate([rng.choice(group, len(group)) for group in groups])
        values.append(metric(TRUTH[s], a[s]) - metric(TRUTH[s], b[s]))
    expected = (
        metric(TRUTH, a) - metric(TRUTH, b),
        *np.percentile(values, [(1 - 0.9) / 2 * 100, 100 - (1 - 0.9) / 2 * 100]),
    )
    result = grade_bootstrap_ci(TRUTH, a, b, metric=metric, n_boot=200, level=0.9, seed=3)
    assert tuple(result) == tuple(float(v) for v in expected)  # exactly, not approximately
    assert len(set(values)) > 1 and 0 < result.low < result.high


def test_grade_bootstrap_ci_bad_input() -> None:
    guess = TRUTH.copy()
    with pytest.raises(ValueError, match="^metric"):
        grade_bootstrap_ci(TRUTH, guess, metric="kappa")
    with pytest.raises(TypeError, match="y_pred"):  # a required argument
        grade_bootstrap_ci(TRUTH, metric=accuracy_score)
    with pytest.raises(ValueError, match=r"^y_pred must have one row per case \(200\)"):
        grade_bootstrap_ci(TRUTH, guess[:-1], metric=accuracy_score)
    with pytest.raises(ValueError, match=r"^y_pred_b must have one row per case \(200\)"):
        grade_bootstrap_ci(TRUTH, guess, guess[:-1], metric=accuracy_score)
    with pytest.raises(TypeError):  # two models at most: a metric of several arrays is not what this takes
        grade_bootstrap_ci(TRUTH, guess, guess, guess, metric=accuracy_score)
    with pytest.raises(ValueError, match="^n_boot"):
        grade_bootstrap_ci(TRUTH, guess, metric=accuracy_score, n_boot=10)
    with pytest.raises(ValueError, match="^level"):
        grade_bootstrap_ci(TRUTH, guess, metric=accuracy_score, level=1.0)
    with pytest.raises(ValueError, match="^seed"):
        grade_bootstrap_ci(TRUTH, guess, metric=accuracy_score, seed=-1)
    with pytest.raises(ValueError, match=r"^y_pred must hold finite values"):
        grade_bootstrap_ci(TRUTH, np.where(guess == 0, np.nan, guess), metric=accuracy_score)
    with pytest.raises(ValueError, match=r"^y_pred_b must hold finite values"):
        grade_bootstrap_ci(TRUTH, guess, np.where(guess == 0, np.nan, guess), metric=accuracy_score)
    with pytest.raises(ValueError, match=r"^y_pred_b must hold numbers"):
        grade_bootstrap_ci(TRUTH, guess, guess.astype(str), metric=accuracy_score)
    ids = np.arange(len(TRUTH))  # undefined on the resamples that draw case 0, about two in three
    with pytest.raises(ValueError, match="undefined on 6[0-9] of 100 resamples"):  # not dropped silently
        grade_bootstrap_ci(TRUTH, ids, metric=lambda y, drawn: np.nan if 0 in drawn else 1.0, n_boot=100)
