"""medlearn.check.privacy: right answers written otherwise pass (tests/course/test_exercises.py checks that odd
answers never raise and that the learner's copy reports "not done"; the typical mistakes are tested from the checks'
own tables, in test_mistakes.py)."""

from __future__ import annotations

import collections
import datetime as dt

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


RIGHT = {
    privacy.apply_action: _action,
    privacy.uid_mapping: lambda uid, salt: replace_uid(uid, salt),
    privacy.date_shift: _shift,
    privacy.k_of_table: lambda rows: min(collections.Counter(map(tuple, rows)).values()),
    privacy.laplace_scale: lambda sensitivity, epsilon: sensitivity / epsilon,
    privacy.fedavg_round: _fedavg,
}


test_right_answers_pass = right_answers_test(RIGHT)
