"""Exercise checks of the prognosis chapter: what the tables of mistakes cannot say (``test_mistakes.py`` feeds
every typical mistake back): other right answers pass, and answers that are no typical mistake get a message."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import right_answers_test

from medlearn.check import prognosis as checks
from medlearn.survival import kaplan_meier


def _survival(time, event, horizon):
    """Kaplan-Meier read by hand: the last step at or before the horizon."""
    times, curve = kaplan_meier(event, time)
    before = curve[times <= horizon]
    return before[-1] if len(before) else 1.0


def _folds(event, n_folds, seed):
    """Stratified folds by hand: each class's patients shuffled, then dealt out in turn."""
    rng = np.random.default_rng(seed)
    fold = np.empty(len(event), int)
    for kind in (False, True):
        members = rng.permutation(np.flatnonzero(event == kind))
        fold[members] = np.arange(len(members)) % n_folds
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(n_folds)]


test_other_right_answers_pass = right_answers_test(
    {
        checks.survival_at_horizon: _survival,
        checks.hazard_ratio_per_sd: lambda b, sd: np.exp(b) ** sd,
        checks.stratified_folds: _folds,
        checks.judge_treatment_model: lambda: " C ",
    }
)


@pytest.mark.parametrize(
    ("task", "answer", "hint"),
    [
        (checks.survival_at_horizon, lambda t, e, h: 0.5, "not 0.5000"),
        (checks.concordance_with_ties, lambda e, t, r: 0.5, "Harrell's C is"),
        (checks.hazard_ratio_per_sd, lambda b, sd: 2.0, "the hazard ratio per SD is"),
        (
            checks.stratified_folds,
            lambda e, n, s: [(np.arange(200), np.arange(k, 200, 5)) for k in range(5)],
            "all the patients not in its test fold",
        ),
        (checks.impute_from_training, lambda tr, te: tr, "return two frames"),
        (checks.impute_from_training, lambda tr, te: (tr.dropna(), te), "keep every row"),
        (checks.leaky_columns, lambda f, e: ["chapter", "creatinine"], "RELATED to death"),
        (checks.fit_cox, lambda *d: (1, 2), "return a dict"),
        (checks.judge_treatment_model, lambda: "x", "one letter"),
    ],
)
def test_other_wrong_answers_get_a_message(task, answer, hint) -> None:
    result = task.run(answer)
    assert result.status == "fail" and hint in result.message, result.message
