"""The evaluation chapter's statements that hold by their formulas or by construction, for any model: code tests.

The chapter states them once (the NPV rises and the accuracy moves towards the specificity as prevalence falls;
Platt and temperature scaling, fitted on validation to minimise the log loss, lower it there) and backs with claims
only what its data could contradict. Here the same formulas and fitting steps as the chapter's cells are checked on
many inputs.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss


def ppv_at(prevalence: float, sensitivity: float, specificity: float) -> float:
    """The evaluation chapter, section 1: Bayes' rule for the PPV."""
    return sensitivity * prevalence / (sensitivity * prevalence + (1 - specificity) * (1 - prevalence))


def npv_at(prevalence: float, sensitivity: float, specificity: float) -> float:
    """The evaluation chapter, section 1: Bayes' rule for the NPV."""
    return specificity * (1 - prevalence) / (specificity * (1 - prevalence) + (1 - sensitivity) * prevalence)


GRID = np.linspace(0.05, 0.99, 8)


@pytest.mark.parametrize("sensitivity", GRID)
@pytest.mark.parametrize("specificity", GRID)
def test_as_prevalence_falls_ppv_falls_npv_rises_accuracy_nears_specificity(
    sensitivity: float, specificity: float
) -> None:
    low, high = 0.05, 0.625  # the chapter's two prevalences
    assert ppv_at(low, sensitivity, specificity) < ppv_at(high, sensitivity, specificity)
    assert npv_at(low, sensitivity, specificity) > npv_at(high, sensitivity, specificity)
    accuracy = low * sensitivity + (1 - low) * specificity
    assert abs(accuracy - specificity) <= abs(accuracy - sensitivity)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("seed", range(5))
def test_platt_and_temperature_scaling_lower_the_log_loss_where_they_are_fitted(seed: int) -> None:
    """The chapter's recipe (section 5) on miscalibrated scores: each repair lowers, or keeps, the log loss of the
    data it was fitted on."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, 500)
    z = (2 * y_true - 1) * rng.uniform(0.5, 3) + rng.normal(0, 1.5, 500) - rng.uniform(0, 2)  # shifted logits
    y_prob = _sigmoid(z)
    platt = LogisticRegression(C=1e6).fit(z[:, None], y_true)
    best = minimize_scalar(
        lambda inverse_t: log_loss(y_true, _sigmoid(inverse_t * z)), bounds=(0.05, 20), method="bounded"
    )
    before = log_loss(y_true, y_prob)
    assert log_loss(y_true, platt.predict_proba(z[:, None])[:, 1]) <= before + 1e-9
    assert log_loss(y_true, _sigmoid(z * best.x)) <= before + 1e-9
