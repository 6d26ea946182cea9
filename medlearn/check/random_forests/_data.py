"""Exercise data of the random_forests chapter's checks: splits of the data sets that ship with scikit-learn."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

from ...data import low_prevalence_subset
from .._comparing import built_once


@built_once
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


@built_once
def threshold_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(feature name, its column, the labels)`` of two Wisconsin features, for best_threshold.

    Example:
        >>> [(name, x.shape) for name, x, _ in threshold_cases()]
        [('worst perimeter', (569,)), ('mean texture', (569,))]
    """
    data = load_breast_cancer()
    names = list(data.feature_names)
    return [
        (feature, data.data[:, names.index(feature)], data.target) for feature in ("worst perimeter", "mean texture")
    ]


@built_once
def diabetes_predictions() -> tuple[np.ndarray, np.ndarray]:
    """The diabetes progression of the cases after the first 300, and a linear model's predictions of it.

    Example:
        >>> y_true, y_pred = diabetes_predictions()
        >>> y_true.shape == y_pred.shape
        True
    """
    data = load_diabetes()
    model = LinearRegression().fit(data.data[:300], data.target[:300])
    return data.target[300:], model.predict(data.data[300:])


@built_once
def permutation_case() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Three Wisconsin features that are not near-copies of each other (so each one's importance shows), in a
    seeded order: ``(X_fit, y_fit, X_val, y_val)``, 400 cases to fit on and the rest to validate.

    Example:
        >>> [part.shape for part in permutation_case()]
        [(400, 3), (400,), (169, 3), (169,)]
    """
    data = load_breast_cancer()
    names = list(data.feature_names)
    X = data.data[:, [names.index(c) for c in ("worst radius", "worst texture", "worst concave points")]]
    y = data.target
    order = np.random.default_rng(0).permutation(len(y))
    return X[order[:400]], y[order[:400]], X[order[400:]].copy(), y[order[400:]]


@built_once
def permutation_forest() -> tuple[RandomForestClassifier, np.ndarray, np.ndarray]:
    """A forest of 50 trees (``random_state=0``) fitted on :func:`permutation_case`'s 400 cases, and the cases it is
    validated on: ``(model, X_val, y_val)`` (the task ``permutation_drop``).

    Example:
        >>> model, X_val, y_val = permutation_forest()
        >>> len(model.estimators_), X_val.shape
        (50, (169, 3))
    """
    X_fit, y_fit, X_val, y_val = permutation_case()
    return RandomForestClassifier(n_estimators=50, random_state=0).fit(X_fit, y_fit), X_val, y_val


@built_once
def imbalanced_wisconsin() -> tuple[np.ndarray, np.ndarray]:
    """All benign Wisconsin masses and 20 malignant ones (the random_forests chapter's first draw).

    Example:
        >>> X, y = imbalanced_wisconsin()
        >>> int(np.sum(y == 0))
        20
    """
    data = load_breast_cancer()
    subset = low_prevalence_subset(data.target, 20, seed=0)
    return data.data[subset], data.target[subset]
