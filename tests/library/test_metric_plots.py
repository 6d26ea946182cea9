"""medlearn.metric_plots: the figures show the numbers that medlearn.metrics and scikit-learn compute."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import scored_labels
from sklearn.metrics import brier_score_loss, roc_auc_score

from medlearn.metric_plots import plot_calibration, plot_roc_pr
from medlearn.metrics import clinical_metrics

# plots ----------------------------------------------------------------------------------------


def test_plot_roc_pr_shows_the_auc_and_the_chance_levels() -> None:
    y, p = scored_labels()
    q = np.clip(p + np.random.default_rng(3).normal(0, 0.3, len(p)), 0, 1)
    roc_ax, pr_ax = plot_roc_pr(y, {"good": p, "noisy": q}, operating_point=0.5)
    assert roc_ax.figure is pr_ax.figure and len(roc_ax.figure.axes) == 2
    labels = [t.get_text() for t in roc_ax.get_legend().get_texts()]
    assert any(f"{roc_auc_score(y, p):.2f}" in label and "good" in label for label in labels)
    assert any(f"{y.mean():.2f}" in t.get_text() for t in pr_ax.get_legend().get_texts())
    m = clinical_metrics(y, p >= 0.5)
    marker = [line for line in roc_ax.get_lines() if line.get_marker() == "o"][0]
    assert marker.get_xdata()[0] == pytest.approx(1 - m["specificity"])
    assert marker.get_ydata()[0] == pytest.approx(m["sensitivity"])


def test_plot_calibration_reports_brier_and_counts() -> None:
    y, p = scored_labels(500)
    top, bottom = plot_calibration(y, p, n_bins=5)
    assert f"{brier_score_loss(y, p):.3f}" in top.get_legend().get_texts()[1].get_text()
    assert sum(patch.get_height() for patch in bottom.patches) == len(y)
    assert bottom.get_xlabel() == "predicted probability"


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda: plot_calibration([0, 1, 1], [0.2, 1.4, 0.5]), "probabilities"),
        (lambda: plot_calibration([0, 1, 1], [0.2, 0.4, 0.5], n_bins=1), "n_bins"),
        (lambda: plot_roc_pr([0, 1, 1], {}), "empty"),
        (lambda: plot_roc_pr([0, 1, 1], [0.1, 0.2]), "y_score"),
        (lambda: plot_roc_pr([1, 1, 1], [0.1, 0.2, 0.3]), "both classes"),
    ],
)
def test_plots_reject_bad_input(call, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        call()
