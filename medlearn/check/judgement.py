"""Checks for the instructor guide's judgement exercise "choose a threshold for stated costs".

In a notebook::

    from medlearn.check import judgement as check
    points = check.operating_points()     # real validation results, one row per threshold
    check.expected_cost(expected_cost)
    check.choose_threshold(choose_threshold)

The operating points are computed here, on the real Wisconsin breast-mass measurements
(scikit-learn's ``load_breast_cancer``): a scaled logistic regression fitted on 60 % of the cases
and scored on the other 40 %, with malignant as the positive class.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from .._validation import check_number
from .core import Wrong, as_number, call, task

__all__ = ["THRESHOLDS", "choose_threshold", "expected_cost", "operating_points"]

THRESHOLDS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
# (prevalence, cost of a missed cancer, cost of a false alarm): the guide's scenario comes first.
SCENARIOS = (
    (0.05, 49.0, 1.0),
    (0.05, 20.0, 1.0),
    (0.05, 1.0, 1.0),
    (0.37, 5.0, 1.0),
    (0.01, 100.0, 1.0),
    (0.2, 1.0, 4.0),
)


@cache
def _points() -> tuple[tuple[float, float, float], ...]:
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    malignant = (y == 0).astype(int)  # in this dataset, 0 is malignant
    X_fit, X_val, y_fit, y_val = train_test_split(X, malignant, test_size=0.4, stratify=malignant, random_state=0)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000)).fit(X_fit, y_fit)
    p = model.predict_proba(X_val)[:, 1]
    rows = []
    for t in THRESHOLDS:
        called = p >= t
        sensitivity = float(called[y_val == 1].mean())
        specificity = float((~called[y_val == 0]).mean())
        rows.append((t, round(sensitivity, 3), round(specificity, 3)))
    return tuple(rows)


def operating_points() -> dict[str, np.ndarray]:
    """Sensitivity and specificity at each of :data:`THRESHOLDS`, on real validation cases.

    Example:
        >>> points = operating_points()
        >>> list(points)
        ['threshold', 'sensitivity', 'specificity']
        >>> bool(np.all(np.diff(points["sensitivity"]) <= 0))   # a higher threshold misses more
        True
    """
    rows = np.array(_points())
    return {"threshold": rows[:, 0], "sensitivity": rows[:, 1], "specificity": rows[:, 2]}


def _cost(sensitivity: float, specificity: float, prevalence: float, miss: float, alarm: float) -> float:
    return 1000 * (prevalence * (1 - sensitivity) * miss + (1 - prevalence) * (1 - specificity) * alarm)


def _scenario_costs(prevalence: float, cost_miss: float, cost_false_alarm: float) -> np.ndarray:
    """Expected cost per 1,000 people screened at each threshold of :func:`operating_points`.

    (Private, so that the exercise's answer is not one call away in a learner's ``medlearn``.)
    """
    prevalence = check_number(prevalence, "prevalence", low=0, high=1)
    cost_miss = check_number(cost_miss, "cost_miss", low=0)
    cost_false_alarm = check_number(cost_false_alarm, "cost_false_alarm", low=0)
    points = operating_points()
    return np.array(
        [
            _cost(se, sp, prevalence, cost_miss, cost_false_alarm)
            for se, sp in zip(points["sensitivity"], points["specificity"])
        ]
    )


@task(
    hints=[
        "Per 1,000 people: 1000 x prevalence have the disease; a share (1 - sensitivity) of them is missed. "
        "1000 x (1 - prevalence) do not; a share (1 - specificity) of them gets a false alarm.",
        "Cost = missed x cost_miss + false alarms x cost_false_alarm.",
    ]
)
def expected_cost(function: Any) -> None:
    for se, sp, prev, miss, alarm in ((0.9, 0.8, 0.05, 20, 1), (0.99, 0.5, 0.3, 10, 2), (0.7, 0.95, 0.01, 100, 1)):
        want = _cost(se, sp, prev, miss, alarm)
        got = as_number(call(function, se, sp, prev, miss, alarm), "your expected cost")
        if np.isclose(got, want, rtol=1e-6):
            continue
        if np.isclose(got, want / 1000, rtol=1e-6):
            raise Wrong("that is the cost per person; the task asks per 1,000 people.")
        if np.isclose(got, 1000 * ((1 - se) * miss + (1 - sp) * alarm), rtol=1e-6):
            raise Wrong("the prevalence is missing: misses happen only among the people with the disease.")
        if np.isclose(got, 1000 * (prev * (1 - se) + (1 - prev) * (1 - sp)), rtol=1e-6):
            raise Wrong("that counts errors; weight each kind by its cost.")
        if np.isclose(got, 1000 * (prev * (1 - sp) * miss + (1 - prev) * (1 - se) * alarm), rtol=1e-6):
            raise Wrong("sensitivity and specificity are swapped: a miss is a sick person the test calls negative.")
        raise Wrong(f"for sensitivity {se}, specificity {sp}, prevalence {prev}: expected {want:.1f}, got {got:.1f}.")


@task(
    hints=[
        "For each threshold, compute the expected cost per 1,000 people with the stated prevalence and costs; "
        "return the threshold with the lowest cost.",
        "Use the prevalence of the people the test will meet, not the share of cancers in this dataset.",
    ]
)
def choose_threshold(function: Any) -> None:
    points = operating_points()
    for prevalence, miss, alarm in SCENARIOS:
        costs = _scenario_costs(prevalence, miss, alarm)
        got = as_number(call(function, operating_points(), prevalence, miss, alarm), "your threshold")
        best = points["threshold"][np.isclose(costs, costs.min())]
        if np.any(np.isclose(got, best)):
            continue
        if not np.any(np.isclose(got, points["threshold"])):
            raise Wrong(f"return one of the table's thresholds {list(points['threshold'])}, not {got}.")
        errors = _scenario_costs(prevalence, 1.0, 1.0)
        if np.any(np.isclose(got, points["threshold"][np.isclose(errors, errors.min())])) and miss != alarm:
            raise Wrong(
                "that threshold makes the fewest errors, but a missed cancer and a false alarm cost differently."
            )
        share = _scenario_costs(0.37, miss, alarm)
        if np.any(np.isclose(got, points["threshold"][np.isclose(share, share.min())])):
            raise Wrong("you used the dataset's share of cancers; use the stated prevalence.")
        raise Wrong(
            f"at prevalence {prevalence}, a miss costing {miss:g} and a false alarm {alarm:g}, threshold {got:g} "
            f"costs {costs[np.isclose(points['threshold'], got)][0]:.0f} per 1,000; another costs {costs.min():.0f}."
        )
