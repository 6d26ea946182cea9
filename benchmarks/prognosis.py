"""The prognosis chapter's survival models over repeated cross-validation on three cohorts, with intervals (not a test).

Cox proportional hazards, a random survival forest and gradient boosting (Cox loss) from scikit-survival,
on GBSG2, WHAS500 and FLCHAIN (loaded by ``medlearn.data.load_cohort``), scored on every held-out fold by
Harrell's C, Uno's C up to the last horizon, the time-dependent AUC at the horizons (each model's cumulative
hazard at each horizon as its score; the column is scikit-survival's mean, weighted by the Kaplan-Meier
estimate), and the integrated Brier score on a 0.1-year grid from the first horizon to the last (lower is
better), with the fit's wall time.

Intervals are Nadeau and Bengio's corrected resampled t intervals (Machine Learning 2003;52:239-281):
the folds of repeated cross-validation share training patients, so the plain standard error of their
mean is too small; the correction inflates the variance by ``1/J + n_test/n_train``. Differences between
models are paired fold by fold.

FLCHAIN's ``chapter`` column (the cause of death, missing exactly for the survivors) is dropped: it is
the outcome. WHAS500's ``los`` (length of hospital stay) is dropped: time zero is admission, the stay is
known only at discharge, and for the 40 patients who died in hospital it equals the time of death.
FLCHAIN's missing creatinine is imputed by the training fold's mean with a missingness indicator, inside
the pipeline.

Goal: match or beat the published value for the same data (scikit-survival's user guide: a random
survival forest with C = 0.676 on GBSG2, on one 75/25 split with ``random_state=20``); the guide's value
is met when it lies within or below the forest's interval. No published values on a protocol like this
one were found for WHAS500 and FLCHAIN: their rows have no goal.

Usage::

    .venv/bin/python benchmarks/prognosis.py                 # 2 repeats of 5 folds, about 15 minutes on 2 cores
    .venv/bin/python benchmarks/prognosis.py --repeats 1 --cohorts gbsg2
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sksurv.ensemble import GradientBoostingSurvivalAnalysis, RandomSurvivalForest
from sksurv.linear_model import CoxPHSurvivalAnalysis
from sksurv.metrics import concordance_index_ipcw, cumulative_dynamic_auc, integrated_brier_score
from sksurv.preprocessing import OneHotEncoder

from medlearn.data import load_cohort
from medlearn.metrics import corrected_cv_interval
from medlearn.survival import concordance_index

YEAR = 365.25
#: Horizons (years) for time-dependent AUC and the Brier score: inside every cohort's follow-up.
HORIZONS = {"gbsg2": (1, 2, 3, 4, 5), "whas500": (1, 2, 3, 4), "flchain": (1, 2, 4, 6, 8, 10)}
PUBLISHED = {("gbsg2", "forest"): 0.676}


def features(name: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    cohort = load_cohort(name)
    frame = cohort.features
    if name == "flchain":
        frame = frame[["age", "kappa", "lambda", "creatinine"]].assign(
            male=(frame["sex"] == "M").astype(float),
            mgus=(frame["mgus"] == "yes").astype(float),
            sample_year=frame["sample.yr"].astype(float),
        )
    else:
        if name == "whas500":  # length of stay is known only at discharge; for in-hospital deaths it is the outcome
            frame = frame.drop(columns=["los"])
        frame = OneHotEncoder().fit_transform(frame).astype(float)
    return frame, cohort.outcome, cohort.event, cohort.time


def models(n_patients: int) -> dict[str, Callable[[], object]]:
    large = n_patients >= 2000  # FLCHAIN: larger leaves, and half the boosting steps at twice the rate (its fit
    leaf = 30 if large else 15  # costs about a minute at 200 steps on 6,300 patients)
    steps, rate = (100, 0.1) if large else (200, 0.05)
    return {
        "Cox": lambda: make_pipeline(SimpleImputer(add_indicator=True), StandardScaler(), CoxPHSurvivalAnalysis()),
        "forest": lambda: make_pipeline(
            SimpleImputer(add_indicator=True),
            RandomSurvivalForest(
                n_estimators=300, min_samples_split=10, min_samples_leaf=leaf, n_jobs=2, random_state=0
            ),
        ),
        "boosting": lambda: make_pipeline(
            SimpleImputer(add_indicator=True),
            GradientBoostingSurvivalAnalysis(n_estimators=steps, learning_rate=rate, max_depth=2, random_state=0),
        ),
    }


def score_fold(model, X_train, y_train, X_test, y_test, horizons: np.ndarray) -> dict[str, float]:
    """Harrell's C on the whole fold; the censoring-weighted metrics (they estimate the censoring distribution
    on the training fold) on the test patients followed no longer than the longest training follow-up."""
    risk = model.predict(X_test)
    inside = y_test["time"] < y_train["time"].max()
    X_in, y_in = X_test[inside], y_test[inside]
    hazard = np.array([[f(t) for t in horizons] for f in model.predict_cumulative_hazard_function(X_in)])
    grid = np.arange(horizons[0], horizons[-1] + 1, 0.1 * YEAR)
    survival = np.array([[f(t) for t in grid] for f in model.predict_survival_function(X_in)])
    return {
        "Harrell C": concordance_index(y_test["event"], y_test["time"], risk),
        "Uno C": concordance_index_ipcw(y_train, y_in, risk[inside], tau=horizons[-1])[0],
        "mean AUC": cumulative_dynamic_auc(y_train, y_in, hazard, horizons)[1],
        "IBS": integrated_brier_score(y_train, y_in, survival, grid),
    }


def run(name: str, repeats: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    X, y, event, _ = features(name)
    horizons = np.array(HORIZONS[name]) * YEAR
    makers = models(len(X))
    rows, seconds = {m: [] for m in makers}, {m: [] for m in makers}
    for repeat in range(repeats):
        for train, test in StratifiedKFold(5, shuffle=True, random_state=repeat).split(X, event):
            for label, make in makers.items():
                start = time.perf_counter()
                model = make().fit(X.iloc[train], y[train])
                seconds[label].append(time.perf_counter() - start)
                rows[label].append(score_fold(model, X.iloc[train], y[train], X.iloc[test], y[test], horizons))
    test_share = 0.2
    table = []
    for label in makers:
        frame = pd.DataFrame(rows[label])
        entry = {"cohort": name, "model": label, "fit s": np.mean(seconds[label])}
        for metric in frame:
            mean, low, high = corrected_cv_interval(frame[metric], test_share)
            entry[metric] = f"{mean:.3f} [{low:.3f}, {high:.3f}]"
        published = PUBLISHED.get((name, label))
        if published is not None:
            _, low, high = corrected_cv_interval(frame["Harrell C"], test_share)
            entry["goal (published C)"] = f"{published}: {'met' if published <= high else 'missed'}"
        table.append(entry)
    differences = []
    cox = pd.DataFrame(rows["Cox"])
    for label in ("forest", "boosting"):
        other = pd.DataFrame(rows[label])
        entry = {"cohort": name, "difference": f"{label} - Cox"}
        for metric in ("Harrell C", "Uno C", "mean AUC", "IBS"):
            mean, low, high = corrected_cv_interval(other[metric] - cox[metric], test_share)
            entry[metric] = f"{mean:+.3f} [{low:+.3f}, {high:+.3f}]" + (" *" if low > 0 or high < 0 else "")
        differences.append(entry)
    return pd.DataFrame(table), pd.DataFrame(differences)


def markdown(frame: pd.DataFrame) -> str:
    """A pipe table (pandas' to_markdown needs the tabulate package, which the course does not install)."""
    cells = [[str(c) for c in frame.columns]] + [
        [f"{v:.2f}" if isinstance(v, float) else str(v) for v in row] for row in frame.itertuples(index=False)
    ]
    lines = ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join([lines[0], "|" + "---|" * len(frame.columns), *lines[1:]])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=2, help="repeats of 5-fold cross-validation")
    parser.add_argument("--cohorts", nargs="+", default=list(HORIZONS), choices=list(HORIZONS))
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", FutureWarning)
    tables, differences = [], []
    for name in args.cohorts:
        start = time.perf_counter()
        table, difference = run(name, args.repeats)
        tables.append(table)
        differences.append(difference)
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)
    print(f"\n{args.repeats} x 5-fold cross-validation; mean [95 % corrected interval]; IBS: lower is better\n")
    print(markdown(pd.concat(tables).fillna("")))
    print("\nPaired differences (* = the interval excludes zero)\n")
    print(markdown(pd.concat(differences)))


if __name__ == "__main__":
    main()
