"""medlearn.check.judgement: the threshold exercise of the instructor guide, on real validation cases."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import REPO

from medlearn.check import judgement


def cost(se, sp, prev, miss, alarm):
    return 1000 * (prev * (1 - se) * miss + (1 - prev) * (1 - sp) * alarm)


def choose(points, prev, miss, alarm):
    costs = [cost(se, sp, prev, miss, alarm) for se, sp in zip(points["sensitivity"], points["specificity"])]
    return points["threshold"][int(np.argmin(costs))]


def test_operating_points_are_real_and_ordered() -> None:
    points = judgement.operating_points()
    assert list(points["threshold"]) == list(judgement.THRESHOLDS)
    assert np.all(np.diff(points["sensitivity"]) <= 0) and np.all(np.diff(points["specificity"]) >= 0)
    assert points["sensitivity"][0] == 1.0 and points["specificity"][0] < 0.6  # a low threshold calls almost all
    assert points["specificity"][-1] > 0.95 and points["sensitivity"][-1] < 0.9


def test_the_scenarios_have_different_answers_so_a_fixed_answer_fails() -> None:
    answers = {float(choose(judgement.operating_points(), *s)) for s in judgement.SCENARIOS}
    assert len(answers) >= 3
    assert not judgement.choose_threshold.run(lambda *args: 0.5).passed


def test_right_answers_pass() -> None:
    assert judgement.expected_cost.run(cost).passed
    assert judgement.choose_threshold.run(choose).passed


@pytest.mark.parametrize(
    ("check", "answer", "hint"),
    [
        (judgement.expected_cost, lambda *args: 7.0, "expected"),
        (judgement.choose_threshold, lambda points, prev, miss, alarm: 0.42, "one of the table's thresholds"),
        (judgement.choose_threshold, lambda points, prev, miss, alarm: 0.02, "per 1,000"),
    ],
)
def test_other_wrong_answers_get_a_message(check, answer, hint) -> None:
    """The typical mistakes are tested from the tables (``tests/exercises/test_mistakes.py``); these are not one."""
    result = check.run(answer)
    assert result.status == "fail" and result.mistake is None and hint in result.message, result.message


@pytest.mark.parametrize("odd", [None, 3, "x", [1, 2], np.zeros((2, 2)), lambda *a: None, lambda *a: "a"])
def test_odd_answers_never_raise(odd) -> None:
    for check in (judgement.expected_cost, judgement.choose_threshold):
        assert check.run(odd).status in ("fail", "todo")


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((-0.1, 1, 1), "prevalence"),
        ((1.5, 1, 1), "prevalence"),
        ((0.1, float("nan"), 1), "cost_miss"),
        ((0.1, 1, -1), "cost_false_alarm"),
    ],
)
def test_scenario_costs_refuses_bad_input(args, name) -> None:
    with pytest.raises(ValueError, match=name):
        judgement._scenario_costs(*args)


def test_the_guides_scenario_is_the_first_and_its_answer_is_not_the_default() -> None:
    text = (REPO / "instructors" / "judgement.md").read_text(encoding="utf-8")
    prevalence, miss, alarm = judgement.SCENARIOS[0]
    assert f"**{prevalence:.0%} of the masses aspirated are malignant**".replace("%", " %") in text
    assert f"**a missed cancer costs {miss:g} times as much as a false alarm**" in text
    assert choose(judgement.operating_points(), prevalence, miss, alarm) != 0.5
