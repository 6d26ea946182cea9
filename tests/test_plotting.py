"""Montages and per-class example grids."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from medlearn.data import load_medmnist  # noqa: E402
from medlearn.plotting import OKABE_ITO, plot_class_examples, plot_montage  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_montage_grid_and_colour_bar() -> None:
    images = np.arange(10 * 28 * 28, dtype=np.float64).reshape(10, 28, 28)
    fig, ax = plt.subplots()
    artist = plot_montage(images, ncols=5, ax=ax, title="ten", colorbar_label="intensity (a.u.)")
    grid = artist.get_array()
    assert grid.shape == (56, 140)
    np.testing.assert_array_equal(grid[28:56, 0:28], images[5])  # row-major order
    assert ax.get_title() == "ten"
    colorbars = [a for a in fig.axes if a is not ax]
    assert len(colorbars) == 1 and colorbars[0].get_ylabel() == "intensity (a.u.)"


def test_uint8_montage_uses_the_full_byte_range() -> None:
    artist = plot_montage(np.full((4, 28, 28), 100, dtype=np.uint8))
    assert artist.get_clim() == (0, 255)


def test_rgb_montage_has_no_colour_bar() -> None:
    fig, ax = plt.subplots()
    artist = plot_montage(np.zeros((3, 28, 28, 3), dtype=np.uint8), ax=ax)
    assert artist.get_array().shape == (56, 56, 3)  # 2 x 2 grid, one empty cell
    assert fig.axes == [ax]


def test_single_image_and_no_colour_bar() -> None:
    fig, ax = plt.subplots()
    plot_montage(np.ones((28, 28)), ax=ax, colorbar_label=None)
    assert fig.axes == [ax]


@pytest.mark.parametrize(
    ("images", "kwargs", "message"),
    [
        (np.zeros((0, 28, 28)), {}, "empty"),
        (np.zeros((2, 3, 28, 28)), {}, "shape"),
        (np.array([["a"]]), {}, "numbers"),
        (np.zeros((2, 28, 28)), {"ncols": 0}, "ncols"),
    ],
)
def test_montage_bad_input(images: np.ndarray, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plot_montage(images, **kwargs)


def test_class_examples_on_real_data(medmnist_dir) -> None:
    images, labels = load_medmnist("breastmnist", "test", root=medmnist_dir)
    fig = plot_class_examples(images, labels, ["malignant", "normal, benign"], n_per_class=6)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["0 = malignant (n = 42)", "1 = normal, benign (n = 114)"]
    # Seeded: the same call shows the same images.
    again = plot_class_examples(images, labels, ["malignant", "normal, benign"], n_per_class=6)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), again.axes[0].images[0].get_array())


def test_class_examples_with_an_empty_class() -> None:
    fig = plot_class_examples(np.zeros((3, 28, 28)), np.array([0, 0, 0]), ["a", "b"], n_per_class=2)
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == ["0 = a (n = 3)", "1 = b (n = 0)"]


@pytest.mark.parametrize(
    ("labels", "names", "kwargs", "message"),
    [
        (np.array([0, 1]), ["a", "b"], {}, "labels must be integers of shape"),
        (np.array([0.0, 1.0, 0.0]), ["a", "b"], {}, "labels must be integers"),
        (np.array([0, 1, 2]), ["a", "b"], {}, "label_names"),
        (np.array([0, 1, 1]), ["a", "b"], {"n_per_class": 0}, "n_per_class"),
    ],
)
def test_class_examples_bad_input(labels, names, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        plot_class_examples(np.zeros((3, 28, 28)), labels, names, **kwargs)


def test_okabe_ito_colours() -> None:
    assert len(OKABE_ITO) == 8 and all(c.startswith("#") and len(c) == 7 for c in OKABE_ITO)


from matplotlib.contour import ContourSet  # noqa: E402
from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from medlearn.plotting import plot_svm, svm_margin_width  # noqa: E402


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
    assert ax.get_title() == f"margin width 2/||w|| = {2 / np.linalg.norm(clf.coef_):.2f}, {len(clf.support_vectors_)} support vectors"
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
