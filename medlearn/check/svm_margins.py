"""Checks for the exercises of chapter 03, support vector machines.

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
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from ..data import separable_pair, wisconsin_pair
from .core import Wrong, as_number, call, task

__all__ = ["decision_value", "hinge_loss", "margin_width", "pick_c", "refit_on_support_vectors", "scaled_rbf_svm"]


@task(
    hints=[
        "f(x) = w . x + b: a dot product plus the offset.",
        "return np.dot(w, x) + b",
    ]
)
def decision_value(function: Any) -> None:
    rng = np.random.default_rng(0)
    for _ in range(3):
        w, x, b = rng.normal(size=3), rng.normal(size=3), float(rng.normal())
        value = as_number(call(function, w.copy(), b, x.copy()), "f(x)")
        if np.isclose(value, w @ x + b):
            continue
        if np.isclose(value, w @ x):
            raise Wrong("the offset b is missing: f(x) = w . x + b.")
        if np.isclose(value, np.sum(w) * np.sum(x) + b) or np.isclose(value, np.sum(w + x) + b):
            raise Wrong("w . x is the dot product: multiply element by element, then add up (np.dot(w, x)).")
        raise Wrong(
            f"for w = {np.round(w, 2)}, b = {b:.2f}, x = {np.round(x, 2)} you returned {value:.4g}, expected "
            f"{w @ x + b:.4g}."
        )


@task(
    hints=[
        "The edges of the margin are where f(x) = +1 and f(x) = -1. How far apart are they along w?",
        "return 2 / np.linalg.norm(w)",
    ]
)
def margin_width(function: Any) -> None:
    for w in (np.array([3.0, 4.0]), np.array([0.5, -0.5, 1.0]), np.array([10.0])):
        value = as_number(call(function, w.copy()), "the margin width")
        want = 2 / np.linalg.norm(w)
        if np.isclose(value, want):
            continue
        if np.isclose(value, 1 / np.linalg.norm(w)):
            raise Wrong(
                "that is half the margin: the distance from the boundary to one edge. The strip is 2 / ||w|| wide."
            )
        if np.isclose(value, 2 / np.sum(w**2)):
            raise Wrong("you divided by ||w||**2; the norm is the square root: np.linalg.norm(w).")
        if np.isclose(value, 2 / np.sum(np.abs(w))):
            raise Wrong("you used the sum of |w|; the length of w is sqrt(sum of squares): np.linalg.norm(w).")
        raise Wrong(f"for w = {w} you returned {value:.4g}, expected {want:.4g}.")


@task(
    hints=[
        "For one case the hinge loss is max(0, 1 - y f(x)), with y = +1 or -1.",
        "np.maximum (not np.max) works element by element: np.mean(np.maximum(0, 1 - y * f)).",
    ]
)
def hinge_loss(function: Any) -> None:
    y = np.array([1, 1, -1, -1, 1, -1])
    f = np.array([2.0, 0.5, -3.0, 0.2, -1.0, -0.9])
    want = np.mean(np.maximum(0, 1 - y * f))
    value = as_number(call(function, y.copy(), f.copy()), "the mean hinge loss")
    if np.isclose(value, want):
        return
    if np.isclose(value, np.sum(np.maximum(0, 1 - y * f))):
        raise Wrong("you returned the sum; this task asks for the mean over the cases.")
    if np.isclose(value, np.mean(1 - y * f)):
        raise Wrong(
            "cases beyond the margin (y f(x) > 1) must cost nothing, not a negative amount: max(0, 1 - y f(x))."
        )
    if np.isclose(value, np.mean(y * f <= 0)) or np.isclose(value, np.mean(y * f < 0)):
        raise Wrong(
            "that is the 0-1 loss (the error rate). The hinge loss also charges correct cases inside the margin."
        )
    raise Wrong(f"you returned {value:.4g}; expected {want:.4g} for y = {y} and f = {f}.")


@task(
    hints=[
        "Fit SVC(kernel='linear', C=1e6) on all cases; its .support_ holds the indices of the support vectors.",
        "Fit a second SVC(kernel='linear', C=1e6) on X[first.support_], y[first.support_] and return it: its w and b "
        "are the same.",
    ]
)
def refit_on_support_vectors(function: Any) -> None:
    X, y = separable_pair()
    full = SVC(kernel="linear", C=1e6).fit(X, y)
    model = call(function, X.copy(), y.copy())
    if not isinstance(model, SVC) or not hasattr(model, "support_vectors_"):
        raise Wrong("return the second, fitted SVC (the one trained on the support vectors only).")
    if model.kernel != "linear":
        raise Wrong("use kernel='linear' for both fits, so that w can be compared.")
    if len(model.support_vectors_) and model.shape_fit_[0] == len(X):
        raise Wrong(
            "your second model was trained on all 60 cases; train it on X[first.support_] and y[first.support_]."
        )
    if not np.allclose(model.coef_, full.coef_, atol=1e-3) or not np.allclose(
        model.intercept_, full.intercept_, atol=1e-3
    ):
        raise Wrong(
            "your second model's boundary differs from a hard-margin fit on all cases. Use C=1e6 for both fits, "
            "and train the second on the first one's support vectors."
        )


@task(
    hints=[
        "sklearn.pipeline.make_pipeline chains steps: the scaler learns from the training data of each fit.",
        "return make_pipeline(StandardScaler(), SVC(kernel='rbf', C=C, gamma=gamma))",
    ]
)
def scaled_rbf_svm(function: Any) -> str:
    model = call(function, 10.0, 0.01)
    if isinstance(model, SVC):
        raise Wrong(
            "a bare SVC sees the raw features, whose scales differ by four orders of magnitude. "
            "Put a StandardScaler before it in a Pipeline (make_pipeline)."
        )
    if not isinstance(model, Pipeline):
        raise Wrong(f"return a scikit-learn Pipeline, not {type(model).__name__}.")
    steps = [step for _, step in model.steps]
    if not any(isinstance(step, StandardScaler) for step in steps[:-1]):
        raise Wrong("your pipeline has no StandardScaler before the SVC.")
    last = steps[-1]
    if not isinstance(last, SVC) or last.kernel != "rbf":
        raise Wrong("the last step must be SVC(kernel='rbf').")
    if not np.isclose(last.C, 10.0) or last.gamma != 0.01:
        raise Wrong(f"use the C and gamma you are given; your SVC has C={last.C}, gamma={last.gamma!r}.")
    data = load_breast_cancer()
    accuracy = cross_val_score(
        clone(model), data.data, data.target, cv=StratifiedKFold(5, shuffle=True, random_state=0)
    ).mean()
    if accuracy < 0.95:
        raise Wrong(f"cross-validated accuracy {accuracy:.3f}; a scaled RBF SVM should reach 0.95 on Wisconsin.")
    return f"5-fold accuracy on Wisconsin: {accuracy:.3f}."


_C_CANDIDATES = (0.001, 0.01, 0.1, 1.0, 10.0, 100.0)


def _pick_c_data() -> tuple[np.ndarray, ...]:
    X, y = wisconsin_pair()  # chapter 03, section 3's split
    return tuple(train_test_split(X, y, test_size=0.5, stratify=y, random_state=0))


@task(
    hints=[
        "For each candidate C, fit SVC(kernel='linear', C=C) on the training data and score it on the validation data.",
        "Keep the C with the highest validation accuracy; among ties, the smallest C (the simplest model).",
    ]
)
def pick_c(function: Any) -> None:
    X_train, X_val, y_train, y_val = _pick_c_data()
    fits = {C: SVC(kernel="linear", C=C).fit(X_train, y_train) for C in _C_CANDIDATES}
    val = {C: m.score(X_val, y_val) for C, m in fits.items()}
    train = {C: m.score(X_train, y_train) for C, m in fits.items()}
    best = min(C for C in _C_CANDIDATES if val[C] == max(val.values()))
    got = as_number(call(function, X_train, y_train, X_val, y_val, list(_C_CANDIDATES)), "your C")
    if np.isclose(got, best):
        return
    by_training = min(C for C in _C_CANDIDATES if train[C] == max(train.values()))
    if np.isclose(got, by_training):
        raise Wrong(
            "you chose by training accuracy, which rewards fitting the training cases. Choose by validation accuracy."
        )
    if any(np.isclose(got, C) for C in _C_CANDIDATES if val[C] == max(val.values())):
        raise Wrong("several values of C tie on validation accuracy; take the smallest (the widest margin).")
    raise Wrong(f"C = {got:g} does not have the best validation accuracy; {best:g} does ({val[best]:.3f}).")
