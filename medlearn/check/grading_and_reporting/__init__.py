"""Checks for the exercises of the grading_and_reporting chapter, grading and reporting.

In the exercise notebook::

    from medlearn.check import grading_and_reporting as check
    check.quadratic_kappa_by_hand(quadratic_kappa_by_hand)

The answers are compared with scikit-learn (``cohen_kappa_score``, ``roc_auc_score``, ``recall_score``) and with
``medlearn.grading``; the operating-point task uses the real RetinaMNIST test grades from
``medlearn.data.load_medmnist``, as the chapter does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import cohen_kappa_score, recall_score, roc_auc_score
from sklearn.preprocessing import label_binarize

from ...grading import apply_cut_points, grade_probabilities, referable
from ..core import Mistake, Wrong, as_array, as_number, call, close, compared, task
from . import _data
from ._cumulative import fit_cumulative
from ._data import K, retina_small

__all__ = [
    "cut_points_to_grades",
    "fit_cumulative",
    "macro_and_micro_auc",
    "operating_point",
    "probabilities_from_cumulative",
    "quadratic_kappa_by_hand",
    "referable_decision",
    "retina_small",
]


def _kappa_not_divided(a: np.ndarray, b: np.ndarray, k: int) -> float:
    observed = np.zeros((k, k))
    np.add.at(observed, (a, b), 1)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))  # not divided by N
    i, j = np.indices((k, k))
    weights = (i - j) ** 2 / (k - 1) ** 2
    return 1 - (weights * observed).sum() / (weights * expected).sum()


def _near(got: Any, want: Any) -> bool:
    return close(got, want, atol=1e-9)


@compared(
    "Build the observed 5 x 5 matrix O (np.add.at(O, (y_true, y_pred), 1)), the expected matrix "
    "E = np.outer(O.sum(axis=1), O.sum(axis=0)) / O.sum(), and the weights w[i, j] = (i - j)**2 / (K - 1)**2.",
    "kappa = 1 - (w * O).sum() / (w * E).sum(). E must have the same total as O: divide the outer product by N.",
    cases=lambda: [(*_data.grades_and_guesses(seed), K) for seed in (0, 1, 2)],
    read=lambda value, *_: as_number(value, "your kappa"),
    same=_near,
    mistakes=[
        Mistake(
            "linear",
            lambda a, b, k: cohen_kappa_score(a, b, weights="linear"),
            "that is linearly weighted kappa: square the distance, w[i, j] = (i - j)**2 / (K - 1)**2.",
        ),
        Mistake(
            "unweighted",
            lambda a, b, k: cohen_kappa_score(a, b),
            "that is unweighted kappa: every disagreement must be charged by its squared distance.",
        ),
        Mistake(
            "expected not divided",
            _kappa_not_divided,
            "E has the wrong total: divide the outer product of the two grade counts by N.",
            spot=lambda got, want, a, b, k: (
                np.isclose(got, 1 - (1 - want) / len(a), atol=1e-9) or np.isclose(got, 1 - (1 - want) * len(a))
            ),
        ),
    ],
    otherwise=lambda got, want, *_: (
        f"for one set of grades scikit-learn's quadratic kappa is {want:.4f}; yours is {got:.4f}."
    ),
)
def quadratic_kappa_by_hand(a: np.ndarray, b: np.ndarray, k: int) -> float:
    return cohen_kappa_score(a, b, weights="quadratic")


@compared(
    "Referable retinopathy is moderate NPDR or worse: grade 2, 3 or 4.",
    "Return (np.asarray(grades) >= 2).astype(int): one 0 or 1 per photograph.",
    cases=lambda: [(np.array([0, 1, 2, 3, 4, 2, 0, 4, 1]),)],
    read=lambda value, grades: as_array(value, "your decisions", shape=grades.shape),
    same=np.array_equal,
    mistakes=[
        Mistake(
            "above 2",
            lambda grades: (grades > 2).astype(int),
            "grade 2 (moderate NPDR) is referable too: use >= 2, not > 2.",
        ),
        Mistake(
            "any retinopathy",
            lambda grades: (grades >= 1).astype(int),
            "mild NPDR (grade 1) is watched, not referred: the line is at grade 2.",
        ),
        Mistake(
            "reversed",
            lambda grades: (grades < 2).astype(int),
            "the decisions are reversed: 1 means refer (grade 2 or more).",
        ),
    ],
    otherwise=lambda got, want, grades: (
        f"for grades {grades.tolist()} expected {want.tolist()}; you returned {got.astype(int).tolist()}."
    ),
)
def referable_decision(grades: np.ndarray) -> np.ndarray:
    return referable(grades)


def _macro_micro(truth: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    macro = float(np.mean([roc_auc_score(truth == g, p[:, g]) for g in range(K)]))
    return macro, float(roc_auc_score(label_binarize(truth, classes=range(K)).ravel(), p.ravel()))


def _weighted_macro(truth: np.ndarray, p: np.ndarray) -> float:
    per_grade = [roc_auc_score(truth == g, p[:, g]) for g in range(K)]
    return float(np.average(per_grade, weights=np.bincount(truth, minlength=K)))


def _two_aucs(value: Any) -> np.ndarray:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise Wrong("return two numbers, (macro, micro).")
    return np.array([as_number(value[0], "your macro AUC"), as_number(value[1], "your micro AUC")])


@compared(
    "Macro: for each grade g, roc_auc_score(y_true == g, probabilities[:, g]); then the plain mean of the five.",
    "Micro: one-hot the grades (label_binarize(y_true, classes=range(5))) and compute one AUC over all the "
    "(photograph, grade) pairs: roc_auc_score(one_hot.ravel(), probabilities.ravel()). Return (macro, micro).",
    cases=lambda: [_data.probabilities(0)],
    read=lambda value, *_: _two_aucs(value),
    mistakes=[
        Mistake(
            "swapped",
            lambda truth, p: _macro_micro(truth, p)[::-1],
            "macro and micro are swapped: return (macro, micro).",
        ),
        Mistake(
            "weighted",
            lambda truth, p: (_weighted_macro(truth, p), _macro_micro(truth, p)[1]),
            "that macro AUC is weighted by how common each grade is: macro gives every grade the same say.",
            spot=lambda got, want, truth, p: np.isclose(got[0], _weighted_macro(truth, p)),
        ),
    ],
    otherwise=lambda got, want, *_: (
        f"expected macro {want[0]:.4f} and micro {want[1]:.4f}; you returned {got[0]:.4f} and {got[1]:.4f}."
    ),
)
def macro_and_micro_auc(truth: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    return _macro_micro(truth, p)


_CUTS = np.array([0.6, 1.4, 2.3, 3.1])
_SCORES = np.array([0.0, 0.59, 0.6, 1.0, 1.4, 2.29, 2.3, 3.0, 3.1, 3.9])


@compared(
    "A score below cut_points[0] is grade 0; at or above cut_points[k] (and below the next) it is grade k + 1.",
    "np.digitize(scores, cut_points) does exactly that (or count the cut points each score reaches: "
    "(scores[:, None] >= cut_points).sum(axis=1)).",
    cases=lambda: [(_SCORES, _CUTS)],
    read=lambda value, scores, cuts: as_array(value, "your grades", shape=scores.shape),
    same=np.array_equal,
    mistakes=[
        Mistake(
            "above, not at",
            lambda scores, cuts: np.digitize(scores, cuts, right=True),
            "a score exactly on a cut point belongs to the higher grade: use >=, not >.",
        ),
        Mistake(
            "rounded",
            lambda scores, cuts: np.clip(np.rint(scores), 0, K - 1),
            "that rounds the score: use the cut points given, not 0.5, 1.5, 2.5, 3.5.",
        ),
    ],
    otherwise=lambda got, want, scores, cuts: (
        f"for scores {scores.tolist()} expected {want.tolist()}; you returned {got.astype(int).tolist()}."
    ),
)
def cut_points_to_grades(scores: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    return apply_cut_points(scores, cuts)


@compared(
    "Add P(grade > -1) = 1 in front and P(grade > 4) = 0 at the end of each row: "
    "np.column_stack([ones, cumulative, zeros]).",
    "P(grade = k) = P(grade > k - 1) - P(grade > k): the difference of neighbouring columns, "
    "bounded[:, :-1] - bounded[:, 1:]. Each row then sums to 1.",
    cases=lambda: [(np.array([[0.9, 0.6, 0.2, 0.1], [0.3, 0.1, 0.05, 0.0], [1.0, 0.95, 0.9, 0.7]]),)],
    read=lambda value, _: as_array(value, "your probabilities"),
    mistakes=[
        Mistake(
            "no bounds",
            lambda cumulative: -np.diff(cumulative, axis=1),
            lambda got, _: (
                f"{got.shape[1]} columns for 5 grades: put P(grade > -1) = 1 in front and P(grade > 4) = 0 at the "
                "end of each row before taking differences."
            ),
            spot=lambda got, *_: got.shape in ((3, K - 2), (3, K - 1)),
        ),
        Mistake(
            "one row per grade",
            lambda cumulative: grade_probabilities(cumulative).T,
            lambda got, _: f"your probabilities have shape {got.shape}; expected (3, 5), one column per grade.",
            spot=lambda got, *_: got.shape != (3, K),
        ),
        Mistake(
            "signs reversed",
            lambda cumulative: -grade_probabilities(cumulative),
            "the signs are reversed: P(grade = k) = P(grade > k - 1) - P(grade > k).",
        ),
        Mistake(
            "rows that do not sum to 1",
            lambda cumulative: np.column_stack([cumulative, np.zeros(len(cumulative))]),
            "each row must sum to 1: P(grade > -1) = 1 goes in front and P(grade > 4) = 0 at the end.",
            spot=lambda got, *_: not np.allclose(got.sum(axis=1), 1),
        ),
    ],
    otherwise=lambda got, want, cumulative: (
        f"for the row {cumulative[0].tolist()} expected {want[0].round(3).tolist()}."
    ),
)
def probabilities_from_cumulative(cumulative: np.ndarray) -> np.ndarray:
    return grade_probabilities(cumulative)


def _operating(
    grades: np.ndarray, scores: np.ndarray, threshold: float, *, strict: bool = False, line: int = 2
) -> dict:
    y, called = (grades >= line).astype(int), (scores > threshold if strict else scores >= threshold).astype(int)
    return {"sensitivity": recall_score(y, called), "specificity": recall_score(1 - y, 1 - called)}


_OP_NOT_A_DICT = Mistake(
    "a list",
    lambda grades, scores, threshold: list(_operating(grades, scores, threshold).values()),
    "return a dict with the keys 'sensitivity' and 'specificity'.",
)
_OP_SWAPPED = Mistake(
    "swapped",
    lambda *args: dict(zip(("specificity", "sensitivity"), _operating(*args).values())),
    "sensitivity and specificity are swapped.",
)
_OP_STRICT = Mistake(
    "above, not at",
    lambda *args: _operating(*args, strict=True),
    "a score exactly at the threshold is called referable: use >=.",
)
_OP_ANY_DR = Mistake(
    "any retinopathy",
    lambda *args: _operating(*args, line=1),
    "referable means grade 2 or more, not any retinopathy (grade 1 or more).",
)


@task(
    "Turn the grades into referable (grade 2 or more) first; a photograph is called referable when "
    "its score is at or above the threshold.",
    "Sensitivity = called among the referable (recall_score(y, called)); specificity = not called among the "
    "rest (recall_score(1 - y, 1 - called)). Return a dict with the keys 'sensitivity' and 'specificity'.",
    mistakes=[_OP_NOT_A_DICT, _OP_SWAPPED, _OP_STRICT, _OP_ANY_DR],
    reference=_operating,
)
def operating_point(function: Any) -> None:
    grades, scores = _data.retina_test_scores()
    threshold = 0.4
    want = _operating(grades, scores, threshold)
    got = call(function, grades.copy(), scores.copy(), threshold)
    if not isinstance(got, dict) or set(got) != set(want):
        raise _OP_NOT_A_DICT.wrong()
    sensitivity = as_number(got["sensitivity"], "your sensitivity")
    specificity = as_number(got["specificity"], "your specificity")
    if np.isclose(sensitivity, want["sensitivity"]) and np.isclose(specificity, want["specificity"]):
        return
    if np.isclose(sensitivity, want["specificity"]) and np.isclose(specificity, want["sensitivity"]):
        raise _OP_SWAPPED.wrong()
    for mistake, options in ((_OP_STRICT, {"strict": True}), (_OP_ANY_DR, {"line": 1})):
        other = _operating(grades, scores, threshold, **options)
        if np.isclose(sensitivity, other["sensitivity"]) and np.isclose(specificity, other["specificity"]):
            raise mistake.wrong()
    raise Wrong(
        f"on the 400 test grades expected sensitivity {want['sensitivity']:.3f} and specificity "
        f"{want['specificity']:.3f}; you returned {sensitivity:.3f} and {specificity:.3f}."
    )
