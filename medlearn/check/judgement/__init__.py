"""Checks for the instructor guide's judgement exercise "choose a threshold for stated costs".

In a notebook::

    from medlearn.check import judgement as check
    points = check.operating_points()     # real validation results, one row per threshold
    check.expected_cost(expected_cost)
    check.choose_threshold(choose_threshold)

The operating points are computed here, on the real Wisconsin breast-mass measurements (scikit-learn's
``load_breast_cancer``): a scaled logistic regression fitted on 60 % of the cases and scored on the other 40 %, with
malignant as the positive class.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from ..._validation import check_number
from ..core import Mistake, Wrong, as_number, compared

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
    called = model.predict_proba(X_val)[:, 1][None, :] >= np.array(THRESHOLDS)[:, None]
    sensitivity, specificity = called[:, y_val == 1].mean(axis=1), (~called[:, y_val == 0]).mean(axis=1)
    return tuple(
        (t, round(float(se), 3), round(float(sp), 3)) for t, se, sp in zip(THRESHOLDS, sensitivity, specificity)
    )


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


def _cost(sensitivity: Any, specificity: Any, prevalence: float, miss: float, alarm: float) -> Any:
    return 1000 * (prevalence * (1 - sensitivity) * miss + (1 - prevalence) * (1 - specificity) * alarm)


def _scenario_costs(prevalence: float, cost_miss: float, cost_false_alarm: float) -> np.ndarray:
    """Expected cost per 1,000 people screened at each threshold of :func:`operating_points` (private: the answer)."""
    prevalence = check_number(prevalence, "prevalence", low=0, high=1)
    cost_miss = check_number(cost_miss, "cost_miss", low=0)
    cost_false_alarm = check_number(cost_false_alarm, "cost_false_alarm", low=0)
    points = operating_points()
    return _cost(points["sensitivity"], points["specificity"], prevalence, cost_miss, cost_false_alarm)


def _best(prevalence: float, miss: float, alarm: float) -> float:
    return float(THRESHOLDS[np.argmin(_scenario_costs(prevalence, miss, alarm))])


def _threshold(value: Any, *_: Any) -> float:
    got, thresholds = as_number(value, "your threshold"), operating_points()["threshold"]
    if not np.any(np.isclose(got, thresholds)):
        raise Wrong(f"return one of the table's thresholds {list(thresholds)}, not {got}.")
    return got


def _costly(got: float, want: float, points: dict, prevalence: float, miss: float, alarm: float) -> str:
    costs = _scenario_costs(prevalence, miss, alarm)
    return (
        f"at prevalence {prevalence}, a miss costing {miss:g} and a false alarm {alarm:g}, threshold {got:g} "
        f"costs {costs[np.isclose(points['threshold'], got)][0]:.0f} per 1,000; another costs {costs.min():.0f}."
    )


@compared(
    "Per 1,000 people: 1000 x prevalence have the disease; a share (1 - sensitivity) of them is missed. "
    "1000 x (1 - prevalence) do not; a share (1 - specificity) of them gets a false alarm.",
    "Cost = missed x cost_miss + false alarms x cost_false_alarm.",
    cases=lambda: [(0.9, 0.8, 0.05, 20, 1), (0.99, 0.5, 0.3, 10, 2), (0.7, 0.95, 0.01, 100, 1)],
    read=lambda value, *_: as_number(value, "your expected cost"),
    same=lambda got, want: bool(np.isclose(got, want, rtol=1e-6)),
    mistakes=[
        Mistake(
            "per person",
            lambda *case: _cost(*case) / 1000,
            "that is the cost per person; the task asks per 1,000 people.",
        ),
        Mistake(
            "no prevalence",
            lambda se, sp, prev, miss, alarm: 1000 * ((1 - se) * miss + (1 - sp) * alarm),
            "the prevalence is missing: misses happen only among the people with the disease.",
        ),
        Mistake(
            "errors",
            lambda se, sp, prev, *_: _cost(se, sp, prev, 1, 1),
            "that counts errors; weight each kind by its cost.",
        ),
        Mistake(
            "swapped",
            lambda se, sp, *rest: _cost(sp, se, *rest),
            "sensitivity and specificity are swapped: a miss is a sick person the test calls negative.",
        ),
    ],
    otherwise=lambda got, want, se, sp, prev, *_: (
        f"for sensitivity {se}, specificity {sp}, prevalence {prev}: expected {want:.1f}, got {got:.1f}."
    ),
)
def expected_cost(se: float, sp: float, prev: float, miss: float, alarm: float) -> float:
    return _cost(se, sp, prev, miss, alarm)


@compared(
    "For each threshold, compute the expected cost per 1,000 people with the stated prevalence and costs; "
    "return the threshold with the lowest cost.",
    "Use the prevalence of the people the test will meet, not the share of cancers in this dataset.",
    cases=lambda: [(operating_points(), *scenario) for scenario in SCENARIOS],
    read=_threshold,
    same=lambda got, want: bool(np.isclose(got, want)),
    mistakes=[
        Mistake(
            "fewest errors",
            lambda points, prevalence, *_: _best(prevalence, 1.0, 1.0),
            "that threshold makes the fewest errors, but a missed cancer and a false alarm cost differently.",
            spot=lambda got, want, points, prevalence, miss, alarm: (
                miss != alarm and np.isclose(got, _best(prevalence, 1.0, 1.0))
            ),
        ),
        Mistake(
            "dataset's share",
            lambda points, prevalence, miss, alarm: _best(0.37, miss, alarm),
            "you used the dataset's share of cancers; use the stated prevalence.",
        ),
    ],
    otherwise=_costly,
)
def choose_threshold(points: dict, prevalence: float, miss: float, alarm: float) -> float:
    return _best(prevalence, miss, alarm)
