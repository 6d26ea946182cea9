"""medlearn.check.privacy: right answers pass and typical mistakes get their hint (tests/course/test_exercises.py
checks that odd answers never raise and that the learner's copy reports "not done")."""

from __future__ import annotations

import collections
import datetime as dt
import itertools

import numpy as np
import pytest
from helpers import placeholders_test, right_answers_test, typical_mistakes_test

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


def _attack(X_in, y_in, X_out, y_out, *, fit_all=False, sign=1, column=1, clip=True):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score

    X_fit, y_fit = (np.r_[X_in, X_out], np.r_[y_in, y_out]) if fit_all else (X_in, y_in)
    forest = RandomForestClassifier(n_estimators=100, random_state=0).fit(X_fit, y_fit)

    def loss(X, y):
        p = forest.predict_proba(X)[:, column]
        p = np.clip(p, 1e-7, 1 - 1e-7) if clip else p
        with np.errstate(divide="ignore", invalid="ignore"):
            return -(y * np.log(p) + (1 - y) * np.log(1 - p))

    member = np.r_[np.ones(len(y_in)), np.zeros(len(y_out))]
    return {"model": forest, "attack_auc": roc_auc_score(member, -sign * np.r_[loss(X_in, y_in), loss(X_out, y_out)])}


ATTACK_MISTAKES = [
    (privacy.membership_attack, lambda *d: _attack(*d, fit_all=True), "fitted on every case"),
    (privacy.membership_attack, lambda *d: _attack(*d, sign=-1), "upside down"),
    (privacy.membership_attack, lambda *d: _attack(*d, column=0), "column 0"),
    (privacy.membership_attack, lambda *d: _attack(*d, clip=False), "clip the probabilities"),
    (privacy.membership_attack, lambda *d: {**_attack(*d), "model": None}, "RandomForestClassifier"),
]
test_attack_right_answer_passes = right_answers_test({privacy.membership_attack: _attack})
test_attack_mistakes_fail_with_their_hint = typical_mistakes_test(ATTACK_MISTAKES)
test_attack_placeholder_is_todo = placeholders_test({privacy.membership_attack: _attack})
