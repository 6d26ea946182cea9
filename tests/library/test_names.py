"""One name for one thing: the public signatures of medlearn use the names and orders that CONTRIBUTING.md lists
under *Library conventions* (``y_true``, ``y_pred``, ``y_score``, ``y_prob``, ``event, time``, ``X``)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import medlearn

#: Names another word of the glossary already says: a ranking score is ``y_score``, a probability ``y_prob``.
SYNONYMS = {
    "score": "y_score",
    "scores": "y_score",
    "y_scores": "y_score",
    "risk": "y_score",
    "risks": "y_score",
    "probability": "y_prob",
    "probabilities": "y_prob",
    "prob": "y_prob",
    "probs": "y_prob",
    "proba": "y_prob",
    "y_proba": "y_prob",
    "score_a": "y_score",
    "score_b": "y_score_b",
    "risk_b": "y_score_b",
    "pred_b": "y_pred_b",
    "features": "X",
}

#: Deliberate: a detection is the record ``{"boxes", "scores", "labels"}`` of torchvision and torchmetrics, and
#: non-maximum suppression takes its fields by those names (``torchvision.ops.nms(boxes, scores, ...)``).
RECORD_FIELDS = {
    ("medlearn.detection.boxes", "non_max_suppression", "scores"),
    # A cohort is a record, not a call: its table of named clinical columns is read as ``cohort.features``
    # (scikit-survival's loaders return the same table as their first value), never passed as an argument.
    ("medlearn.data.cohorts", "Cohort.__init__", "features"),
}


def _public_functions() -> list[tuple[str, str, inspect.Signature]]:
    found = []
    for info in pkgutil.walk_packages(medlearn.__path__, "medlearn."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or getattr(value, "__module__", None) != info.name:
                continue
            if inspect.isfunction(value):
                found.append((info.name, name, inspect.signature(value)))
            elif inspect.isclass(value):  # its public methods, and its constructor's arguments
                for method_name, method in vars(value).items():
                    if inspect.isfunction(method) and (method_name == "__init__" or not method_name.startswith("_")):
                        found.append((info.name, f"{name}.{method_name}", inspect.signature(method)))
    return found


FUNCTIONS = _public_functions()


def _uses() -> list[tuple[str, str, str]]:
    return [(module, name, p) for module, name, signature in FUNCTIONS for p in signature.parameters]


def test_the_scan_sees_the_library() -> None:
    names = {(module, name) for module, name, _ in FUNCTIONS}
    assert ("medlearn.metrics", "bootstrap_ci") in names and ("medlearn.survival", "kaplan_meier") in names
    assert len(names) > 150


def test_no_synonym_of_a_glossary_name() -> None:
    wrong = [
        f"{module}.{name}({p}): say {SYNONYMS[p]}"
        for module, name, p in _uses()
        if p in SYNONYMS and (module, name, p) not in RECORD_FIELDS
    ]
    assert wrong == []


def test_each_deliberate_exception_is_still_a_synonym_in_use() -> None:
    """An exception whose function or argument is gone or renamed would leave its line behind: none is."""
    gone = RECORD_FIELDS - set(_uses())
    assert RECORD_FIELDS and gone == set() and all(p in SYNONYMS for _, _, p in RECORD_FIELDS), gone


def test_feature_matrices_are_capital_x() -> None:
    wrong = [f"{module}.{name}({p})" for module, name, p in _uses() if re.fullmatch(r"x(_[a-z]+)?", p)]
    assert wrong == []


@pytest.mark.parametrize(("first", "then"), [("y_true", ("y_pred", "y_score", "y_prob")), ("event", ("time",))])
def test_argument_order(first: str, then: tuple[str, ...]) -> None:
    """The truth comes before what is measured against it; ``event`` comes just before ``time``, as in
    scikit-survival's ``kaplan_meier_estimator(event, time)`` and ``concordance_index_censored(event, time, ...)``."""
    wrong = []
    for module, name, signature in FUNCTIONS:
        order = list(signature.parameters)
        if first not in order:
            continue
        for later in then:
            if later in order and order.index(later) < order.index(first):
                wrong.append(f"{module}.{name}{signature}")
        if first == "event" and "time" in order and order.index("time") != order.index("event") + 1:
            wrong.append(f"{module}.{name}{signature}")
    assert wrong == []


def test_a_second_models_scores_are_y_score_b() -> None:
    """And a second model's predictions ``y_pred_b``: no ``score_a``, ``risk_2`` or ``y_preds_b``."""
    wrong = [
        f"{module}.{name}{signature}"
        for module, name, signature in FUNCTIONS
        if any(
            re.fullmatch(r"(y_)?(score|risk|pred)s?_[a-z0-9]", p) and p not in ("y_score_b", "y_pred_b")
            for p in signature.parameters
        )
    ]
    assert wrong == []
