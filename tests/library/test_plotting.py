"""Montages and per-class example grids."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from medlearn.colours import OKABE_ITO
from medlearn.data import load_medmnist
from medlearn.plotting import panels, plot_class_examples, plot_history, plot_montage


def test_montage_grid_and_colour_bar() -> None:
    images = np.arange(10 * 28 * 28, dtype=np.float64).reshape(10, 28, 28)
    fig, ax = plt.subplots()
    assert plot_montage(images, ncols=5, ax=ax, title="ten", colorbar_label="intensity (a.u.)") is ax
    grid = ax.images[0].get_array()
    assert grid.shape == (56, 140)
    np.testing.assert_array_equal(grid[28:56, 0:28], images[5])  # row-major order
    assert ax.get_title() == "ten"
    colorbars = [a for a in fig.axes if a is not ax]
    assert len(colorbars) == 1 and colorbars[0].get_ylabel() == "intensity (a.u.)"


def test_uint8_montage_uses_the_full_byte_range() -> None:
    ax = plot_montage(np.full((4, 28, 28), 100, dtype=np.uint8))
    assert ax.images[0].get_clim() == (0, 255)


def test_rgb_montage_has_no_colour_bar() -> None:
    fig, ax = plt.subplots()
    plot_montage(np.zeros((3, 28, 28, 3), dtype=np.uint8), ax=ax)
    assert ax.images[0].get_array().shape == (56, 56, 3)  # 2 x 2 grid, one empty cell
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
    axes = plot_class_examples(images, labels, ["malignant", "normal, benign"], n_per_class=6)
    titles = [ax.get_title() for ax in axes]
    assert titles == ["0 = malignant (n = 42)", "1 = normal, benign (n = 114)"]
    # Seeded: the same call shows the same images.
    again = plot_class_examples(images, labels, ["malignant", "normal, benign"], n_per_class=6)
    np.testing.assert_array_equal(axes[0].images[0].get_array(), again[0].images[0].get_array())


def test_class_examples_with_an_empty_class() -> None:
    axes = plot_class_examples(np.zeros((3, 28, 28)), np.array([0, 0, 0]), ["a", "b"], n_per_class=2)
    assert [ax.get_title() for ax in axes] == ["0 = a (n = 3)", "1 = b (n = 0)"]


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


def test_panels_makes_checks_and_passes_through() -> None:
    made = panels(None, 3, ncols=3)
    assert made.shape == (3,) and len({ax.figure for ax in made}) == 1
    fig, axes = plt.subplots(1, 2)
    assert list(panels(axes, 2)) == list(axes) and panels(axes[0], 1)[0] is axes[0]
    for bad, n in [(axes, 3), (axes[0], 2), ("ax", 1), ([axes[0], "x"], 2)]:
        with pytest.raises(ValueError, match="^ax must be None or"):
            panels(bad, n)


# The plotting convention, for every figure helper of the library -------------------------------


def _helpers():
    """Every public plot_* and overlay_* function in medlearn, found by walking the package."""
    import importlib
    import inspect
    import pkgutil

    import medlearn

    found = {}
    for info in pkgutil.walk_packages(medlearn.__path__, "medlearn."):
        if info.name.endswith("__main__") or ".check" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith(("plot_", "overlay_")) and inspect.isfunction(obj) and obj.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = obj
    return found


def _example_calls():
    """One valid call per helper: (positional arguments, keyword arguments, number of panels).

    Helpers whose number of panels depends on the data (one per class, one per
    metric) return an array even when it holds one Axes; they are listed in MANY.
    """
    from sklearn.svm import SVC

    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(20, int), np.ones(20, int)]
    p = np.clip(y * 0.5 + rng.random(40) * 0.5, 0, 1)
    X = rng.normal(size=(40, 2)) + y[:, None]
    return {
        "medlearn.plotting.plot_montage": ((np.zeros((4, 8, 8)),), {}, 1),
        "medlearn.plotting.plot_class_examples": ((np.zeros((4, 8, 8)), np.array([0, 1, 0, 1]), ["a", "b"]), {}, 2),
        "medlearn.svm.plot_svm": ((SVC(kernel="linear").fit(X, y), X, y), {}, 1),
        "medlearn.metric_plots.plot_roc_pr": ((y, p), {}, 2),
        "medlearn.metric_plots.plot_calibration": ((y, p), {}, 2),
        "medlearn.plotting.plot_history": (({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]},), {}, 1),
        "medlearn.saliency.overlay_heatmap": ((np.zeros((8, 8)), np.full((8, 8), 0.5)), {}, 1),
        "medlearn.plotting.plot_survival_curves": (({"all": ([1, 1, 0, 1], [2.0, 3.0, 3.0, 5.0])},), {}, 1),
    }


MANY = {
    "medlearn.plotting.plot_class_examples",
    "medlearn.metric_plots.plot_roc_pr",
    "medlearn.metric_plots.plot_calibration",
    "medlearn.plotting.plot_history",
}


def test_every_figure_helper_has_an_example_call() -> None:
    assert sorted(_helpers()) == sorted(_example_calls()), "add the new figure helper to _example_calls"


@pytest.mark.parametrize("name", sorted(_example_calls()))
def test_figure_helpers_follow_the_convention(name: str) -> None:
    """ax=None makes a new figure; given Axes are drawn on and returned; nothing else is created."""
    import inspect

    function = _helpers()[name]
    args, kwargs, n = _example_calls()[name]
    assert inspect.signature(function).parameters["ax"].default is None, f"{name} must take ax=None"
    made = function(*args, **kwargs)
    many = name in MANY
    assert isinstance(made, np.ndarray) if many else isinstance(made, plt.Axes)
    made_axes = list(made) if many else [made]
    assert all(isinstance(ax, plt.Axes) for ax in made_axes) and len(made_axes) == n
    figures_before = plt.get_fignums()
    fig, given = plt.subplots(1, n, squeeze=False)
    given = list(given[0])
    returned = function(*args, ax=given if many else given[0], **kwargs)
    assert list(returned) == given if many else returned is given[0]
    assert plt.get_fignums() == figures_before + [fig.number], f"{name} made a figure although ax was given"
    assert all(ax.has_data() or ax.images for ax in given), f"{name} left a given Axes empty"


def test_error_overlay_colours_each_kind_of_pixel() -> None:
    from matplotlib.colors import to_rgb

    from medlearn.colours import ERROR_COLOURS
    from medlearn.plotting import error_overlay

    truth = np.array([[1, 1, 0, 0, 1]], bool)
    pred = np.array([[1, 0, 1, 0, 1]], bool)
    region = np.array([[1, 1, 1, 1, 0]], bool)
    picture = error_overlay(truth, pred, region)
    kinds = ["true positive", "false negative", "false positive", "true negative", "outside"]
    assert picture.shape == (1, 5, 3)
    for column, kind in enumerate(kinds):
        assert np.allclose(picture[0, column], to_rgb(ERROR_COLOURS[kind]))
    assert len({ERROR_COLOURS[k] for k in kinds}) == 5
    assert np.allclose(error_overlay(truth, pred)[0, 4], to_rgb(ERROR_COLOURS["true positive"]))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((np.zeros((2, 2, 2), bool), np.zeros((2, 2, 2), bool)), "y_true"),
        ((np.zeros((2, 2), bool), np.zeros((2, 3), bool)), "y_pred"),
        ((np.zeros((2, 2), bool), np.zeros((2, 2), bool), np.zeros((3, 2), bool)), "mask"),
        ((np.full((2, 2), 3), np.zeros((2, 2), bool)), "y_true"),
    ],
)
def test_error_overlay_bad_input(args, message: str) -> None:
    from medlearn.plotting import error_overlay

    with pytest.raises(ValueError, match=message):
        error_overlay(*args)


def test_plot_history_marks_the_best_epoch() -> None:
    record = {
        "loss": [0.7, 0.5, 0.4, 0.3],
        "val_loss": [0.65, 0.5, 0.45, 0.5],
        "auc": [0.6, 0.8, 0.9, 0.95],
        "val_auc": [0.6, 0.85, 0.8, 0.84],
    }
    axes = plot_history(record)
    assert [ax.get_title() for ax in axes] == ["loss", "auc"]
    loss_ax, auc_ax = axes
    assert [line.get_label() for line in loss_ax.get_lines()] == ["training", "validation", "best validation (epoch 3)"]
    assert auc_ax.get_lines()[2].get_label() == "best validation (epoch 2)"  # the highest AUC, not the lowest
    assert loss_ax.get_xlabel() == "epoch"
    plt.close("all")


@pytest.mark.parametrize(
    ("history", "message"), [({}, "non-empty"), ({"loss": [1.0]}, "validation twin"), ("text", "History")]
)
def test_plot_history_bad_input(history, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plot_history(history)
    with pytest.raises(ValueError, match="not in the history"):
        plot_history({"loss": [1.0], "val_loss": [1.0]}, metrics=["auc"])
