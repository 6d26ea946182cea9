"""Checks for the exercises of chapter 12, grading and reporting.

In the exercise notebook::

    from medlearn.check import grading_and_reporting as check
    check.quadratic_kappa_by_hand(quadratic_kappa_by_hand)

The answers are compared with scikit-learn (``cohen_kappa_score``, ``roc_auc_score``,
``recall_score``) and with ``medlearn.grading``; the operating-point task uses the
real RetinaMNIST test grades from ``medlearn.data.load_medmnist``, as the chapter does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import cohen_kappa_score, recall_score, roc_auc_score
from sklearn.preprocessing import label_binarize

from ..grading import apply_cut_points, grade_probabilities, referable
from .core import Wrong, as_array, as_number, call, task

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

K = 5


def _grades_and_guesses(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Five-grade truth and a grader who is mostly right, sometimes one grade off, sometimes far off."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(K, 120, p=[0.45, 0.12, 0.2, 0.17, 0.06])
    guess = truth.copy()
    off = rng.random(120)
    guess[off < 0.25] = np.clip(truth[off < 0.25] + rng.choice([-1, 1], int(np.sum(off < 0.25))), 0, K - 1)
    guess[off > 0.92] = rng.integers(0, K, int(np.sum(off > 0.92)))
    return truth, guess


@task(
    hints=[
        "Build the observed 5 x 5 matrix O (np.add.at(O, (y_true, y_pred), 1)), the expected matrix "
        "E = np.outer(O.sum(axis=1), O.sum(axis=0)) / O.sum(), and the weights w[i, j] = (i - j)**2 / (K - 1)**2.",
        "kappa = 1 - (w * O).sum() / (w * E).sum(). E must have the same total as O: divide the outer product by N.",
    ]
)
def quadratic_kappa_by_hand(function: Any) -> None:
    for seed in (0, 1, 2):
        truth, guess = _grades_and_guesses(seed)
        want = cohen_kappa_score(truth, guess, weights="quadratic")
        got = as_number(call(function, truth.copy(), guess.copy(), K), "your kappa")
        if np.isclose(got, want, atol=1e-9):
            continue
        if np.isclose(got, cohen_kappa_score(truth, guess, weights="linear"), atol=1e-9):
            raise Wrong("that is linearly weighted kappa: square the distance, w[i, j] = (i - j)**2 / (K - 1)**2.")
        if np.isclose(got, cohen_kappa_score(truth, guess), atol=1e-9):
            raise Wrong("that is unweighted kappa: every disagreement must be charged by its squared distance.")
        if np.isclose(got, 1 - (1 - want) / len(truth), atol=1e-9) or np.isclose(got, 1 - (1 - want) * len(truth)):
            raise Wrong("E has the wrong total: divide the outer product of the two grade counts by N.")
        raise Wrong(f"for one set of grades scikit-learn's quadratic kappa is {want:.4f}; yours is {got:.4f}.")


@task(
    hints=[
        "Referable retinopathy is moderate NPDR or worse: grade 2, 3 or 4.",
        "Return (np.asarray(grades) >= 2).astype(int): one 0 or 1 per photograph.",
    ]
)
def referable_decision(function: Any) -> None:
    grades = np.array([0, 1, 2, 3, 4, 2, 0, 4, 1])
    got = as_array(call(function, grades.copy()), "your decisions", shape=grades.shape)
    want = referable(grades)
    if np.array_equal(got, want):
        return
    if np.array_equal(got, (grades > 2).astype(int)):
        raise Wrong("grade 2 (moderate NPDR) is referable too: use >= 2, not > 2.")
    if np.array_equal(got, (grades >= 1).astype(int)):
        raise Wrong("mild NPDR (grade 1) is watched, not referred: the line is at grade 2.")
    if np.array_equal(got, 1 - want):
        raise Wrong("the decisions are reversed: 1 means refer (grade 2 or more).")
    raise Wrong(f"for grades {grades.tolist()} expected {want.tolist()}; you returned {got.astype(int).tolist()}.")


def _probabilities(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = np.r_[np.arange(K), rng.choice(K, 95, p=[0.5, 0.1, 0.2, 0.15, 0.05])]
    logits = rng.normal(0, 1, (len(truth), K))
    logits[np.arange(len(truth)), truth] += 1.2
    p = np.exp(logits)
    return truth, p / p.sum(axis=1, keepdims=True)


@task(
    hints=[
        "Macro: for each grade g, roc_auc_score(y_true == g, probabilities[:, g]); then the plain mean of the five.",
        "Micro: one-hot the grades (label_binarize(y_true, classes=range(5))) and compute one AUC over all the "
        "(photograph, grade) pairs: roc_auc_score(one_hot.ravel(), probabilities.ravel()). Return (macro, micro).",
    ]
)
def macro_and_micro_auc(function: Any) -> None:
    truth, p = _probabilities(0)
    per_grade = [roc_auc_score(truth == g, p[:, g]) for g in range(K)]
    macro = float(np.mean(per_grade))
    micro = float(roc_auc_score(label_binarize(truth, classes=range(K)).ravel(), p.ravel()))
    got = call(function, truth.copy(), p.copy())
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise Wrong("return two numbers, (macro, micro).")
    got_macro, got_micro = as_number(got[0], "your macro AUC"), as_number(got[1], "your micro AUC")
    if np.isclose(got_macro, macro) and np.isclose(got_micro, micro):
        return
    if np.isclose(got_macro, micro) and np.isclose(got_micro, macro):
        raise Wrong("macro and micro are swapped: return (macro, micro).")
    weighted = float(np.average(per_grade, weights=np.bincount(truth, minlength=K)))
    if np.isclose(got_macro, weighted):
        raise Wrong("that macro AUC is weighted by how common each grade is: macro gives every grade the same say.")
    raise Wrong(f"expected macro {macro:.4f} and micro {micro:.4f}; you returned {got_macro:.4f} and {got_micro:.4f}.")


@task(
    hints=[
        "A score below cut_points[0] is grade 0; at or above cut_points[k] (and below the next) it is grade k + 1.",
        "np.digitize(scores, cut_points) does exactly that (or count the cut points each score reaches: "
        "(scores[:, None] >= cut_points).sum(axis=1)).",
    ]
)
def cut_points_to_grades(function: Any) -> None:
    cuts = np.array([0.6, 1.4, 2.3, 3.1])
    scores = np.array([0.0, 0.59, 0.6, 1.0, 1.4, 2.29, 2.3, 3.0, 3.1, 3.9])
    want = apply_cut_points(scores, cuts)
    got = as_array(call(function, scores.copy(), cuts.copy()), "your grades", shape=scores.shape)
    if np.array_equal(got, want):
        return
    if np.array_equal(got, np.digitize(scores, cuts, right=True)):
        raise Wrong("a score exactly on a cut point belongs to the higher grade: use >=, not >.")
    if np.array_equal(got, np.clip(np.rint(scores), 0, K - 1)):
        raise Wrong("that rounds the score: use the cut points given, not 0.5, 1.5, 2.5, 3.5.")
    raise Wrong(f"for scores {scores.tolist()} expected {want.tolist()}; you returned {got.astype(int).tolist()}.")


@task(
    hints=[
        "Add P(grade > -1) = 1 in front and P(grade > 4) = 0 at the end of each row: "
        "np.column_stack([ones, cumulative, zeros]).",
        "P(grade = k) = P(grade > k - 1) - P(grade > k): the difference of neighbouring columns, "
        "bounded[:, :-1] - bounded[:, 1:]. Each row then sums to 1.",
    ]
)
def probabilities_from_cumulative(function: Any) -> None:
    cumulative = np.array([[0.9, 0.6, 0.2, 0.1], [0.3, 0.1, 0.05, 0.0], [1.0, 0.95, 0.9, 0.7]])
    want = grade_probabilities(cumulative)
    got = as_array(call(function, cumulative.copy()), "your probabilities")
    if got.shape in ((3, K - 2), (3, K - 1)):
        raise Wrong(
            f"{got.shape[1]} columns for 5 grades: put P(grade > -1) = 1 in front and P(grade > 4) = 0 at the end "
            "of each row before taking differences."
        )
    if got.shape != (3, K):
        raise Wrong(f"your probabilities have shape {got.shape}; expected (3, 5), one column per grade.")
    if np.allclose(got, want):
        return
    if np.allclose(got, -want):
        raise Wrong("the signs are reversed: P(grade = k) = P(grade > k - 1) - P(grade > k).")
    if not np.allclose(got.sum(axis=1), 1):
        raise Wrong("each row must sum to 1: P(grade > -1) = 1 goes in front and P(grade > 4) = 0 at the end.")
    raise Wrong(f"for the row {cumulative[0].tolist()} expected {want[0].round(3).tolist()}.")


@task(
    hints=[
        "Turn the grades into referable (grade 2 or more) first; a photograph is called referable when "
        "its score is at or above the threshold.",
        "Sensitivity = called among the referable (recall_score(y, called)); specificity = not called among the "
        "rest (recall_score(1 - y, 1 - called)). Return a dict with the keys 'sensitivity' and 'specificity'.",
    ]
)
def operating_point(function: Any) -> None:
    from ..data import load_medmnist

    _, grades = load_medmnist("retinamnist", "test")
    rng = np.random.default_rng(0)
    scores = np.round(np.clip(grades / 4 + rng.normal(0, 0.25, len(grades)), 0, 1) * 20) / 20  # ties at 0.4
    threshold = 0.4
    y, called = referable(grades), (scores >= threshold).astype(int)
    want = {"sensitivity": recall_score(y, called), "specificity": recall_score(1 - y, 1 - called)}
    got = call(function, grades.copy(), scores.copy(), threshold)
    if not isinstance(got, dict) or set(got) != set(want):
        raise Wrong("return a dict with the keys 'sensitivity' and 'specificity'.")
    sensitivity = as_number(got["sensitivity"], "your sensitivity")
    specificity = as_number(got["specificity"], "your specificity")
    if np.isclose(sensitivity, want["sensitivity"]) and np.isclose(specificity, want["specificity"]):
        return
    if np.isclose(sensitivity, want["specificity"]) and np.isclose(specificity, want["sensitivity"]):
        raise Wrong("sensitivity and specificity are swapped.")
    strict = (scores > threshold).astype(int)
    if np.isclose(sensitivity, recall_score(y, strict)) and np.isclose(specificity, recall_score(1 - y, 1 - strict)):
        raise Wrong("a score exactly at the threshold is called referable: use >=.")
    any_dr = (grades >= 1).astype(int)
    if np.isclose(sensitivity, recall_score(any_dr, called)) and np.isclose(
        specificity, recall_score(1 - any_dr, 1 - called)
    ):
        raise Wrong("referable means grade 2 or more, not any retinopathy (grade 1 or more).")
    raise Wrong(
        f"on the 400 test grades expected sensitivity {want['sensitivity']:.3f} and specificity "
        f"{want['specificity']:.3f}; you returned {sensitivity:.3f} and {specificity:.3f}."
    )


def retina_small() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """RetinaMNIST's training and validation photographs at 7 x 7 (means of 4 x 4 pixels per colour, scaled to
    [0, 1]), one row of 147 values each: ``(X_train, grades_train, X_val, grades_val)`` (the task ``fit_cumulative``).

    Example:
        >>> X_train, grades_train, X_val, grades_val = retina_small()
        >>> X_train.shape, X_val.shape
        ((1080, 147), (120, 147))
    """
    from ..data import load_medmnist

    rows = []
    for split in ("train", "val"):
        images, grades = load_medmnist("retinamnist", split)
        small = images.reshape(len(images), 7, 4, 7, 4, 3).mean(axis=(2, 4)).reshape(len(images), -1) / 255.0
        rows += [small, grades]
    return tuple(rows)


def _differences(cumulative: np.ndarray) -> np.ndarray:
    """P(grade = k) as plain differences: separately fitted models may rise along a row (a negative difference)."""
    bounded = np.column_stack([np.ones(len(cumulative)), cumulative, np.zeros(len(cumulative))])
    return bounded[:, :-1] - bounded[:, 1:]


@task(
    hints=[
        "Model k (k = 0, 1, 2, 3) answers 'is the grade above k?': fit it on the labels grades_train > k. Its "
        "predict_proba(X)[:, 1] is P(grade > k), one column of the cumulative probabilities.",
        "cumulative = np.column_stack([m.predict_proba(X_val)[:, 1] for m in models]); then your "
        "probabilities_from_cumulative, np.argmax(axis=1), and your quadratic_kappa_by_hand against grades_val.",
    ]
)
def fit_cumulative(function: Any) -> None:
    from sklearn.base import clone

    X_train, grades_train, X_val, grades_val = retina_small()
    try:
        result = call(function, X_train.copy(), grades_train.copy(), X_val.copy(), grades_val.copy())
    except Wrong as wrong:
        if "one class" in str(wrong):
            raise Wrong(
                f"one of your models saw a single class: grades_train >= 0 is true for every photograph. Model k "
                f"answers 'grade > k', labels grades_train > k. ({wrong})"
            ) from None
        raise
    if not isinstance(result, dict) or not {"models", "val_kappa"} <= set(result):
        raise Wrong("return a dict with the keys 'models' (the four fitted models, k = 0 to 3) and 'val_kappa'.")
    models = result["models"]
    if not isinstance(models, (list, tuple)) or len(models) != K - 1:
        raise Wrong(f"'models' should be a list of {K - 1} models, one per question 'grade > k' for k = 0 to 3.")
    if not all(hasattr(m, "predict_proba") for m in models):
        raise Wrong("each model should be a fitted classifier with predict_proba.")
    try:
        cumulative = np.column_stack([m.predict_proba(X_val)[:, 1] for m in models])
    except Exception as err:
        raise Wrong(f"the models could not score the validation photographs ({type(err).__name__}: {err}).") from None
    for k, model in enumerate(models):
        try:

            def refit(labels: np.ndarray, model: Any = model) -> np.ndarray:
                return clone(model).fit(X_train, labels).predict_proba(X_val)[:, 1]

            if k > 0 and np.allclose(cumulative[:, k], refit((grades_train == k).astype(int)), atol=1e-6):
                raise Wrong(
                    f"model {k} was fitted on grades == {k}: the cumulative question is 'grade > {k}', labels "
                    f"grades_train > {k}."
                )
            if np.allclose(cumulative[:, k], refit((grades_train >= k).astype(int)), atol=1e-6) and k > 0:
                raise Wrong(f"model {k} answers 'grade >= {k}'; the task's model k answers 'grade > {k}'.")
        except Wrong:
            raise
        except Exception:  # a model that cannot be cloned and refitted: judged by its kappa alone
            pass
    kappa = as_number(result["val_kappa"], "'val_kappa'")
    predicted = np.argmax(_differences(cumulative), axis=1)
    want = cohen_kappa_score(grades_val, predicted, weights="quadratic")
    counted = (cumulative > 0.5).sum(axis=1)
    if np.isclose(kappa, cohen_kappa_score(grades_val, counted, weights="quadratic")) and not np.isclose(kappa, want):
        raise Wrong(
            "that kappa counts the cumulative probabilities above 0.5, a rule of its own; this task asks for the most "
            "probable grade, np.argmax of the five probabilities."
        )
    train_cumulative = np.column_stack([m.predict_proba(X_train)[:, 1] for m in models])
    on_train = cohen_kappa_score(grades_train, np.argmax(_differences(train_cumulative), axis=1), weights="quadratic")
    if np.isclose(kappa, on_train) and not np.isclose(kappa, want):
        raise Wrong("that kappa was measured on the training photographs: score the validation ones.")
    if not np.isclose(kappa, want, atol=1e-9):
        raise Wrong(
            f"your models' quadratic kappa on the validation photographs is {want:.4f}; you returned {kappa:.4f}."
        )
