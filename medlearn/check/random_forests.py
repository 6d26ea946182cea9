"""Checks for the exercises of chapter 04, decision trees and random forests.

In the exercise notebook::

    from medlearn.check import random_forests as check
    check.gini(gini)

The checks use the Wisconsin breast cancer and diabetes data that ship with scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression
from sklearn.metrics import accuracy_score, mean_absolute_error, r2_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.tree import DecisionTreeClassifier

from ..data import low_prevalence_subset
from .core import Wrong, as_array, as_number, as_result, call, task

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


@task(
    hints=[
        "Count each class (np.bincount) and divide by the number of cases to get the fractions p_k.",
        "G = 1 - sum of p_k squared: 0 for a pure node, 0.5 for a 50/50 node of two classes.",
    ]
)
def gini(function: Any) -> None:
    for labels in (
        np.array([0, 0, 1, 1]),
        np.array([1, 1, 1, 1]),
        np.array([0, 1, 1, 1, 1, 1, 1, 0, 1, 1]),
        np.array([0, 1, 2, 2]),
    ):
        value = as_number(call(function, labels.copy()), "the Gini impurity")
        want = _gini(labels)
        if np.isclose(value, want):
            continue
        p = np.bincount(labels) / len(labels)
        if np.isclose(value, 1 - np.sum(p)):
            raise Wrong("square the class fractions: G = 1 - sum of p_k squared.")
        if np.isclose(value, np.sum(p**2)):
            raise Wrong("that is sum p_k**2, the chance that two random cases agree; the impurity is 1 minus it.")
        entropy = -np.sum(p[p > 0] * np.log2(p[p > 0]))
        if np.isclose(value, entropy):
            raise Wrong("that is the entropy, another impurity; this task asks for the Gini impurity 1 - sum p_k**2.")
        raise Wrong(f"for labels {labels} you returned {value:.4g}, expected {want:.4g}.")


@task(
    hints=[
        "Compute the Gini impurity of each child separately.",
        "Weight each by its share of the cases: (n_left * G_left + n_right * G_right) / (n_left + n_right).",
    ]
)
def weighted_gini(function: Any) -> None:
    left, right = np.array([0, 0, 0, 1]), np.array([1, 1, 1, 1, 1, 1, 1, 0])  # impurities 0.375 and 0.219
    want = (4 * _gini(left) + 8 * _gini(right)) / 12
    value = as_number(call(function, left.copy(), right.copy()), "the weighted Gini impurity")
    if np.isclose(value, want):
        return
    if np.isclose(value, (_gini(left) + _gini(right)) / 2):
        raise Wrong("you took the plain mean; weight each child by its number of cases (4 and 8 here).")
    if np.isclose(value, _gini(np.r_[left, right])):
        raise Wrong("that is the impurity of the parent node; compute each child's impurity and weight them by size.")
    raise Wrong(f"you returned {value:.4g}, expected {want:.4g} for children of 4 and 8 cases.")


@task(
    hints=[
        "Candidates: the midpoints between neighbouring distinct values, (values[:-1] + values[1:]) / 2 with values = "
        "np.unique(x).",
        "For each candidate t, split into x <= t and x > t and compute the weighted Gini of the two sides; keep the "
        "lowest.",
    ]
)
def best_threshold(function: Any) -> None:
    data = load_breast_cancer()
    names = list(data.feature_names)
    for feature in ("worst perimeter", "mean texture"):
        x, y = data.data[:, names.index(feature)], data.target
        stump = DecisionTreeClassifier(max_depth=1, random_state=0).fit(x[:, None], y)
        want = stump.tree_.threshold[0]
        got = as_number(call(function, x.copy(), y.copy()), "your threshold")
        if np.isclose(got, want, rtol=1e-6):
            continue
        values = np.unique(x)
        if np.any(np.isclose(got, values)):
            raise Wrong(
                f"for {feature} you returned {got:.4g}, one of the values themselves; scikit-learn splits halfway "
                "between neighbouring values: try the midpoints (values[:-1] + values[1:]) / 2."
            )
        raise Wrong(
            f"for {feature} the split with the lowest weighted Gini is at {want:.4g}; you returned {got:.4g}. "
            "Is the left side x <= threshold?"
        )


@task(
    hints=[
        "MAE = mean(|y_true - y_pred|), in the units of the target.",
        "R2 = 1 - sum((y_true - y_pred)**2) / sum((y_true - y_true.mean())**2): 0 for always predicting the mean.",
    ]
)
def regression_scores(function: Any) -> None:
    data = load_diabetes()
    model = LinearRegression().fit(data.data[:300], data.target[:300])
    y_true, y_pred = data.target[300:], model.predict(data.data[300:])
    result = call(function, y_true.copy(), y_pred.copy())
    values = as_array(result, "your (MAE, R2) pair")
    if values.shape != (2,):
        raise Wrong(f"return two numbers, (MAE, R2); yours has shape {values.shape}.")
    mae, r2 = values
    want_mae, want_r2 = mean_absolute_error(y_true, y_pred), r2_score(y_true, y_pred)
    if not np.isclose(mae, want_mae):
        if np.isclose(mae, np.mean((y_true - y_pred) ** 2)):
            raise Wrong("your first number is the mean squared error; MAE is the mean of the absolute errors.")
        if np.isclose(mae, np.mean(y_true - y_pred)):
            raise Wrong("errors of opposite sign cancel in a plain mean; take the absolute value first.")
        raise Wrong(f"your MAE is {mae:.4g}, expected {want_mae:.4g}.")
    if not np.isclose(r2, want_r2):
        if np.isclose(r2, np.corrcoef(y_true, y_pred)[0, 1] ** 2):
            raise Wrong(
                "that is the squared correlation; R2 = 1 - (sum of squared errors) / (sum of squared deviations from "
                "the mean)."
            )
        if np.isclose(r2, 1 - np.sum((y_true - y_pred) ** 2) / np.sum((y_pred - y_pred.mean()) ** 2)):
            raise Wrong("the denominator uses the mean of the true values: sum((y_true - y_true.mean())**2).")
        raise Wrong(f"your R2 is {r2:.4g}, expected {want_r2:.4g}.")


@task(
    hints=[
        "Score the model on X, then on a copy of X in which only the chosen column is shuffled.",
        "order = np.random.default_rng(seed).permutation(len(X)); shuffled = X.copy(); shuffled[:, column] = "
        "shuffled[order, column]",
        "Return accuracy_score(y, model.predict(X)) - accuracy_score(y, model.predict(shuffled)).",
    ]
)
def permutation_drop(function: Any) -> str:
    data = load_breast_cancer()
    names = list(data.feature_names)
    # Three features that are not near-copies of each other, so that each one's importance shows.
    X = data.data[:, [names.index(c) for c in ("worst radius", "worst texture", "worst concave points")]]
    y = data.target
    order = np.random.default_rng(0).permutation(len(y))
    model = RandomForestClassifier(n_estimators=50, random_state=0).fit(X[order[:400]], y[order[:400]])
    X_val, y_val = X[order[400:]].copy(), y[order[400:]]
    column = 0  # worst radius
    before = X_val.copy()
    got = as_number(call(function, model, X_val, y_val, column, 3), "the drop in accuracy")
    if not np.array_equal(X_val, before):
        raise Wrong("your function changed X, the caller's data. Shuffle a copy: X_shuffled = X.copy().")
    shuffled = X_val.copy()
    shuffled[:, column] = shuffled[np.random.default_rng(3).permutation(len(shuffled)), column]
    base = accuracy_score(y_val, model.predict(X_val))
    after = accuracy_score(y_val, model.predict(shuffled))
    if np.isclose(got, base - after):
        return f"shuffling worst radius costs {base - after:.3f} accuracy."
    if np.isclose(got, after):
        raise Wrong("you returned the accuracy after shuffling; return the drop: accuracy before minus after.")
    if np.isclose(got, after - base):
        raise Wrong("the sign is reversed: return accuracy before minus accuracy after shuffling.")
    raise Wrong(
        f"you returned {got:.4g}; expected {base - after:.4g}. Shuffle the rows of that one column with "
        "np.random.default_rng(seed).permutation(len(X))."
    )


def _imbalanced_wisconsin() -> tuple[np.ndarray, np.ndarray]:
    data = load_breast_cancer()
    subset = low_prevalence_subset(data.target, 20, seed=0)  # chapter 04, section 6's first draw
    return data.data[subset], data.target[subset]


def _malignant_recall(model: Any, X: np.ndarray, y: np.ndarray) -> float:
    predicted = cross_val_predict(clone(model), X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0))
    return float(np.mean(predicted[y == 0] == 0))


@task(
    hints=[
        "class_weight='balanced' weights each class by the inverse of its frequency.",
        "return RandomForestClassifier(n_estimators=100, min_samples_leaf=5, class_weight='balanced', random_state=0)",
    ]
)
def balanced_forest(function: Any) -> str:
    model = call(function)
    if not isinstance(model, RandomForestClassifier):
        raise Wrong(f"return an unfitted RandomForestClassifier, not {type(model).__name__}.")
    if model.class_weight is None:
        raise Wrong(
            "without class weights, 20 malignant cases barely count against 357 benign ones: "
            "set class_weight='balanced'."
        )
    if model.min_samples_leaf < 5:
        raise Wrong(
            "with leaves of fewer than 5 cases, trees grow pure and class weights change little: use "
            "min_samples_leaf=5."
        )
    X, y = _imbalanced_wisconsin()
    weighted = _malignant_recall(model, X, y)
    plain = _malignant_recall(RandomForestClassifier(n_estimators=100, min_samples_leaf=5, random_state=0), X, y)
    if weighted < 0.8:
        raise Wrong(
            f"your forest finds {weighted:.0%} of the malignant masses in cross-validation; aim for at least 80 %."
        )
    return f"it finds {weighted:.0%} of the malignant masses, against {plain:.0%} without class weights."


def wisconsin_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The Wisconsin breast-mass measurements split 70/30, stratified, with ``random_state=0``:
    ``(X_train, y_train, X_test, y_test)``, label 1 = benign as scikit-learn codes it (the task ``fit_forest``).

    Example:
        >>> X_train, y_train, X_test, y_test = wisconsin_split()
        >>> X_train.shape, X_test.shape
        ((398, 30), (171, 30))
    """
    data = load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.3, stratify=data.target, random_state=0
    )
    return X_train, y_train, X_test, y_test


@task(
    hints=[
        "RandomForestClassifier(n_estimators=100, oob_score=True, random_state=0).fit(X_train, y_train); then "
        "accuracy_score on each split, and the forest's own oob_score_.",
        "Each tree sees a bootstrap sample of the training cases; oob_score_ scores every case with the trees that "
        "did not see it. Training accuracy uses all the trees, which have seen every training case.",
    ]
)
def fit_forest(function: Any) -> None:
    X_train, y_train, X_test, y_test = wisconsin_split()
    result = call(function, X_train.copy(), y_train.copy(), X_test.copy(), y_test.copy())
    keys = ("model", "train_accuracy", "oob_accuracy", "test_accuracy")
    result = as_result(result, keys)
    model = result["model"]
    if not isinstance(model, RandomForestClassifier):
        raise Wrong(f"'model' should be the fitted RandomForestClassifier, not {type(model).__name__}.")
    if not hasattr(model, "estimators_"):
        raise Wrong("the forest was never fitted: call .fit(X_train, y_train) before scoring it.")
    if not hasattr(model, "oob_score_"):
        raise Wrong("the forest has no out-of-bag score: create it with oob_score=True.")
    reported = {key: as_number(result[key], f"'{key}'") for key in keys[1:]}
    train, test = accuracy_score(y_train, model.predict(X_train)), accuracy_score(y_test, model.predict(X_test))
    if test == 1.0 and train < test:
        raise Wrong("the forest knows the test cases by heart: it was fitted on them. Fit on X_train, y_train only.")
    if np.isclose(reported["oob_accuracy"], 1 - model.oob_score_) and not np.isclose(model.oob_score_, 0.5):
        raise Wrong("oob_score_ is already an accuracy (higher is better), not an error rate: report it as it is.")
    if np.isclose(reported["oob_accuracy"], train) and not np.isclose(model.oob_score_, train):
        raise Wrong(
            "that is the training accuracy: every tree has seen those cases. The out-of-bag accuracy is the "
            "forest's oob_score_."
        )
    if not np.isclose(reported["oob_accuracy"], model.oob_score_):
        raise Wrong(f"'oob_accuracy' should be the fitted forest's oob_score_ ({model.oob_score_:.4f}).")
    if np.isclose(reported["test_accuracy"], train) and not np.isclose(test, train):
        raise Wrong("'test_accuracy' was measured on the training cases: score X_test, y_test.")
    for key, want in (("train_accuracy", train), ("test_accuracy", test)):
        if not np.isclose(reported[key], want):
            raise Wrong(f"your forest's {key.replace('_', ' ')} is {want:.4f}; you reported {reported[key]:.4f}.")
