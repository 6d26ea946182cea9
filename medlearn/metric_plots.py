"""Figures of a diagnostic model's performance: ROC and precision-recall curves, the reliability diagram.

The numbers behind them are in :mod:`medlearn.metrics`. Like every figure
helper of the course, each takes ``ax=None`` (here two Axes, one per panel),
draws there or on a new figure, and returns the Axes it drew on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, precision_recall_curve, roc_auc_score, roc_curve

from ._validation import check_binary_labels, check_int, check_scores
from .colours import OKABE_ITO
from .metrics import clinical_metrics
from .plotting import panels

__all__ = ["plot_calibration", "plot_roc_pr"]


def _score_sets(y_score: object, n: int) -> dict[str, np.ndarray]:
    if isinstance(y_score, Mapping):
        if not y_score:
            raise ValueError("y_score must not be an empty dict")
        return {str(name): check_scores(s, f"y_score[{name!r}]", n) for name, s in y_score.items()}
    return {"model": check_scores(y_score, "y_score", n)}


def plot_roc_pr(
    y_true: object,
    y_score: object,
    *,
    operating_point: float | None = None,
    ax: Sequence[Axes] | None = None,
) -> np.ndarray:
    """The ROC curve and the precision-recall curve side by side, with their chance levels.

    Args:
        y_true: true labels, 1 = the condition.
        y_score: scores of one model, or a dict ``{name: scores}`` to compare models.
        operating_point: a threshold to mark on every curve (for example one chosen on validation).
        ax: two Axes, for the ROC and the precision-recall curve (default: a new figure).

    Returns:
        The two Axes: ROC (with AUC in the legend), then precision-recall
        (with average precision).

    Example:
        >>> roc_ax, pr_ax = plot_roc_pr([0, 0, 1, 1], {"a": [0.1, 0.4, 0.35, 0.8]})
        >>> roc_ax.get_xlabel(), pr_ax.get_xlabel()
        ('1 - specificity (false positive rate)', 'recall (sensitivity)')
    """
    truth = check_binary_labels(y_true, "y_true", both_classes=True)
    sets = _score_sets(y_score, len(truth))
    roc_ax, pr_ax = axes = panels(ax, 2, ncols=2, figsize=(11.0, 4.2))
    for index, (name, scores) in enumerate(sets.items()):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        fpr, tpr, _ = roc_curve(truth, scores)
        roc_ax.plot(fpr, tpr, color=colour, label=f"{name} (AUC = {roc_auc_score(truth, scores):.2f})")
        precision, recall, _ = precision_recall_curve(truth, scores)
        pr_ax.step(
            recall,
            precision,
            where="post",
            color=colour,
            label=f"{name} (AP = {average_precision_score(truth, scores):.2f})",
        )
        if operating_point is not None:
            called = scores >= operating_point
            m = clinical_metrics(truth, called)
            roc_ax.plot(1 - m["specificity"], m["sensitivity"], "o", color=colour, markersize=8)
            if called.any():
                pr_ax.plot(m["sensitivity"], m["ppv"], "o", color=colour, markersize=8)
    roc_ax.plot([0, 1], [0, 1], ":", color="0.5", label="chance (AUC = 0.5)")
    prevalence = truth.mean()
    pr_ax.axhline(prevalence, linestyle=":", color="0.5", label=f"chance (prevalence {prevalence:.2f})")
    roc_ax.set(
        xlabel="1 - specificity (false positive rate)", ylabel="sensitivity (true positive rate)", title="ROC curve"
    )
    pr_ax.set(xlabel="recall (sensitivity)", ylabel="precision (PPV)", title="precision-recall curve", ylim=(0, 1.02))
    for ax in (roc_ax, pr_ax):
        ax.legend(loc="lower right" if ax is roc_ax else "lower left", fontsize=8)
    return axes


def plot_calibration(
    y_true: object, y_prob: object, *, n_bins: int = 10, ax: Sequence[Axes] | None = None
) -> np.ndarray:
    """A reliability diagram: predicted probability against the observed frequency, with the cases per bin below.

    Args:
        y_true: true labels, 1 = the condition.
        y_prob: predicted probabilities of the condition, in [0, 1] (one model,
            or a dict ``{name: probabilities}``).
        n_bins: equal-width bins of predicted probability.
        ax: two Axes, for the diagram and the histogram below it (default: a new
            figure, the diagram three times as tall as the histogram).

    Returns:
        The two Axes: the diagram (the Brier score of each model in the
        legend), then a histogram of the predicted probabilities.

    Example:
        >>> diagram, counts = plot_calibration([0, 0, 1, 1, 1], [0.1, 0.3, 0.6, 0.8, 0.9], n_bins=5)
        >>> counts.get_ylabel()
        'cases'
    """
    truth = check_binary_labels(y_true, "y_true", both_classes=True)
    sets = _score_sets(y_prob, len(truth))
    if any(np.any((p < 0) | (p > 1)) for p in sets.values()):
        raise ValueError(
            "y_prob must be probabilities in [0, 1]; scores such as an SVM's decision values need calibrating first"
        )
    n_bins = check_int(n_bins, "n_bins", min_value=2, max_value=100)
    top, bottom = axes = panels(ax, 2, nrows=2, figsize=(6.0, 5.5), sharex=True, height_ratios=[3, 1])
    top.plot([0, 1], [0, 1], ":", color="0.5", label="perfectly calibrated")
    edges = np.linspace(0, 1, n_bins + 1)
    for index, (name, prob) in enumerate(sets.items()):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        observed, predicted = calibration_curve(truth, prob, n_bins=n_bins, strategy="uniform")
        brier = brier_score_loss(truth, prob)
        top.plot(predicted, observed, "o-", color=colour, label=f"{name} (Brier {brier:.3f})")
        bottom.hist(prob, bins=edges, color=colour, alpha=0.6 if len(sets) > 1 else 1.0, label=name)
    top.set(ylabel="observed fraction with the condition", title="reliability diagram", xlim=(0, 1), ylim=(0, 1))
    top.legend(loc="upper left", fontsize=8)
    bottom.set(xlabel="predicted probability", ylabel="cases")
    return axes
