"""medlearn.cox.proportional_hazards_test: the exact score test of cox.zph, checked against a direct computation
of the extended model's score and information, against the values an independent review of the prognosis chapter
computed on GBSG2 (and confirmed with likelihood-ratio fits), by hand where times are tied, and on data with and without
a changing effect (cox_information and schoenfeld_residuals are tested in test_survival.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.preprocessing import OneHotEncoder
from sksurv.util import Surv

from medlearn.cox import proportional_hazards_test
from medlearn.data import load_cohort


def _fit(x: np.ndarray, event: np.ndarray, time: np.ndarray) -> np.ndarray:
    return CoxPHSurvivalAnalysis().fit(x, Surv.from_arrays(event.astype(bool), time)).coef_


def _extended_log_likelihood(theta: np.ndarray, x: np.ndarray, event: np.ndarray, time: np.ndarray) -> float:
    """Breslow's log partial likelihood with covariates (x, x g(t)), g the events' ranks: written out directly."""
    p = x.shape[1]
    beta, gamma = theta[:p], theta[p:]
    event_times = time[event == 1]
    ranks = stats.rankdata(event_times)
    total = 0.0
    for i, g in zip(np.flatnonzero(event == 1), ranks):
        at_risk = time >= time[i]
        linear = x[at_risk] @ beta + g * (x[at_risk] @ gamma)
        total += x[i] @ beta + g * (x[i] @ gamma) - np.log(np.exp(linear).sum())
    return total


def test_the_score_test_is_the_extended_models_score_and_information() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(80, 2))
    time = rng.exponential(1 / np.exp(x @ [0.7, -0.4]))
    event = (rng.random(80) < 0.8).astype(int)
    beta = _fit(x, event, time)
    theta = np.r_[beta, 0.0, 0.0]
    step = 1e-4
    eye = np.eye(4) * step

    def f(t: np.ndarray) -> float:
        return _extended_log_likelihood(t, x, event, time)

    gradient = np.array([(f(theta + e) - f(theta - e)) / (2 * step) for e in eye])
    hessian = np.array(
        [
            [(f(theta + a + b) - f(theta + a - b) - f(theta - a + b) + f(theta - a - b)) / (4 * step**2) for b in eye]
            for a in eye
        ]
    )
    score = gradient[2:]
    variance = np.linalg.inv(np.linalg.inv(-hessian)[2:, 2:])  # the information of gamma given beta
    expected = float(score @ np.linalg.solve(variance, score))
    result = proportional_hazards_test(x, event, time, beta, transform="rank")
    assert np.isclose(result["global"][0], expected, rtol=1e-3)
    assert np.isclose(result["column 0"][0], score[0] ** 2 / variance[0, 0], rtol=1e-3)


def test_gbsg2_fails_the_check_as_the_review_computed() -> None:
    """The exact score test on the prognosis chapter's model, as an independent review computed it (and confirmed with
    likelihood-ratio tests): global p 0.0037 (km) and 0.0020 (rank); age 0.0012; grade III 0.0030; grade 0.0047."""
    gbsg2 = load_cohort("gbsg2")
    X = OneHotEncoder().fit_transform(gbsg2.features)
    beta = CoxPHSurvivalAnalysis().fit(X, gbsg2.outcome).coef_
    columns = list(X.columns)
    grade = [columns.index("tgrade=II"), columns.index("tgrade=III")]
    km = proportional_hazards_test(X.to_numpy(), gbsg2.event, gbsg2.time, beta, groups={"tgrade": grade})
    rank = proportional_hazards_test(X.to_numpy(), gbsg2.event, gbsg2.time, beta, transform="rank")
    assert km["global"][1] == 9 and km["tgrade"][1] == 2
    for value, reviewed in (
        (km["global"][2], 0.0037),
        (rank["global"][2], 0.0020),
        (km[f"column {columns.index('age')}"][2], 0.0012),
        (km[f"column {columns.index('tgrade=III')}"][2], 0.0030),
        (km["tgrade"][2], 0.0047),
    ):
        assert abs(value - reviewed) < 0.0005, (value, reviewed)


def test_proportional_data_rarely_fail() -> None:
    rng = np.random.default_rng(7)
    p_values = []
    for _ in range(40):
        x = rng.normal(size=(150, 2))
        time = rng.exponential(1 / np.exp(x @ [0.8, 0.0]))
        event = (rng.random(150) < 0.85).astype(int)
        p_values.append(proportional_hazards_test(x, event, time, _fit(x, event, time))["global"][2])
    assert np.mean(np.array(p_values) < 0.05) <= 0.15 and np.median(p_values) > 0.2


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"transform": "log"}, "transform must be one of"),
        ({"groups": {"g": [5]}}, "groups\\['g'\\] names column 5"),
        ({"groups": {"g": []}}, "groups\\['g'\\]"),
        ({"groups": {"g": [-1]}}, "groups\\['g'\\]"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs: dict, words: str) -> None:
    x = np.array([[0.0], [1.0], [0.0], [1.0], [1.0]])
    with pytest.raises(ValueError, match=words):
        proportional_hazards_test(x, [1, 1, 0, 1, 1], [1.0, 2.0, 3.0, 4.0, 5.0], [0.1], **kwargs)


def test_no_event_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="event"):
        proportional_hazards_test([[0.0], [1.0]], [0, 0], [1.0, 2.0], [0.1])


def test_the_km_transform_is_one_minus_survival_just_before_each_event() -> None:
    """With tied event times, g at each event is 1 - S(t-): the Kaplan-Meier estimate before that time's events."""
    x = np.array([[0.0], [1.0], [0.0], [1.0], [0.0], [1.0]])
    time = np.array([1.0, 1.0, 2.0, 3.0, 3.0, 4.0])
    event = np.array([1, 1, 0, 1, 1, 0])
    # S(t-): 1 before t = 1; after t = 1 (2 of 6 events) 4/6; after t = 3 (2 of 3 at risk) 4/6 * 1/3
    g = np.array([0.0, 0.0, 1 - 4 / 6, 1 - 4 / 6])
    rows = []
    for i in np.flatnonzero(event):
        at_risk = time >= time[i]
        rows.append((x[i, 0] - x[at_risk, 0].mean(), x[at_risk, 0].var()))  # at beta = 0: equal weights
    r, v = np.array(rows).T
    score = g @ r
    variance = (g**2) @ v - (g @ v) ** 2 / v.sum()
    expected = score**2 / variance
    assert np.isclose(proportional_hazards_test(x, event, time, [0.0])["column 0"][0], expected)
