"""Checks for the exercises of the svm_margins chapter, support vector machines.

In the exercise notebook::

    from medlearn.check import svm_margins as check
    check.margin_width(margin_width)

The checks use the Wisconsin breast cancer data that ships with scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from ...data import separable_pair
from .._comparing import built_once
from ..core import Mistake, Wrong, as_number, call, close, compared, task
from . import _data

__all__ = ["decision_value", "hinge_loss", "margin_width", "pick_c", "refit_on_support_vectors", "scaled_rbf_svm"]


def _number(what: str) -> Any:
    return lambda value, *_: as_number(value, what)


@compared(
    "f(x) = w . x + b: a dot product plus the offset.",
    "return np.dot(w, x) + b",
    cases=_data.decision_cases,
    read=_number("f(x)"),
    mistakes=[
        Mistake("no offset", lambda w, b, x: np.dot(w, x), "the offset b is missing: f(x) = w . x + b."),
        Mistake(
            "not a dot product",
            lambda w, b, x: np.sum(w + x) + b,
            "w . x is the dot product: multiply element by element, then add up (np.dot(w, x)).",
            spot=lambda got, want, w, b, x: close(got, np.sum(w) * np.sum(x) + b) or close(got, np.sum(w + x) + b),
        ),
    ],
    otherwise=lambda value, want, w, b, x: (
        f"for w = {np.round(w, 2)}, b = {b:.2f}, x = {np.round(x, 2)} you returned {value:.4g}, expected {want:.4g}."
    ),
)
def decision_value(w: np.ndarray, b: float, x: np.ndarray) -> float:
    return w @ x + b


@compared(
    "The edges of the margin are where f(x) = +1 and f(x) = -1. How far apart are they along w?",
    "return 2 / np.linalg.norm(w)",
    cases=lambda: [(np.array([3.0, 4.0]),), (np.array([0.5, -0.5, 1.0]),), (np.array([10.0]),)],
    read=_number("the margin width"),
    mistakes=[
        Mistake(
            "half",
            lambda w: 1 / np.linalg.norm(w),
            "that is half the margin: the distance from the boundary to one edge. The strip is 2 / ||w|| wide.",
        ),
        Mistake(
            "squared norm",
            lambda w: 2 / np.sum(w**2),
            "you divided by ||w||**2; the norm is the square root: np.linalg.norm(w).",
        ),
        Mistake(
            "sum of |w|",
            lambda w: 2 / np.sum(np.abs(w)),
            "you used the sum of |w|; the length of w is sqrt(sum of squares): np.linalg.norm(w).",
        ),
    ],
    otherwise=lambda value, want, w: f"for w = {w} you returned {value:.4g}, expected {want:.4g}.",
)
def margin_width(w: np.ndarray) -> float:
    return 2 / np.linalg.norm(w)


@compared(
    "For one case the hinge loss is max(0, 1 - y f(x)), with y = +1 or -1.",
    "np.maximum (not np.max) works element by element: np.mean(np.maximum(0, 1 - y * f)).",
    cases=lambda: [(np.array([1, 1, -1, -1, 1, -1]), np.array([2.0, 0.5, -3.0, 0.2, -1.0, -0.9]))],
    read=_number("the mean hinge loss"),
    mistakes=[
        Mistake(
            "sum",
            lambda y, f: np.sum(np.maximum(0, 1 - y * f)),
            "you returned the sum; this task asks for the mean over the cases.",
        ),
        Mistake(
            "no max",
            lambda y, f: np.mean(1 - y * f),
            "cases beyond the margin (y f(x) > 1) must cost nothing, not a negative amount: max(0, 1 - y f(x)).",
        ),
        Mistake(
            "0-1 loss",
            lambda y, f: np.mean(y * f <= 0),
            "that is the 0-1 loss (the error rate). The hinge loss also charges correct cases inside the margin.",
            spot=lambda got, want, y, f: close(got, np.mean(y * f <= 0)) or close(got, np.mean(y * f < 0)),
        ),
    ],
    otherwise=lambda value, want, y, f: f"you returned {value:.4g}; expected {want:.4g} for y = {y} and f = {f}.",
)
def hinge_loss(y: np.ndarray, f: np.ndarray) -> float:
    return np.mean(np.maximum(0, 1 - y * f))


def _refit(X: np.ndarray, y: np.ndarray, C: float = 1e6, kernel: str = "linear", on_all: bool = False) -> SVC:
    """A second SVC fitted on the first one's support vectors (or, ``on_all``, on every case again)."""
    first = SVC(kernel=kernel, C=C).fit(X, y)
    keep = slice(None) if on_all else first.support_
    return SVC(kernel=kernel, C=C).fit(X[keep], y[keep])


_NOT_FITTED = Mistake(
    "not fitted",
    lambda X, y: SVC(kernel="linear", C=1e6),
    "return the second, fitted SVC (the one trained on the support vectors only).",
)
_NOT_LINEAR = Mistake(
    "RBF kernel",
    lambda X, y: _refit(X, y, kernel="rbf"),
    "use kernel='linear' for both fits, so that w can be compared.",
)
_ALL_CASES = Mistake(
    "all cases",
    lambda X, y: _refit(X, y, on_all=True),
    "your second model was trained on all 60 cases; train it on X[first.support_] and y[first.support_].",
)
_SOFT_MARGIN = Mistake(
    "soft margin",
    lambda X, y: _refit(X, y, C=0.01),
    "your second model's boundary differs from a hard-margin fit on all cases. Use C=1e6 for both fits, "
    "and train the second on the first one's support vectors.",
)


@task(
    "Fit SVC(kernel='linear', C=1e6) on all cases; its .support_ holds the indices of the support vectors.",
    "Fit a second SVC(kernel='linear', C=1e6) on X[first.support_], y[first.support_] and return it: its w and b "
    "are the same.",
    mistakes=[_NOT_FITTED, _NOT_LINEAR, _ALL_CASES, _SOFT_MARGIN],
)
def refit_on_support_vectors(function: Any) -> None:
    X, y = separable_pair()
    full = SVC(kernel="linear", C=1e6).fit(X, y)
    model = call(function, X.copy(), y.copy())
    if not isinstance(model, SVC) or not hasattr(model, "support_vectors_"):
        raise _NOT_FITTED.wrong()
    if model.kernel != "linear":
        raise _NOT_LINEAR.wrong()
    if len(model.support_vectors_) and model.shape_fit_[0] == len(X):
        raise _ALL_CASES.wrong()
    if not np.allclose(model.coef_, full.coef_, atol=1e-3) or not np.allclose(
        model.intercept_, full.intercept_, atol=1e-3
    ):
        raise _SOFT_MARGIN.wrong()


_BARE_SVC = Mistake(
    "bare SVC",
    lambda C, gamma: SVC(C=C, gamma=gamma),
    "a bare SVC sees the raw features, whose scales differ by four orders of magnitude. "
    "Put a StandardScaler before it in a Pipeline (make_pipeline).",
)
_NOT_A_PIPELINE = Mistake(
    "a list of steps",
    lambda C, gamma: [StandardScaler(), SVC(C=C, gamma=gamma)],
    lambda model: f"return a scikit-learn Pipeline, not {type(model).__name__}.",
)
_NO_SCALER = Mistake(
    "no scaler",
    lambda C, gamma: make_pipeline(SVC(C=C, gamma=gamma)),
    "your pipeline has no StandardScaler before the SVC.",
)
_NOT_RBF = Mistake(
    "linear kernel",
    lambda C, gamma: make_pipeline(StandardScaler(), SVC(kernel="linear", C=C, gamma=gamma)),
    "the last step must be SVC(kernel='rbf').",
)
_DEFAULTS = Mistake(
    "default C and gamma",
    lambda C, gamma: make_pipeline(StandardScaler(), SVC()),
    lambda svc: f"use the C and gamma you are given; your SVC has C={svc.C}, gamma={svc.gamma!r}.",
)


@task(
    "sklearn.pipeline.make_pipeline chains steps: the scaler learns from the training data of each fit.",
    "return make_pipeline(StandardScaler(), SVC(kernel='rbf', C=C, gamma=gamma))",
    mistakes=[_BARE_SVC, _NOT_A_PIPELINE, _NO_SCALER, _NOT_RBF, _DEFAULTS],
)
def scaled_rbf_svm(function: Any) -> str:
    model = call(function, 10.0, 0.01)
    if isinstance(model, SVC):
        raise _BARE_SVC.wrong()
    if not isinstance(model, Pipeline):
        raise _NOT_A_PIPELINE.wrong(model)
    steps = [step for _, step in model.steps]
    if not any(isinstance(step, StandardScaler) for step in steps[:-1]):
        raise _NO_SCALER.wrong()
    last = steps[-1]
    if not isinstance(last, SVC) or last.kernel != "rbf":
        raise _NOT_RBF.wrong()
    if not np.isclose(last.C, 10.0) or last.gamma != 0.01:
        raise _DEFAULTS.wrong(last)
    data = load_breast_cancer()
    accuracy = cross_val_score(
        clone(model), data.data, data.target, cv=StratifiedKFold(5, shuffle=True, random_state=0)
    ).mean()
    if accuracy < 0.95:
        raise Wrong(f"cross-validated accuracy {accuracy:.3f}; a scaled RBF SVM should reach 0.95 on Wisconsin.")
    return f"5-fold accuracy on Wisconsin: {accuracy:.3f}."


def _validation_scores(X_train: Any, y_train: Any, X_val: Any, y_val: Any, candidates: list) -> tuple[dict, dict]:
    """Each C's validation and training accuracy."""
    fits = {C: SVC(kernel="linear", C=C).fit(X_train, y_train) for C in candidates}
    return {C: m.score(X_val, y_val) for C, m in fits.items()}, {C: m.score(X_train, y_train) for C, m in fits.items()}


@built_once
def _pick_c_scores() -> tuple[dict, dict]:
    """Each candidate C's validation and training accuracy on the split pick_c is checked on."""
    X_train, X_val, y_train, y_val = _data.pick_c_split()
    return _validation_scores(X_train, y_train, X_val, y_val, list(_data.C_CANDIDATES))


def _best(scores: dict, pick: Any = min) -> float:
    return pick(C for C in scores if scores[C] == max(scores.values()))


_BY_TRAINING = Mistake(
    "training accuracy",
    lambda *split: _best(_validation_scores(*split)[1]),
    "you chose by training accuracy, which rewards fitting the training cases. Choose by validation accuracy.",
)
_LARGEST_TIE = Mistake(
    "not the smallest of a tie",
    lambda *split: _best(_validation_scores(*split)[0], pick=max),
    "several values of C tie on validation accuracy; take the smallest (the widest margin).",
)


@task(
    "For each candidate C, fit SVC(kernel='linear', C=C) on the training data and score it on the validation data.",
    "Keep the C with the highest validation accuracy; among ties, the smallest C (the simplest model).",
    mistakes=[_BY_TRAINING, _LARGEST_TIE],
)
def pick_c(function: Any) -> None:
    X_train, X_val, y_train, y_val = _data.pick_c_split()
    val, train = _pick_c_scores()
    best = _best(val)
    got = as_number(call(function, X_train, y_train, X_val, y_val, list(_data.C_CANDIDATES)), "your C")
    if np.isclose(got, best):
        return
    if np.isclose(got, _best(train)):
        raise _BY_TRAINING.wrong()
    if any(np.isclose(got, C) for C in val if val[C] == max(val.values())):
        raise _LARGEST_TIE.wrong()
    raise Wrong(f"C = {got:g} does not have the best validation accuracy; {best:g} does ({val[best]:.3f}).")
