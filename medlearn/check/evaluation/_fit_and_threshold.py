"""The evaluation chapter's fit_and_threshold task: a classifier fitted, a threshold chosen on validation and reported
once on test, with its table of mistakes (each made by :func:`fitted_and_thresholded` with one thing changed)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import recall_score, roc_auc_score

from ..._messages import tr
from ...metrics import threshold_for_sensitivity as _threshold_for_sensitivity
from ..core import Mistake, Wrong, as_number, as_result, call, task
from ._data import breast_pixels

_KEYS = ("model", "threshold", "test_sensitivity", "test_specificity")


def fitted_and_thresholded(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    *,
    benign: bool = False,
    on: str = "val",
    report: str = "test",
) -> dict[str, Any]:
    """fit_and_threshold's answer (a scaled logistic regression), or, with ``benign``, the threshold chosen ``on``
    the test split or ``report`` of the validation split, a typical mistake.

    Example:
        >>> sorted(fitted_and_thresholded(*breast_pixels()))
        ['model', 'test_sensitivity', 'test_specificity', 'threshold']
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def positive(y: np.ndarray) -> np.ndarray:
        return y if benign else (y == 0).astype(int)

    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=2000)).fit(X_train, positive(y_train))
    chosen_X, chosen_y = (X_val, y_val) if on == "val" else (X_test, y_test)
    threshold = _threshold_for_sensitivity(positive(chosen_y), model.predict_proba(chosen_X)[:, 1], 0.9)
    scored_X, scored_y = (X_test, y_test) if report == "test" else (X_val, y_val)
    called = (model.predict_proba(scored_X)[:, 1] >= threshold).astype(int)
    truth = positive(scored_y)
    sensitivity, specificity = recall_score(truth, called), recall_score(truth, called, pos_label=0)
    return {"model": model, "threshold": threshold, "test_sensitivity": sensitivity, "test_specificity": specificity}


def _changed(**options: Any) -> Any:
    return lambda *data: fitted_and_thresholded(*data, **options)


def _swapped(*data: np.ndarray) -> dict[str, Any]:
    result = fitted_and_thresholded(*data)
    result["test_sensitivity"], result["test_specificity"] = result["test_specificity"], result["test_sensitivity"]
    return result


def _unfitted(*data: np.ndarray) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    return {**fitted_and_thresholded(*data), "model": LogisticRegression()}


_NOT_A_DICT = Mistake(
    "a list",
    lambda *data: [fitted_and_thresholded(*data)],
    tr("return a dict with the keys {keys}.", keys=", ".join(map(repr, _KEYS))),
)
_NO_MODEL = Mistake(
    "no model",
    lambda *data: {**fitted_and_thresholded(*data), "model": None},
    lambda model: tr(
        "'model' should be the fitted classifier (with predict_proba), not {kind}.", kind=type(model).__name__
    ),
)
_NOT_FITTED = Mistake("never fitted", _unfitted, tr("the model was never fitted: call .fit on the training split."))
_ON_TEST = Mistake(
    "threshold chosen on test",
    _changed(on="test"),
    tr(
        "the threshold was chosen on the test split: choose it on validation, then apply it unchanged to "
        "the test split, or the test sensitivity is flattered."
    ),
)
_BENIGN = Mistake(
    "benign as positive",
    _changed(benign=True),
    tr(
        "that threshold finds 90 % of the label-1 images, which are normal or benign: malignant is label 0. "
        "Make it the positive class, y = (labels == 0)."
    ),
)
_OTHER_THRESHOLD = Mistake(
    "threshold 0.5",
    lambda *data: {**fitted_and_thresholded(*data), "threshold": 0.5},
    lambda want, threshold: tr(
        "the highest threshold on your model's validation scores that finds 90 % of the malignant masses is "
        "{want:.4g}; you returned {threshold:.4g}.",
        want=want,
        threshold=threshold,
    ),
)
_VALIDATION = Mistake(
    "validation reported",
    _changed(report="val"),
    tr("those are the validation sensitivity and specificity: apply the threshold to the test split."),
)
_SWAPPED = Mistake("swapped", _swapped, tr("sensitivity and specificity are swapped."))
_OTHER_RATES = Mistake(
    "rounded rates",
    lambda *data: {**fitted_and_thresholded(*data), "test_sensitivity": 1.0},
    lambda sens, spec, got: tr(
        "at your threshold, your model's test sensitivity is {sens:.3f} and specificity {spec:.3f}; you "
        "returned {got_sens:.3f} and {got_spec:.3f}.",
        sens=sens,
        spec=spec,
        got_sens=got[0],
        got_spec=got[1],
    ),
)


def _called(y_true: np.ndarray, y_score: np.ndarray, threshold: float) -> tuple[float, float]:
    called = (y_score >= threshold).astype(int)
    return recall_score(y_true, called), recall_score(y_true, called, pos_label=0)


@task(
    tr(
        "Malignant is label 0: make it the positive class, y = (labels == 0). Fit on the training split, choose the "
        "threshold on the validation split with your threshold_for_sensitivity, then apply it once to the test split."
    ),
    tr(
        "scores = model.predict_proba(X)[:, 1] (the probability of class 1, malignant once you recoded the labels); "
        "called = test_scores >= threshold; then your sensitivity_specificity on the test labels."
    ),
    mistakes=[
        _NOT_A_DICT,
        _NO_MODEL,
        _NOT_FITTED,
        _ON_TEST,
        _BENIGN,
        _OTHER_THRESHOLD,
        _VALIDATION,
        _SWAPPED,
        _OTHER_RATES,
    ],
    reference=fitted_and_thresholded,
)
def fit_and_threshold(function: Any) -> None:
    from sklearn.exceptions import NotFittedError

    X_train, y_train, X_val, y_val, X_test, y_test = breast_pixels()
    result = call(function, X_train.copy(), y_train.copy(), X_val.copy(), y_val.copy(), X_test.copy(), y_test.copy())
    try:
        result = as_result(result, _KEYS)
    except Wrong:
        raise _NOT_A_DICT.wrong() from None
    model = result["model"]
    if not hasattr(model, "predict_proba"):
        raise _NO_MODEL.wrong(model)
    try:
        proba_val, proba_test = model.predict_proba(X_val), model.predict_proba(X_test)
    except NotFittedError:
        raise _NOT_FITTED.wrong() from None
    malignant_val, malignant_test = (y_val == 0).astype(int), (y_test == 0).astype(int)
    column = 1 if roc_auc_score(malignant_val, proba_val[:, 1]) >= 0.5 else 0  # whichever column scores malignant
    score_val, score_test = proba_val[:, column], proba_test[:, column]
    threshold = as_number(result["threshold"], "'threshold'")
    want = _threshold_for_sensitivity(malignant_val, score_val, 0.9)
    if not np.isclose(threshold, want, rtol=0, atol=1e-9):
        if np.isclose(threshold, _threshold_for_sensitivity(malignant_test, score_test, 0.9), rtol=0, atol=1e-9):
            raise _ON_TEST.wrong()
        if np.isclose(threshold, _threshold_for_sensitivity(y_val, 1 - score_val, 0.9), rtol=0, atol=1e-9):
            raise _BENIGN.wrong()
        raise _OTHER_THRESHOLD.wrong(want, threshold)
    sens, spec = _called(malignant_test, score_test, threshold)
    got = (
        as_number(result["test_sensitivity"], "'test_sensitivity'"),
        as_number(result["test_specificity"], "'test_specificity'"),
    )
    if np.allclose(got, _called(malignant_val, score_val, threshold)) and not np.allclose(got, (sens, spec)):
        raise _VALIDATION.wrong()
    if np.allclose(got, (spec, sens)) and not np.isclose(sens, spec):
        raise _SWAPPED.wrong()
    if not np.allclose(got, (sens, spec)):
        raise _OTHER_RATES.wrong(sens, spec, got)
