"""Checks for the exercises of the prognosis chapter.

In the exercise notebook::

    from medlearn.check import prognosis as check
    check.survival_at_horizon(survival_at_horizon)

The answers are compared with :mod:`medlearn.survival` (itself tested against scikit-survival),
scikit-learn's ``StratifiedKFold`` rule of balanced folds, and the cohorts of :mod:`medlearn.data.cohorts`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..survival import concordance_index, kaplan_meier, survival_at
from .core import Wrong, as_number, as_result, call, letter_answer, task

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


@task(
    hints=[
        "Kaplan-Meier multiplies (1 - d/n) over the event times up to the horizon: d events at that time, "
        "n patients still followed just before it.",
        "A censored patient counts in n until her time, and then leaves n without lowering the curve.",
    ]
)
def survival_at_horizon(function: Any) -> None:
    for seed, horizon in ((0, 6.0), (1, 10.0), (2, 3.0), (0, 6.7)):  # 6.7 lies between the (whole-day) times
        time, event, _ = _cohort(seed)
        times, survival = kaplan_meier(event, time)
        want = survival_at(times, survival, horizon)
        got = as_number(call(function, time.copy(), event.copy(), horizon), "your survival probability")
        if abs(got - want) < 1e-9:
            continue
        known = (time >= horizon) | (event & (time < horizon))
        if abs(got - np.mean(time[known] >= horizon)) < 1e-9:
            raise Wrong("you dropped the patients censored before the horizon: that makes the event look more common.")
        if abs(got - (1 - np.mean(event & (time < horizon)))) < 1e-9:
            raise Wrong("you counted censored patients as event-free: that makes the event look rarer.")
        if abs(got - (1 - want)) < 1e-9:
            raise Wrong("that is the risk (1 - S); return the probability of being event-free.")
        after = survival[times >= horizon]
        if horizon not in times and (
            abs(got - float(np.interp(horizon, times, survival))) < 1e-9
            or (len(after) and abs(got - float(after[0])) < 1e-9)
        ):
            raise Wrong(
                "between event times the curve stays flat at its last step (a step function): read the step at "
                "or before the horizon; do not interpolate, and do not take the next step."
            )
        strict = survival[times < horizon]
        if abs(got - (strict[-1] if len(strict) else 1.0)) < 1e-9:
            raise Wrong("include the events AT the horizon itself (time <= horizon): the curve steps down there.")
        raise Wrong(f"for this cohort S({horizon:g}) is {want:.4f}, not {got:.4f}.")


@task(
    hints=[
        "Only pairs where the patient with the shorter time had the event are comparable.",
        "Two events at the same time: not comparable. An event and a censoring at the same time: comparable. "
        "A tie in risk counts one half.",
    ]
)
def concordance_with_ties(function: Any) -> None:
    cases = [(_EVENT, _TIME, _RISK)] + [(event, time, risk) for time, event, risk in (_cohort(3), _cohort(4))]
    for event, time, risk in cases:
        want = concordance_index(event, time, risk)
        got = as_number(call(function, event.copy(), time.copy(), risk.copy()), "your concordance index")
        if abs(got - want) < 1e-9:
            continue
        if abs(got - (1 - want)) < 1e-9:
            raise Wrong("higher risk should mean an EARLIER event: you counted the opposite order as concordant.")
        if abs(got - _variant(event, time, risk, tie_weight=0.0)) < 1e-9:
            raise Wrong("a tie in risk counts one half, not zero.")
        if abs(got - _variant(event, time, risk, events_tied=True)) < 1e-9:
            raise Wrong("two events at the same time are not comparable: nobody knows who had it first.")
        if abs(got - _variant(event, time, risk, censored_tied=False)) < 1e-9:
            raise Wrong(
                "an event and a censoring at the same time ARE comparable: the censored patient was known to be "
                "event-free at that time."
            )
        raise Wrong(f"for this cohort Harrell's C is {want:.4f}, not {got:.4f}.")


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


@task(
    hints=[
        "A hazard ratio per unit is exp(b); per standard deviation it is exp(b x SD).",
        "Multiply the coefficient (the log hazard ratio), not the hazard ratio, by the standard deviation.",
    ]
)
def hazard_ratio_per_sd(function: Any) -> None:
    for coefficient, sd in ((0.0488, 5.48), (-0.0022, 202.3), (0.35, 0.5)):
        want = float(np.exp(coefficient * sd))
        got = as_number(call(function, coefficient, sd), "your hazard ratio")
        if abs(got - want) < 1e-9:
            continue
        if abs(got - np.exp(coefficient) * sd) < 1e-9:
            raise Wrong("you multiplied the hazard ratio by the SD; multiply the coefficient first, then exponentiate.")
        if abs(got - coefficient * sd) < 1e-9:
            raise Wrong("that is the log hazard ratio per SD: exponentiate it.")
        if abs(got - np.exp(coefficient) ** (1 / sd)) < 1e-9 or abs(got - np.exp(coefficient / sd)) < 1e-9:
            raise Wrong("per SD means SD units more of the variable: multiply by the SD, do not divide.")
        raise Wrong(f"for b = {coefficient} and SD = {sd} the hazard ratio per SD is {want:.4f}, not {got:.4f}.")


@task(
    hints=[
        "Use StratifiedKFold on the event indicator, with shuffle=True and the random_state given.",
        "Each fold should hold about the cohort's share of events; the data here are sorted by event.",
        "The same seed must give the same folds, and another seed other folds.",
    ]
)
def stratified_folds(function: Any) -> None:
    event = np.r_[np.zeros(140, bool), np.ones(60, bool)]  # sorted: all censored first
    got = call(function, event.copy(), 5, 0)
    try:
        folds = [(np.asarray(train, int), np.asarray(test, int)) for train, test in got]
    except (TypeError, ValueError):
        raise Wrong("return a list of (train indices, test indices) pairs, one per fold.") from None
    if len(folds) != 5:
        raise Wrong(f"make 5 folds, not {len(folds)}.")
    tests = np.concatenate([test for _, test in folds])
    if sorted(tests.tolist()) != list(range(len(event))):
        raise Wrong("every patient must be in exactly one test fold.")
    for train, test in folds:
        if np.intersect1d(train, test).size or len(train) + len(test) != len(event):
            raise Wrong("in each fold, the training indices are all the patients not in its test fold.")
    shares = [event[test].mean() for _, test in folds]
    if max(shares) - min(shares) > 0.05:
        raise Wrong(
            f"the folds' event shares range from {min(shares):.2f} to {max(shares):.2f}: stratify on the event "
            "(and shuffle), or some folds hold almost no events and their C is noise."
        )
    # Unshuffled folds take each class's patients in file order: every test fold is a run of neighbours.
    if all(np.all(np.diff(np.sort(test[event[test] == kind])) == 1) for _, test in folds for kind in (False, True)):
        raise Wrong(
            "each test fold is a block of neighbouring patients: shuffle (shuffle=True), or a file sorted by date "
            "or by centre puts all of one period in one fold."
        )

    def test_folds(seed: int) -> list[list[int]]:
        return [sorted(np.asarray(test, int).tolist()) for _, test in call(function, event.copy(), 5, seed)]

    four = call(function, event.copy(), 4, 0)
    try:
        n_four = len(list(four))
    except TypeError:
        n_four = -1
    if n_four != 4:
        raise Wrong("use n_folds: asked for 4 folds, your function made a different number.")
    if test_folds(0) != test_folds(0):
        raise Wrong("the same seed must give the same folds: pass random_state=seed, not a fresh random state.")
    if test_folds(1) == test_folds(0) and test_folds(2) == test_folds(0):
        raise Wrong("seeds 0, 1 and 2 gave the same folds: use the seed you are given (random_state=seed).")


@task(
    hints=[
        "Learn each column's mean from the training rows only; fill both frames' gaps with those means.",
        "pandas: train.mean() gives the column means (ignoring NaN); frame.fillna(means) fills by column.",
    ]
)
def impute_from_training(function: Any) -> None:
    rng = np.random.default_rng(5)
    train = pd.DataFrame({"creatinine": rng.normal(1.0, 0.2, 50), "kappa": rng.normal(1.4, 0.5, 50)})
    test = pd.DataFrame({"creatinine": rng.normal(2.0, 0.2, 20), "kappa": rng.normal(3.0, 0.5, 20)})
    train.iloc[::5, 0] = np.nan
    test.iloc[::4, 0] = np.nan
    test.iloc[1::6, 1] = np.nan
    got = call(function, train.copy(), test.copy())
    try:
        train_filled, test_filled = (pd.DataFrame(frame) for frame in got)
    except (TypeError, ValueError):
        raise Wrong("return two frames: (train filled, test filled).") from None
    means = train.mean()
    if train_filled.shape != train.shape or test_filled.shape != test.shape:
        raise Wrong("keep every row and column of both frames.")
    if train_filled.isna().any().any() or test_filled.isna().any().any():
        raise Wrong("some gaps are still empty.")
    everything = pd.concat([train, test]).mean()
    gaps = test.isna()
    filled = test_filled.where(gaps)
    if np.allclose(filled["creatinine"].dropna(), everything["creatinine"]):
        raise Wrong("you took the means over training AND test rows: the test rows must not shape the imputation.")
    if np.allclose(filled["creatinine"].dropna(), test.mean()["creatinine"]):
        raise Wrong("you filled the test frame with its own means: learn the means from the training rows only.")
    for frame, source in ((train_filled, train), (test_filled, test)):
        want = source.fillna(means)
        if not np.allclose(frame.to_numpy(float), want.to_numpy(float)):
            raise Wrong("fill each gap with its column's TRAINING mean, and leave the measured values as they are.")


@task(
    hints=[
        "A leak here is a column whose missingness matches the outcome exactly: missing for every patient "
        "with the event and for none without it, or the other way round.",
        "Compare frame[column].isna() with the event indicator, column by column.",
    ]
)
def leaky_columns(function: Any) -> None:
    from ..data import load_cohort

    flchain = load_cohort("flchain")
    got = call(function, flchain.features.copy(), flchain.event.copy())
    if not isinstance(got, (list, tuple)) or not all(isinstance(name, str) for name in got):
        raise Wrong("return a list of column names.")
    if "creatinine" in got:
        raise Wrong(
            "creatinine's missingness is RELATED to death (not MCAR) but does not match it: a leak is a column that "
            "is recorded because of the outcome, here missing exactly when the patient survived."
        )
    if list(got) != ["chapter"]:
        raise Wrong("in FLCHAIN one column's missingness matches death exactly; find it (and only it).")
    rng = np.random.default_rng(6)
    event = rng.random(80) < 0.4
    planted = pd.DataFrame(
        {
            "age": rng.normal(60, 10, 80),
            "report": np.where(event, np.nan, 1.0),  # written only for survivors: missing exactly for the events
            "lab": np.where(rng.random(80) < 0.3, np.nan, 1.0),
        }
    )
    if list(call(function, planted, event)) != ["report"]:
        raise Wrong("a column missing exactly for the patients WITH the event leaks too (the other way round).")


@task(
    hints=[
        "A coefficient for a treatment in a model fitted to records says who was treated AND what treatment did.",
        "What would show what the treatment changes? Who decided who was treated?",
    ]
)
def judge_treatment_model(function: Any) -> str:
    return letter_answer(
        function,
        right="c",
        wrong={
            "a": "a good C-index says the model ranks patients well under the care they received; it says nothing "
            "about what would happen under a different treatment.",
            "b": "adjusting for the measured variables removes only confounding through those variables; why a "
            "doctor chose the treatment (frailty, preference, findings not recorded) stays in the coefficient.",
            "d": "a larger cohort makes the coefficient more precise, not less confounded: a precise biased "
            "estimate is still biased.",
        },
        message="Right: the model predicts outcomes under past practice; what the therapy changes needs a randomised "
        "trial, or an observational analysis designed to emulate one, and the model must not be used to withhold it.",
    )


def gbsg2_split() -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame, np.ndarray]:
    """GBSG2's 686 women, one-hot encoded and split 70/30 stratified on the event with ``random_state=0``:
    ``(X_train, y_train, X_test, y_test)``, each ``y`` the structured (event, time) array scikit-survival takes
    (the task ``fit_cox``).

    Example:
        >>> X_train, y_train, X_test, y_test = gbsg2_split()
        >>> X_train.shape, X_test.shape, y_train.dtype.names
        ((480, 9), (206, 9), ('event', 'time'))
    """
    from sklearn.model_selection import train_test_split
    from sksurv.preprocessing import OneHotEncoder

    from ..data import load_cohort

    cohort = load_cohort("gbsg2")
    X = OneHotEncoder().fit_transform(cohort.features)
    X_train, X_test, y_train, y_test = train_test_split(
        X, cohort.outcome, test_size=0.3, stratify=cohort.event, random_state=0
    )
    return X_train, y_train, X_test, y_test


def _outcome(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    event, time = y.dtype.names
    return y[event].astype(bool), y[time].astype(float)


@task(
    hints=[
        "CoxPHSurvivalAnalysis().fit(X_train, y_train); model.predict(X) gives each woman's risk (higher = an "
        "earlier event expected); concordance_index(event, time, risk) on each split.",
        "train_c = concordance_index(y_train['event'], y_train['time'], model.predict(X_train)); the same for "
        "the test rows.",
    ]
)
def fit_cox(function: Any) -> None:
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    X_train, y_train, X_test, y_test = gbsg2_split()
    result = call(function, X_train.copy(), y_train.copy(), X_test.copy(), y_test.copy())
    result = as_result(result, ("model", "train_c", "test_c"))
    model = result["model"]
    if not isinstance(model, CoxPHSurvivalAnalysis):
        raise Wrong(f"'model' should be the fitted CoxPHSurvivalAnalysis, not {type(model).__name__}.")
    if not hasattr(model, "coef_"):
        raise Wrong("the model was never fitted: call .fit(X_train, y_train).")
    on_test = CoxPHSurvivalAnalysis(alpha=model.alpha).fit(X_test, y_test).coef_
    if np.shape(model.coef_) == np.shape(on_test) and np.allclose(model.coef_, on_test, atol=1e-6):
        raise Wrong("the model was fitted on the test rows: fit on X_train, y_train, and keep the test rows unseen.")
    train_c, test_c = as_number(result["train_c"], "'train_c'"), as_number(result["test_c"], "'test_c'")
    want_train = concordance_index(*_outcome(y_train), model.predict(X_train))
    want_test = concordance_index(*_outcome(y_test), model.predict(X_test))
    if np.isclose(train_c, 1 - want_train) or np.isclose(test_c, 1 - want_test):
        raise Wrong(
            "that is 1 - C: model.predict gives a risk, higher for an earlier event, which is what the concordance "
            "index takes. Do not negate it (a survival time or a survival probability would need that)."
        )
    if np.isclose(train_c, want_test) and np.isclose(test_c, want_train) and not np.isclose(want_test, want_train):
        raise Wrong("'train_c' and 'test_c' are swapped.")
    if np.isclose(test_c, want_train) and not np.isclose(want_test, want_train):
        raise Wrong("'test_c' was measured on the training rows: score X_test with y_test.")
    for key, got, want in (("train_c", train_c, want_train), ("test_c", test_c, want_test)):
        if not np.isclose(got, want, atol=1e-6):
            raise Wrong(f"your model's {key} is {want:.4f}; you reported {got:.4f}.")
