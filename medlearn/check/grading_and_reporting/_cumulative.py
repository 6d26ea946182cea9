"""The grading_and_reporting chapter's fit_cumulative task: four models of 'grade > k' and their kappa, with its table
of mistakes (each made by :func:`cumulative_fit` with one option changed)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import cohen_kappa_score

from ..core import Mistake, Wrong, as_number, call, task
from ._data import K, retina_small


def _differences(cumulative: np.ndarray) -> np.ndarray:
    """P(grade = k) as plain differences: separately fitted models may rise along a row (a negative difference)."""
    bounded = np.column_stack([np.ones(len(cumulative)), cumulative, np.zeros(len(cumulative))])
    return bounded[:, :-1] - bounded[:, 1:]


def cumulative_fit(
    X_train: np.ndarray,
    grades_train: np.ndarray,
    X_val: np.ndarray,
    grades_val: np.ndarray,
    *,
    rule: str = ">",
    scored: str = "val",
    decide: str = "argmax",
) -> dict[str, Any]:
    """fit_cumulative's answer: a logistic regression per question 'grade > k' and the kappa of the most probable
    grade; the options make the mistakes (``rule`` "==", ">=" or ">= after 0", ``scored`` "train", ``decide``
    "count").

    Example:
        >>> sorted(cumulative_fit(*retina_small()))
        ['models', 'val_kappa']
    """
    from sklearn.linear_model import LogisticRegression

    targets = {
        ">": lambda k: grades_train > k,
        "==": lambda k: grades_train == k,
        ">=": lambda k: grades_train >= k,
        ">= after 0": lambda k: grades_train >= k if k else grades_train > k,
    }
    models = [LogisticRegression(C=0.1, max_iter=2000).fit(X_train, targets[rule](k)) for k in range(K - 1)]
    X, grades = (X_val, grades_val) if scored == "val" else (X_train, grades_train)
    cumulative = np.column_stack([model.predict_proba(X)[:, 1] for model in models])
    predicted = np.argmax(_differences(cumulative), axis=1) if decide == "argmax" else (cumulative > 0.5).sum(axis=1)
    return {"models": models, "val_kappa": cohen_kappa_score(grades, predicted, weights="quadratic")}


def _changed(**options: Any) -> Any:
    return lambda *data: cumulative_fit(*data, **options)


_ONE_CLASS = Mistake(
    "grade >= k",
    _changed(rule=">="),
    lambda wrong: (
        f"one of your models saw a single class: grades_train >= 0 is true for every photograph. Model k "
        f"answers 'grade > k', labels grades_train > k. ({wrong})"
    ),
)
_NOT_A_DICT = Mistake(
    "the kappa alone",
    lambda *data: cumulative_fit(*data)["val_kappa"],
    "return a dict with the keys 'models' (the four fitted models, k = 0 to 3) and 'val_kappa'.",
)
_NOT_FOUR = Mistake(
    "no models",
    lambda *data: {**cumulative_fit(*data), "models": []},
    f"'models' should be a list of {K - 1} models, one per question 'grade > k' for k = 0 to 3.",
)
_NOT_MODELS = Mistake(
    "names of models",
    lambda *data: {**cumulative_fit(*data), "models": ["a", "b", "c", "d"]},
    "each model should be a fitted classifier with predict_proba.",
)
_EQUAL_K = Mistake(
    "grade == k",
    _changed(rule="=="),
    lambda k: (
        f"model {k} was fitted on grades == {k}: the cumulative question is 'grade > {k}', labels grades_train > {k}."
    ),
)
_AT_LEAST_K = Mistake(
    "grade >= k after the first",
    _changed(rule=">= after 0"),
    lambda k: f"model {k} answers 'grade >= {k}'; the task's model k answers 'grade > {k}'.",
)
_COUNTED = Mistake(
    "counted above 0.5",
    _changed(decide="count"),
    "that kappa counts the cumulative probabilities above 0.5, a rule of its own; this task asks for the most "
    "probable grade, np.argmax of the five probabilities.",
)
_ON_TRAIN = Mistake(
    "training photographs",
    _changed(scored="train"),
    "that kappa was measured on the training photographs: score the validation ones.",
)
_OTHER_KAPPA = Mistake(
    "rounded kappa",
    lambda *data: {**cumulative_fit(*data), "val_kappa": round(cumulative_fit(*data)["val_kappa"], 2)},
    lambda want, kappa: (
        f"your models' quadratic kappa on the validation photographs is {want:.4f}; you returned {kappa:.4f}."
    ),
)


@task(
    "Model k (k = 0, 1, 2, 3) answers 'is the grade above k?': fit it on the labels grades_train > k. Its "
    "predict_proba(X)[:, 1] is P(grade > k), one column of the cumulative probabilities.",
    "cumulative = np.column_stack([m.predict_proba(X_val)[:, 1] for m in models]); then your "
    "probabilities_from_cumulative, np.argmax(axis=1), and your quadratic_kappa_by_hand against grades_val.",
    mistakes=[
        _ONE_CLASS,
        _NOT_A_DICT,
        _NOT_FOUR,
        _NOT_MODELS,
        _EQUAL_K,
        _AT_LEAST_K,
        _COUNTED,
        _ON_TRAIN,
        _OTHER_KAPPA,
    ],
    reference=cumulative_fit,
)
def fit_cumulative(function: Any) -> None:
    from sklearn.base import clone

    X_train, grades_train, X_val, grades_val = retina_small()
    try:
        result = call(function, X_train.copy(), grades_train.copy(), X_val.copy(), grades_val.copy())
    except Wrong as wrong:
        if "one class" in str(wrong):
            raise _ONE_CLASS.wrong(wrong) from None
        raise
    if not isinstance(result, dict) or not {"models", "val_kappa"} <= set(result):
        raise _NOT_A_DICT.wrong()
    models = result["models"]
    if not isinstance(models, (list, tuple)) or len(models) != K - 1:
        raise _NOT_FOUR.wrong()
    if not all(hasattr(m, "predict_proba") for m in models):
        raise _NOT_MODELS.wrong()
    try:
        cumulative = np.column_stack([m.predict_proba(X_val)[:, 1] for m in models])
    except Exception as err:
        raise Wrong(f"the models could not score the validation photographs ({type(err).__name__}: {err}).") from None
    for k, model in enumerate(models):
        try:

            def refit(labels: np.ndarray, model: Any = model) -> np.ndarray:
                return clone(model).fit(X_train, labels).predict_proba(X_val)[:, 1]

            if k > 0 and np.allclose(cumulative[:, k], refit((grades_train == k).astype(int)), atol=1e-6):
                raise _EQUAL_K.wrong(k)
            if np.allclose(cumulative[:, k], refit((grades_train >= k).astype(int)), atol=1e-6) and k > 0:
                raise _AT_LEAST_K.wrong(k)
        except Wrong:
            raise
        except Exception:  # a model that cannot be cloned and refitted: judged by its kappa alone
            pass
    kappa = as_number(result["val_kappa"], "'val_kappa'")
    predicted = np.argmax(_differences(cumulative), axis=1)
    want = cohen_kappa_score(grades_val, predicted, weights="quadratic")
    counted = (cumulative > 0.5).sum(axis=1)
    if np.isclose(kappa, cohen_kappa_score(grades_val, counted, weights="quadratic")) and not np.isclose(kappa, want):
        raise _COUNTED.wrong()
    train_cumulative = np.column_stack([m.predict_proba(X_train)[:, 1] for m in models])
    on_train = cohen_kappa_score(grades_train, np.argmax(_differences(train_cumulative), axis=1), weights="quadratic")
    if np.isclose(kappa, on_train) and not np.isclose(kappa, want):
        raise _ON_TRAIN.wrong()
    if not np.isclose(kappa, want, atol=1e-9):
        raise _OTHER_KAPPA.wrong(want, kappa)
