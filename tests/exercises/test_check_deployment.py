"""Exercise checks of the deployment chapter: right answers pass, typical mistakes fail with their hint."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
from helpers import placeholders_test, right_answers_test, typical_mistakes_test

from medlearn.check import deployment as checks
from medlearn.deploy.monitor import deferral_threshold, risk_coverage


def _pixels(dataset, handle, *, invert=True, refuse=True, name=True, colour=True, top=None, everything=False, own=None):
    kind = dataset.PhotometricInterpretation
    if everything and not handle:
        raise ValueError("PhotometricInterpretation: not handled")
    values = dataset.pixel_array.astype(np.int64)
    if kind == "MONOCHROME2" or (kind != "MONOCHROME1" and not colour):
        return values
    if kind == "MONOCHROME1":
        if not handle and refuse:
            raise ValueError("PhotometricInterpretation: MONOCHROME1 is not handled" if name else "not handled")
        if own == "max":
            top = values.max()
        elif own == "max+min":
            top = values.max() + values.min()
        return ((2**dataset.BitsStored - 1) if top is None else top) - values if invert else values
    raise ValueError(f"PhotometricInterpretation: {kind} is not a radiograph")


def _changed(folder, *, extra=True, content=True, skip_manifest=True):
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    found = []
    for name, digest in manifest.items():
        path = folder / name
        if not path.is_file():
            found.append(name)
            continue
        data = path.read_bytes() if content else name.encode()
        if hashlib.sha256(data).hexdigest() != digest:
            found.append(name)
    if extra:
        found += [
            p.name
            for p in folder.iterdir()
            if p.name not in manifest and (p.name != "manifest.json" or not skip_manifest)
        ]
    return sorted(found)


def _ks(a, b, *, both=True, side="right", normalise=True):
    points = np.concatenate([a, b]) if both else a
    fa = np.searchsorted(np.sort(a), points, side=side)
    fb = np.searchsorted(np.sort(b), points, side=side)
    if normalise:
        return float(np.max(np.abs(fa / len(a) - fb / len(b))))
    return float(np.max(np.abs(fa - fb)))


def _risk(truth, probability, threshold, coverage, *, rank="right", most=True):
    t = threshold
    confidence = {
        "right": np.where(probability >= t, probability, 1 - probability),
        "scaled": np.where(probability >= t, (probability - t) / (1 - t), (t - probability) / t),
        "distance": np.abs(probability - t),
    }[rank]
    order = np.argsort(-confidence if most else confidence, kind="stable")[: round(coverage * len(truth))]
    return float(np.mean((probability[order] >= t) != truth[order]))


def _cut(truth, probability, threshold, target, *, first=False, coverage=False, greedy=False):
    curve = risk_coverage(truth, probability, threshold=threshold)
    if greedy:  # stops at the first case that breaks the target
        above = np.flatnonzero(curve["risk"] > target)
        last = (above[0] - 1) if len(above) else len(curve["risk"]) - 1
        return float(curve["confidence"][last]) if last >= 0 else math.inf
    good = np.flatnonzero(curve["risk"] <= target)
    if len(good) == 0:
        return math.inf
    k = good[0] if first else good[-1]
    return float(curve["coverage"][k] if coverage else curve["confidence"][k])


def _problems(
    body,
    threshold,
    version,
    *,
    nan=True,
    label=True,
    version_check=True,
    boolean=True,
    lower=True,
    own_threshold=False,
    label_type=True,
):
    found = [f"missing {key}" for key in ("probability", "label", "model_version", "checks") if key not in body]
    if found:
        return found
    p = body["probability"]
    if (boolean and isinstance(p, bool)) or not isinstance(p, (int, float)):
        return ["probability is not a number"]
    if (nan and not math.isfinite(p)) or p > 1 or (lower and p < 0):
        return ["probability out of range"]
    if label_type and (isinstance(body["label"], bool) or body["label"] not in (0, 1)):
        return ["label is not 0 or 1"]
    deployed = body["threshold"] if own_threshold else threshold
    if label and int(body["label"]) != int(p >= deployed):
        found.append("label disagrees")
    if version_check and body["model_version"] != version:
        found.append("wrong version")
    return found


RIGHT = {
    checks.model_pixels: _pixels,
    checks.changed_files: _changed,
    checks.ks_statistic: _ks,
    checks.risk_at_coverage: _risk,
    checks.deferral_cut: lambda y, p, t, target: deferral_threshold(y, p, target, threshold=t),
    checks.response_problems: _problems,
    checks.judge_reading_mode: lambda: "c",
}

MISTAKES = [
    (checks.model_pixels, lambda d, h: _pixels(d, h, invert=False), "negative"),
    (checks.model_pixels, lambda d, h: _pixels(d, h, refuse=False), "never answered"),
    (checks.model_pixels, lambda d, h: _pixels(d, h, name=False), "name the attribute"),
    (checks.model_pixels, lambda d, h: _pixels(d, h, colour=False), "RGB"),
    (checks.model_pixels, lambda d, h: 255 - d.pixel_array, "ARE the picture"),
    (checks.model_pixels, lambda d, h: _pixels(d, h, top=255), "2**BitsStored - 1"),
    (checks.model_pixels, lambda d, h: _pixels(d, h, own="max"), "this image's own values"),
    (checks.model_pixels, lambda d, h: _pixels(d, h, own="max+min"), "this image's own values"),
    (checks.model_pixels, lambda d, h: _pixels(d, h, everything=True), "only MONOCHROME1 is refused"),
    (checks.changed_files, lambda f: _changed(f, extra=False), "does not list"),
    (checks.changed_files, lambda f: _changed(f, content=False), "hash the files' bytes"),
    (checks.changed_files, lambda f: _changed(f, skip_manifest=False), "manifest.json is not listed"),
    (checks.changed_files, lambda f: "bundle.json", "list of file names"),
    (checks.ks_statistic, lambda a, b: _ks(a, b, both=False), "points of both samples"),
    (checks.ks_statistic, lambda a, b: _ks(a, b, normalise=False), "divide the counts"),
    (checks.risk_at_coverage, lambda y, p, t, c: _risk(y, p, t, c, rank="distance"), "distance from the threshold"),
    (checks.risk_at_coverage, lambda y, p, t, c: _risk(y, p, t, c, rank="scaled"), "distance from the threshold"),
    (checks.risk_at_coverage, lambda y, p, t, c: _risk(y, p, t, c, most=False), "LEAST confident"),
    (checks.deferral_cut, lambda y, p, t, r: _cut(y, p, t, r, first=True), "FIRST coverage"),
    (checks.deferral_cut, lambda y, p, t, r: _cut(y, p, t, r, coverage=True), "that is the coverage"),
    (checks.deferral_cut, lambda y, p, t, r: _cut(y, p, t, r) if np.isfinite(_cut(y, p, t, r)) else 1.0, "math.inf"),
    (checks.response_problems, lambda b, t, v: _problems(b, t, v, nan=False), "NaN"),
    (checks.response_problems, lambda b, t, v: _problems(b, t, v, label=False), "label that disagrees"),
    (checks.response_problems, lambda b, t, v: _problems(b, t, v, version_check=False), "another model version"),
    (checks.response_problems, lambda b, t, v: _problems(b, t, v, boolean=False), "True is not a probability"),
    (checks.response_problems, lambda b, t, v: _problems(b, t, v, lower=False), "a probability below 0"),
    (checks.response_problems, lambda b, t, v: _problems(b, t, v, own_threshold=True), "own threshold field"),
    (checks.response_problems, lambda b, t, v: _problems(b, t, v, label_type=False), "not the integer 0 or 1"),
    (checks.deferral_cut, lambda y, p, t, r: _cut(y, p, t, r, greedy=True), "first case that breaks the target"),
    (checks.response_problems, lambda b, t, v: ["looks odd"], "is valid"),
    (checks.judge_reading_mode, lambda: "a", "automation bias"),
    (checks.judge_reading_mode, lambda: "b", "lower threshold"),
    (checks.judge_reading_mode, lambda: "d", "bare label"),
    (checks.judge_reading_mode, lambda: "x", "one letter"),
]

test_right_answers_pass = right_answers_test(RIGHT)
test_typical_mistakes_fail_with_their_hint = typical_mistakes_test(MISTAKES)
test_placeholders_are_todo_and_odd_input_never_crashes = placeholders_test(RIGHT)


def _deployed(X_train, y_train, X_test, y_test, *, fit_on="train", column=1, labels=False):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    model = LogisticRegression(max_iter=2000).fit(*((X_train, y_train) if fit_on == "train" else (X_test, y_test)))
    p_test = model.predict(X_test) if labels else model.predict_proba(X_test)[:, column]
    return {"model": model, "p_test": p_test, "test_auc": roc_auc_score(y_test, p_test)}


def _auc_from_labels(*data):
    from sklearn.metrics import roc_auc_score

    result = _deployed(*data)
    result["test_auc"] = roc_auc_score(data[3], np.round(result["p_test"]))
    return result


DEPLOYED_MISTAKES = [
    (checks.train_deployed_model, lambda *d: _deployed(*d, column=0), "column 0"),
    (checks.train_deployed_model, lambda *d: _deployed(*d, labels=True), "those are labels"),
    (checks.train_deployed_model, _auc_from_labels, "computed from labels"),
    (checks.train_deployed_model, lambda *d: _deployed(*d, fit_on="test"), "fitted on the test rows"),
    (checks.train_deployed_model, lambda *d: {**_deployed(*d), "model": "a model"}, "predict_proba"),
    (checks.train_deployed_model, lambda *d: [], "return a dict"),
]
test_deployed_right_answer_passes = right_answers_test({checks.train_deployed_model: _deployed})
test_deployed_mistakes_fail_with_their_hint = typical_mistakes_test(DEPLOYED_MISTAKES)
test_deployed_placeholder_is_todo = placeholders_test({checks.train_deployed_model: _deployed})
