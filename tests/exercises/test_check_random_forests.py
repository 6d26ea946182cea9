"""Exercise checks of chapter 04 (random forests): typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import numpy as np
from helpers import placeholders_test, right_answers_test, typical_mistakes_test
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score

from medlearn.check import random_forests


def _gini(labels):
    p = np.bincount(labels) / len(labels)
    return 1 - np.sum(p**2)


def _drop_in_place(model, X, y, column, seed):
    before = accuracy_score(y, model.predict(X))
    X[:, column] = X[np.random.default_rng(seed).permutation(len(X)), column]
    return before - accuracy_score(y, model.predict(X))


MISTAKES = [
    (random_forests.gini, lambda y: 1 - np.sum(np.bincount(y) / len(y)), "square"),
    (random_forests.gini, lambda y: np.sum((np.bincount(y) / len(y)) ** 2), "1 minus"),
    (random_forests.weighted_gini, lambda left, right: (_gini(left) + _gini(right)) / 2, "plain mean"),
    (random_forests.weighted_gini, lambda left, right: _gini(np.r_[left, right]), "parent"),
    (random_forests.regression_scores, lambda t, p: (np.mean((t - p) ** 2), 0.5), "squared error"),
    (random_forests.regression_scores, lambda t, p: (np.mean(t - p), 0.5), "cancel"),
    (
        random_forests.regression_scores,
        lambda t, p: (np.mean(np.abs(t - p)), np.corrcoef(t, p)[0, 1] ** 2),
        "squared correlation",
    ),
    (random_forests.permutation_drop, _drop_in_place, "changed X"),
    (
        random_forests.balanced_forest,
        lambda: RandomForestClassifier(100, min_samples_leaf=5, random_state=0),
        "class_weight",
    ),
    (
        random_forests.balanced_forest,
        lambda: RandomForestClassifier(100, class_weight="balanced", random_state=0),
        "min_samples_leaf",
    ),
    (random_forests.best_threshold, lambda x, y: float(np.median(x)), "values themselves"),
]


test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)


def _forest_scores(X_train, y_train, X_test, y_test, *, oob=True, fit_on="train"):
    forest = RandomForestClassifier(n_estimators=100, oob_score=oob, random_state=0)
    forest.fit(*((X_train, y_train) if fit_on == "train" else (X_test, y_test)))
    return {
        "model": forest,
        "train_accuracy": accuracy_score(y_train, forest.predict(X_train)),
        "oob_accuracy": forest.oob_score_ if oob else 0.9,
        "test_accuracy": accuracy_score(y_test, forest.predict(X_test)),
    }


def _changed(**change):
    def answer(*data):
        result = _forest_scores(*data)
        for key, how in change.items():
            result[key] = how(result)
        return result

    return answer


FOREST_MISTAKES = [
    (random_forests.fit_forest, lambda *d: {**_forest_scores(*d), "model": RandomForestClassifier()}, "never fitted"),
    (random_forests.fit_forest, lambda *d: _forest_scores(*d, oob=False), "oob_score=True"),
    (random_forests.fit_forest, lambda *d: _forest_scores(*d, fit_on="test"), "fitted on them"),
    (random_forests.fit_forest, _changed(oob_accuracy=lambda r: r["train_accuracy"]), "that is the training accuracy"),
    (random_forests.fit_forest, _changed(oob_accuracy=lambda r: 1 - r["oob_accuracy"]), "not an error rate"),
    (random_forests.fit_forest, _changed(test_accuracy=lambda r: r["train_accuracy"]), "measured on the training"),
    (random_forests.fit_forest, lambda *d: [_forest_scores(*d)], "return a dict"),
]
test_forest_mistake_fails_with_its_hint = typical_mistakes_test(FOREST_MISTAKES)
test_right_forest_passes = right_answers_test({random_forests.fit_forest: _forest_scores})
test_forest_placeholder_is_todo = placeholders_test({random_forests.fit_forest: _forest_scores})
