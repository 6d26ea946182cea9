"""The prognosis chapter's tasks on cohorts: folds, imputation, leaking columns and a Cox model, with their tables."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...survival import concordance_index
from .._comparing import built_once
from ..core import Mistake, Wrong, as_number, as_result, call, task


def _folds(event: np.ndarray, n_folds: int, seed: Any, *, stratified: bool = True, shuffle: bool = True) -> list:
    from sklearn.model_selection import KFold, StratifiedKFold

    splitter = (StratifiedKFold if stratified else KFold)(
        n_folds, shuffle=shuffle, random_state=seed if shuffle else None
    )
    return list(splitter.split(np.zeros(len(event)), event))


def _splitter(event: np.ndarray, n_folds: int, seed: int) -> Any:
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_folds, shuffle=True, random_state=seed)


_NOT_PAIRS = Mistake("the splitter", _splitter, "return a list of (train indices, test indices) pairs, one per fold.")
_FIVE = Mistake("4 folds", lambda event, n, seed: _folds(event, 4, seed), lambda n: f"make 5 folds, not {n}.")
_OVERLAP = Mistake(
    "one test fold repeated",
    lambda event, n, seed: [(np.arange(10), np.arange(5))] * 5,
    "every patient must be in exactly one test fold.",
)
_UNSTRATIFIED = Mistake(
    "not stratified",
    lambda event, n, seed: _folds(event, n, seed, stratified=False, shuffle=False),
    lambda low, high: (
        f"the folds' event shares range from {low:.2f} to {high:.2f}: stratify on the event "
        "(and shuffle), or some folds hold almost no events and their C is noise."
    ),
)
_UNSHUFFLED = Mistake(
    "not shuffled",
    lambda event, n, seed: _folds(event, n, seed, shuffle=False),
    "each test fold is a block of neighbouring patients: shuffle (shuffle=True), or a file sorted by date "
    "or by centre puts all of one period in one fold.",
)
_N_FOLDS = Mistake(
    "n_folds ignored",
    lambda event, n, seed: _folds(event, 5, seed),
    "use n_folds: asked for 4 folds, your function made a different number.",
)
_FRESH = Mistake(
    "a fresh random state",
    lambda event, n, seed: _folds(event, n, None),
    "the same seed must give the same folds: pass random_state=seed, not a fresh random state.",
)
_SEED = Mistake(
    "seed ignored",
    lambda event, n, seed: _folds(event, n, 0),
    "seeds 0, 1 and 2 gave the same folds: use the seed you are given (random_state=seed).",
)


@task(
    "Use StratifiedKFold on the event indicator, with shuffle=True and the random_state given.",
    "Each fold should hold about the cohort's share of events; the data here are sorted by event.",
    "The same seed must give the same folds, and another seed other folds.",
    mistakes=[_NOT_PAIRS, _FIVE, _OVERLAP, _UNSTRATIFIED, _UNSHUFFLED, _N_FOLDS, _FRESH, _SEED],
    reference=_folds,
)
def stratified_folds(function: Any) -> None:
    event = np.r_[np.zeros(140, bool), np.ones(60, bool)]  # sorted: all censored first
    try:
        folds = [(np.asarray(train, int), np.asarray(test, int)) for train, test in call(function, event.copy(), 5, 0)]
    except (TypeError, ValueError):
        raise _NOT_PAIRS.wrong() from None
    if len(folds) != 5:
        raise _FIVE.wrong(len(folds))
    if sorted(np.concatenate([test for _, test in folds]).tolist()) != list(range(len(event))):
        raise _OVERLAP.wrong()
    for train, test in folds:
        if np.intersect1d(train, test).size or len(train) + len(test) != len(event):
            raise Wrong("in each fold, the training indices are all the patients not in its test fold.")
    shares = [event[test].mean() for _, test in folds]
    if max(shares) - min(shares) > 0.05:
        raise _UNSTRATIFIED.wrong(min(shares), max(shares))
    # Unshuffled folds take each class's patients in file order: every test fold is a run of neighbours.
    if all(np.all(np.diff(np.sort(test[event[test] == kind])) == 1) for _, test in folds for kind in (False, True)):
        raise _UNSHUFFLED.wrong()

    def test_folds(seed: int) -> list[list[int]]:
        return [sorted(np.asarray(test, int).tolist()) for _, test in call(function, event.copy(), 5, seed)]

    try:
        n_four = len(list(call(function, event.copy(), 4, 0)))
    except TypeError:
        n_four = -1
    if n_four != 4:
        raise _N_FOLDS.wrong()
    if test_folds(0) != test_folds(0):
        raise _FRESH.wrong()
    if test_folds(1) == test_folds(0) and test_folds(2) == test_folds(0):
        raise _SEED.wrong()


def _impute(train: pd.DataFrame, test: pd.DataFrame, source: str = "train") -> tuple[pd.DataFrame, pd.DataFrame]:
    if source == "own":
        return train.fillna(train.mean()), test.fillna(test.mean())
    means = train.mean() if source == "train" else pd.concat([train, test]).mean()
    return train.fillna(means), test.fillna(means)


_BOTH = Mistake(
    "means of both",
    lambda train, test: _impute(train, test, "both"),
    "you took the means over training AND test rows: the test rows must not shape the imputation.",
)
_OWN = Mistake(
    "own means",
    lambda train, test: _impute(train, test, "own"),
    "you filled the test frame with its own means: learn the means from the training rows only.",
)
_UNFILLED = Mistake("not filled", lambda train, test: (train, test), "some gaps are still empty.")
_ZEROS = Mistake(
    "zeros",
    lambda train, test: (train.fillna(0), test.fillna(0)),
    "fill each gap with its column's TRAINING mean, and leave the measured values as they are.",
)


@task(
    "Learn each column's mean from the training rows only; fill both frames' gaps with those means.",
    "pandas: train.mean() gives the column means (ignoring NaN); frame.fillna(means) fills by column.",
    mistakes=[_BOTH, _OWN, _UNFILLED, _ZEROS],
    reference=_impute,
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
    if train_filled.shape != train.shape or test_filled.shape != test.shape:
        raise Wrong("keep every row and column of both frames.")
    if train_filled.isna().any().any() or test_filled.isna().any().any():
        raise _UNFILLED.wrong()
    filled = test_filled.where(test.isna())["creatinine"].dropna()
    if np.allclose(filled, pd.concat([train, test]).mean()["creatinine"]):
        raise _BOTH.wrong()
    if np.allclose(filled, test.mean()["creatinine"]):
        raise _OWN.wrong()
    for frame, source in ((train_filled, train), (test_filled, test)):
        if not np.allclose(frame.to_numpy(float), source.fillna(train.mean()).to_numpy(float)):
            raise _ZEROS.wrong()


def _leaks(frame: pd.DataFrame, event: np.ndarray, both_ways: bool = True) -> list[str]:
    missing = {column: frame[column].isna().to_numpy() for column in frame.columns}
    return [c for c, m in missing.items() if np.array_equal(m, ~event) or (both_ways and np.array_equal(m, event))]


_NOT_A_LIST = Mistake("a name", lambda frame, event: "chapter", "return a list of column names.")
_ANY_GAP = Mistake(
    "every column with gaps",
    lambda frame, event: [column for column in frame.columns if frame[column].isna().any()],
    "creatinine's missingness is RELATED to death (not MCAR) but does not match it: a leak is a column that "
    "is recorded because of the outcome, here missing exactly when the patient survived.",
)
_NONE = Mistake(
    "none", lambda frame, event: [], "in FLCHAIN one column's missingness matches death exactly; find it (and only it)."
)
_ONE_WAY = Mistake(
    "one way only",
    lambda frame, event: _leaks(frame, event, both_ways=False),
    "a column missing exactly for the patients WITH the event leaks too (the other way round).",
)


@task(
    "A leak here is a column whose missingness matches the outcome exactly: missing for every patient "
    "with the event and for none without it, or the other way round.",
    "Compare frame[column].isna() with the event indicator, column by column.",
    mistakes=[_NOT_A_LIST, _ANY_GAP, _NONE, _ONE_WAY],
    reference=_leaks,
)
def leaky_columns(function: Any) -> None:
    from ...data import load_cohort

    flchain = load_cohort("flchain")
    got = call(function, flchain.features.copy(), flchain.event.copy())
    if not isinstance(got, (list, tuple)) or not all(isinstance(name, str) for name in got):
        raise _NOT_A_LIST.wrong()
    if "creatinine" in got:
        raise _ANY_GAP.wrong()
    if list(got) != ["chapter"]:
        raise _NONE.wrong()
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
        raise _ONE_WAY.wrong()


@built_once
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

    from ...data import load_cohort

    cohort = load_cohort("gbsg2")
    X = OneHotEncoder().fit_transform(cohort.features)
    X_train, X_test, y_train, y_test = train_test_split(
        X, cohort.outcome, test_size=0.3, stratify=cohort.event, random_state=0
    )
    return X_train, y_train, X_test, y_test


def _outcome(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    event, time = y.dtype.names
    return y[event].astype(bool), y[time].astype(float)


def _fit_cox(
    *data: Any, fit_on: str = "train", negate: bool = False, swap: bool = False, on_train: bool = False
) -> dict:
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    X_train, y_train, X_test, y_test = data
    cox = CoxPHSurvivalAnalysis().fit(*((X_train, y_train) if fit_on == "train" else (X_test, y_test)))
    sign = -1 if negate else 1
    train_c = concordance_index(*_outcome(y_train), sign * cox.predict(X_train))
    scored_X, scored_y = (X_train, y_train) if on_train else (X_test, y_test)
    test_c = concordance_index(*_outcome(scored_y), sign * cox.predict(scored_X))
    return {"model": cox, "train_c": test_c if swap else train_c, "test_c": train_c if swap else test_c}


_NOT_COX = Mistake(
    "no model",
    lambda *data: {**_fit_cox(*data), "model": None},
    lambda name: f"'model' should be the fitted CoxPHSurvivalAnalysis, not {name}.",
)
_FIT_ON_TEST = Mistake(
    "fitted on the test rows",
    lambda *data: _fit_cox(*data, fit_on="test"),
    "the model was fitted on the test rows: fit on X_train, y_train, and keep the test rows unseen.",
)
_NEGATED = Mistake(
    "risk negated",
    lambda *data: _fit_cox(*data, negate=True),
    "that is 1 - C: model.predict gives a risk, higher for an earlier event, which is what the concordance "
    "index takes. Do not negate it (a survival time or a survival probability would need that).",
)
_SWAPPED = Mistake("swapped", lambda *data: _fit_cox(*data, swap=True), "'train_c' and 'test_c' are swapped.")
_TEST_ON_TRAIN = Mistake(
    "test C on the training rows",
    lambda *data: _fit_cox(*data, on_train=True),
    "'test_c' was measured on the training rows: score X_test with y_test.",
)


@task(
    "CoxPHSurvivalAnalysis().fit(X_train, y_train); model.predict(X) gives each woman's risk (higher = an "
    "earlier event expected); concordance_index(event, time, risk) on each split.",
    "train_c = concordance_index(y_train['event'], y_train['time'], model.predict(X_train)); the same for "
    "the test rows.",
    mistakes=[_NOT_COX, _FIT_ON_TEST, _NEGATED, _SWAPPED, _TEST_ON_TRAIN],
    reference=_fit_cox,
)
def fit_cox(function: Any) -> None:
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    X_train, y_train, X_test, y_test = gbsg2_split()
    result = call(function, X_train.copy(), y_train.copy(), X_test.copy(), y_test.copy())
    result = as_result(result, ("model", "train_c", "test_c"))
    model = result["model"]
    if not isinstance(model, CoxPHSurvivalAnalysis):
        raise _NOT_COX.wrong(type(model).__name__)
    if not hasattr(model, "coef_"):
        raise Wrong("the model was never fitted: call .fit(X_train, y_train).")
    on_test = CoxPHSurvivalAnalysis(alpha=model.alpha).fit(X_test, y_test).coef_
    if np.shape(model.coef_) == np.shape(on_test) and np.allclose(model.coef_, on_test, atol=1e-6):
        raise _FIT_ON_TEST.wrong()
    train_c, test_c = as_number(result["train_c"], "'train_c'"), as_number(result["test_c"], "'test_c'")
    want_train = concordance_index(*_outcome(y_train), model.predict(X_train))
    want_test = concordance_index(*_outcome(y_test), model.predict(X_test))
    if np.isclose(train_c, 1 - want_train) or np.isclose(test_c, 1 - want_test):
        raise _NEGATED.wrong()
    if np.isclose(train_c, want_test) and np.isclose(test_c, want_train) and not np.isclose(want_test, want_train):
        raise _SWAPPED.wrong()
    if np.isclose(test_c, want_train) and not np.isclose(want_test, want_train):
        raise _TEST_ON_TRAIN.wrong()
    for key, got, want in (("train_c", train_c, want_train), ("test_c", test_c, want_test)):
        if not np.isclose(got, want, atol=1e-6):
            raise Wrong(f"your model's {key} is {want:.4f}; you reported {got:.4f}.")
