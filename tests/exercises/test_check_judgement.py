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
    ("answer", "hint"),
    [
        (lambda se, sp, prev, miss, alarm: cost(se, sp, prev, miss, alarm) / 1000, "per person"),
        (lambda se, sp, prev, miss, alarm: 1000 * ((1 - se) * miss + (1 - sp) * alarm), "prevalence is missing"),
        (lambda se, sp, prev, miss, alarm: cost(se, sp, prev, 1, 1), "counts errors"),
        (lambda se, sp, prev, miss, alarm: cost(sp, se, prev, miss, alarm), "swapped"),
        (lambda *args: 7.0, "expected"),
    ],
)
def test_expected_cost_mistakes_get_their_hint(answer, hint) -> None:
    result = judgement.expected_cost.run(answer)
    assert result.status == "fail" and hint in result.message, result.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda points, prev, miss, alarm: choose(points, prev, 1, 1), "fewest errors"),
        (lambda points, prev, miss, alarm: choose(points, 0.37, miss, alarm), "dataset's share"),
        (lambda points, prev, miss, alarm: 0.42, "one of the table's thresholds"),
        (lambda points, prev, miss, alarm: 0.02, "per 1,000"),
    ],
)
def test_choose_threshold_mistakes_get_their_hint(answer, hint) -> None:
    result = judgement.choose_threshold.run(answer)
    assert result.status == "fail" and hint in result.message, result.message


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
