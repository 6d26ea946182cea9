"""Exercise checks of the prognosis chapter: right answers pass, typical mistakes fail with their hint."""

from __future__ import annotations

import numpy as np
import pandas as pd
from helpers import placeholders_test, right_answers_test, typical_mistakes_test
from sklearn.model_selection import KFold, StratifiedKFold

from medlearn.check import prognosis as checks
from medlearn.check.prognosis import _variant
from medlearn.survival import concordance_index, kaplan_meier, survival_at


def _survival(time, event, horizon, *, drop=False, survivors=False, strict=False, interp=False, next_step=False):
    if drop:
        known = (time >= horizon) | (event & (time < horizon))
        return np.mean(time[known] >= horizon)
    if survivors:
        return 1 - np.mean(event & (time < horizon))
    times, curve = kaplan_meier(event, time)
    if interp:
        return float(np.interp(horizon, times, curve))
    if next_step:
        return float(curve[min(np.searchsorted(times, horizon, side="left"), len(curve) - 1)])
    if strict:
        before = curve[times < horizon]
        return before[-1] if len(before) else 1.0
    return survival_at(times, curve, horizon)


def _folds(event, n_folds, seed, *, stratified=True, shuffle=True):
    splitter = (StratifiedKFold if stratified else KFold)(
        n_folds, shuffle=shuffle, random_state=seed if shuffle else None
    )
    return list(splitter.split(np.zeros(len(event)), event))


def _impute(train, test, source="train"):
    means = {"train": train.mean(), "both": pd.concat([train, test]).mean()}.get(source)
    if source == "own":
        return train.fillna(train.mean()), test.fillna(test.mean())
    return train.fillna(means), test.fillna(means)


def _leaks(frame, event, both_ways=True):
    found = []
    for column in frame.columns:
        missing = frame[column].isna().to_numpy()
        if np.array_equal(missing, ~event) or (both_ways and np.array_equal(missing, event)):
            found.append(column)
    return found


RIGHT = {
    checks.survival_at_horizon: lambda time, event, horizon: _survival(time, event, horizon),
    checks.concordance_with_ties: concordance_index,
    checks.hazard_ratio_per_sd: lambda b, sd: np.exp(b * sd),
    checks.stratified_folds: lambda event, n, seed: _folds(event, n, seed),
    checks.impute_from_training: _impute,
    checks.leaky_columns: _leaks,
    checks.judge_treatment_model: lambda: "c",
}

MISTAKES = [
    (checks.survival_at_horizon, lambda t, e, h: _survival(t, e, h, drop=True), "dropped"),
    (checks.survival_at_horizon, lambda t, e, h: _survival(t, e, h, survivors=True), "counted censored"),
    (checks.survival_at_horizon, lambda t, e, h: 1 - _survival(t, e, h), "risk"),
    (checks.survival_at_horizon, lambda t, e, h: _survival(t, e, h, strict=True), "AT the horizon"),
    (checks.survival_at_horizon, lambda t, e, h: _survival(t, e, h, interp=True), "do not interpolate"),
    (checks.survival_at_horizon, lambda t, e, h: _survival(t, e, h, next_step=True), "do not interpolate"),
    (checks.survival_at_horizon, lambda t, e, h: 0.5, "not 0.5000"),
    (checks.concordance_with_ties, lambda e, t, r: 1 - concordance_index(e, t, r), "EARLIER"),
    (checks.concordance_with_ties, lambda e, t, r: _variant(e, t, r, tie_weight=0.0), "one half"),
    (checks.concordance_with_ties, lambda e, t, r: _variant(e, t, r, events_tied=True), "not comparable"),
    (checks.concordance_with_ties, lambda e, t, r: _variant(e, t, r, censored_tied=False), "ARE comparable"),
    (checks.hazard_ratio_per_sd, lambda b, sd: np.exp(b) * sd, "multiplied the hazard ratio"),
    (checks.hazard_ratio_per_sd, lambda b, sd: b * sd, "exponentiate"),
    (checks.hazard_ratio_per_sd, lambda b, sd: np.exp(b / sd), "do not divide"),
    (checks.stratified_folds, lambda e, n, s: _folds(e, n, s, stratified=False, shuffle=False), "stratify"),
    (checks.stratified_folds, lambda e, n, s: _folds(e, n, s, shuffle=False), "block of neighbouring patients"),
    (checks.stratified_folds, lambda e, n, s: _folds(e, n, None), "same seed must give the same folds"),
    (checks.stratified_folds, lambda e, n, s: _folds(e, n, 0), "use the seed you are given"),
    (checks.stratified_folds, lambda e, n, s: _folds(e, 4, s), "make 5 folds"),
    (checks.stratified_folds, lambda e, n, s: _folds(e, 5, s), "use n_folds"),
    (checks.stratified_folds, lambda e, n, s: [(np.arange(10), np.arange(5))] * 5, "exactly one test fold"),
    (checks.stratified_folds, lambda e, n, s: 3, "list of (train indices, test indices)"),
    (checks.impute_from_training, lambda tr, te: _impute(tr, te, "both"), "training AND test"),
    (checks.impute_from_training, lambda tr, te: _impute(tr, te, "own"), "its own means"),
    (checks.impute_from_training, lambda tr, te: (tr, te), "still empty"),
    (checks.impute_from_training, lambda tr, te: (tr.fillna(0), te.fillna(0)), "TRAINING mean"),
    (checks.leaky_columns, lambda f, e: [c for c in f.columns if f[c].isna().any()], "RELATED to death"),
    (checks.leaky_columns, lambda f, e: _leaks(f, e, both_ways=False), "other way round"),
    (checks.leaky_columns, lambda f, e: [], "find it"),
    (checks.leaky_columns, lambda f, e: "chapter", "list of column names"),
    (checks.judge_treatment_model, lambda: "a", "C-index"),
    (checks.judge_treatment_model, lambda: "b", "measured variables"),
    (checks.judge_treatment_model, lambda: "d", "precise"),
    (checks.judge_treatment_model, lambda: "x", "one letter"),
]

test_right_answers_pass = right_answers_test(RIGHT)
test_typical_mistakes_fail_with_their_hint = typical_mistakes_test(MISTAKES)
test_placeholders_are_todo_and_odd_input_never_crashes = placeholders_test(RIGHT)


def _fit_cox(X_train, y_train, X_test, y_test, *, fit_on="train", negate=False, swap=False, test_on_train=False):
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    cox = CoxPHSurvivalAnalysis().fit(*((X_train, y_train) if fit_on == "train" else (X_test, y_test)))
    sign = -1 if negate else 1
    train_c = concordance_index(y_train["event"], y_train["time"], sign * cox.predict(X_train))
    scored_X, scored_y = (X_train, y_train) if test_on_train else (X_test, y_test)
    test_c = concordance_index(scored_y["event"], scored_y["time"], sign * cox.predict(scored_X))
    if swap:
        train_c, test_c = test_c, train_c
    return {"model": cox, "train_c": train_c, "test_c": test_c}


COX_MISTAKES = [
    (checks.fit_cox, lambda *d: _fit_cox(*d, fit_on="test"), "fitted on the test rows"),
    (checks.fit_cox, lambda *d: _fit_cox(*d, negate=True), "1 - C"),
    (checks.fit_cox, lambda *d: _fit_cox(*d, swap=True), "swapped"),
    (checks.fit_cox, lambda *d: _fit_cox(*d, test_on_train=True), "measured on the training rows"),
    (checks.fit_cox, lambda *d: {**_fit_cox(*d), "model": None}, "CoxPHSurvivalAnalysis"),
    (checks.fit_cox, lambda *d: (1, 2), "return a dict"),
]
test_cox_right_answer_passes = right_answers_test({checks.fit_cox: _fit_cox})
test_cox_mistakes_fail_with_their_hint = typical_mistakes_test(COX_MISTAKES)
test_cox_placeholder_is_todo = placeholders_test({checks.fit_cox: _fit_cox})
