"""Checks for the exercises of chapter 11, patient privacy.

In the exercise notebook::

    from medlearn.check import privacy as check
    check.apply_action(apply_action)

The answers are compared with ``medlearn.privacy`` (the profile's actions,
``shift_date``) and with the definitions of k-anonymity, the Laplace mechanism
and federated averaging.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..privacy import DUMMY, shift_date
from .core import Wrong, as_array, as_number, as_result, call, task

__all__ = [
    "apply_action",
    "date_shift",
    "fedavg_round",
    "k_of_table",
    "laplace_scale",
    "membership_attack",
    "uid_mapping",
    "wisconsin_halves",
]


@task(
    hints=[
        "X removes the attribute (return None), Z keeps it with an empty value (''), K keeps the value, "
        "D puts a dummy value in its place.",
        "For D, return DUMMY[vr] (medlearn.privacy.DUMMY): a value of the right kind for the VR.",
    ]
)
def apply_action(function: Any) -> None:
    cases = [
        ("Doe^Jane", "PN", "X", None),
        ("Doe^Jane", "PN", "Z", ""),
        ("Doe^Jane", "PN", "D", DUMMY["PN"]),
        ("20240131", "DA", "D", DUMMY["DA"]),
        ("CT", "CS", "K", "CT"),
    ]
    for value, vr, action, want in cases:
        got = call(function, value, vr, action)
        if got == want:
            continue
        if action == "Z" and got is None:
            raise Wrong("Z does not remove the attribute: it stays, with an empty value ('').")
        if action == "X" and got == "":
            raise Wrong("X removes the attribute altogether (None here), Z would empty it.")
        if action == "D" and got == value:
            raise Wrong("D replaces the value with a dummy: the original must not survive.")
        raise Wrong(f"{action} on {value!r} ({vr}): expected {want!r}, you returned {got!r}.")


_UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")


@task(
    hints=[
        "The same old UID must always give the same new one (a series stays linked), and different old UIDs "
        "different new ones.",
        "Hash the salt and the UID together (for example hmac.new(salt.encode(), uid.encode(), 'sha256')), turn "
        "16 bytes of the digest into an integer, and write '2.25.' + that integer.",
    ]
)
def uid_mapping(function: Any) -> None:
    old = ["1.2.840.113619.2.1.1", "1.2.840.113619.2.1.2", "1.2.840.113619.2.1.1"]
    new = [str(call(function, uid, "a secret salt")) for uid in old]
    if new[0] != new[2]:
        raise Wrong("the same UID gave two different new UIDs: the files of one series would lose their link.")
    if new[0] == new[1]:
        raise Wrong("two different UIDs gave the same new UID: two series would be merged.")
    if any(n == o for n, o in zip(new, old)):
        raise Wrong("a new UID equals the old one: the original survives.")
    for uid in new:
        if len(uid) > 64 or not _UID.match(uid):
            raise Wrong(f"{uid!r} is not a valid UID: digits and dots, no leading zeros, at most 64 characters.")
    if str(call(function, old[0], "another salt")) == new[0]:
        raise Wrong("another salt gave the same UID: without the salt in the hash, anyone can recompute the map.")


@task(
    hints=[
        "Read the date as year, month and day (datetime.date), add datetime.timedelta(days=days), write it back "
        "as YYYYMMDD.",
        "Shifting the text or the day number by hand breaks at the end of a month and in leap years.",
    ]
)
def date_shift(function: Any) -> None:
    for value, days in (("20240228", 1), ("20231231", 1), ("20240301", -1), ("19991115", 120)):
        want = shift_date(value, days)
        got = call(function, value, days)
        if got == want:
            continue
        if str(got) == str(int(value) + days):
            raise Wrong("adding days to the number YYYYMMDD breaks at month ends: use datetime.date.")
        raise Wrong(f"{value} moved by {days} days: expected {want}, you returned {got!r}.")


@task(
    hints=[
        "Group the rows by their quasi-identifiers and count each group's size.",
        "k is the size of the smallest group: every record hides among at least k - 1 others.",
    ]
)
def k_of_table(function: Any) -> None:
    rows = [(50, 1), (50, 1), (50, 1), (60, 2), (60, 2), (70, 1), (70, 1), (70, 1), (70, 1)]
    sizes = [3, 2, 4]
    got = as_number(call(function, list(rows)), "your k")
    if got == min(sizes):
        if as_number(call(function, [(1, 1)]), "your k") != 1:
            raise Wrong("a table of one record has k = 1.")
        return
    if got == max(sizes):
        raise Wrong("that is the largest group: k is the smallest one, the weakest protection in the table.")
    if got == len(sizes):
        raise Wrong("that is the number of groups: k is the size of the smallest group.")
    raise Wrong(f"the groups have sizes {sizes}; you returned {got}.")


@task(
    hints=[
        "The Laplace mechanism adds noise from Laplace(0, b) with b = sensitivity / epsilon.",
        "A count changes by at most 1 when one patient is added or removed: its sensitivity is 1.",
    ]
)
def laplace_scale(function: Any) -> None:
    for sensitivity, epsilon in ((1.0, 0.5), (1.0, 2.0), (3.0, 1.0)):
        want = sensitivity / epsilon
        got = as_number(call(function, sensitivity, epsilon), "your scale")
        if np.isclose(got, want):
            continue
        if np.isclose(got, epsilon / sensitivity):
            raise Wrong(
                "that is upside down: a smaller epsilon (more privacy) needs more noise, b = sensitivity / eps."
            )
        raise Wrong(f"sensitivity {sensitivity}, epsilon {epsilon}: expected b = {want}, you returned {got}.")


@task(
    hints=[
        "Average each layer's weights over the hospitals, weighting each hospital by its number of training cases.",
        "new[i] = sum(n_h * weights_h[i] for each hospital h) / sum(n_h), for every layer i.",
    ]
)
def fedavg_round(function: Any) -> None:
    hospitals = [
        [np.array([[1.0, 2.0]]), np.array([0.0])],
        [np.array([[3.0, 6.0]]), np.array([1.0])],
        [np.array([[5.0, 4.0]]), np.array([2.0])],
    ]
    sizes = [100, 300, 100]
    want = [sum(n * w[i] for n, w in zip(sizes, hospitals)) / sum(sizes) for i in range(2)]
    got = call(function, [list(w) for w in hospitals], list(sizes))
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        raise Wrong("return one array per layer, in the layers' order (here 2).")
    got = [as_array(g, f"your layer {i}", shape=w.shape) for i, (g, w) in enumerate(zip(got, want))]
    if all(np.allclose(g, w) for g, w in zip(got, want)):
        return
    plain = [np.mean([w[i] for w in hospitals], axis=0) for i in range(2)]
    if all(np.allclose(g, p) for g, p in zip(got, plain)):
        raise Wrong("that is the plain mean: weight each hospital by its number of cases (100, 300 and 100 here).")
    raise Wrong(f"expected {[w.tolist() for w in want]}; you returned {[g.tolist() for g in got]}.")


def wisconsin_halves() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Chapter 11's split of the Wisconsin measurements in half, stratified, ``random_state=0``: the members
    (the training cases) and the non-members, ``(X_in, y_in, X_out, y_out)``, label 1 = benign (the task
    ``membership_attack``).

    Example:
        >>> X_in, y_in, X_out, y_out = wisconsin_halves()
        >>> X_in.shape, X_out.shape
        ((284, 30), (285, 30))
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    X, y = load_breast_cancer(return_X_y=True)
    X_in, X_out, y_in, y_out = train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)
    return X_in, y_in, X_out, y_out


def _attack_auc(p_in: np.ndarray, y_in: np.ndarray, p_out: np.ndarray, y_out: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    def loss(p: np.ndarray, labels: np.ndarray) -> np.ndarray:
        p = np.clip(p, 1e-7, 1 - 1e-7)
        return -(labels * np.log(p) + (1 - labels) * np.log(1 - p))

    member = np.r_[np.ones(len(y_in)), np.zeros(len(y_out))]
    return float(roc_auc_score(member, -np.r_[loss(p_in, y_in), loss(p_out, y_out)]))


@task(
    hints=[
        "Fit the forest on the members only. Each case's loss is the cross-entropy of its predicted probability of "
        "class 1 against its label; a lower loss suggests a member, so the attack's score is minus the loss.",
        "p = np.clip(forest.predict_proba(X)[:, 1], 1e-7, 1 - 1e-7); loss = -(y * log(p) + (1 - y) * log(1 - p)); "
        "roc_auc_score(member, -losses) with member 1 for X_in's rows and 0 for X_out's.",
    ]
)
def membership_attack(function: Any) -> None:
    from sklearn.base import clone
    from sklearn.ensemble import RandomForestClassifier

    X_in, y_in, X_out, y_out = wisconsin_halves()
    try:
        result = call(function, X_in.copy(), y_in.copy(), X_out.copy(), y_out.copy())
    except Wrong as wrong:
        if "infinity" in str(wrong).lower() or "nan" in str(wrong).lower():
            raise Wrong(
                f"a probability of exactly 0 or 1 makes log(0) = -inf: clip the probabilities to "
                f"[1e-7, 1 - 1e-7] before the log. ({wrong})"
            ) from None
        raise
    result = as_result(result, ("model", "attack_auc"))
    model = result["model"]
    if not isinstance(model, RandomForestClassifier):
        raise Wrong(f"'model' should be the fitted RandomForestClassifier, not {type(model).__name__}.")
    if not hasattr(model, "estimators_"):
        raise Wrong("the forest was never fitted: fit it on the members, X_in and y_in.")
    everyone = clone(model).fit(np.r_[X_in, X_out], np.r_[y_in, y_out])
    if np.allclose(model.predict_proba(X_out), everyone.predict_proba(X_out)):
        raise Wrong("the forest was fitted on every case: fit it on the members only, or nobody is a non-member.")
    auc = as_number(result["attack_auc"], "'attack_auc'")
    p_in, p_out = model.predict_proba(X_in)[:, 1], model.predict_proba(X_out)[:, 1]
    want = _attack_auc(p_in, y_in, p_out, y_out)
    if np.isclose(auc, 1 - want) and not np.isclose(want, 0.5):
        raise Wrong("the score is upside down: a LOWER loss suggests a member, so score each case by minus its loss.")
    column0 = _attack_auc(model.predict_proba(X_in)[:, 0], y_in, model.predict_proba(X_out)[:, 0], y_out)
    if np.isclose(auc, column0) and not np.isclose(auc, want):
        raise Wrong("that loss used column 0, the probability of class 0: the labels are 1 for class 1, column 1.")
    if not np.isclose(auc, want, atol=1e-9):
        raise Wrong(f"the loss attack on your forest has an AUC of {want:.4f}; you returned {auc:.4f}.")
