"""medlearn.check.grading_and_reporting: right answers written otherwise pass (tests/course/test_exercises.py checks
that odd answers never raise; the typical mistakes are tested from the checks' own tables, in test_mistakes.py)."""

from __future__ import annotations

import numpy as np
from helpers import right_answers_test
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


RIGHT = {
    grading.referable_decision: lambda g: (np.asarray(g) >= 2).astype(int),
    grading.cut_points_to_grades: apply_cut_points,
    grading.quadratic_kappa_by_hand: lambda a, b, k: cohen_kappa_score(a, b, weights="quadratic"),
    grading.macro_and_micro_auc: _macro_micro,
    grading.probabilities_from_cumulative: grade_probabilities,
    grading.operating_point: _operating,
}


test_right_answers_pass = right_answers_test(RIGHT)
