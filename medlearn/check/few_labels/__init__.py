"""Checks for the exercises of the few_labels chapter, learning with few labels.

In the exercise notebook::

    from medlearn.check import few_labels as check
    check.variance_kept(variance_kept)

The answers are compared with scikit-learn (PCA, the adjusted Rand index), with ``medlearn.active.query``,
and with cleanlab's self-confidence.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...active import query
from .._letters import letter_task
from ..core import Mistake, Wrong, as_array, call, task
from . import _answers as _ans
from ._unsupervised import adjusted_rand, pca_anomaly_scores, variance_kept

__all__ = [
    "adjusted_rand",
    "pca_anomaly_scores",
    "report_anomaly_finder",
    "self_confidence_order",
    "uncertainty_pick",
    "variance_kept",
]


_NOT_N = Mistake(
    "the scores",
    lambda p, labelled, n: np.abs(p - 0.5),
    lambda n, shape: f"return {n} indices, not an array of shape {shape}.",
)
_LABELLED = Mistake(
    "labelled ones too",
    lambda p, labelled, n: _ans.pick(p, labelled, n, ignore=True),
    "never ask for a label you already have: leave out the images with labelled True.",
)
_LOWEST = Mistake(
    "lowest probabilities",
    lambda p, labelled, n: _ans.pick(p, labelled, n, lowest=True),
    "a low probability is a confident 'no': uncertainty is closeness to 0.5, abs(p - 0.5).",
)
_CONFIDENT = Mistake(
    "most confident",
    lambda p, labelled, n: _ans.pick(p, labelled, n, confident=True),
    "those are the model's most CONFIDENT images; ask for the ones closest to 0.5.",
)


@task(
    "Uncertainty is closeness to 0.5: rank the images by abs(p - 0.5), smallest first.",
    "Leave out the images already labelled (labelled[i] is True) before you take the n smallest.",
    mistakes=[_NOT_N, _LABELLED, _LOWEST, _CONFIDENT],
    reference=_ans.pick,
)
def uncertainty_pick(function: Any) -> None:
    rng = np.random.default_rng(6)
    p = rng.random(40)
    labelled = np.zeros(40, bool)
    labelled[np.argsort(np.abs(p - 0.5))[:3]] = True  # the three most uncertain are already labelled
    for n in (5, 1):
        want = set(query(p, n, labelled=labelled).tolist())
        got = call(function, p.copy(), labelled.copy(), n)
        got = as_array(got, "your indices")
        if got.shape != (n,):
            raise _NOT_N.wrong(n, got.shape)
        chosen = set(got.astype(int).tolist())
        if chosen == want:
            continue
        if chosen == set(np.argsort(np.abs(p - 0.5), kind="stable")[:n].tolist()):
            raise _LABELLED.wrong()
        lowest = np.flatnonzero(~labelled)[np.argsort(p[~labelled], kind="stable")[:n]]
        if chosen in (set(np.argsort(p, kind="stable")[:n].tolist()), set(lowest.tolist())):
            raise _LOWEST.wrong()
        far = np.flatnonzero(~labelled)[np.argsort(-np.abs(p[~labelled] - 0.5), kind="stable")[:n]]
        if chosen == set(far.tolist()):
            raise _CONFIDENT.wrong()
        raise Wrong(f"the {n} most uncertain unlabelled images are {sorted(want)}, you picked {sorted(chosen)}.")


_NOT_EVERY_INDEX = Mistake(
    "the confidences",
    lambda labels, probabilities: probabilities[np.arange(len(labels)), labels][:5],
    lambda want, got: f"return every index once, most suspect first: shape {want.shape}, not {got.shape}.",
)
_MOST_SURE_FIRST = Mistake(
    "most sure first",
    lambda labels, probabilities: _ans.order(labels, probabilities, reverse=True),
    "most suspect FIRST: the lowest self-confidence comes first.",
)
_CLASS_ONE = Mistake(
    "class 1",
    lambda labels, probabilities: _ans.order(labels, probabilities, class_one=True),
    "use the probability of the label the image CARRIES, probabilities[i, labels[i]], not of class 1.",
)


@task(
    "Self-confidence is the probability the model gives the label the image carries: probabilities[i, labels[i]].",
    "Most suspect first: np.argsort(self_confidence, kind='stable') puts the lowest first.",
    mistakes=[_NOT_EVERY_INDEX, _MOST_SURE_FIRST, _CLASS_ONE],
    reference=_ans.order,
)
def self_confidence_order(function: Any) -> None:
    from cleanlab.rank import get_label_quality_scores

    rng = np.random.default_rng(7)
    p1 = rng.random(30)
    probabilities = np.c_[1 - p1, p1]
    labels = rng.integers(0, 2, 30)
    scores = get_label_quality_scores(labels, probabilities, method="self_confidence")
    want = np.argsort(scores, kind="stable")
    got = as_array(call(function, labels.copy(), probabilities.copy()), "your order")
    if got.shape != want.shape:
        raise _NOT_EVERY_INDEX.wrong(want, got)
    got = got.astype(int)
    if np.array_equal(got, want):
        return
    if np.array_equal(got, want[::-1]):
        raise _MOST_SURE_FIRST.wrong()
    if np.array_equal(got, np.argsort(p1, kind="stable")) or np.array_equal(got, np.argsort(-p1, kind="stable")):
        raise _CLASS_ONE.wrong()
    raise Wrong("the order differs from cleanlab's self-confidence ranking; check ties (kind='stable').")


#: The wrong letters of report_anomaly_finder, each with its hint.
_REPORT_WRONG = {
    "a": "the direction of the score was chosen after seeing the test set's result, and the score was shown "
    "to follow fine detail, not disease: on another scanner the order may flip again.",
    "c": "a threshold from validation fixes the operating point, not what the score measures: it still ranks "
    "fine detail, and the validation set shares this data set's acquisition.",
    "d": "training longer makes the autoencoder rebuild every image better, detailed or not; nothing in its "
    "objective knows about pneumonia.",
}


@letter_task(
    "Ask where the flip was decided, and what the autoencoder's error was shown to follow in the chapter.",
    "A score that follows fine detail will follow the scanner and the processing as well; a disease finder "
    "is trained with disease labels and tested on images from elsewhere.",
    wrong=_REPORT_WRONG,
    message="The score measures fine detail, not disease: detect disease with labels, tested on images from elsewhere.",
)
def report_anomaly_finder() -> str:
    return "b"
