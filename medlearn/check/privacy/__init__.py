"""Checks for the exercises of the privacy chapter, patient privacy.

In the exercise notebook::

    from medlearn.check import privacy as check
    check.apply_action(apply_action)

The answers are compared with ``medlearn.privacy`` (the profile's actions, ``shift_date``) and with the definitions
of k-anonymity, the Laplace mechanism and federated averaging.
"""

from __future__ import annotations

import collections
import operator
import re
import secrets
from typing import Any

import numpy as np

from ...privacy import DUMMY, replace_uid, shift_date
from ..core import Mistake, Wrong, as_array, as_number, call, compared, task
from ._attack import membership_attack
from ._data import wisconsin_halves

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


def _action(value: str, vr: str, action: str) -> str | None:
    return {"X": None, "Z": "", "D": DUMMY[vr], "K": value}[action]


@compared(
    "X removes the attribute (return None), Z keeps it with an empty value (''), K keeps the value, "
    "D puts a dummy value in its place.",
    "For D, return DUMMY[vr] (medlearn.privacy.DUMMY): a value of the right kind for the VR.",
    cases=lambda: [
        ("Doe^Jane", "PN", "X"),
        ("Doe^Jane", "PN", "Z"),
        ("Doe^Jane", "PN", "D"),
        ("20240131", "DA", "D"),
        ("CT", "CS", "K"),
    ],
    read=lambda value, *_: value,
    same=operator.eq,
    mistakes=[
        Mistake(
            "Z removes",
            lambda value, vr, action: None if action in "XZ" else _action(value, vr, action),
            "Z does not remove the attribute: it stays, with an empty value ('').",
            spot=lambda got, want, value, vr, action: action == "Z" and got is None,
        ),
        Mistake(
            "X empties",
            lambda value, vr, action: "" if action in "XZ" else _action(value, vr, action),
            "X removes the attribute altogether (None here), Z would empty it.",
            spot=lambda got, want, value, vr, action: action == "X" and got == "",
        ),
        Mistake(
            "D keeps",
            lambda value, vr, action: value if action == "D" else _action(value, vr, action),
            "D replaces the value with a dummy: the original must not survive.",
            spot=lambda got, want, value, vr, action: action == "D" and got == value,
        ),
    ],
    otherwise=lambda got, want, value, vr, action: (
        f"{action} on {value!r} ({vr}): expected {want!r}, you returned {got!r}."
    ),
)
def apply_action(value: str, vr: str, action: str) -> str | None:
    return _action(value, vr, action)


_UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")

_UNLINKED = Mistake(
    "a new UID every call",
    lambda uid, salt: replace_uid(uid, secrets.token_hex(8)),
    "the same UID gave two different new UIDs: the files of one series would lose their link.",
)
_MERGED = Mistake(
    "one UID for all",
    lambda uid, salt: "2.25.1",
    "two different UIDs gave the same new UID: two series would be merged.",
)
_UNCHANGED = Mistake("unchanged", lambda uid, salt: uid, "a new UID equals the old one: the original survives.")
_INVALID = Mistake(
    "leading zero",
    lambda uid, salt: "2.25.0" + uid.replace(".", ""),
    lambda uid: f"{uid!r} is not a valid UID: digits and dots, no leading zeros, at most 64 characters.",
)
_NO_SALT = Mistake(
    "salt ignored",
    lambda uid, salt: replace_uid(uid, "one fixed salt for all"),
    "another salt gave the same UID: without the salt in the hash, anyone can recompute the map.",
)


@task(
    "The same old UID must always give the same new one (a series stays linked), and different old UIDs "
    "different new ones.",
    "Hash the salt and the UID together (for example hmac.new(salt.encode(), uid.encode(), 'sha256')), turn "
    "16 bytes of the digest into an integer, and write '2.25.' + that integer.",
    mistakes=[_UNLINKED, _MERGED, _UNCHANGED, _INVALID, _NO_SALT],
    reference=replace_uid,
)
def uid_mapping(function: Any) -> None:
    old = ["1.2.840.113619.2.1.1", "1.2.840.113619.2.1.2", "1.2.840.113619.2.1.1"]
    new = [str(call(function, uid, "a long secret salt")) for uid in old]
    if new[0] != new[2]:
        raise _UNLINKED.wrong()
    if new[0] == new[1]:
        raise _MERGED.wrong()
    if any(n == o for n, o in zip(new, old)):
        raise _UNCHANGED.wrong()
    for uid in new:
        if len(uid) > 64 or not _UID.match(uid):
            raise _INVALID.wrong(uid)
    if str(call(function, old[0], "another long secret salt")) == new[0]:
        raise _NO_SALT.wrong()


@compared(
    "Read the date as year, month and day (datetime.date), add datetime.timedelta(days=days), write it back "
    "as YYYYMMDD.",
    "Shifting the text or the day number by hand breaks at the end of a month and in leap years.",
    cases=lambda: [("20240228", 1), ("20231231", 1), ("20240301", -1), ("19991115", 120)],
    read=lambda value, *_: value,
    same=operator.eq,
    mistakes=[
        Mistake(
            "the number",
            lambda value, days: str(int(value) + days),
            "adding days to the number YYYYMMDD breaks at month ends: use datetime.date.",
            spot=lambda got, want, value, days: str(got) == str(int(value) + days),
        )
    ],
    otherwise=lambda got, want, value, days: f"{value} moved by {days} days: expected {want}, you returned {got!r}.",
)
def date_shift(value: str, days: int) -> str:
    return shift_date(value, days)


def _group_sizes(rows: list[tuple]) -> list[int]:
    return list(collections.Counter(map(tuple, rows)).values())


_LARGEST = Mistake(
    "largest group",
    lambda rows: max(_group_sizes(rows)),
    "that is the largest group: k is the smallest one, the weakest protection in the table.",
)
_GROUPS = Mistake(
    "number of groups",
    lambda rows: len(_group_sizes(rows)),
    "that is the number of groups: k is the size of the smallest group.",
)


@task(
    "Group the rows by their quasi-identifiers and count each group's size.",
    "k is the size of the smallest group: every record hides among at least k - 1 others.",
    mistakes=[_LARGEST, _GROUPS],
    reference=lambda rows: min(_group_sizes(rows)),
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
        raise _LARGEST.wrong()
    if got == len(sizes):
        raise _GROUPS.wrong()
    raise Wrong(f"the groups have sizes {sizes}; you returned {got}.")


@compared(
    "The Laplace mechanism adds noise from Laplace(0, b) with b = sensitivity / epsilon.",
    "A count changes by at most 1 when one patient is added or removed: its sensitivity is 1.",
    cases=lambda: [(1.0, 0.5), (1.0, 2.0), (3.0, 1.0)],
    read=lambda value, *_: as_number(value, "your scale"),
    mistakes=[
        Mistake(
            "upside down",
            lambda sensitivity, epsilon: epsilon / sensitivity,
            "that is upside down: a smaller epsilon (more privacy) needs more noise, b = sensitivity / eps.",
        )
    ],
    otherwise=lambda got, want, sensitivity, epsilon: (
        f"sensitivity {sensitivity}, epsilon {epsilon}: expected b = {want}, you returned {got}."
    ),
)
def laplace_scale(sensitivity: float, epsilon: float) -> float:
    return sensitivity / epsilon


def _fedavg(weights: list[list[np.ndarray]], sizes: list[int]) -> list[np.ndarray]:
    return [sum(n * w[i] for n, w in zip(sizes, weights)) / sum(sizes) for i in range(len(weights[0]))]


_ONE_LAYER = Mistake(
    "first layer only",
    lambda weights, sizes: _fedavg(weights, sizes)[:1],
    "return one array per layer, in the layers' order (here 2).",
)
_PLAIN_MEAN = Mistake(
    "plain mean",
    lambda weights, sizes: [np.mean([h[i] for h in weights], axis=0) for i in range(len(weights[0]))],
    "that is the plain mean: weight each hospital by its number of cases (100, 300 and 100 here).",
)


@task(
    "Average each layer's weights over the hospitals, weighting each hospital by its number of training cases.",
    "new[i] = sum(n_h * weights_h[i] for each hospital h) / sum(n_h), for every layer i.",
    mistakes=[_ONE_LAYER, _PLAIN_MEAN],
    reference=_fedavg,
)
def fedavg_round(function: Any) -> None:
    hospitals = [
        [np.array([[1.0, 2.0]]), np.array([0.0])],
        [np.array([[3.0, 6.0]]), np.array([1.0])],
        [np.array([[5.0, 4.0]]), np.array([2.0])],
    ]
    sizes = [100, 300, 100]
    want = _fedavg(hospitals, sizes)
    got = call(function, [list(w) for w in hospitals], list(sizes))
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        raise _ONE_LAYER.wrong()
    got = [as_array(g, f"your layer {i}", shape=w.shape) for i, (g, w) in enumerate(zip(got, want))]
    if all(np.allclose(g, w) for g, w in zip(got, want)):
        return
    plain = [np.mean([w[i] for w in hospitals], axis=0) for i in range(2)]
    if all(np.allclose(g, p) for g, p in zip(got, plain)):
        raise _PLAIN_MEAN.wrong()
    raise Wrong(f"expected {[w.tolist() for w in want]}; you returned {[g.tolist() for g in got]}.")
