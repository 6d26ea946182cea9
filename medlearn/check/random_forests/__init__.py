"""Checks for the exercises of the random_forests chapter, decision trees and random forests.

In the exercise notebook::

    from medlearn.check import random_forests as check
    check.gini(gini)

The checks use the Wisconsin breast cancer and diabetes data that ship with scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, mean_absolute_error, r2_score
from sklearn.tree import DecisionTreeClassifier

from ..core import Mistake, Wrong, as_array, as_number, call, close, compared, task
from . import _data, _training
from ._data import wisconsin_split
from ._fit_forest import fit_forest

__all__ = [
    "balanced_forest",
    "best_threshold",
    "fit_forest",
    "gini",
    "permutation_drop",
    "regression_scores",
    "weighted_gini",
    "wisconsin_split",
]


def _gini(labels: np.ndarray) -> float:
    p = np.bincount(labels) / len(labels)
    return float(1 - np.sum(p**2))


def _fractions(labels: np.ndarray) -> np.ndarray:
    return np.bincount(labels) / len(labels)


def _entropy(labels: np.ndarray) -> float:
    p = _fractions(labels)
    return -np.sum(p[p > 0] * np.log2(p[p > 0]))


@compared(
    "Count each class (np.bincount) and divide by the number of cases to get the fractions p_k.",
    "G = 1 - sum of p_k squared: 0 for a pure node, 0.5 for a 50/50 node of two classes.",
    cases=lambda: [
        (np.array([0, 0, 1, 1]),),
        (np.array([1, 1, 1, 1]),),
        (np.array([0, 1, 1, 1, 1, 1, 1, 0, 1, 1]),),
        (np.array([0, 1, 2, 2]),),
    ],
    read=lambda value, _: as_number(value, "the Gini impurity"),
    mistakes=[
        Mistake(
            "not squared",
            lambda labels: 1 - np.sum(_fractions(labels)),
            "square the class fractions: G = 1 - sum of p_k squared.",
        ),
        Mistake(
            "agreement",
            lambda labels: np.sum(_fractions(labels) ** 2),
            "that is sum p_k**2, the chance that two random cases agree; the impurity is 1 minus it.",
        ),
        Mistake(
            "entropy",
            _entropy,
            "that is the entropy, another impurity; this task asks for the Gini impurity 1 - sum p_k**2.",
        ),
    ],
    otherwise=lambda value, want, labels: f"for labels {labels} you returned {value:.4g}, expected {want:.4g}.",
)
def gini(labels: np.ndarray) -> float:
    return _gini(labels)


@compared(
    "Compute the Gini impurity of each child separately.",
    "Weight each by its share of the cases: (n_left * G_left + n_right * G_right) / (n_left + n_right).",
    cases=lambda: [(np.array([0, 0, 0, 1]), np.array([1, 1, 1, 1, 1, 1, 1, 0]))],  # impurities 0.375 and 0.219
    read=lambda value, *_: as_number(value, "the weighted Gini impurity"),
    mistakes=[
        Mistake(
            "plain mean",
            lambda left, right: (_gini(left) + _gini(right)) / 2,
            "you took the plain mean; weight each child by its number of cases (4 and 8 here).",
        ),
        Mistake(
            "parent",
            lambda left, right: _gini(np.r_[left, right]),
            "that is the impurity of the parent node; compute each child's impurity and weight them by size.",
        ),
    ],
    otherwise=lambda value, want, *_: f"you returned {value:.4g}, expected {want:.4g} for children of 4 and 8 cases.",
)
def weighted_gini(left: np.ndarray, right: np.ndarray) -> float:
    return (len(left) * _gini(left) + len(right) * _gini(right)) / (len(left) + len(right))


@compared(
    "Candidates: the midpoints between neighbouring distinct values, (values[:-1] + values[1:]) / 2 with values = "
    "np.unique(x).",
    "For each candidate t, split into x <= t and x > t and compute the weighted Gini of the two sides; keep the "
    "lowest.",
    cases=_data.threshold_cases,
    arguments=lambda feature, x, y: (x, y),
    read=lambda value, *_: as_number(value, "your threshold"),
    same=lambda got, want: close(got, want, rtol=1e-6),
    mistakes=[
        Mistake(
            "a value itself",
            lambda x, y: float(np.median(x)),
            lambda got, feature, *_: (
                f"for {feature} you returned {got:.4g}, one of the values themselves; scikit-learn splits halfway "
                "between neighbouring values: try the midpoints (values[:-1] + values[1:]) / 2."
            ),
            spot=lambda got, want, feature, x, y: np.any(np.isclose(got, np.unique(x))),
        )
    ],
    otherwise=lambda got, want, feature, *_: (
        f"for {feature} the split with the lowest weighted Gini is at {want:.4g}; you returned {got:.4g}. "
        "Is the left side x <= threshold?"
    ),
)
def best_threshold(x: np.ndarray, y: np.ndarray) -> float:
    return DecisionTreeClassifier(max_depth=1, random_state=0).fit(x[:, None], y).tree_.threshold[0]


def _pair(value: Any) -> np.ndarray:
    values = as_array(value, "your (MAE, R2) pair")
    if values.shape != (2,):
        raise Wrong(f"return two numbers, (MAE, R2); yours has shape {values.shape}.")
    return values


def _r2_about_predictions(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return 1 - np.sum((y_true - y_pred) ** 2) / np.sum((y_pred - y_pred.mean()) ** 2)


def _mae_wrong(got: np.ndarray, t: np.ndarray, p: np.ndarray) -> bool:
    return not np.isclose(got[0], mean_absolute_error(t, p))


@compared(
    "MAE = mean(|y_true - y_pred|), in the units of the target.",
    "R2 = 1 - sum((y_true - y_pred)**2) / sum((y_true - y_true.mean())**2): 0 for always predicting the mean.",
    cases=lambda: [_data.diabetes_predictions()],
    read=lambda value, *_: _pair(value),
    # The first number is judged before the second, as a learner reads them.
    mistakes=[
        Mistake(
            "squared error",
            lambda t, p: (np.mean((t - p) ** 2), r2_score(t, p)),
            "your first number is the mean squared error; MAE is the mean of the absolute errors.",
            spot=lambda got, want, t, p: _mae_wrong(got, t, p) and np.isclose(got[0], np.mean((t - p) ** 2)),
        ),
        Mistake(
            "signed errors",
            lambda t, p: (np.mean(t - p), r2_score(t, p)),
            "errors of opposite sign cancel in a plain mean; take the absolute value first.",
            spot=lambda got, want, t, p: _mae_wrong(got, t, p) and np.isclose(got[0], np.mean(t - p)),
        ),
        Mistake(
            "median absolute error",
            lambda t, p: (np.median(np.abs(t - p)), r2_score(t, p)),
            lambda got, t, p: f"your MAE is {got[0]:.4g}, expected {mean_absolute_error(t, p):.4g}.",
            spot=lambda got, want, t, p: _mae_wrong(got, t, p),
        ),
        Mistake(
            "squared correlation",
            lambda t, p: (mean_absolute_error(t, p), np.corrcoef(t, p)[0, 1] ** 2),
            "that is the squared correlation; R2 = 1 - (sum of squared errors) / (sum of squared deviations from "
            "the mean).",
            spot=lambda got, want, t, p: np.isclose(got[1], np.corrcoef(t, p)[0, 1] ** 2),
        ),
        Mistake(
            "deviations of the predictions",
            lambda t, p: (mean_absolute_error(t, p), _r2_about_predictions(t, p)),
            "the denominator uses the mean of the true values: sum((y_true - y_true.mean())**2).",
            spot=lambda got, want, t, p: np.isclose(got[1], _r2_about_predictions(t, p)),
        ),
    ],
    otherwise=lambda got, want, *_: f"your R2 is {got[1]:.4g}, expected {want[1]:.4g}.",
)
def regression_scores(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float]:
    return mean_absolute_error(y_true, y_pred), r2_score(y_true, y_pred)


def _shuffled(X: np.ndarray, column: int, seed: int) -> np.ndarray:
    shuffled = X.copy()
    shuffled[:, column] = shuffled[np.random.default_rng(seed).permutation(len(shuffled)), column]
    return shuffled


def _drop(model: Any, X: np.ndarray, y: np.ndarray, column: int, seed: int, sign: int = 1) -> float:
    return sign * (accuracy_score(y, model.predict(X)) - accuracy_score(y, model.predict(_shuffled(X, column, seed))))


def _drop_in_place(model: Any, X: np.ndarray, y: np.ndarray, column: int, seed: int) -> float:
    before = accuracy_score(y, model.predict(X))
    X[:, column] = X[np.random.default_rng(seed).permutation(len(X)), column]
    return before - accuracy_score(y, model.predict(X))


_IN_PLACE = Mistake(
    "in place", _drop_in_place, "your function changed X, the caller's data. Shuffle a copy: X_shuffled = X.copy()."
)
_ACCURACY_AFTER = Mistake(
    "accuracy after",
    lambda model, X, y, column, seed: accuracy_score(y, model.predict(_shuffled(X, column, seed))),
    "you returned the accuracy after shuffling; return the drop: accuracy before minus after.",
)
_REVERSED = Mistake(
    "sign reversed",
    lambda *args: _drop(*args, sign=-1),
    "the sign is reversed: return accuracy before minus accuracy after shuffling.",
)


@task(
    "Score the model on X, then on a copy of X in which only the chosen column is shuffled.",
    "order = np.random.default_rng(seed).permutation(len(X)); shuffled = X.copy(); shuffled[:, column] = "
    "shuffled[order, column]",
    "Return accuracy_score(y, model.predict(X)) - accuracy_score(y, model.predict(shuffled)).",
    mistakes=[_IN_PLACE, _ACCURACY_AFTER, _REVERSED],
    reference=_drop,
)
def permutation_drop(function: Any) -> str:
    model, X_val, y_val = _data.permutation_forest()
    column = 0  # worst radius
    before = X_val.copy()
    got = as_number(call(function, model, X_val, y_val, column, 3), "the drop in accuracy")
    if not np.array_equal(X_val, before):
        raise _IN_PLACE.wrong()
    base = accuracy_score(y_val, model.predict(X_val))
    after = accuracy_score(y_val, model.predict(_shuffled(X_val, column, 3)))
    if np.isclose(got, base - after):
        return f"shuffling worst radius costs {base - after:.3f} accuracy."
    if np.isclose(got, after):
        raise _ACCURACY_AFTER.wrong()
    if np.isclose(got, after - base):
        raise _REVERSED.wrong()
    raise Wrong(
        f"you returned {got:.4g}; expected {base - after:.4g}. Shuffle the rows of that one column with "
        "np.random.default_rng(seed).permutation(len(X))."
    )


_NOT_A_FOREST = Mistake(
    "a single tree",
    lambda: DecisionTreeClassifier(min_samples_leaf=5, class_weight="balanced", random_state=0),
    lambda model: f"return an unfitted RandomForestClassifier, not {type(model).__name__}.",
)
_NO_WEIGHTS = Mistake(
    "no class weights",
    lambda: RandomForestClassifier(100, min_samples_leaf=5, random_state=0),
    "without class weights, 20 malignant cases barely count against 357 benign ones: set class_weight='balanced'.",
)
_SMALL_LEAVES = Mistake(
    "small leaves",
    lambda: RandomForestClassifier(100, class_weight="balanced", random_state=0),
    "with leaves of fewer than 5 cases, trees grow pure and class weights change little: use min_samples_leaf=5.",
)


@task(
    "class_weight='balanced' weights each class by the inverse of its frequency.",
    "return RandomForestClassifier(n_estimators=100, min_samples_leaf=5, class_weight='balanced', random_state=0)",
    mistakes=[_NOT_A_FOREST, _NO_WEIGHTS, _SMALL_LEAVES],
)
def balanced_forest(function: Any) -> str:
    model = call(function)
    if not isinstance(model, RandomForestClassifier):
        raise _NOT_A_FOREST.wrong(model)
    if model.class_weight is None:
        raise _NO_WEIGHTS.wrong()
    if model.min_samples_leaf < 5:
        raise _SMALL_LEAVES.wrong()
    X, y = _data.imbalanced_wisconsin()
    weighted = _training.malignant_recall(model, X, y)
    plain = _training.malignant_recall(
        RandomForestClassifier(n_estimators=100, min_samples_leaf=5, random_state=0), X, y
    )
    if weighted < 0.8:
        raise Wrong(
            f"your forest finds {weighted:.0%} of the malignant masses in cross-validation; aim for at least 80 %."
        )
    return f"it finds {weighted:.0%} of the malignant masses, against {plain:.0%} without class weights."
