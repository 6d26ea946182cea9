"""The deployment chapter's task that trains the model to deploy (``check.train_deployed_model``), with its table."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from ..._messages import tr
from ..core import Mistake, Wrong, as_array, as_number, as_result, call, task

__all__ = ["pneumonia_small", "train_deployed_model"]


@cache
def _small_splits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from ...data import load_medmnist

    def small(images: np.ndarray) -> np.ndarray:
        return images.reshape(len(images), 14, 2, 14, 2).mean(axis=(2, 4)).reshape(len(images), -1) / 255.0

    (x_train, y_train), (x_test, y_test) = (load_medmnist("pneumoniamnist", split) for split in ("train", "test"))
    return small(x_train), y_train, small(x_test), y_test


def pneumonia_small() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """PneumoniaMNIST's training and test radiographs at 14 x 14 (means of 2 x 2 pixels, scaled to [0, 1]), one
    row of 196 values each: ``(X_train, y_train, X_test, y_test)``, label 1 = pneumonia (the task
    ``train_deployed_model``).

    Example:
        >>> X_train, y_train, X_test, y_test = pneumonia_small()
        >>> X_train.shape, X_test.shape
        ((4708, 196), (624, 196))
    """
    return tuple(a.copy() for a in _small_splits())  # type: ignore[return-value]


def _deployed(
    *data: Any, fit_on: str = "train", column: int = 1, labels: bool = False, auc_of_labels: bool = False
) -> dict:
    from sklearn.linear_model import LogisticRegression

    X_train, y_train, X_test, y_test = data
    model = LogisticRegression(max_iter=2000).fit(*((X_train, y_train) if fit_on == "train" else (X_test, y_test)))
    p_test = model.predict(X_test) if labels else model.predict_proba(X_test)[:, column]
    return {
        "model": model,
        "p_test": p_test,
        "test_auc": roc_auc_score(y_test, np.round(p_test) if auc_of_labels else p_test),
    }


_NO_MODEL = Mistake(
    "not the model",
    lambda *data: {**_deployed(*data), "model": "a model"},
    lambda name: tr("'model' should be the fitted classifier (with predict_proba), not {kind}.", kind=name),
)
_FIT_ON_TEST = Mistake(
    "fitted on the test rows",
    lambda *data: _deployed(*data, fit_on="test"),
    tr("the model was fitted on the test rows: fit on X_train, y_train only, and keep the test rows unseen."),
)
_COLUMN_0 = Mistake(
    "column 0",
    lambda *data: _deployed(*data, column=0),
    tr("that is column 0, the probability of normal: the probability of pneumonia is column 1."),
)
_LABELS = Mistake(
    "labels",
    lambda *data: _deployed(*data, labels=True),
    tr(
        "those are labels (model.predict), not probabilities: deferral ranks cases by their probability, so "
        "return model.predict_proba(X_test)[:, 1]."
    ),
)
_AUC_OF_LABELS = Mistake(
    "AUC of labels",
    lambda *data: _deployed(*data, auc_of_labels=True),
    tr("that AUC was computed from labels; computed from the probabilities it ranks every case."),
)


@task(
    tr(
        "LogisticRegression(max_iter=2000).fit(X_train, y_train); predict_proba gives one column per class, in the "
        "order of model.classes_ (0 = normal, 1 = pneumonia)."
    ),
    tr("p_test = model.predict_proba(X_test)[:, 1]; test_auc = roc_auc_score(y_test, p_test)."),
    mistakes=[_NO_MODEL, _FIT_ON_TEST, _COLUMN_0, _LABELS, _AUC_OF_LABELS],
    reference=_deployed,
)
def train_deployed_model(function: Any) -> None:
    from sklearn.exceptions import NotFittedError

    X_train, y_train, X_test, y_test = _small_splits()
    result = call(function, X_train.copy(), y_train.copy(), X_test.copy(), y_test.copy())
    result = as_result(result, ("model", "p_test", "test_auc"))
    model = result["model"]
    if not hasattr(model, "predict_proba"):
        raise _NO_MODEL.wrong(type(model).__name__)
    try:
        want = model.predict_proba(X_test)[:, 1]
    except NotFittedError:
        raise Wrong(tr("the model was never fitted: call .fit(X_train, y_train).")) from None
    try:  # the same model fitted again on the test rows: a fit is deterministic, so a match means it saw them
        on_test = clone(model).fit(X_test, y_test).predict_proba(X_test)[:, 1]
    except Exception:
        on_test = None
    if on_test is not None and np.allclose(want, on_test, atol=1e-6):
        raise _FIT_ON_TEST.wrong()
    p_test = as_array(result["p_test"], "'p_test'")
    if p_test.shape != want.shape:
        raise Wrong(
            tr(
                "'p_test' should hold one probability per test image, shape {want}; yours is {shape}.",
                want=want.shape,
                shape=p_test.shape,
            )
        )
    if np.allclose(p_test, 1 - want, atol=1e-6):
        raise _COLUMN_0.wrong()
    if np.isin(p_test, (0, 1)).all():
        raise _LABELS.wrong()
    if not np.allclose(p_test, want, atol=1e-6):
        raise Wrong(tr("'p_test' should be your model's predict_proba(X_test)[:, 1]."))
    auc = as_number(result["test_auc"], "'test_auc'")
    if np.isclose(auc, roc_auc_score(y_test, np.round(want))) and not np.isclose(auc, roc_auc_score(y_test, want)):
        raise _AUC_OF_LABELS.wrong()
    if not np.isclose(auc, roc_auc_score(y_test, want), atol=1e-9):
        raise Wrong(
            tr("the AUC of your probabilities on the test split is {auc:.4f}.", auc=roc_auc_score(y_test, want))
        )
