"""medlearn.svm: the margin width against the linear formula, and the decision plot."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import ContourSet
from sklearn.datasets import make_blobs
from sklearn.svm import SVC

from medlearn.svm import plot_svm, svm_margin_width


def _blobs():
    X, y = make_blobs(n_samples=60, centers=[[-2, 0], [2, 0.5]], cluster_std=0.8, random_state=0)
    return X, y


def test_margin_width_of_a_linear_svm_is_two_over_norm_w() -> None:
    X, y = _blobs()
    for C in (0.01, 1.0, 100.0):
        clf = SVC(kernel="linear", C=C).fit(X, y)
        assert svm_margin_width(clf) == pytest.approx(2 / np.linalg.norm(clf.coef_), rel=1e-6)


def test_margin_width_with_an_rbf_kernel_matches_the_dual() -> None:
    from sklearn.metrics.pairwise import rbf_kernel

    X, y = _blobs()
    clf = SVC(kernel="rbf", gamma=0.5, C=1.0).fit(X, y)
    K = rbf_kernel(clf.support_vectors_, gamma=0.5)
    w_squared = clf.dual_coef_[0] @ K @ clf.dual_coef_[0]
    assert svm_margin_width(clf) == pytest.approx(2 / np.sqrt(w_squared), rel=1e-6)


def test_plot_svm_draws_margin_regions_and_support_vectors() -> None:
    X, y = _blobs()
    clf = SVC(kernel="linear", C=1.0).fit(X, y)
    fig, ax = plt.subplots()
    assert plot_svm(clf, X, y, ax=ax, class_names=["benign", "malignant"], feature_names=("size", "texture")) is ax
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    lines = [c for c in contours if not c.filled]
    filled = [c for c in contours if c.filled]
    assert len(lines) == 1 and list(lines[0].levels) == [-1, 0, 1]
    assert len(filled) == 1 and filled[0].levels.min() < -1 and filled[0].levels.max() > 1
    circled = [c for c in ax.collections if c.get_label() == "support vectors"]
    assert len(circled) == 1
    np.testing.assert_allclose(circled[0].get_offsets(), clf.support_vectors_)
    assert len(circled[0].get_facecolors()) == 0  # open circles
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["benign", "malignant", "support vectors"]
    assert (
        ax.get_title()
        == f"margin width 2/||w|| = {2 / np.linalg.norm(clf.coef_):.2f}, {len(clf.support_vectors_)} support vectors"
    )
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("size", "texture")
    assert any(a.get_ylabel() == "decision function f(x)" for a in fig.axes if a is not ax)  # the colour bar


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda X, y: (SVC(), X, y), "fitted"),
        (lambda X, y: (SVC().fit(np.c_[X, X[:, 0]], y), np.c_[X, X[:, 0]], y), "2 features"),
        (lambda X, y: (SVC().fit(X, np.arange(len(y)) % 3), X, np.arange(len(y)) % 3), "binary"),
        (lambda X, y: (SVC().fit(X, y), X, y[:-1]), "y must have shape"),
        (lambda X, y: ("svm", X, y), "fitted"),
    ],
)
def test_plot_svm_bad_input(make, message: str) -> None:
    X, y = _blobs()
    clf, X, y = make(X, y)
    with pytest.raises(ValueError, match=message):
        plot_svm(clf, X, y)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
