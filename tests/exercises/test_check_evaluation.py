"""Exercise checks of chapter 07 (evaluation): typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import numpy as np
from helpers import placeholders_test, right_answers_test, typical_mistakes_test
from sklearn.metrics import precision_score, recall_score, roc_auc_score

from medlearn.check import evaluation


def _bootstrap_without_replacement(y, scores, n_boot, seed):
    rng = np.random.default_rng(seed)
    aucs = [roc_auc_score(y[order], scores[order]) for order in (rng.permutation(len(y)) for _ in range(n_boot))]
    return tuple(np.percentile(aucs, [2.5, 97.5]))


MISTAKES = [
    (evaluation.sensitivity_specificity, lambda t, p: (recall_score(t, p, pos_label=0), recall_score(t, p)), "swapped"),
    (evaluation.sensitivity_specificity, lambda t, p: (precision_score(t, p), recall_score(t, p, pos_label=0)), "PPV"),
    (
        evaluation.sensitivity_specificity,
        lambda t, p: (recall_score(t, p), 1 - recall_score(t, p, pos_label=0)),
        "false positive rate",
    ),
    (evaluation.ppv_at_prevalence, lambda se, sp, q: se, "that is the sensitivity"),
    (evaluation.ppv_at_prevalence, lambda se, sp, q: se * q / (se * q + (1 - sp)), "(1 - prevalence)"),
    (evaluation.ppv_at_prevalence, lambda se, sp, q: se * q, "divide it"),
    (evaluation.auc_by_ranking, lambda t, s: 1 - roc_auc_score(t, s), "1 - AUC"),
    (evaluation.auc_by_ranking, lambda t, s: np.mean(s[t == 1][:, None] > s[t == 0][None, :]), "counts half"),
    (evaluation.auc_by_ranking, lambda t, s: np.mean(s[t == 1][:, None] >= s[t == 0][None, :]), "not as a win"),
    (evaluation.threshold_for_sensitivity, lambda t, s, g: float(s[t == 1].min()), "HIGHEST"),
    (evaluation.threshold_for_sensitivity, lambda t, s, g: float(s[t == 1].max()), "below the target"),
    (evaluation.bootstrap_auc, _bootstrap_without_replacement, "WITH replacement"),
    (evaluation.bootstrap_auc, lambda t, s, n, seed: (0.5, 1.0), "much wider"),
    (evaluation.patient_split, lambda ids, f, seed: np.random.default_rng(seed).random(len(ids)) < f, "both sides"),
    (
        evaluation.patient_split,
        lambda ids, f, seed: np.isin(ids, np.unique(ids)[: round(f * len(np.unique(ids)))]),
        "same split",
    ),
    (
        evaluation.patient_split,
        lambda ids, f, seed: np.isin(ids, np.random.default_rng(seed).choice(np.unique(ids), 5, replace=False)),
        "a quarter",
    ),
]


test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)


def _fit_and_threshold(X_train, y_train, X_val, y_val, X_test, y_test, *, benign=False, on="val", report="test"):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from medlearn.metrics import threshold_for_sensitivity

    def positive(y):
        return y if benign else (y == 0).astype(int)

    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=2000)).fit(X_train, positive(y_train))
    chosen_X, chosen_y = (X_val, y_val) if on == "val" else (X_test, y_test)
    threshold = threshold_for_sensitivity(positive(chosen_y), model.predict_proba(chosen_X)[:, 1], 0.9)
    scored_X, scored_y = (X_test, y_test) if report == "test" else (X_val, y_val)
    called = (model.predict_proba(scored_X)[:, 1] >= threshold).astype(int)
    truth = positive(scored_y)
    sensitivity, specificity = recall_score(truth, called), recall_score(truth, called, pos_label=0)
    return {"model": model, "threshold": threshold, "test_sensitivity": sensitivity, "test_specificity": specificity}


def _swapped(*data):
    result = _fit_and_threshold(*data)
    result["test_sensitivity"], result["test_specificity"] = result["test_specificity"], result["test_sensitivity"]
    return result


THRESHOLD_MISTAKES = [
    (evaluation.fit_and_threshold, lambda *d: _fit_and_threshold(*d, on="test"), "chosen on the test split"),
    (evaluation.fit_and_threshold, lambda *d: _fit_and_threshold(*d, benign=True), "malignant is label 0"),
    (evaluation.fit_and_threshold, lambda *d: _fit_and_threshold(*d, report="val"), "validation sensitivity"),
    (evaluation.fit_and_threshold, _swapped, "swapped"),
    (evaluation.fit_and_threshold, lambda *d: {**_fit_and_threshold(*d), "model": None}, "predict_proba"),
    (evaluation.fit_and_threshold, lambda *d: [_fit_and_threshold(*d)], "return a dict"),
]
test_threshold_mistake_fails_with_its_hint = typical_mistakes_test(THRESHOLD_MISTAKES)
test_right_threshold_passes = right_answers_test({evaluation.fit_and_threshold: _fit_and_threshold})
test_threshold_placeholder_is_todo = placeholders_test({evaluation.fit_and_threshold: _fit_and_threshold})


def test_an_unfitted_model_is_named() -> None:
    from sklearn.linear_model import LogisticRegression

    result = evaluation.fit_and_threshold.run(lambda *d: {**_fit_and_threshold(*d), "model": LogisticRegression()})
    assert result.status == "fail" and "never fitted" in result.message
