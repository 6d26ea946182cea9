"""The deployment chapter's tasks on deferral and the service's answers, with their tables of mistakes."""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from ..._messages import tr
from ...deploy.monitor import deferral_threshold, risk_coverage
from ..core import Mistake, Wrong, as_number, call, compared, task


def _scores(seed: int, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n)
    probability = np.clip(rng.beta(2, 5, n) + 0.45 * truth + rng.normal(0, 0.05, n), 0.001, 0.999)
    return truth, probability


def _risk(truth: np.ndarray, probability: np.ndarray, t: float, coverage: float, rank: str = "right") -> float:
    """The risk among the kept cases, ranked by the chance that the label is right or (the mistakes) otherwise."""
    confidence = {
        "right": np.where(probability >= t, probability, 1 - probability),
        "least": -np.where(probability >= t, probability, 1 - probability),
        "scaled": np.where(probability >= t, (probability - t) / (1 - t), (t - probability) / t),
        "distance": np.abs(probability - t),
    }[rank]
    order = np.argsort(-confidence, kind="stable")[: round(coverage * len(truth))]
    return float(np.mean((probability[order] >= t) != truth[order]))


_DISTANCE = tr(
    "you ranked by the distance from the threshold; with calibrated probabilities rank by the chance that the label "
    "is right (p above the threshold, 1 - p below): at t = 0.7, p = 0.3 is a negative call wrong 30 % of the time, "
    "further from t than p = 0.95, which is wrong 5 % of the time."
)


@compared(
    tr(
        "With calibrated probabilities, the confidence of a label is the chance that it is right: p for a "
        "positive label (p >= t), 1 - p for a negative one. Keep the round(coverage * N) most confident cases."
    ),
    tr("The risk is the share of the KEPT cases whose label (p >= threshold) differs from the truth."),
    cases=lambda: [
        (*_scores(seed), t, coverage) for seed, t, coverage in ((0, 0.3, 0.6), (1, 0.3, 0.9), (2, 0.7, 0.5))
    ],
    read=lambda value, *_: as_number(value, tr("your risk")),
    same=lambda got, want: abs(got - want) < 1e-12,
    mistakes=[
        Mistake("distance", partial(_risk, rank="distance"), _DISTANCE),
        Mistake("scaled distance", partial(_risk, rank="scaled"), _DISTANCE),
        Mistake(
            "least confident",
            partial(_risk, rank="least"),
            tr("you kept the LEAST confident cases: the model keeps the most confident and defers the rest."),
        ),
    ],
    otherwise=lambda got, want, truth, probability, t, coverage: tr(
        "at coverage {coverage} (threshold {t}) the risk is {want:.4f}, not {got:.4f}.",
        coverage=coverage,
        t=t,
        want=want,
        got=got,
    ),
)
def risk_at_coverage(truth: np.ndarray, probability: np.ndarray, threshold: float, coverage: float) -> float:
    return float(risk_coverage(truth, probability, threshold=threshold)["risk"][round(coverage * len(truth)) - 1])


def _deferral_cases() -> list[tuple[np.ndarray, np.ndarray, float, float]]:
    cases = []
    for seed, threshold, target in ((3, 0.4, 0.05), (4, 0.5, 0.1), (5, 0.6, 0.0), (6, 0.5, 0.0), (7, 0.5, 0.1)):
        truth, probability = _scores(seed)
        if seed == 6:  # every label wrong: no coverage reaches the target
            truth, probability = np.zeros(50, int), np.full(50, 0.9)
        if seed == 7:  # the second most confident case is wrong: the risk rises above the target, then falls back
            truth, probability = np.array([1, 0] + [1] * 18), np.linspace(0.99, 0.80, 20)
        cases.append((truth, probability, threshold, target))
    return cases


def _cut(truth: np.ndarray, probability: np.ndarray, threshold: float, target: float, kind: str = "last") -> float:
    """The confidence (or, for ``kind="coverage"``, the coverage) at the largest coverage that meets the target, or
    at the first one (``"first"``), or before the first case that breaks it (``"greedy"``), or 1.0 instead of
    math.inf when none meets it (``"finite"``): the mistakes."""
    curve = risk_coverage(truth, probability, threshold=threshold)
    good, above = np.flatnonzero(curve["risk"] <= target), np.flatnonzero(curve["risk"] > target)
    if kind == "greedy":
        last = (above[0] - 1) if len(above) else len(curve["risk"]) - 1
        return float(curve["confidence"][last]) if last >= 0 else math.inf
    if len(good) == 0:
        return math.inf if kind != "finite" else 1.0
    k = good[0] if kind == "first" else good[-1]
    return float(curve["coverage" if kind == "coverage" else "confidence"][k])


def _on_curve(
    got: float, truth: np.ndarray, probability: np.ndarray, threshold: float, target: float, kind: str
) -> bool:
    """Whether ``got`` is the cut of the mistake ``kind``, where it differs from the right one."""
    curve = risk_coverage(truth, probability, threshold=threshold)
    good, above = np.flatnonzero(curve["risk"] <= target), np.flatnonzero(curve["risk"] > target)
    if kind == "greedy":
        comes_back = len(above) and above[0] > 0 and len(good) and good[-1] > above[0]
        return bool(comes_back and abs(got - float(curve["confidence"][above[0] - 1])) < 1e-12)
    return bool(len(good) and abs(got - float(curve[kind][good[0] if kind == "confidence" else good[-1]])) < 1e-12)


@compared(
    tr("Sort by confidence (most confident first), and compute the risk among the first k for every k."),
    tr(
        "Choose the LARGEST k whose risk is at most the target, and return the confidence of the k-th case "
        "(the least confident one still kept); return math.inf when no k reaches the target."
    ),
    cases=_deferral_cases,
    read=lambda value, *_: as_number(value, tr("your cut")),
    same=lambda got, want: got == want or (math.isfinite(want) and abs(got - want) < 1e-12),
    mistakes=[
        Mistake(
            "no math.inf",
            partial(_cut, kind="finite"),
            tr("when no coverage reaches the target, defer every case: return math.inf."),
            spot=lambda got, want, *_: not math.isfinite(want),
        ),
        Mistake(
            "greedy",
            partial(_cut, kind="greedy"),
            tr(
                "you stopped at the first case that breaks the target; the risk can come back under it as more "
                "cases are kept: take the LARGEST coverage whose risk is at most the target, over the whole curve."
            ),
            spot=lambda got, want, *case: _on_curve(got, *case, "greedy"),
        ),
        Mistake(
            "first coverage",
            partial(_cut, kind="first"),
            tr(
                "you stopped at the FIRST coverage that meets the target; the model should keep as many cases as "
                "it can: the largest coverage whose risk is still at most the target."
            ),
            spot=lambda got, want, *case: _on_curve(got, *case, "confidence"),
        ),
        Mistake(
            "coverage",
            partial(_cut, kind="coverage"),
            tr("that is the coverage; return the confidence below which cases are deferred."),
            spot=lambda got, want, *case: _on_curve(got, *case, "coverage"),
        ),
    ],
    otherwise=lambda got, want, truth, probability, threshold, target: tr(
        "for target {target} (threshold {threshold}) the cut is {want:.4f}, not {got:.4f}.",
        target=target,
        threshold=threshold,
        want=want,
        got=got,
    ),
)
def deferral_cut(truth: np.ndarray, probability: np.ndarray, threshold: float, target: float) -> float:
    return deferral_threshold(truth, probability, target, threshold=threshold)


_KEYS = ("probability", "label", "model_version", "checks")
_GOOD = {"probability": 0.81, "label": 1, "threshold": 0.6, "model_version": "abc123def456", "checks": ["Modality"]}
#: The answers a service's client must reject, by the name of the test that a client without it misses.
_BAD = {
    **{f"no {key}": ({k: v for k, v in _GOOD.items() if k != key}, tr("a missing key")) for key in _KEYS},
    # label 0 agrees with NaN >= threshold (False): only a test of the number itself catches it
    "NaN": (
        {**_GOOD, "probability": float("nan"), "label": 0},
        tr("NaN is not a probability: it fails both comparisons"),
    ),
    "above 1": ({**_GOOD, "probability": 1.2}, tr("a probability above 1")),
    "text": ({**_GOOD, "probability": "0.81"}, tr("a probability sent as text")),
    "label": ({**_GOOD, "label": 0}, tr("a label that disagrees with probability >= threshold")),
    "version": ({**_GOOD, "model_version": "000000000000"}, tr("an answer from another model version")),
    "boolean": ({**_GOOD, "probability": True}, tr("True is not a probability (bool is an int in Python)")),
    "below 0": ({**_GOOD, "probability": -0.1, "label": 0}, tr("a probability below 0")),
    # the label agrees with the service's own threshold field, not with the threshold you deployed (0.6)
    "threshold": (
        {**_GOOD, "probability": 0.3, "label": 1, "threshold": 0.1},
        tr("a label checked against the service's own threshold field instead of the deployed threshold"),
    ),
    "label type": ({**_GOOD, "label": True}, tr("a label that is not the integer 0 or 1 (True, '1')")),
}


def _problems(body: dict, threshold: float, version: str, skip: str = "") -> list[str]:
    """The problems of a service's answer; ``skip`` names the test left out (each typical mistake leaves one out)."""
    if any(key not in body for key in _KEYS):
        return [f"missing {key}" for key in _KEYS if key not in body and skip != f"no {key}"]
    p, label = body["probability"], body["label"]
    p = float(p) if skip == "text" else p
    if (skip != "boolean" and isinstance(p, bool)) or not isinstance(p, (int, float)):
        return ["probability is not a number"]
    if (skip != "NaN" and not math.isfinite(p)) or (skip != "above 1" and p > 1) or (skip != "below 0" and p < 0):
        return ["probability out of range"]
    if skip != "label type" and (isinstance(label, bool) or label not in (0, 1)):
        return ["label is not 0 or 1"]
    found = []
    if skip != "label" and int(label) != int(p >= (body["threshold"] if skip == "threshold" else threshold)):
        found.append("label disagrees")
    if skip != "version" and body["model_version"] != version:
        found.append("wrong version")
    return found


_ACCEPTED = {
    name: Mistake(
        name, partial(_problems, skip=name), tr("you accepted {what}: the service's client must reject it.", what=what)
    )
    for name, (_, what) in _BAD.items()
}
_REJECTS_VALID = Mistake(
    "a valid answer rejected",
    lambda body, threshold, version: ["looks odd"],
    lambda name, got: tr("{name} is valid, but you found problems: {got}.", name=name, got=got),
)


@task(
    tr(
        "Check the keys first (probability, label, model_version, checks), then each value's type and range, "
        "then that the values agree with each other and with the version you deployed."
    ),
    tr(
        "`isinstance(True, int)` is True in Python, and NaN fails both `p >= 0` and `p <= 1`: test "
        "`math.isfinite(p)` and `not isinstance(p, bool)`."
    ),
    mistakes=[*_ACCEPTED.values(), _REJECTS_VALID],
    reference=_problems,
)
def response_problems(function: Any) -> None:
    for name, body in (
        (tr("the good answer"), _GOOD),
        (tr("a label 0 below the threshold"), {**_GOOD, "probability": 0.2, "label": 0}),
    ):
        got = call(function, dict(body), 0.6, "abc123def456")
        if not isinstance(got, (list, tuple)):
            raise Wrong(tr("return a list of problems (strings), empty when the answer is valid."))
        if list(got):
            raise _REJECTS_VALID.wrong(name, list(got))
    for name, (body, _) in _BAD.items():
        got = call(function, dict(body), 0.6, "abc123def456")
        if not isinstance(got, (list, tuple)):
            raise Wrong(tr("return a list of problems (strings), empty when the answer is valid."))
        if not list(got):
            raise _ACCEPTED[name].wrong()
