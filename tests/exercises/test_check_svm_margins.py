"""Exercise checks of chapter 03 (SVM margins): typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import numpy as np
from helpers import typical_mistakes_test
from sklearn.svm import SVC

from medlearn.check import svm_margins


def _pick_by_training(X_train, y_train, X_val, y_val, candidates):
    scores = {C: SVC(kernel="linear", C=C).fit(X_train, y_train).score(X_train, y_train) for C in candidates}
    return max(scores, key=scores.get)


MISTAKES = [
    (svm_margins.decision_value, lambda w, b, x: np.dot(w, x), "offset b is missing"),
    (svm_margins.margin_width, lambda w: 1 / np.linalg.norm(w), "half the margin"),
    (svm_margins.margin_width, lambda w: 2 / np.sum(w**2), "||w||**2"),
    (svm_margins.hinge_loss, lambda y, f: np.mean(1 - y * f), "cost nothing"),
    (svm_margins.hinge_loss, lambda y, f: np.sum(np.maximum(0, 1 - y * f)), "the sum"),
    (svm_margins.hinge_loss, lambda y, f: np.mean(y * f <= 0), "0-1 loss"),
    (svm_margins.refit_on_support_vectors, lambda X, y: SVC(kernel="linear", C=1e6).fit(X, y), "all 60 cases"),
    (svm_margins.scaled_rbf_svm, lambda C, g: SVC(C=C, gamma=g), "bare SVC"),
    (svm_margins.pick_c, _pick_by_training, "training accuracy"),
]


test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)
