"""Checks for the exercises of the prognosis chapter.

In the exercise notebook::

    from medlearn.check import prognosis as check
    check.survival_at_horizon(survival_at_horizon)

The answers are compared with :mod:`medlearn.survival` (itself tested against scikit-survival), scikit-learn's
``StratifiedKFold`` rule of balanced folds, and the cohorts of :mod:`medlearn.data.cohorts`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...survival import concordance_index, kaplan_meier, survival_at
from .._letters import letter_task
from ..core import Mistake, as_number, compared
from ._fitting import fit_cox, gbsg2_split, impute_from_training, leaky_columns, stratified_folds

__all__ = [
    "concordance_with_ties",
    "fit_cox",
    "gbsg2_split",
    "hazard_ratio_per_sd",
    "impute_from_training",
    "judge_treatment_model",
    "leaky_columns",
    "stratified_folds",
    "survival_at_horizon",
]

# A small cohort with ties in time between events, between an event and a censoring, and in risk.
_TIME = np.array([2.0, 3.0, 3.0, 3.0, 5.0, 6.0, 6.0, 8.0, 9.0, 12.0, 12.0, 15.0])
_EVENT = np.array([1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0], dtype=bool)
_RISK = np.array([0.9, 0.4, 0.7, 0.7, 0.2, 0.6, 0.6, 0.5, 0.1, 0.3, 0.3, 0.0])


def _cohort(seed: int, n: int = 300) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    risk = rng.normal(size=n).round(1)  # rounded: ties in risk
    time = np.ceil(rng.exponential(10 / np.exp(risk)))  # whole days: ties in time
    censor = np.ceil(rng.uniform(1, 25, n))
    return np.minimum(time, censor), time <= censor, risk


def _tiny(got: Any, want: Any) -> bool:
    return abs(got - want) < 1e-9


def _steps(time: np.ndarray, event: np.ndarray, horizon: float, before: bool) -> float:
    """The Kaplan-Meier step strictly before the horizon, or the first step at or after it."""
    times, curve = kaplan_meier(event, time)
    steps = curve[times < horizon] if before else curve[times >= horizon]
    return (steps[-1] if len(steps) else 1.0) if before else (steps[0] if len(steps) else np.nan)


_STEP = (
    "between event times the curve stays flat at its last step (a step function): read the step at or before the "
    "horizon; do not interpolate, and do not take the next step."
)


@compared(
    "Kaplan-Meier multiplies (1 - d/n) over the event times up to the horizon: d events at that time, "
    "n patients still followed just before it.",
    "A censored patient counts in n until her time, and then leaves n without lowering the curve.",
    # 6.7 lies between the (whole-day) times
    cases=lambda: [(*_cohort(seed)[:2], horizon) for seed, horizon in ((0, 6.0), (1, 10.0), (2, 3.0), (0, 6.7))],
    read=lambda value, *_: as_number(value, "your survival probability"),
    same=_tiny,
    mistakes=[
        Mistake(
            "censored dropped",
            lambda time, event, h: np.mean(time[(time >= h) | (event & (time < h))] >= h),
            "you dropped the patients censored before the horizon: that makes the event look more common.",
        ),
        Mistake(
            "censored as event-free",
            lambda time, event, h: 1 - np.mean(event & (time < h)),
            "you counted censored patients as event-free: that makes the event look rarer.",
        ),
        Mistake(
            "risk",
            lambda time, event, h: 1 - survival_at(*kaplan_meier(event, time), h),
            "that is the risk (1 - S); return the probability of being event-free.",
        ),
        Mistake("interpolated", lambda time, event, h: float(np.interp(h, *kaplan_meier(event, time))), _STEP),
        Mistake("next step", lambda time, event, h: _steps(time, event, h, before=False), _STEP),
        Mistake(
            "horizon left out",
            lambda time, event, h: _steps(time, event, h, before=True),
            "include the events AT the horizon itself (time <= horizon): the curve steps down there.",
        ),
    ],
    otherwise=lambda got, want, time, event, horizon: f"for this cohort S({horizon:g}) is {want:.4f}, not {got:.4f}.",
)
def survival_at_horizon(time: np.ndarray, event: np.ndarray, horizon: float) -> float:
    return survival_at(*kaplan_meier(event, time), horizon)


def _variant(
    event: np.ndarray,
    time: np.ndarray,
    risk: np.ndarray,
    *,
    tie_weight: float = 0.5,
    events_tied: bool = False,
    censored_tied: bool = True,
) -> float:
    """Harrell's C with one rule changed: the typical mistakes."""
    score = pairs = 0.0
    for i in np.flatnonzero(event):
        later = time > time[i]
        if censored_tied:
            later |= (time == time[i]) & ~event
        if events_tied:
            later |= (time == time[i]) & event & (np.arange(len(time)) != i)
        pairs += later.sum()
        score += np.sum(later & (risk[i] > risk)) + tie_weight * np.sum(later & (risk[i] == risk))
    return score / pairs


@compared(
    "Only pairs where the patient with the shorter time had the event are comparable.",
    "Two events at the same time: not comparable. An event and a censoring at the same time: comparable. "
    "A tie in risk counts one half.",
    cases=lambda: [(_EVENT, _TIME, _RISK)] + [(event, time, risk) for time, event, risk in (_cohort(3), _cohort(4))],
    read=lambda value, *_: as_number(value, "your concordance index"),
    same=_tiny,
    mistakes=[
        Mistake(
            "order reversed",
            lambda *case: 1 - concordance_index(*case),
            "higher risk should mean an EARLIER event: you counted the opposite order as concordant.",
        ),
        Mistake(
            "risk ties as zero", lambda *c: _variant(*c, tie_weight=0.0), "a tie in risk counts one half, not zero."
        ),
        Mistake(
            "tied events compared",
            lambda *case: _variant(*case, events_tied=True),
            "two events at the same time are not comparable: nobody knows who had it first.",
        ),
        Mistake(
            "tied censoring left out",
            lambda *case: _variant(*case, censored_tied=False),
            "an event and a censoring at the same time ARE comparable: the censored patient was known to be "
            "event-free at that time.",
        ),
    ],
    otherwise=lambda got, want, *_: f"for this cohort Harrell's C is {want:.4f}, not {got:.4f}.",
)
def concordance_with_ties(event: np.ndarray, time: np.ndarray, risk: np.ndarray) -> float:
    return concordance_index(event, time, risk)


@compared(
    "A hazard ratio per unit is exp(b); per standard deviation it is exp(b x SD).",
    "Multiply the coefficient (the log hazard ratio), not the hazard ratio, by the standard deviation.",
    cases=lambda: [(0.0488, 5.48), (-0.0022, 202.3), (0.35, 0.5)],
    read=lambda value, *_: as_number(value, "your hazard ratio"),
    same=_tiny,
    mistakes=[
        Mistake(
            "hazard ratio times SD",
            lambda b, sd: np.exp(b) * sd,
            "you multiplied the hazard ratio by the SD; multiply the coefficient first, then exponentiate.",
        ),
        Mistake("log hazard ratio", lambda b, sd: b * sd, "that is the log hazard ratio per SD: exponentiate it."),
        Mistake(
            "divided by SD",
            lambda b, sd: np.exp(b / sd),
            "per SD means SD units more of the variable: multiply by the SD, do not divide.",
            spot=lambda got, want, b, sd: _tiny(got, np.exp(b) ** (1 / sd)) or _tiny(got, np.exp(b / sd)),
        ),
    ],
    otherwise=lambda got, want, b, sd: (
        f"for b = {b} and SD = {sd} the hazard ratio per SD is {want:.4f}, not {got:.4f}."
    ),
)
def hazard_ratio_per_sd(b: float, sd: float) -> float:
    return float(np.exp(b * sd))


#: The wrong letters of judge_treatment_model, each with its hint.
_TREATMENT_WRONG = {
    "a": "a good C-index says the model ranks patients well under the care they received; it says nothing "
    "about what would happen under a different treatment.",
    "b": "adjusting for the measured variables removes only confounding through those variables; why a "
    "doctor chose the treatment (frailty, preference, findings not recorded) stays in the coefficient.",
    "d": "a larger cohort makes the coefficient more precise, not less confounded: a precise biased "
    "estimate is still biased.",
}


@letter_task(
    "A coefficient for a treatment in a model fitted to records says who was treated AND what treatment did.",
    "What would show what the treatment changes? Who decided who was treated?",
    wrong=_TREATMENT_WRONG,
    message="Right: the model predicts outcomes under past practice; what the therapy changes needs a randomised "
    "trial, or an observational analysis designed to emulate one, and the model must not be used to withhold it.",
)
def judge_treatment_model() -> str:
    return "c"
