"""Checks for the exercises of chapter 07, evaluating a diagnostic model.

In the exercise notebook::

    from medlearn.check import evaluation as check
    check.sensitivity_specificity(sensitivity_specificity)

The answers are compared with scikit-learn and ``medlearn.metrics``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import precision_score, recall_score, roc_auc_score

from ..metrics import bootstrap_ci
from ..metrics import threshold_for_sensitivity as _threshold_for_sensitivity
from .core import Wrong, as_array, as_number, as_result, call, task

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


def _example(n: int = 200, seed: int = 0, ties: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.35).astype(int)
    scores = 1 / (1 + np.exp(-(1.5 * (2 * y - 1) + rng.normal(0, 1, n))))
    return y, (np.round(scores, 1) if ties else scores)


@task(
    hints=[
        "Count TP = (y_true == 1) & (y_pred == 1), FN = (y_true == 1) & (y_pred == 0), and likewise TN and FP.",
        "sensitivity = TP / (TP + FN); specificity = TN / (TN + FP).",
    ]
)
def sensitivity_specificity(function: Any) -> None:
    y, scores = _example()
    predicted = (scores >= 0.5).astype(int)
    values = as_array(call(function, y.copy(), predicted.copy()), "your (sensitivity, specificity) pair")
    if values.shape != (2,):
        raise Wrong(f"return two numbers, (sensitivity, specificity); yours has shape {values.shape}.")
    sens, spec = recall_score(y, predicted), recall_score(y, predicted, pos_label=0)
    if np.allclose(values, (sens, spec)):
        return
    if np.allclose(values, (spec, sens)):
        raise Wrong("the two are swapped: sensitivity is about the patients WITH the condition (label 1).")
    if np.isclose(values[0], precision_score(y, predicted)):
        raise Wrong(
            "that is the PPV (precision), TP / (TP + FP); sensitivity is TP / (TP + FN): of the patients "
            "with the condition, how many are found?"
        )
    if np.isclose(values[1], 1 - spec):
        raise Wrong("that is the false positive rate; specificity is TN / (TN + FP), one minus it.")
    raise Wrong(
        f"expected sensitivity {sens:.3f} and specificity {spec:.3f}; you returned {values[0]:.3f} and {values[1]:.3f}."
    )


def _ppv(prevalence: float, sensitivity: float, specificity: float) -> float:
    return sensitivity * prevalence / (sensitivity * prevalence + (1 - specificity) * (1 - prevalence))


@task(
    hints=[
        "Picture 1,000 people: prevalence x 1,000 have the condition. How many of them test positive, and how many of "
        "the others?",
        "PPV = sens * prev / (sens * prev + (1 - spec) * (1 - prev)).",
    ]
)
def ppv_at_prevalence(function: Any) -> None:
    for sens, spec, prev in ((0.9, 0.9, 0.05), (0.95, 0.7, 0.625), (0.8, 0.99, 0.01), (0.99, 0.5, 0.5)):
        want = _ppv(prev, sens, spec)
        got = as_number(call(function, sens, spec, prev), "the PPV")
        if np.isclose(got, want):
            continue
        if np.isclose(got, sens):
            raise Wrong(
                "that is the sensitivity: the PPV asks the reverse question, of those called positive, how many are?"
            )
        if np.isclose(got, sens * prev / (sens * prev + (1 - spec))):
            raise Wrong(
                "the false positives come from the people WITHOUT the condition: multiply (1 - specificity) by (1 - "
                "prevalence)."
            )
        if np.isclose(got, sens * prev):
            raise Wrong(
                "that is the fraction of true positives among everyone; divide it by the fraction of everyone called "
                "positive."
            )
        raise Wrong(
            f"for sensitivity {sens}, specificity {spec} and prevalence {prev} the PPV is {want:.4f}; you returned "
            f"{got:.4f}."
        )


@task(
    hints=[
        "Split the scores into those of positive and of negative cases; compare every positive with every negative "
        "(broadcasting: pos[:, None] > neg[None, :]).",
        "AUC = mean of (pos > neg) + 0.5 * mean of (pos == neg), over all pairs.",
    ]
)
def auc_by_ranking(function: Any) -> None:
    for ties in (False, True):
        y, scores = _example(seed=3, ties=ties)
        want = roc_auc_score(y, scores)
        got = as_number(call(function, y.copy(), scores.copy()), "the AUC")
        if np.isclose(got, want):
            continue
        if np.isclose(got, 1 - want):
            raise Wrong("that is 1 - AUC: count the pairs where the POSITIVE case has the higher score.")
        positives, negatives = scores[y == 1], scores[y == 0]
        if ties and np.isclose(got, np.mean(positives[:, None] > negatives[None, :])):
            raise Wrong(
                "with tied scores (rounded to 0.1 here), a tied pair counts half: add 0.5 * the fraction of ties."
            )
        if ties and np.isclose(got, np.mean(positives[:, None] >= negatives[None, :])):
            raise Wrong("a tied pair counts half, not as a win: > counts 1, == counts 0.5.")
        raise Wrong(
            f"scikit-learn's AUC is {want:.4f}; you returned {got:.4f}. Compare every positive with every negative."
        )


@task(
    hints=[
        "Only the scores of the positive cases decide the sensitivity: sort them from high to low.",
        "To find k = ceil(target * n_positive) of them, the threshold is the k-th highest positive score: "
        "np.sort(pos)[::-1][int(np.ceil(target * len(pos))) - 1].",
    ]
)
def threshold_for_sensitivity(function: Any) -> None:
    for seed, target in ((1, 0.95), (2, 0.8), (4, 1.0)):
        y, scores = _example(seed=seed)
        want = _threshold_for_sensitivity(y, scores, target)
        got = as_number(call(function, y.copy(), scores.copy(), target), "the threshold")
        if np.isclose(got, want):
            continue
        reached = recall_score(y, scores >= got)
        if reached < target:
            raise Wrong(
                f"with your threshold {got:.3f} the sensitivity is {reached:.3f}, below the target {target}: "
                "cases with score >= threshold are the positive calls."
            )
        raise Wrong(
            f"your threshold {got:.3f} reaches the target, but a higher one ({want:.3f}) does too and gives a better "
            "specificity: return the HIGHEST threshold that reaches the target."
        )


@task(
    hints=[
        "rng = np.random.default_rng(seed); in each round draw n case indices with replacement, and compute the AUC of "
        "those cases.",
        "Collect n_boot AUCs (skip a draw that has only one class), then np.percentile(aucs, [2.5, 97.5]).",
    ]
)
def bootstrap_auc(function: Any) -> None:
    y, scores = _example(n=150, seed=5)
    result = as_array(call(function, y.copy(), scores.copy(), 500, 0), "your (low, high) interval")
    if result.shape != (2,):
        raise Wrong(f"return two numbers, (low, high); yours has shape {result.shape}.")
    low, high = result
    estimate = roc_auc_score(y, scores)
    if np.isclose(low, high):
        raise Wrong(
            "the interval has no width: draw the resamples WITH replacement (rng.choice(n, n) or rng.integers(0, n, "
            "n)); "
            "a permutation of all cases always gives the same AUC."
        )
    if not low < estimate < high:
        raise Wrong(f"the AUC of the data, {estimate:.3f}, should lie inside your interval ({low:.3f}, {high:.3f}).")
    _, ref_low, ref_high = bootstrap_ci(y, scores, n_boot=1000, seed=1)
    if high - low > 1.6 * (ref_high - ref_low):
        raise Wrong(
            f"your interval ({low:.3f}, {high:.3f}) is much wider than a 95 % bootstrap interval "
            f"(about {ref_low:.3f} to {ref_high:.3f}): take the 2.5th and 97.5th percentiles, not the extremes."
        )
    if high - low < 0.5 * (ref_high - ref_low):
        raise Wrong(
            f"your interval ({low:.3f}, {high:.3f}) is much narrower than a 95 % bootstrap interval "
            f"(about {ref_low:.3f} to {ref_high:.3f}): the 2.5th and 97.5th percentiles, and resamples as large as the "
            f"data."
        )


@task(
    hints=[
        "Work with np.unique(patient_ids): choose a quarter of the patients at random, then mark every image "
        "of theirs.",
        "test = rng.choice(unique, size=round(test_fraction * len(unique)), replace=False); "
        "return np.isin(patient_ids, test).",
    ]
)
def patient_split(function: Any) -> None:
    rng = np.random.default_rng(7)
    patients = np.repeat(np.arange(120), rng.integers(1, 7, 120))
    rng.shuffle(patients)
    masks = []
    for seed in (0, 1):
        mask = call(function, patients.copy(), 0.25, seed)
        array = np.asarray(mask)
        if array.dtype != bool or array.shape != patients.shape:
            raise Wrong(
                f"return a boolean mask with one entry per image (shape {patients.shape}), True for the test set; "
                f"yours is {array.dtype} of shape {array.shape}."
            )
        shared = np.intersect1d(patients[array], patients[~array])
        if shared.size:
            raise Wrong(
                f"{shared.size} patients have images on both sides (for example patient {shared[0]}): choose "
                "test PATIENTS, then take all of their images."
            )
        share = np.unique(patients[array]).size / np.unique(patients).size
        if not 0.15 <= share <= 0.35:
            raise Wrong(
                f"about a quarter of the patients (test_fraction 0.25) should be in the test set; you have {share:.0%}."
            )
        masks.append(array)
    if np.array_equal(*masks):
        raise Wrong("seeds 0 and 1 gave the same split: draw the test patients with np.random.default_rng(seed).")
    again = np.asarray(call(function, patients.copy(), 0.25, 0))
    if not np.array_equal(again, masks[0]):
        raise Wrong(
            "the same seed gave two different splits: use np.random.default_rng(seed), not np.random without a seed."
        )


def breast_pixels() -> tuple[np.ndarray, ...]:
    """BreastMNIST's three official splits as pixel rows scaled to [0, 1], with their labels as stored (0 =
    malignant, 1 = normal or benign): ``(X_train, y_train, X_val, y_val, X_test, y_test)`` (the task
    ``fit_and_threshold``).

    Example:
        >>> X_train, y_train, X_val, y_val, X_test, y_test = breast_pixels()
        >>> X_train.shape, X_val.shape, X_test.shape
        ((546, 784), (78, 784), (156, 784))
    """
    from ..data import load_medmnist

    splits = []
    for split in ("train", "val", "test"):
        images, labels = load_medmnist("breastmnist", split)
        splits += [images.reshape(len(images), -1) / 255.0, labels]
    return tuple(splits)


def _called(y_true: np.ndarray, y_score: np.ndarray, threshold: float) -> tuple[float, float]:
    called = (y_score >= threshold).astype(int)
    return recall_score(y_true, called), recall_score(y_true, called, pos_label=0)


@task(
    hints=[
        "Malignant is label 0: make it the positive class, y = (labels == 0). Fit on the training split, choose the "
        "threshold on the validation split with your threshold_for_sensitivity, then apply it once to the test split.",
        "scores = model.predict_proba(X)[:, 1] (the probability of class 1, malignant once you recoded the labels); "
        "called = test_scores >= threshold; then your sensitivity_specificity on the test labels.",
    ]
)
def fit_and_threshold(function: Any) -> None:
    from sklearn.exceptions import NotFittedError

    X_train, y_train, X_val, y_val, X_test, y_test = breast_pixels()
    result = call(function, X_train.copy(), y_train.copy(), X_val.copy(), y_val.copy(), X_test.copy(), y_test.copy())
    result = as_result(result, ("model", "threshold", "test_sensitivity", "test_specificity"))
    model = result["model"]
    if not hasattr(model, "predict_proba"):
        raise Wrong(f"'model' should be the fitted classifier (with predict_proba), not {type(model).__name__}.")
    try:
        proba_val, proba_test = model.predict_proba(X_val), model.predict_proba(X_test)
    except NotFittedError:
        raise Wrong("the model was never fitted: call .fit on the training split.") from None
    malignant_val, malignant_test = (y_val == 0).astype(int), (y_test == 0).astype(int)
    column = 1 if roc_auc_score(malignant_val, proba_val[:, 1]) >= 0.5 else 0  # whichever column scores malignant
    score_val, score_test = proba_val[:, column], proba_test[:, column]
    threshold = as_number(result["threshold"], "'threshold'")
    want = _threshold_for_sensitivity(malignant_val, score_val, 0.9)
    if not np.isclose(threshold, want, rtol=0, atol=1e-9):
        if np.isclose(threshold, _threshold_for_sensitivity(malignant_test, score_test, 0.9), rtol=0, atol=1e-9):
            raise Wrong(
                "the threshold was chosen on the test split: choose it on validation, then apply it unchanged to "
                "the test split, or the test sensitivity is flattered."
            )
        if np.isclose(threshold, _threshold_for_sensitivity(y_val, 1 - score_val, 0.9), rtol=0, atol=1e-9):
            raise Wrong(
                "that threshold finds 90 % of the label-1 images, which are normal or benign: malignant is label 0. "
                "Make it the positive class, y = (labels == 0)."
            )
        raise Wrong(
            f"the highest threshold on your model's validation scores that finds 90 % of the malignant masses is "
            f"{want:.4g}; you returned {threshold:.4g}."
        )
    sens, spec = _called(malignant_test, score_test, threshold)
    got = (
        as_number(result["test_sensitivity"], "'test_sensitivity'"),
        as_number(result["test_specificity"], "'test_specificity'"),
    )
    if np.allclose(got, _called(malignant_val, score_val, threshold)) and not np.allclose(got, (sens, spec)):
        raise Wrong("those are the validation sensitivity and specificity: apply the threshold to the test split.")
    if np.allclose(got, (spec, sens)) and not np.isclose(sens, spec):
        raise Wrong("sensitivity and specificity are swapped.")
    if not np.allclose(got, (sens, spec)):
        raise Wrong(
            f"at your threshold, your model's test sensitivity is {sens:.3f} and specificity {spec:.3f}; you "
            f"returned {got[0]:.3f} and {got[1]:.3f}."
        )
