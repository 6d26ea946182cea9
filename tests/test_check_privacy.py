"""medlearn.check.privacy: right answers pass and typical mistakes get their hint (tests/test_exercises.py checks that
odd answers never raise and that the learner's copy reports "not done")."""

from __future__ import annotations

import collections
import datetime as dt
import itertools

import numpy as np
import pytest
from helpers import right_answers_test

from medlearn.check import privacy
from medlearn.privacy import DUMMY, replace_uid


def _action(value, vr, action):
    return {"X": None, "Z": "", "D": DUMMY[vr], "K": value}[action]


def _shift(value, days):
    day = dt.date(int(value[:4]), int(value[4:6]), int(value[6:8])) + dt.timedelta(days=days)
    return day.strftime("%Y%m%d")


def _fedavg(weights, sizes):
    return [sum(n * w[i] for n, w in zip(sizes, weights)) / sum(sizes) for i in range(len(weights[0]))]


_CALLS = itertools.count()
RIGHT = {
    privacy.apply_action: _action,
    privacy.uid_mapping: lambda uid, salt: replace_uid(uid, salt),
    privacy.date_shift: _shift,
    privacy.k_of_table: lambda rows: min(collections.Counter(map(tuple, rows)).values()),
    privacy.laplace_scale: lambda sensitivity, epsilon: sensitivity / epsilon,
    privacy.fedavg_round: _fedavg,
}


test_right_answers_pass = right_answers_test(RIGHT)


@pytest.mark.parametrize(
    ("task", "answer", "hint"),
    [
        (privacy.apply_action, lambda v, vr, a: None if a in "XZ" else _action(v, vr, a), "empty value"),
        (privacy.apply_action, lambda v, vr, a: "" if a in "XZ" else _action(v, vr, a), "removes"),
        (privacy.apply_action, lambda v, vr, a: v if a == "D" else _action(v, vr, a), "dummy"),
        (
            privacy.uid_mapping,
            lambda uid, salt: replace_uid(uid + str(next(_CALLS)), salt),  # a new UID at every call
            "two different",
        ),
        (privacy.uid_mapping, lambda uid, salt: "2.25.1", "merged"),
        (privacy.uid_mapping, lambda uid, salt: uid, "equals the old"),
        (privacy.uid_mapping, lambda uid, salt: "2.25.0" + uid.replace(".", ""), "not a valid UID"),
        (privacy.uid_mapping, lambda uid, salt: replace_uid(uid, "fixed salt!"), "another salt"),
        (privacy.date_shift, lambda v, d: str(int(v) + d), "month ends"),
        (privacy.k_of_table, lambda rows: max(collections.Counter(map(tuple, rows)).values()), "largest"),
        (privacy.k_of_table, lambda rows: len(set(map(tuple, rows))), "number of groups"),
        (privacy.laplace_scale, lambda s, e: e / s, "upside down"),
        (privacy.fedavg_round, lambda w, n: [np.mean([h[i] for h in w], axis=0) for i in range(len(w[0]))], "plain"),
        (privacy.fedavg_round, lambda w, n: _fedavg(w, n)[:1], "one array per layer"),
    ],
)
def test_typical_mistakes_get_their_hint(task, answer, hint: str) -> None:
    result = task.run(answer)
    assert result.status == "fail" and hint in result.message, result.message
