"""Plots that every chapter uses: image montages with a colour bar, examples per class."""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from skimage.util import montage
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.svm import SVC

from ._validation import check_images, check_int

#: Okabe-Ito colours, distinguishable with every common colour-vision deficiency.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

#: Diverging colour map from Okabe-Ito orange (negative, class 0) through white to blue (positive, class 1).
ORANGE_BLUE = LinearSegmentedColormap.from_list("orange_blue", [OKABE_ITO[1], "#FFFFFF", OKABE_ITO[0]])


def _as_image_stack(images: object, argument: str = "images") -> np.ndarray:
    return check_images(images, argument, colours=(3, 4))


def plot_montage(
    images: np.ndarray,
    *,
    ncols: int | None = None,
    ax: Axes | None = None,
    cmap: str = "gray",
    title: str | None = None,
    colorbar_label: str | None = "pixel value",
) -> AxesImage:
    """Show a stack of images as one grid (``skimage.util.montage``) with a colour bar.

    Args:
        images: ``(N, H, W)`` grayscale or ``(N, H, W, 3)`` RGB images.
        ncols: images per row (default: close to square).
        ax: axes to draw on (default: the current axes).
        cmap: colour map for grayscale images.
        title: axes title.
        colorbar_label: label of the colour bar; ``None`` for no colour bar
            (RGB images never get one).

    Returns:
        The ``AxesImage`` drawn.

    Example:
        >>> images = np.random.default_rng(0).integers(0, 255, (8, 28, 28), dtype=np.uint8)
        >>> artist = plot_montage(images, ncols=4, title="examples")
        >>> artist.get_array().shape
        (56, 112)
    """
    stack = _as_image_stack(images)
    if ncols is not None:
        ncols = check_int(ncols, "ncols", min_value=1)
    rgb = stack.ndim == 4
    n = len(stack)
    ncols = int(ncols or np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    fill = 0 if stack.dtype.kind in "ui" else float(stack.min())
    grid = montage(
        stack,
        grid_shape=(nrows, ncols),
        fill=(fill,) * stack.shape[-1] if rgb else fill,
        channel_axis=-1 if rgb else None,
    )
    ax = ax if ax is not None else plt.gca()
    if rgb:
        artist = ax.imshow(grid)
    else:
        vmin, vmax = (0, 255) if stack.dtype == np.uint8 else (None, None)
        artist = ax.imshow(grid, cmap=cmap, vmin=vmin, vmax=vmax)
        if colorbar_label:
            ax.figure.colorbar(artist, ax=ax, label=colorbar_label, fraction=0.046, pad=0.02)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return artist


def plot_class_examples(
    images: np.ndarray,
    labels: np.ndarray,
    label_names: Sequence[str],
    *,
    n_per_class: int = 8,
    seed: int = 0,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """One row per class, each a montage of randomly chosen examples of that class.

    Args:
        images: ``(N, H, W)`` or ``(N, H, W, 3)`` images.
        labels: ``(N,)`` integer class labels.
        label_names: name of each class, indexed by label.
        n_per_class: examples shown per class.
        seed: seed for choosing the examples (the same seed shows the same images).
        figsize: figure size in inches.

    Returns:
        The new figure; each row is titled with the class name, its label and count.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> fig = plot_class_examples(rng.integers(0, 255, (20, 28, 28), dtype=np.uint8),
        ...                           np.arange(20) % 2, ["normal", "pneumonia"], n_per_class=4)
        >>> [ax.get_title() for ax in fig.axes if ax.get_title()]
        ['0 = normal (n = 10)', '1 = pneumonia (n = 10)']
    """
    stack = _as_image_stack(images)
    labels = np.asarray(labels)
    if labels.shape != (len(stack),) or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers of shape ({len(stack)},), not {labels.dtype} {labels.shape}")
    if labels.min() < 0 or labels.max() >= len(label_names):
        raise ValueError(f"labels must lie in 0..{len(label_names) - 1} to match label_names")
    n_per_class = check_int(n_per_class, "n_per_class", min_value=1)
    rng = np.random.default_rng(seed)
    n_classes = len(label_names)
    fig, axes = plt.subplots(n_classes, 1, figsize=figsize or (1.1 * n_per_class + 1.5, 1.5 * n_classes + 0.3),
                             squeeze=False, layout="constrained")
    for label, ax in enumerate(axes[:, 0]):
        members = np.flatnonzero(labels == label)
        title = f"{label} = {label_names[label]} (n = {len(members)})"
        if len(members) == 0:
            ax.set_axis_off()
            ax.set_title(title)
            continue
        chosen = rng.choice(members, size=min(n_per_class, len(members)), replace=False)
        plot_montage(stack[chosen], ncols=n_per_class, ax=ax, title=title)
    return fig


def svm_margin_width(clf: SVC) -> float:
    """Width of a fitted SVM's margin, ``2 / ||w||``, for any kernel.

    ``||w||**2`` is computed from the dual coefficients as
    ``sum_i dual_coef_i * f(sv_i)`` (which equals ``w . w`` because the dual
    coefficients sum to zero), so it also holds in the feature space of an RBF
    kernel. For a linear kernel it equals ``2 / numpy.linalg.norm(clf.coef_)``.

    Example:
        >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [3.0, 0.0], [3.0, 1.0]])
        >>> round(svm_margin_width(SVC(kernel="linear", C=1e6).fit(X, [0, 0, 1, 1])), 6)
        3.0
    """
    if not isinstance(clf, SVC) or not hasattr(clf, "support_vectors_"):
        raise ValueError("clf must be a fitted sklearn.svm.SVC")
    if len(clf.classes_) != 2:
        raise ValueError(f"clf must be a binary SVM; it has {len(clf.classes_)} classes")
    w_squared = float(clf.dual_coef_[0] @ clf.decision_function(clf.support_vectors_))
    return float(2.0 / np.sqrt(w_squared))


def plot_svm(
    clf: SVC,
    X: np.ndarray,
    y: np.ndarray,
    ax: Axes | None = None,
    *,
    class_names: Sequence[str] | None = None,
    feature_names: Sequence[str] = ("feature 1", "feature 2"),
) -> Axes:
    """Draw a fitted 2-D SVM: shaded decision regions, the margin and the support vectors.

    Built on scikit-learn's ``DecisionBoundaryDisplay``: the decision function
    is shaded (orange where it is negative, predicting the first class; blue where
    positive), its contours at -1, 0 and +1 are drawn (solid at 0, the boundary;
    dashed at +-1, the edges of the margin), the training points are coloured by
    class and the support vectors circled. The title gives the margin width
    ``2 / ||w||`` and the number of support vectors.

    Args:
        clf: a fitted binary ``sklearn.svm.SVC`` trained on two features.
        X: ``(N, 2)`` points to draw (usually the training data).
        y: ``(N,)`` labels of ``X``.
        ax: axes to draw on (default: the current axes).
        class_names: legend names of the two classes (default: the labels).
        feature_names: axis labels.

    Returns:
        The axes.

    Example:
        >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [3.0, 0.0], [3.0, 1.0]])
        >>> ax = plot_svm(SVC(kernel="linear", C=1e6).fit(X, [0, 0, 1, 1]), X, [0, 0, 1, 1])
        >>> ax.get_title()
        'margin width 2/||w|| = 3.00, 2 support vectors'
    """
    if not isinstance(clf, SVC) or not hasattr(clf, "support_vectors_"):
        raise ValueError("clf must be a fitted sklearn.svm.SVC")
    points = np.asarray(X, dtype=float)
    labels = np.asarray(y)
    if points.ndim != 2 or points.shape[1] != 2 or clf.support_vectors_.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) and clf be trained on 2 features; X has shape {points.shape}")
    if labels.shape != (len(points),):
        raise ValueError(f"y must have shape ({len(points)},), not {labels.shape}")
    width = svm_margin_width(clf)
    ax = ax if ax is not None else plt.gca()
    names = list(class_names) if class_names is not None else [str(c) for c in clf.classes_]
    shading = DecisionBoundaryDisplay.from_estimator(
        clf, points, response_method="decision_function", plot_method="contourf",
        cmap=ORANGE_BLUE, alpha=0.45, ax=ax, levels=np.linspace(-3, 3, 13), extend="both",
        xlabel=feature_names[0], ylabel=feature_names[1],
    )
    shading.ax_.figure.colorbar(shading.surface_, ax=ax, label="decision function f(x)")
    DecisionBoundaryDisplay.from_estimator(
        clf, points, response_method="decision_function", plot_method="contour",
        levels=[-1, 0, 1], colors="black", linestyles=["--", "-", "--"], linewidths=[1, 2, 1], ax=ax,
    )
    for label, name, colour in zip(clf.classes_, names, (OKABE_ITO[1], OKABE_ITO[0])):  # negative side orange
        chosen = labels == label
        ax.scatter(points[chosen, 0], points[chosen, 1], s=25, color=colour, edgecolors="black",
                   linewidths=0.5, label=name, zorder=3)
    ax.scatter(clf.support_vectors_[:, 0], clf.support_vectors_[:, 1], s=120, facecolors="none",
               edgecolors="black", linewidths=1.2, label="support vectors", zorder=4)
    ax.legend(loc="best", fontsize=8)
    ax.set_title(f"margin width 2/||w|| = {width:.2f}, {len(clf.support_vectors_)} support vectors")
    return ax
