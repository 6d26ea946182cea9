"""Exercise checks of the deployment chapter: what the tables of mistakes cannot say (``test_mistakes.py`` feeds
every typical mistake back): other right answers pass, and answers that are no typical mistake get a message."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import right_answers_test
from scipy.stats import ks_2samp

from medlearn.check import deployment as checks


def _pixels(dataset, handle):
    """Written another way: refuse first, then invert by a bit shift."""
    kind = dataset.PhotometricInterpretation
    if kind not in ("MONOCHROME1", "MONOCHROME2") or (kind == "MONOCHROME1" and not handle):
        raise ValueError(f"PhotometricInterpretation {kind} is not handled")
    values = dataset.pixel_array.astype(np.int32)
    return (1 << dataset.BitsStored) - 1 - values if kind == "MONOCHROME1" else values


test_other_right_answers_pass = right_answers_test(
    {
        checks.model_pixels: _pixels,
        checks.ks_statistic: lambda a, b: ks_2samp(a, b).statistic,
        checks.judge_reading_mode: lambda: "C",
    }
)


@pytest.mark.parametrize(
    ("task", "answer", "hint"),
    [
        (checks.model_pixels, lambda d, h: np.zeros((28, 28)), "ARE the picture"),
        (checks.changed_files, lambda f: ["card.md"], "no changed files"),
        (checks.ks_statistic, lambda a, b: 0.5, "points of both samples"),
        (checks.risk_at_coverage, lambda y, p, t, c: 0.5, "the risk is"),
        (checks.deferral_cut, lambda y, p, t, r: 0.5, "the cut is"),
        (checks.response_problems, lambda b, t, v: None, "return a list of problems"),
        (checks.train_deployed_model, lambda *d: [], "return a dict"),
        (checks.judge_reading_mode, lambda: "x", "one letter"),
    ],
)
def test_other_wrong_answers_get_a_message(task, answer, hint) -> None:
    result = task.run(answer)
    assert result.status == "fail" and hint in result.message, result.message
