"""The Wisconsin selections that the SVM and random-forest chapters and their checks share."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from medlearn.data import PAIR, low_prevalence_subset, separable_pair, wisconsin_pair


def test_wisconsin_pair_is_the_two_features_scaled() -> None:
    Z, y = wisconsin_pair()
    data = load_breast_cancer()
    columns = [list(data.feature_names).index(name) for name in PAIR]
    np.testing.assert_allclose(Z, StandardScaler().fit_transform(data.data[:, columns]))
    np.testing.assert_array_equal(y, data.target)


def test_separable_pair_lies_beyond_a_soft_margin_and_a_line_separates_it() -> None:
    X, y = separable_pair()
    assert X.shape == (60, 2) and set(np.unique(y)) == {0, 1}
    Z, labels = wisconsin_pair()
    soft = SVC(kernel="linear", C=1.0).fit(Z, labels)
    assert np.all((2 * y - 1) * soft.decision_function(X) > 1)
    assert SVC(kernel="linear", C=1e6).fit(X, y).score(X, y) == 1.0
    np.testing.assert_array_equal(separable_pair()[0], X)  # seeded
    assert not np.array_equal(separable_pair(seed=1)[0], X)


def test_low_prevalence_subset() -> None:
    y = load_breast_cancer().target
    subset = low_prevalence_subset(y, 20, seed=3)
    assert len(subset) == len(np.unique(subset)) == 377
    assert np.sum(y[subset] == 0) == 20 and np.sum(y[subset] == 1) == 357
    np.testing.assert_array_equal(subset, low_prevalence_subset(y, 20, seed=3))
    assert not np.array_equal(subset, low_prevalence_subset(y, 20, seed=4))


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda: separable_pair(n=1), "^n must be an integer"),
        (lambda: separable_pair(n=10_000), "^n must be at most"),
        (lambda: low_prevalence_subset(np.zeros((2, 2), int)), "^labels must be a 1-D array"),
        (lambda: low_prevalence_subset(np.array([0, 1, 1]), 2), "^n_malignant must be at most 1"),
        (lambda: low_prevalence_subset(np.array([0, 1]), True), "^n_malignant must be an integer"),
    ],
)
def test_bad_arguments(call, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        call()
