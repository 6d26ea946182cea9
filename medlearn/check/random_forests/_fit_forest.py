"""The random_forests chapter's fit_forest task: a forest fitted and scored, and its table of ten typical mistakes."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score

from ..core import Mistake, Wrong, as_number, as_result, call, task
from . import _data, _training

_KEYS = ("model", "train_accuracy", "oob_accuracy", "test_accuracy")
_NOT_A_DICT = Mistake(
    "a list",
    lambda *data: [_training.forest_scores(*data)],
    f"return a dict with the keys {', '.join(map(repr, _KEYS))}.",
)
_MODEL_NOT_A_FOREST = Mistake(
    "the model's name",
    _training.changed_scores(model=lambda r: "forest"),
    lambda model: f"'model' should be the fitted RandomForestClassifier, not {type(model).__name__}.",
)
_NOT_FITTED = Mistake(
    "never fitted",
    _training.changed_scores(model=lambda r: RandomForestClassifier()),
    "the forest was never fitted: call .fit(X_train, y_train) before scoring it.",
)
_NO_OOB = Mistake(
    "no out-of-bag score",
    lambda *data: _training.forest_scores(*data, oob=False),
    "the forest has no out-of-bag score: create it with oob_score=True.",
)
_FITTED_ON_TEST = Mistake(
    "fitted on the test cases",
    lambda *data: _training.forest_scores(*data, fit_on="test"),
    "the forest knows the test cases by heart: it was fitted on them. Fit on X_train, y_train only.",
)
_OOB_ERROR = Mistake(
    "out-of-bag error",
    _training.changed_scores(oob_accuracy=lambda r: 1 - r["oob_accuracy"]),
    "oob_score_ is already an accuracy (higher is better), not an error rate: report it as it is.",
)
_OOB_IS_TRAINING = Mistake(
    "training accuracy as out-of-bag",
    _training.changed_scores(oob_accuracy=lambda r: r["train_accuracy"]),
    "that is the training accuracy: every tree has seen those cases. The out-of-bag accuracy is the "
    "forest's oob_score_.",
)
_OOB_OTHER = Mistake(
    "another out-of-bag accuracy",
    _training.changed_scores(oob_accuracy=lambda r: r["oob_accuracy"] - 0.1),
    lambda oob: f"'oob_accuracy' should be the fitted forest's oob_score_ ({oob:.4f}).",
)
_TEST_IS_TRAINING = Mistake(
    "test on the training cases",
    _training.changed_scores(test_accuracy=lambda r: r["train_accuracy"]),
    "'test_accuracy' was measured on the training cases: score X_test, y_test.",
)
_OTHER_ACCURACY = Mistake(
    "another accuracy",
    _training.changed_scores(train_accuracy=lambda r: r["train_accuracy"] - 0.1),
    lambda key, want, reported: f"your forest's {key.replace('_', ' ')} is {want:.4f}; you reported {reported:.4f}.",
)


@task(
    "RandomForestClassifier(n_estimators=100, oob_score=True, random_state=0).fit(X_train, y_train); then "
    "accuracy_score on each split, and the forest's own oob_score_.",
    "Each tree sees a bootstrap sample of the training cases; oob_score_ scores every case with the trees that "
    "did not see it. Training accuracy uses all the trees, which have seen every training case.",
    mistakes=[
        _NOT_A_DICT,
        _MODEL_NOT_A_FOREST,
        _NOT_FITTED,
        _NO_OOB,
        _FITTED_ON_TEST,
        _OOB_ERROR,
        _OOB_IS_TRAINING,
        _OOB_OTHER,
        _TEST_IS_TRAINING,
        _OTHER_ACCURACY,
    ],
    reference=_training.forest_scores,
)
def fit_forest(function: Any) -> None:
    X_train, y_train, X_test, y_test = _data.wisconsin_split()
    result = call(function, X_train.copy(), y_train.copy(), X_test.copy(), y_test.copy())
    try:
        result = as_result(result, _KEYS)
    except Wrong:
        raise _NOT_A_DICT.wrong() from None
    model = result["model"]
    if not isinstance(model, RandomForestClassifier):
        raise _MODEL_NOT_A_FOREST.wrong(model)
    if not hasattr(model, "estimators_"):
        raise _NOT_FITTED.wrong()
    if not hasattr(model, "oob_score_"):
        raise _NO_OOB.wrong()
    reported = {key: as_number(result[key], f"'{key}'") for key in _KEYS[1:]}
    train, test = accuracy_score(y_train, model.predict(X_train)), accuracy_score(y_test, model.predict(X_test))
    if test == 1.0 and train < test:
        raise _FITTED_ON_TEST.wrong()
    if np.isclose(reported["oob_accuracy"], 1 - model.oob_score_) and not np.isclose(model.oob_score_, 0.5):
        raise _OOB_ERROR.wrong()
    if np.isclose(reported["oob_accuracy"], train) and not np.isclose(model.oob_score_, train):
        raise _OOB_IS_TRAINING.wrong()
    if not np.isclose(reported["oob_accuracy"], model.oob_score_):
        raise _OOB_OTHER.wrong(model.oob_score_)
    if np.isclose(reported["test_accuracy"], train) and not np.isclose(test, train):
        raise _TEST_IS_TRAINING.wrong()
    for key, want in (("train_accuracy", train), ("test_accuracy", test)):
        if not np.isclose(reported[key], want):
            raise _OTHER_ACCURACY.wrong(key, want, reported[key])
