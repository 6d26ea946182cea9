"""medlearn.check.grading_and_reporting: right answers pass and typical mistakes get their hint
(tests/course/test_exercises.py checks that odd answers never raise)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import placeholders_test, right_answers_test, typical_mistakes_test
from sklearn.metrics import cohen_kappa_score, recall_score, roc_auc_score
from sklearn.preprocessing import label_binarize

from medlearn.check import grading_and_reporting as grading
from medlearn.grading import apply_cut_points, grade_probabilities


def _macro_micro(y, p):
    macro = np.mean([roc_auc_score(y == g, p[:, g]) for g in range(p.shape[1])])
    return macro, roc_auc_score(label_binarize(y, classes=range(p.shape[1])).ravel(), p.ravel())


def _operating(grades, scores, threshold, *, above=lambda s, t: s >= t, line=2):
    y, called = (grades >= line).astype(int), above(scores, threshold).astype(int)
    return {"sensitivity": recall_score(y, called), "specificity": recall_score(1 - y, 1 - called)}


def _kappa_with_expected_not_divided(a, b, k):
    observed = np.zeros((k, k))
    np.add.at(observed, (a, b), 1)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))  # not divided by N
    i, j = np.indices((k, k))
    weights = (i - j) ** 2 / (k - 1) ** 2
    return 1 - (weights * observed).sum() / (weights * expected).sum()


RIGHT = {
    grading.referable_decision: lambda g: (np.asarray(g) >= 2).astype(int),
    grading.cut_points_to_grades: apply_cut_points,
    grading.quadratic_kappa_by_hand: lambda a, b, k: cohen_kappa_score(a, b, weights="quadratic"),
    grading.macro_and_micro_auc: _macro_micro,
    grading.probabilities_from_cumulative: grade_probabilities,
    grading.operating_point: _operating,
}


test_right_answers_pass = right_answers_test(RIGHT)


def _without_the_one(c):
    return np.column_stack([c, np.zeros(len(c))])


@pytest.mark.parametrize(
    ("task", "answer", "hint"),
    [
        (grading.referable_decision, lambda g: (np.asarray(g) > 2).astype(int), ">= 2"),
        (grading.referable_decision, lambda g: (np.asarray(g) >= 1).astype(int), "mild"),
        (grading.referable_decision, lambda g: (np.asarray(g) < 2).astype(int), "reversed"),
        (grading.cut_points_to_grades, lambda s, c: np.digitize(s, c, right=True), ">="),
        (grading.cut_points_to_grades, lambda s, c: np.clip(np.rint(s), 0, 4), "rounds"),
        (grading.quadratic_kappa_by_hand, lambda a, b, k: cohen_kappa_score(a, b, weights="linear"), "linearly"),
        (grading.quadratic_kappa_by_hand, lambda a, b, k: cohen_kappa_score(a, b), "unweighted"),
        (grading.quadratic_kappa_by_hand, _kappa_with_expected_not_divided, "wrong total"),
        (grading.macro_and_micro_auc, lambda y, p: _macro_micro(y, p)[::-1], "swapped"),
        (
            grading.macro_and_micro_auc,
            lambda y, p: (
                np.average([roc_auc_score(y == g, p[:, g]) for g in range(5)], weights=np.bincount(y, minlength=5)),
                _macro_micro(y, p)[1],
            ),
            "weighted",
        ),
        (grading.probabilities_from_cumulative, lambda c: -np.diff(c, axis=1), "3 columns"),
        (grading.probabilities_from_cumulative, lambda c: -grade_probabilities(c), "signs"),
        (grading.probabilities_from_cumulative, _without_the_one, "sum to 1"),
        (
            grading.operating_point,
            lambda g, s, t: dict(zip(("specificity", "sensitivity"), _operating(g, s, t).values())),
            "swapped",
        ),
        (grading.operating_point, lambda g, s, t: _operating(g, s, t, above=lambda a, b: a > b), ">="),
        (grading.operating_point, lambda g, s, t: _operating(g, s, t, line=1), "any retinopathy"),
        (grading.operating_point, lambda g, s, t: [0.8, 0.7], "dict"),
    ],
)
def test_typical_mistakes_get_their_hint(task, answer, hint) -> None:
    result = task.run(answer)
    assert not result.passed and hint in result.message, result.message


def _cumulative_fit(X_train, grades_train, X_val, grades_val, *, rule=">", scored="val", decide="argmax"):
    from sklearn.linear_model import LogisticRegression

    targets = {">": lambda k: grades_train > k, "==": lambda k: grades_train == k, ">=": lambda k: grades_train >= k}
    models = [LogisticRegression(C=0.1, max_iter=2000).fit(X_train, targets[rule](k)) for k in range(4)]
    X, grades = (X_val, grades_val) if scored == "val" else (X_train, grades_train)
    cumulative = np.column_stack([model.predict_proba(X)[:, 1] for model in models])
    if decide == "argmax":
        bounded = np.column_stack([np.ones(len(X)), cumulative, np.zeros(len(X))])
        predicted = np.argmax(bounded[:, :-1] - bounded[:, 1:], axis=1)
    else:
        predicted = (cumulative > 0.5).sum(axis=1)
    return {"models": models, "val_kappa": cohen_kappa_score(grades, predicted, weights="quadratic")}


CUMULATIVE_MISTAKES = [
    (grading.fit_cumulative, lambda *d: _cumulative_fit(*d, rule="=="), "grades == 1"),
    (grading.fit_cumulative, lambda *d: _cumulative_fit(*d, rule=">="), "saw a single class"),
    (grading.fit_cumulative, lambda *d: _cumulative_fit(*d, scored="train"), "training photographs"),
    (grading.fit_cumulative, lambda *d: _cumulative_fit(*d, decide="count"), "np.argmax"),
    (grading.fit_cumulative, lambda *d: {**_cumulative_fit(*d), "models": []}, "list of 4 models"),
    (grading.fit_cumulative, lambda *d: 0.5, "return a dict"),
]
test_cumulative_right_answer_passes = right_answers_test({grading.fit_cumulative: _cumulative_fit})
test_cumulative_mistakes_fail_with_their_hint = typical_mistakes_test(CUMULATIVE_MISTAKES)
test_cumulative_placeholder_is_todo = placeholders_test({grading.fit_cumulative: _cumulative_fit})
