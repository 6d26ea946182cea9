"""medlearn.generative: the Fréchet distance against scipy's matrix square root, and precision and recall
on sets whose fidelity and diversity are known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import sqrtm

from medlearn.generative import frechet_distance, precision_recall


def _by_scipy(a: np.ndarray, b: np.ndarray) -> float:
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    return float(np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(s_a + s_b - 2 * np.real(sqrtm(s_a @ s_b))))


@pytest.mark.parametrize("seed", range(5))
def test_frechet_distance_equals_the_formula_with_scipys_square_root(seed: int) -> None:
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(6, 6))
    a = rng.normal(size=(300, 6)) @ mixing
    b = rng.normal(size=(250, 6)) @ (mixing + rng.normal(0, 0.3, (6, 6))) + rng.normal(0, 0.5, 6)
    assert frechet_distance(a, b) == pytest.approx(_by_scipy(a, b), rel=1e-6)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-9)  # symmetric


def test_frechet_distance_of_known_gaussians() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20_000, 2))
    b = rng.normal(size=(20_000, 2)) * [2.0, 1.0]  # variance 4 on the first axis: (2 - 1) ** 2 = 1
    assert frechet_distance(a, b) == pytest.approx(1.0, abs=0.05)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-9)
    assert frechet_distance(a[:, :1], b[:, :1]) == pytest.approx(1.0, abs=0.05)  # one feature


def test_precision_and_recall_separate_fidelity_from_diversity() -> None:
    rng = np.random.default_rng(1)
    real = rng.normal(size=(600, 3))
    good = rng.normal(size=(600, 3))
    unrealistic = rng.normal(size=(600, 3)) + 4.0  # off the real manifold
    collapsed = np.repeat(real[:30], 20, axis=0) + rng.normal(0, 0.01, (600, 3))  # 30 real samples, copied
    p_good, r_good = precision_recall(real, good)
    p_off, _ = precision_recall(real, unrealistic)
    p_copy, r_copy = precision_recall(real, collapsed)
    assert p_good > 0.85 and r_good > 0.85
    assert p_off < 0.1
    assert p_copy > 0.95 and r_copy < 0.2


def test_precision_recall_by_hand_on_a_line() -> None:
    real = np.array([[0.0], [1.0], [2.0], [3.0]])  # k = 1: each ball has radius 1
    generated = np.array([[0.5], [3.5], [10.0]])  # radius 3 for each (its nearest neighbour in its own set)
    precision, recall = precision_recall(real, generated, k=1)
    assert precision == pytest.approx(2 / 3)  # 0.5 and 3.5 are within 1 of a real point, 10 is not
    assert recall == 1.0  # every real point is within 3 of 0.5 or 3.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: frechet_distance(np.ones((5, 2)), np.ones((5, 3))), "same number of features"),
        (lambda: frechet_distance(np.ones((1, 2)), np.ones((5, 2))), "at least 2 rows"),
        (lambda: frechet_distance(np.ones(5), np.ones((5, 1))), "real"),
        (lambda: precision_recall(np.ones((5, 2)), np.full((5, 2), np.nan)), "generated"),
        (lambda: precision_recall(np.ones((3, 2)), np.ones((5, 2)), k=3), "more than k = 3 rows"),
        (lambda: precision_recall(np.ones((5, 2)), np.ones((5, 2)), k=0), "k must be"),
    ],
)
def test_bad_input_names_the_argument(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
