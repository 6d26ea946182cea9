"""Checks for the exercises of the deployment chapter.

In the exercise notebook::

    from medlearn.check import deployment as check
    check.model_pixels(model_pixels)

The answers are compared with :mod:`medlearn.deploy` (the chapter's DICOM checks, bundle manifest and
monitors), scipy's two-sample Kolmogorov-Smirnov statistic, and the service's documented answer.
"""

from __future__ import annotations

import hashlib
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..deploy.course_files import image_to_dicom
from ..deploy.monitor import deferral_threshold, risk_coverage
from ._deployment_training import pneumonia_small, train_deployed_model
from .core import Wrong, as_array, as_number, call, letter_answer, task

__all__ = [
    "changed_files",
    "deferral_cut",
    "judge_reading_mode",
    "ks_statistic",
    "model_pixels",
    "pneumonia_small",
    "response_problems",
    "risk_at_coverage",
    "train_deployed_model",
]


def _outcome(function: Any, *args: Any) -> tuple[Any, str | None]:
    """The learner's result, or the message of the ValueError it raised (a refusal)."""
    try:
        return call(function, *args), None
    except Wrong as wrong:
        prefix = "your function raised ValueError: "
        if str(wrong).startswith(prefix):
            return None, str(wrong)[len(prefix) :]
        raise


@task(
    hints=[
        "Read `dataset.PhotometricInterpretation`: MONOCHROME2 means 0 is black, MONOCHROME1 means 0 is white.",
        "For MONOCHROME1 the picture is (2**BitsStored - 1) - stored value; when you may not handle it, "
        "raise ValueError with 'PhotometricInterpretation' in the message. Anything else (RGB) is refused too.",
    ]
)
def model_pixels(function: Any) -> None:
    rng = np.random.default_rng(16)
    image = rng.integers(0, 256, (28, 28), dtype=np.uint8)
    plain = image_to_dicom(image, seed="check-m2")
    stored_m1 = image_to_dicom(image, photometric="MONOCHROME1", seed="check-m1")
    result, refusal = _outcome(function, plain, True)
    if refusal is not None:
        raise Wrong(f"a MONOCHROME2 radiograph must be read, not refused ({refusal}).")
    got = as_array(result, "your pixels for a MONOCHROME2 file", shape=(28, 28))
    if not np.array_equal(got, image):
        raise Wrong("for MONOCHROME2 the stored values ARE the picture: return dataset.pixel_array as uint8.")
    result, refusal = _outcome(function, stored_m1, True)
    if refusal is not None:
        raise Wrong("with handle_monochrome1=True a MONOCHROME1 file must be inverted and read, not refused.")
    got = as_array(result, "your pixels for a MONOCHROME1 file", shape=(28, 28))
    if np.array_equal(got, 255 - image):
        raise Wrong(
            "you returned the stored values of a MONOCHROME1 file: there 0 is white, so the network would see "
            "a negative. Invert: (2**BitsStored - 1) - value."
        )
    if not np.array_equal(got, image):
        raise Wrong("the inverted MONOCHROME1 file should give back the picture it means (the original image).")
    result, refusal = _outcome(function, stored_m1, False)
    if refusal is None:
        raise Wrong(
            "with handle_monochrome1=False a MONOCHROME1 file must be refused (raise ValueError), never answered: "
            "an unhandled negative gives a wrong probability silently."
        )
    if "PhotometricInterpretation" not in refusal:
        raise Wrong("name the attribute in the refusal: the message should contain 'PhotometricInterpretation'.")
    result, refusal = _outcome(function, plain, False)
    if refusal is not None:
        raise Wrong("with handle_monochrome1=False only MONOCHROME1 is refused: a MONOCHROME2 file must still be read.")
    deep = image_to_dicom(image, photometric="MONOCHROME1", seed="check-12bit")
    twelve = rng.integers(0, 4000, (28, 28)).astype(np.uint16)  # its brightest value is not the largest possible
    deep.BitsAllocated, deep.BitsStored, deep.HighBit = 16, 12, 11
    deep.PixelData = twelve.tobytes()
    result, refusal = _outcome(function, deep, True)
    if refusal is not None:
        raise Wrong("a 12-bit MONOCHROME1 radiograph must be inverted and read, not refused.")
    got = as_array(result, "your pixels for a 12-bit MONOCHROME1 file", shape=(28, 28))
    stored = twelve.astype(np.int64)
    if any(np.array_equal(got, top - stored) for top in (stored.max(), stored.max() + stored.min())):
        raise Wrong(
            "you inverted by this image's own values (its largest, or largest plus smallest): then the same stored "
            "value means another grey in every image. Invert by the largest value the file can store, "
            "2**BitsStored - 1 (4095 here), which the header gives and no image changes."
        )
    if not np.array_equal(got, 4095 - stored):
        raise Wrong(
            "for a 12-bit file (BitsStored 12) the inversion is 4095 - value: use 2**BitsStored - 1, not 255, "
            "and keep the values as integers wide enough to hold them (do not cast 12-bit values to uint8)."
        )
    colour = image_to_dicom(image, seed="check-rgb")
    colour.PhotometricInterpretation = "RGB"
    result, refusal = _outcome(function, colour, True)
    if refusal is None:
        raise Wrong("an RGB file (a photograph, not a radiograph) must be refused too: raise ValueError.")


def _bundle(folder: Path) -> None:
    files = {"model.bin": b"\x00\x01weights" * 50, "bundle.json": b'{"threshold": 0.42}', "card.md": b"# A model\n"}
    for name, content in files.items():
        (folder / name).write_bytes(content)
    manifest = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    (folder / "manifest.json").write_text(json.dumps(manifest))


@task(
    hints=[
        "Read manifest.json (a dict of file name -> sha256 hex digest); hash each file's BYTES with "
        "hashlib.sha256(path.read_bytes()).hexdigest().",
        "Three kinds of problem: a file whose hash differs, a file the manifest lists but the folder lacks, and "
        "a file in the folder that the manifest does not list (manifest.json itself is not listed, and is fine).",
    ]
)
def changed_files(function: Any) -> None:
    damages = {
        "intact": (lambda f: None, []),
        "changed": (lambda f: (f / "bundle.json").write_bytes(b'{"threshold": 0.95}'), ["bundle.json"]),
        "missing": (lambda f: (f / "card.md").unlink(), ["card.md"]),
        "added": (lambda f: (f / "patch.py").write_text("x = 1\n"), ["patch.py"]),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, (damage, want) in damages.items():
            folder = Path(tmp) / name
            folder.mkdir()
            _bundle(folder)
            damage(folder)
            got = call(function, folder)
            if not isinstance(got, (list, tuple)) or not all(isinstance(item, str) for item in got):
                raise Wrong("return a list of file names (strings), empty when the bundle is intact.")
            got = sorted(got)
            if got == want:
                continue
            if name == "intact" and "manifest.json" in got:
                raise Wrong("manifest.json is not listed in itself: leave it out of the comparison.")
            if name == "intact":
                raise Wrong(f"an intact bundle has no changed files, but you listed {got}: hash the files' bytes.")
            if name == "added":
                raise Wrong("a file the manifest does not list must be reported too: someone added it after saving.")
            if name == "missing":
                raise Wrong("a file the manifest lists but the folder lacks must be reported (without crashing).")
            raise Wrong(f"after the damage '{name}' the answer is {want}, not {got}.")


def _ks(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import ks_2samp

    return float(ks_2samp(a, b).statistic)


@task(
    hints=[
        "The statistic is the largest distance between the two empirical cumulative distribution functions, "
        "F_a(x) = share of a that is <= x.",
        "Evaluate both ECDFs at every value of BOTH samples: np.searchsorted(np.sort(a), points, side='right') "
        "/ len(a) is the share of a that is <= each point.",
    ]
)
def ks_statistic(function: Any) -> None:
    rng = np.random.default_rng(7)
    cases = [
        (rng.integers(0, 20, 50).astype(float), rng.integers(3, 25, 400).astype(float)),  # ties
        (rng.normal(0, 1, 40), rng.normal(0.3, 1.2, 300)),
        (np.array([10.0, 11.0]), np.array([0.0, 1.0, 2.0, 3.0])),  # the gap shows only at the second sample's points
        (np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])),
    ]
    for a, b in cases:
        want = _ks(a, b)
        got = as_number(call(function, a.copy(), b.copy()), "your statistic")
        if abs(got - want) < 1e-12:
            continue
        if got > 1:
            raise Wrong("divide the counts by the sample sizes: the statistic is a difference of shares, 0 to 1.")
        raise Wrong(
            f"for one of the check's samples the statistic is {want:.4f}, not {got:.4f}: evaluate both ECDFs at "
            "the points of both samples (the largest gap can sit at a point of either)."
        )


def _scores(seed: int, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n)
    probability = np.clip(rng.beta(2, 5, n) + 0.45 * truth + rng.normal(0, 0.05, n), 0.001, 0.999)
    return truth, probability


def _scaled_distance(probability: np.ndarray, threshold: float) -> np.ndarray:
    return np.where(
        probability >= threshold, (probability - threshold) / (1 - threshold), (threshold - probability) / threshold
    )


@task(
    hints=[
        "With calibrated probabilities, the confidence of a label is the chance that it is right: p for a "
        "positive label (p >= t), 1 - p for a negative one. Keep the round(coverage * N) most confident cases.",
        "The risk is the share of the KEPT cases whose label (p >= threshold) differs from the truth.",
    ]
)
def risk_at_coverage(function: Any) -> None:
    for seed, threshold, coverage in ((0, 0.3, 0.6), (1, 0.3, 0.9), (2, 0.7, 0.5)):
        truth, probability = _scores(seed)
        curve = risk_coverage(truth, probability, threshold=threshold)
        k = round(coverage * len(truth))
        want = float(curve["risk"][k - 1])
        got = as_number(call(function, truth.copy(), probability.copy(), threshold, coverage), "your risk")
        if abs(got - want) < 1e-12:
            continue
        sure = np.where(probability >= threshold, probability, 1 - probability)
        least = np.argsort(sure, kind="stable")[:k]
        for distance in (np.abs(probability - threshold), _scaled_distance(probability, threshold)):
            order = np.argsort(-distance, kind="stable")[:k]
            if abs(got - float(np.mean((probability[order] >= threshold) != truth[order]))) < 1e-12:
                raise Wrong(
                    "you ranked by the distance from the threshold; with calibrated probabilities rank by the chance "
                    "that the label is right (p above the threshold, 1 - p below): at t = 0.7, p = 0.3 is a negative "
                    "call wrong 30 % of the time, further from t than p = 0.95, which is wrong 5 % of the time."
                )
        if abs(got - float(np.mean((probability[least] >= threshold) != truth[least]))) < 1e-12:
            raise Wrong("you kept the LEAST confident cases: the model keeps the most confident and defers the rest.")
        raise Wrong(f"at coverage {coverage} (threshold {threshold}) the risk is {want:.4f}, not {got:.4f}.")


@task(
    hints=[
        "Sort by confidence (most confident first), and compute the risk among the first k for every k.",
        "Choose the LARGEST k whose risk is at most the target, and return the confidence of the k-th case "
        "(the least confident one still kept); return math.inf when no k reaches the target.",
    ]
)
def deferral_cut(function: Any) -> None:
    cases = [(3, 0.4, 0.05), (4, 0.5, 0.1), (5, 0.6, 0.0), (6, 0.5, 0.0), (7, 0.5, 0.1)]
    for seed, threshold, target in cases:
        truth, probability = _scores(seed)
        if seed == 6:  # every label wrong: no coverage reaches the target
            truth, probability = np.zeros(50, int), np.full(50, 0.9)
        if seed == 7:  # the second most confident case is wrong: the risk rises above the target, then falls back
            truth, probability = np.array([1, 0] + [1] * 18), np.linspace(0.99, 0.80, 20)
        want = deferral_threshold(truth, probability, target, threshold=threshold)
        got = as_number(call(function, truth.copy(), probability.copy(), threshold, target), "your cut")
        if got == want or (math.isfinite(want) and abs(got - want) < 1e-12):
            continue
        if not math.isfinite(want):
            raise Wrong("when no coverage reaches the target, defer every case: return math.inf.")
        curve = risk_coverage(truth, probability, threshold=threshold)
        good = np.flatnonzero(curve["risk"] <= target)
        above = np.flatnonzero(curve["risk"] > target)
        comes_back = len(above) and above[0] > 0 and len(good) and good[-1] > above[0]
        if comes_back and abs(got - float(curve["confidence"][above[0] - 1])) < 1e-12:
            raise Wrong(
                "you stopped at the first case that breaks the target; the risk can come back under it as more "
                "cases are kept: take the LARGEST coverage whose risk is at most the target, over the whole curve."
            )
        if len(good) and abs(got - float(curve["confidence"][good[0]])) < 1e-12:
            raise Wrong(
                "you stopped at the FIRST coverage that meets the target; the model should keep as many cases as "
                "it can: the largest coverage whose risk is still at most the target."
            )
        if len(good) and abs(got - float(curve["coverage"][good[-1]])) < 1e-12:
            raise Wrong("that is the coverage; return the confidence below which cases are deferred.")
        raise Wrong(f"for target {target} (threshold {threshold}) the cut is {want:.4f}, not {got:.4f}.")


_GOOD = {"probability": 0.81, "label": 1, "threshold": 0.6, "model_version": "abc123def456", "checks": ["Modality"]}
_BAD = {
    "no probability": ({k: v for k, v in _GOOD.items() if k != "probability"}, "a missing key"),
    "no model_version": ({k: v for k, v in _GOOD.items() if k != "model_version"}, "a missing key"),
    "no label": ({k: v for k, v in _GOOD.items() if k != "label"}, "a missing key"),
    "no checks": ({k: v for k, v in _GOOD.items() if k != "checks"}, "a missing key"),
    # label 0 agrees with NaN >= threshold (False): only a test of the number itself catches it
    "NaN": ({**_GOOD, "probability": float("nan"), "label": 0}, "NaN is not a probability: it fails both comparisons"),
    "above 1": ({**_GOOD, "probability": 1.2}, "a probability above 1"),
    "text": ({**_GOOD, "probability": "0.81"}, "a probability sent as text"),
    "label": ({**_GOOD, "label": 0}, "a label that disagrees with probability >= threshold"),
    "version": ({**_GOOD, "model_version": "000000000000"}, "an answer from another model version"),
    "boolean": ({**_GOOD, "probability": True}, "True is not a probability (bool is an int in Python)"),
    "below 0": ({**_GOOD, "probability": -0.1, "label": 0}, "a probability below 0"),
    # the label agrees with the service's own threshold field, not with the threshold you deployed (0.6)
    "threshold": (
        {**_GOOD, "probability": 0.3, "label": 1, "threshold": 0.1},
        "a label checked against the service's own threshold field instead of the deployed threshold",
    ),
    "label type": ({**_GOOD, "label": True}, "a label that is not the integer 0 or 1 (True, '1')"),
}


@task(
    hints=[
        "Check the keys first (probability, label, model_version, checks), then each value's type and range, "
        "then that the values agree with each other and with the version you deployed.",
        "`isinstance(True, int)` is True in Python, and NaN fails both `p >= 0` and `p <= 1`: test "
        "`math.isfinite(p)` and `not isinstance(p, bool)`.",
    ]
)
def response_problems(function: Any) -> None:
    for name, body in (
        ("the good answer", _GOOD),
        ("a label 0 below the threshold", {**_GOOD, "probability": 0.2, "label": 0}),
    ):
        got = call(function, dict(body), 0.6, "abc123def456")
        if not isinstance(got, (list, tuple)):
            raise Wrong("return a list of problems (strings), empty when the answer is valid.")
        if list(got):
            raise Wrong(f"{name} is valid, but you found problems: {list(got)}.")
    for body, what in _BAD.values():
        got = call(function, dict(body), 0.6, "abc123def456")
        if not isinstance(got, (list, tuple)):
            raise Wrong("return a list of problems (strings), empty when the answer is valid.")
        if not list(got):
            raise Wrong(f"you accepted {what}: the service's client must reject it.")


@task(
    hints=[
        "Who makes the decision for the patient: the model alone, or a radiologist who has seen the model's answer?",
        "Which number would show what patients get from the tool, and what changes what readers do with it?",
    ]
)
def judge_reading_mode(function: Any) -> str:
    return letter_answer(
        function,
        right="c",
        wrong={
            "a": "the test AUC describes the model alone; readers who see its label follow it, also when it is "
            "wrong (automation bias), so what patients get is the reader's performance with the tool.",
            "b": "a lower threshold trades false alarms for misses; it does nothing about readers who follow the "
            "label, and it is a new version that needs its own validation.",
            "d": "a bare label invites more deference, not less; the uncertainty (or a deferral) is information "
            "the reader needs.",
        },
        message="Right: what patients get is the reader's performance with the tool, so measure that (a reader "
        "study, then audits of overrides); showing the answer only after the reader's own read is a design to test.",
    )
