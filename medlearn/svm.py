"""A fitted support vector machine's geometry and its picture: the margin width and the 2-D decision plot.

Example:
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [3.0, 0.0], [3.0, 1.0]])
    >>> round(svm_margin_width(SVC(kernel="linear", C=1e6).fit(X, [0, 0, 1, 1])), 2)
    3.0
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.svm import SVC

from ._validation import check_fitted
from .colours import OKABE_ITO, ORANGE_BLUE
from .plotting import panels

__all__ = ["plot_svm", "svm_margin_width"]


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
    check_fitted(clf, "clf", kind=SVC)
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
        ax: the Axes to draw on (default: a new figure).
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
    check_fitted(clf, "clf", kind=SVC)
    points = np.asarray(X, dtype=float)
    labels = np.asarray(y)
    if points.ndim != 2 or points.shape[1] != 2 or clf.support_vectors_.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) and clf be trained on 2 features; X has shape {points.shape}")
    if labels.shape != (len(points),):
        raise ValueError(f"y must have shape ({len(points)},), not {labels.shape}")
    width = svm_margin_width(clf)
    ax = panels(ax, 1)[0]
    names = list(class_names) if class_names is not None else [str(c) for c in clf.classes_]
    shading = DecisionBoundaryDisplay.from_estimator(
        clf,
        points,
        response_method="decision_function",
        plot_method="contourf",
        cmap=ORANGE_BLUE,
        alpha=0.45,
        ax=ax,
        levels=np.linspace(-3, 3, 13),
        extend="both",
        xlabel=feature_names[0],
        ylabel=feature_names[1],
    )
    shading.ax_.figure.colorbar(shading.surface_, ax=ax, label="decision function f(x)")
    DecisionBoundaryDisplay.from_estimator(
        clf,
        points,
        response_method="decision_function",
        plot_method="contour",
        levels=[-1, 0, 1],
        colors="black",
        linestyles=["--", "-", "--"],
        linewidths=[1, 2, 1],
        ax=ax,
    )
    for label, name, colour in zip(clf.classes_, names, (OKABE_ITO[1], OKABE_ITO[0])):  # negative side orange
        chosen = labels == label
        ax.scatter(
            points[chosen, 0],
            points[chosen, 1],
            s=25,
            color=colour,
            edgecolors="black",
            linewidths=0.5,
            label=name,
            zorder=3,
        )
    ax.scatter(
        clf.support_vectors_[:, 0],
        clf.support_vectors_[:, 1],
        s=120,
        facecolors="none",
        edgecolors="black",
        linewidths=1.2,
        label="support vectors",
        zorder=4,
    )
    ax.legend(loc="best", fontsize=8)
    ax.set_title(f"margin width 2/||w|| = {width:.2f}, {len(clf.support_vectors_)} support vectors")
    return ax
