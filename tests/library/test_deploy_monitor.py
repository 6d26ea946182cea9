"""medlearn.deploy.monitor: drift tests that alarm on a shift and rarely on the reference's own distribution,
and selective prediction checked against a brute-force count."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from medlearn.deploy.monitor import (
    deferral_threshold,
    image_statistics,
    input_drift,
    output_drift,
    reference_stats,
    risk_coverage,
)


@pytest.fixture(scope="module")
def radiographs() -> np.ndarray:
    from medlearn.data import load_medmnist

    return load_medmnist("pneumoniamnist", "train")[0]


def test_input_drift_alarms_on_a_shift_and_rarely_on_the_reference(radiographs: np.ndarray) -> None:
    rng = np.random.default_rng(0)
    order = rng.permutation(len(radiographs))
    reference = reference_stats(radiographs[order[:2000]], rng.random(2000), threshold=0.5)
    pool = radiographs[order[2000:]]
    false_alarms = np.mean(
        [input_drift(reference, pool[rng.choice(len(pool), 100, replace=False)])["alarm"] for _ in range(100)]
    )
    assert false_alarms <= 0.05  # alpha = 0.01 over four statistics, Bonferroni: at most about 1 %
    batch = pool[:100].astype(float)
    darker = np.clip(255 * (batch / 255) ** 1.5, 0, 255).astype(np.uint8)  # a gamma change, as a new scanner might
    assert input_drift(reference, darker)["alarm"]
    assert not input_drift(reference, pool[:100])["alarm"]


def test_input_drift_p_values_equal_scipys_test_of_each_statistic(radiographs: np.ndarray) -> None:
    from scipy.stats import ks_2samp

    from medlearn.deploy.monitor import STATISTICS, image_statistics

    reference = reference_stats(radiographs[:500], np.zeros(500), threshold=0.5)
    batch = np.clip(radiographs[600:650].astype(int) + 12, 0, 255).astype(np.uint8)
    result = input_drift(reference, batch)
    own = image_statistics(batch)
    for name in STATISTICS:
        want = ks_2samp(own[name], np.asarray(reference["statistics"][name])).pvalue
        assert result["p_values"][name] == pytest.approx(want, rel=1e-9, abs=1e-15), name
    assert result["smallest_p"] == min(result["p_values"].values())


def test_output_drift_follows_the_positive_rate() -> None:
    reference = {"statistics": {}, "positive_rate": 0.25, "threshold": 0.5}
    same = output_drift(reference, np.r_[np.full(25, 0.9), np.full(75, 0.1)])
    assert not same["alarm"] and same["positive_rate"] == 0.25
    assert output_drift(reference, np.r_[np.full(50, 0.9), np.full(50, 0.1)])["alarm"]


def test_risk_coverage_equals_a_brute_force_count() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 200)
    p = np.clip(y * 0.3 + rng.random(200) * 0.7, 0, 1)
    curve = risk_coverage(y, p, threshold=0.5)
    confidence = np.where(p >= 0.5, p, 1 - p)  # how likely the label is right
    for k in (1, 50, 120, 200):
        kept = np.argsort(-confidence, kind="stable")[:k]
        assert curve["risk"][k - 1] == pytest.approx(np.mean((p[kept] >= 0.5).astype(int) != y[kept]))
    assert curve["risk"][-1] == pytest.approx(np.mean((p >= 0.5) != y))
    chosen = deferral_threshold(y, p, 0.05)
    kept = confidence >= chosen
    assert np.mean((p[kept] >= 0.5) != y[kept]) <= 0.05 and 0 < kept.mean() < 1
    assert deferral_threshold([0, 1], [0.9, 0.1], 0.0) == float("inf")  # every case wrong: defer them all
    bounded = deferral_threshold(y, p, 0.05, confidence_level=0.95)
    kept_bounded = confidence >= bounded
    assert kept_bounded.sum() < kept.sum()  # the upper bound keeps fewer cases
    errors = int(np.sum((p[kept_bounded] >= 0.5) != y[kept_bounded]))
    upper = stats.binomtest(errors, int(kept_bounded.sum())).proportion_ci(0.90).high  # two-sided 90 % = one-sided 95 %
    assert upper <= 0.05 + 1e-9


def test_confidence_ranks_by_the_chance_that_the_label_is_right() -> None:
    from medlearn.deploy.monitor import confidence

    # at threshold 0.88 a negative call at 0.30 is less sure than a positive call at 0.95
    assert confidence([0.30, 0.95], 0.88).tolist() == pytest.approx([0.70, 0.95])
    with pytest.raises(ValueError, match="threshold"):
        confidence([0.3], 1.0)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: image_statistics(np.zeros((4, 4))), "images must be a 3-D array"),
        (lambda: image_statistics(np.zeros((1, 4, 4), float)), "images must be uint8"),
        (lambda: reference_stats(np.zeros((2, 4, 4), np.uint8), [0.5], threshold=0.5), "y_prob must be 2"),
        (lambda: reference_stats(np.zeros((2, 4, 4), np.uint8), [0.5, 0.5], threshold=2), "threshold must be"),
        (lambda: input_drift({}, np.zeros((2, 4, 4), np.uint8)), "reference must be what reference_stats"),
        (lambda: output_drift({"statistics": {}, "positive_rate": 0.1, "threshold": 0.5}, [0.5], alpha=0), "alpha"),
        (lambda: risk_coverage([0, 2], [0.1, 0.2]), "y_true"),
        (lambda: risk_coverage([0, 1], [0.1]), "y_prob must be 2"),
        (lambda: deferral_threshold([0, 1], [0.1, 0.9], 1.5), "target_risk must be"),
    ],
)
def test_bad_input_is_named(call, words: str) -> None:
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value), str(error.value)
