"""Exercise checks of chapter 07 (evaluation): typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import numpy as np
from helpers import typical_mistakes_test
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
