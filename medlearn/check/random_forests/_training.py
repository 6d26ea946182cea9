"""The random_forests chapter's forests: fitted and scored as fit_forest asks (and as its mistakes do), and the
malignant recall of balanced_forest in cross-validation."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict


def forest_scores(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    *,
    oob: bool = True,
    fit_on: str = "train",
) -> dict[str, Any]:
    """fit_forest's answer: the forest and its accuracies (``oob=False`` and ``fit_on="test"`` make two mistakes).

    Example:
        >>> from medlearn.check.random_forests._data import wisconsin_split
        >>> sorted(forest_scores(*wisconsin_split()))
        ['model', 'oob_accuracy', 'test_accuracy', 'train_accuracy']
    """
    forest = RandomForestClassifier(n_estimators=100, oob_score=oob, random_state=0)
    forest.fit(*((X_train, y_train) if fit_on == "train" else (X_test, y_test)))
    return {
        "model": forest,
        "train_accuracy": accuracy_score(y_train, forest.predict(X_train)),
        "oob_accuracy": forest.oob_score_ if oob else 0.9,
        "test_accuracy": accuracy_score(y_test, forest.predict(X_test)),
    }


def changed_scores(**change: Any) -> Any:
    """A fit_forest that reports ``change[key](scores)`` instead of the right ``scores[key]`` (a mistake).

    Example:
        >>> from medlearn.check.random_forests._data import wisconsin_split
        >>> changed_scores(test_accuracy=lambda r: 0.5)(*wisconsin_split())["test_accuracy"]
        0.5
    """

    def answer(*data: np.ndarray) -> dict[str, Any]:
        result = forest_scores(*data)
        for key, how in change.items():
            result[key] = how(result)
        return result

    return answer


def malignant_recall(model: Any, X: np.ndarray, y: np.ndarray) -> float:
    """The share of malignant cases (label 0) that ``model`` finds in seeded 5-fold cross-validation.

    Example:
        >>> from medlearn.check.random_forests._data import imbalanced_wisconsin
        >>> 0 <= malignant_recall(RandomForestClassifier(n_estimators=5, random_state=0), *imbalanced_wisconsin()) <= 1
        True
    """
    predicted = cross_val_predict(clone(model), X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0))
    return float(np.mean(predicted[y == 0] == 0))
