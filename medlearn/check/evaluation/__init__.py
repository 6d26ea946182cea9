"""Checks for the exercises of the evaluation chapter, evaluating a diagnostic model.

In the exercise notebook::

    from medlearn.check import evaluation as check
    check.sensitivity_specificity(sensitivity_specificity)

The answers are compared with scikit-learn and ``medlearn.metrics``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import precision_score, recall_score, roc_auc_score

from ..._messages import tr
from ...metrics import threshold_for_sensitivity as _threshold_for_sensitivity
from ..core import Mistake, Wrong, as_array, as_number, compared
from . import _data
from ._data import breast_pixels
from ._fit_and_threshold import fit_and_threshold
from ._resampling import bootstrap_auc, patient_split

__all__ = [
    "auc_by_ranking",
    "bootstrap_auc",
    "breast_pixels",
    "fit_and_threshold",
    "patient_split",
    "ppv_at_prevalence",
    "sensitivity_specificity",
    "threshold_for_sensitivity",
]


def _pair(value: Any) -> np.ndarray:
    values = as_array(value, tr("your (sensitivity, specificity) pair"))
    if values.shape != (2,):
        raise Wrong(tr("return two numbers, (sensitivity, specificity); yours has shape {shape}.", shape=values.shape))
    return values


def _called_example() -> tuple[np.ndarray, np.ndarray]:
    y, scores = _data.example()
    return y, (scores >= 0.5).astype(int)


def _sens_spec(y: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    return recall_score(y, predicted), recall_score(y, predicted, pos_label=0)


@compared(
    tr("Count TP = (y_true == 1) & (y_pred == 1), FN = (y_true == 1) & (y_pred == 0), and likewise TN and FP."),
    tr("sensitivity = TP / (TP + FN); specificity = TN / (TN + FP)."),
    cases=lambda: [_called_example()],
    read=lambda value, *_: _pair(value),
    mistakes=[
        Mistake(
            "swapped",
            lambda y, predicted: _sens_spec(y, predicted)[::-1],
            tr("the two are swapped: sensitivity is about the patients WITH the condition (label 1)."),
        ),
        Mistake(
            "PPV",
            lambda y, predicted: (precision_score(y, predicted), recall_score(y, predicted, pos_label=0)),
            tr(
                "that is the PPV (precision), TP / (TP + FP); sensitivity is TP / (TP + FN): of the patients "
                "with the condition, how many are found?"
            ),
            spot=lambda got, want, y, predicted: np.isclose(got[0], precision_score(y, predicted)),
        ),
        Mistake(
            "false positive rate",
            lambda y, predicted: (recall_score(y, predicted), 1 - recall_score(y, predicted, pos_label=0)),
            tr("that is the false positive rate; specificity is TN / (TN + FP), one minus it."),
            spot=lambda got, want, *_: np.isclose(got[1], 1 - want[1]),
        ),
    ],
    otherwise=lambda got, want, *_: tr(
        "expected sensitivity {sensitivity:.3f} and specificity {specificity:.3f}; you returned {got_sensitivity:.3f} "
        "and {got_specificity:.3f}.",
        sensitivity=want[0],
        specificity=want[1],
        got_sensitivity=got[0],
        got_specificity=got[1],
    ),
)
def sensitivity_specificity(y: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    return _sens_spec(y, predicted)


def _ppv(prevalence: float, sensitivity: float, specificity: float) -> float:
    return sensitivity * prevalence / (sensitivity * prevalence + (1 - specificity) * (1 - prevalence))


@compared(
    tr(
        "Picture 1,000 people: prevalence x 1,000 have the condition. How many of them test positive, and how many of "
        "the others?"
    ),
    tr("PPV = sens * prev / (sens * prev + (1 - spec) * (1 - prev))."),
    cases=lambda: [(0.9, 0.9, 0.05), (0.95, 0.7, 0.625), (0.8, 0.99, 0.01), (0.99, 0.5, 0.5)],
    read=lambda value, *_: as_number(value, tr("the PPV")),
    mistakes=[
        Mistake(
            "sensitivity",
            lambda sens, spec, prev: sens,
            tr("that is the sensitivity: the PPV asks the reverse question, of those called positive, how many are?"),
        ),
        Mistake(
            "false positives of everyone",
            lambda sens, spec, prev: sens * prev / (sens * prev + (1 - spec)),
            tr(
                "the false positives come from the people WITHOUT the condition: multiply (1 - specificity) by (1 - "
                "prevalence)."
            ),
        ),
        Mistake(
            "not divided",
            lambda sens, spec, prev: sens * prev,
            tr(
                "that is the fraction of true positives among everyone; divide it by the fraction of everyone called "
                "positive."
            ),
        ),
    ],
    otherwise=lambda got, want, sens, spec, prev: tr(
        "for sensitivity {sens}, specificity {spec} and prevalence {prev} the PPV is {want:.4f}; you returned "
        "{got:.4f}.",
        sens=sens,
        spec=spec,
        prev=prev,
        want=want,
        got=got,
    ),
)
def ppv_at_prevalence(sens: float, spec: float, prev: float) -> float:
    return _ppv(prev, sens, spec)


def _wins(y: np.ndarray, scores: np.ndarray, ties_win: bool = False) -> float:
    positives, negatives = scores[y == 1], scores[y == 0]
    return np.mean(positives[:, None] >= negatives[None, :] if ties_win else positives[:, None] > negatives[None, :])


@compared(
    tr(
        "Split the scores into those of positive and of negative cases; compare every positive with every negative "
        "(broadcasting: pos[:, None] > neg[None, :])."
    ),
    tr("AUC = mean of (pos > neg) + 0.5 * mean of (pos == neg), over all pairs."),
    cases=lambda: [(ties, *_data.example(seed=3, ties=ties)) for ties in (False, True)],
    arguments=lambda ties, y, scores: (y, scores),
    read=lambda value, *_: as_number(value, tr("the AUC")),
    mistakes=[
        Mistake(
            "1 - AUC",
            lambda y, scores: 1 - roc_auc_score(y, scores),
            tr("that is 1 - AUC: count the pairs where the POSITIVE case has the higher score."),
        ),
        Mistake(
            "ties not counted",
            _wins,
            tr("with tied scores (rounded to 0.1 here), a tied pair counts half: add 0.5 * the fraction of ties."),
            spot=lambda got, want, ties, y, scores: ties and np.isclose(got, _wins(y, scores)),
        ),
        Mistake(
            "ties as wins",
            lambda y, scores: _wins(y, scores, ties_win=True),
            tr("a tied pair counts half, not as a win: > counts 1, == counts 0.5."),
            spot=lambda got, want, ties, y, scores: ties and np.isclose(got, _wins(y, scores, ties_win=True)),
        ),
    ],
    otherwise=lambda got, want, *_: tr(
        "scikit-learn's AUC is {want:.4f}; you returned {got:.4f}. Compare every positive with every negative.",
        want=want,
        got=got,
    ),
)
def auc_by_ranking(y: np.ndarray, scores: np.ndarray) -> float:
    return roc_auc_score(y, scores)


def _not_highest(got: float, want: float, *_: Any) -> str:
    return tr(
        "your threshold {got:.3f} reaches the target, but a higher one ({want:.3f}) does too and gives a better "
        "specificity: return the HIGHEST threshold that reaches the target.",
        got=got,
        want=want,
    )


@compared(
    tr("Only the scores of the positive cases decide the sensitivity: sort them from high to low."),
    tr(
        "To find k = ceil(target * n_positive) of them, the threshold is the k-th highest positive score: "
        "np.sort(pos)[::-1][int(np.ceil(target * len(pos))) - 1]."
    ),
    cases=lambda: [(*_data.example(seed=seed), target) for seed, target in ((1, 0.95), (2, 0.8), (4, 1.0))],
    read=lambda value, *_: as_number(value, tr("the threshold")),
    mistakes=[
        Mistake(
            "below the target",
            lambda y, scores, target: float(scores[y == 1].max()),
            lambda got, y, scores, target: tr(
                "with your threshold {got:.3f} the sensitivity is {sensitivity:.3f}, below the target {target}: cases "
                "with score >= threshold are the positive calls.",
                got=got,
                sensitivity=recall_score(y, scores >= got),
                target=target,
            ),
            spot=lambda got, want, y, scores, target: recall_score(y, scores >= got) < target,
        ),
        Mistake(
            "lowest positive score",
            lambda y, scores, target: float(scores[y == 1].min()),
            lambda got, y, scores, target: _not_highest(got, _threshold_for_sensitivity(y, scores, target)),
        ),
    ],
    otherwise=_not_highest,
)
def threshold_for_sensitivity(y: np.ndarray, scores: np.ndarray, target: float) -> float:
    return _threshold_for_sensitivity(y, scores, target)
