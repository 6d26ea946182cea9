"""Exercise checks of the few_labels chapter: what a table of mistakes cannot say (the typical mistakes, the right
answers and the placeholders are tested from the checks' own tables, in test_mistakes.py)."""

from __future__ import annotations

from medlearn.check import few_labels


def test_a_letter_that_is_no_choice_asks_for_one() -> None:
    result = few_labels.report_anomaly_finder.run(lambda: "e")
    assert result.status == "fail" and "one letter" in result.message, result.message
