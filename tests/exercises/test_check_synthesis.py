"""Exercise checks of the synthesis chapter: what a table of mistakes cannot say (the typical mistakes, the right
answers and the placeholders are tested from the checks' own tables, in test_mistakes.py): other right answers
written another way pass, and an answer of the wrong kind gets a hint, never an error."""

from __future__ import annotations

import numpy as np
from helpers import right_answers_test

from medlearn.check import synthesis as checks


def _scores_with_corrcoef(synthetic, training):
    """Each synthetic image's highest correlation, from np.corrcoef over all images, a constant image set to 0."""
    rows = np.concatenate([synthetic, training]).reshape(len(synthetic) + len(training), -1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.nan_to_num(np.corrcoef(rows))
    return r[: len(synthetic), len(synthetic) :].max(axis=1)


test_other_right_answers_pass = right_answers_test(
    {
        checks.reparameterise: lambda mean, log_var, eps: mean + np.sqrt(np.exp(log_var)) * eps,
        checks.memorisation_scores: _scores_with_corrcoef,
    }
)


def test_an_answer_of_the_wrong_kind_gets_a_hint() -> None:
    for task in (checks.reparameterise, checks.memorisation_scores):
        result = task.run(lambda *arguments: "a string")
        assert result.status == "fail" and result.message, result.message
