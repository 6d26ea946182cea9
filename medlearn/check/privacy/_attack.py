"""The privacy chapter's membership_attack task: a forest fitted on the members and a loss attack on it, with its table
of mistakes (each made by :func:`attack` with one option changed)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Mistake, Wrong, as_number, as_result, call, task
from ._data import wisconsin_halves


def attack(
    X_in: np.ndarray,
    y_in: np.ndarray,
    X_out: np.ndarray,
    y_out: np.ndarray,
    *,
    fit_all: bool = False,
    sign: int = 1,
    column: int = 1,
    clip: bool = True,
) -> dict[str, Any]:
    """membership_attack's answer: a forest on the members and the AUC of minus each case's loss as a member score;
    the options make the mistakes.

    Example:
        >>> sorted(attack(*wisconsin_halves()))
        ['attack_auc', 'model']
    """
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score

    X_fit, y_fit = (np.r_[X_in, X_out], np.r_[y_in, y_out]) if fit_all else (X_in, y_in)
    forest = RandomForestClassifier(n_estimators=100, random_state=0).fit(X_fit, y_fit)

    def loss(X: np.ndarray, y: np.ndarray) -> np.ndarray:
        p = forest.predict_proba(X)[:, column]
        p = np.clip(p, 1e-7, 1 - 1e-7) if clip else p
        with np.errstate(divide="ignore", invalid="ignore"):
            return -(y * np.log(p) + (1 - y) * np.log(1 - p))

    member = np.r_[np.ones(len(y_in)), np.zeros(len(y_out))]
    return {"model": forest, "attack_auc": roc_auc_score(member, -sign * np.r_[loss(X_in, y_in), loss(X_out, y_out)])}


def _attack_auc(p_in: np.ndarray, y_in: np.ndarray, p_out: np.ndarray, y_out: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    def loss(p: np.ndarray, labels: np.ndarray) -> np.ndarray:
        p = np.clip(p, 1e-7, 1 - 1e-7)
        return -(labels * np.log(p) + (1 - labels) * np.log(1 - p))

    member = np.r_[np.ones(len(y_in)), np.zeros(len(y_out))]
    return float(roc_auc_score(member, -np.r_[loss(p_in, y_in), loss(p_out, y_out)]))


def _unfitted(*data: np.ndarray) -> dict[str, Any]:
    from sklearn.ensemble import RandomForestClassifier

    return {**attack(*data), "model": RandomForestClassifier()}


_NOT_CLIPPED = Mistake(
    "not clipped",
    lambda *data: attack(*data, clip=False),
    lambda wrong: (
        f"a probability of exactly 0 or 1 makes log(0) = -inf: clip the probabilities to "
        f"[1e-7, 1 - 1e-7] before the log. ({wrong})"
    ),
)
_NOT_A_DICT = Mistake(
    "the AUC alone", lambda *data: attack(*data)["attack_auc"], "return a dict with the keys 'model', 'attack_auc'."
)
_NOT_A_FOREST = Mistake(
    "no model",
    lambda *data: {**attack(*data), "model": None},
    lambda model: f"'model' should be the fitted RandomForestClassifier, not {type(model).__name__}.",
)
_NOT_FITTED = Mistake("never fitted", _unfitted, "the forest was never fitted: fit it on the members, X_in and y_in.")
_EVERY_CASE = Mistake(
    "fitted on every case",
    lambda *data: attack(*data, fit_all=True),
    "the forest was fitted on every case: fit it on the members only, or nobody is a non-member.",
)
_UPSIDE_DOWN = Mistake(
    "upside down",
    lambda *data: attack(*data, sign=-1),
    "the score is upside down: a LOWER loss suggests a member, so score each case by minus its loss.",
)
_COLUMN_0 = Mistake(
    "column 0",
    lambda *data: attack(*data, column=0),
    "that loss used column 0, the probability of class 0: the labels are 1 for class 1, column 1.",
)
_OTHER_AUC = Mistake(
    "rounded AUC",
    lambda *data: {**attack(*data), "attack_auc": round(attack(*data)["attack_auc"], 2)},
    lambda want, auc: f"the loss attack on your forest has an AUC of {want:.4f}; you returned {auc:.4f}.",
)


@task(
    "Fit the forest on the members only. Each case's loss is the cross-entropy of its predicted probability of "
    "class 1 against its label; a lower loss suggests a member, so the attack's score is minus the loss.",
    "p = np.clip(forest.predict_proba(X)[:, 1], 1e-7, 1 - 1e-7); loss = -(y * log(p) + (1 - y) * log(1 - p)); "
    "roc_auc_score(member, -losses) with member 1 for X_in's rows and 0 for X_out's.",
    mistakes=[_NOT_CLIPPED, _NOT_A_DICT, _NOT_A_FOREST, _NOT_FITTED, _EVERY_CASE, _UPSIDE_DOWN, _COLUMN_0, _OTHER_AUC],
    reference=attack,
)
def membership_attack(function: Any) -> None:
    from sklearn.base import clone
    from sklearn.ensemble import RandomForestClassifier

    X_in, y_in, X_out, y_out = wisconsin_halves()
    try:
        result = call(function, X_in.copy(), y_in.copy(), X_out.copy(), y_out.copy())
    except Wrong as wrong:
        if "infinity" in str(wrong).lower() or "nan" in str(wrong).lower():
            raise _NOT_CLIPPED.wrong(wrong) from None
        raise
    try:
        result = as_result(result, ("model", "attack_auc"))
    except Wrong:
        raise _NOT_A_DICT.wrong() from None
    model = result["model"]
    if not isinstance(model, RandomForestClassifier):
        raise _NOT_A_FOREST.wrong(model)
    if not hasattr(model, "estimators_"):
        raise _NOT_FITTED.wrong()
    everyone = clone(model).fit(np.r_[X_in, X_out], np.r_[y_in, y_out])
    if np.allclose(model.predict_proba(X_out), everyone.predict_proba(X_out)):
        raise _EVERY_CASE.wrong()
    auc = as_number(result["attack_auc"], "'attack_auc'")
    p_in, p_out = model.predict_proba(X_in)[:, 1], model.predict_proba(X_out)[:, 1]
    want = _attack_auc(p_in, y_in, p_out, y_out)
    if np.isclose(auc, 1 - want) and not np.isclose(want, 0.5):
        raise _UPSIDE_DOWN.wrong()
    column0 = _attack_auc(model.predict_proba(X_in)[:, 0], y_in, model.predict_proba(X_out)[:, 0], y_out)
    if np.isclose(auc, column0) and not np.isclose(auc, want):
        raise _COLUMN_0.wrong()
    if not np.isclose(auc, want, atol=1e-9):
        raise _OTHER_AUC.wrong(want, auc)
