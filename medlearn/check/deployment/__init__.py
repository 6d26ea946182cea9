"""Checks for the exercises of the deployment chapter.

In the exercise notebook::

    from medlearn.check import deployment as check
    check.model_pixels(model_pixels)

The answers are compared with :mod:`medlearn.deploy` (the chapter's DICOM checks, bundle manifest and monitors),
scipy's two-sample Kolmogorov-Smirnov statistic, and the service's documented answer.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from ..._messages import tr
from ...deploy.course_files import image_to_dicom
from .._letters import letter_task
from ..core import Mistake, Wrong, as_array, as_number, call, compared, task
from ._deferral import deferral_cut, response_problems, risk_at_coverage
from ._training import pneumonia_small, train_deployed_model

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


def _pixels(dataset: Any, handle: bool, mistake: str = "") -> np.ndarray:
    """The picture a DICOM file means (the reference), or the answer that makes the typical ``mistake``."""
    kind = dataset.PhotometricInterpretation
    if mistake == "everything refused" and not handle:
        raise ValueError("PhotometricInterpretation: not handled")
    values = dataset.pixel_array.astype(np.int64)
    if kind == "MONOCHROME2" or (kind != "MONOCHROME1" and mistake == "RGB read"):
        return values
    if kind == "MONOCHROME1":
        if not handle and mistake != "MONOCHROME1 answered":
            refusal = "not handled" if mistake == "refusal unnamed" else "MONOCHROME1 is not handled"
            raise ValueError(refusal if mistake == "refusal unnamed" else f"PhotometricInterpretation: {refusal}")
        top = {"own largest value": values.max(), "own largest plus smallest": values.max() + values.min()}
        top = top.get(mistake, 255 if mistake == "255 - value" else 2**dataset.BitsStored - 1)
        return values if mistake == "not inverted" else top - values
    raise ValueError(f"PhotometricInterpretation: {kind} is not a radiograph")


_M2_INVERTED = Mistake(
    "MONOCHROME2 inverted",
    lambda dataset, handle: 255 - dataset.pixel_array,
    tr("for MONOCHROME2 the stored values ARE the picture: return dataset.pixel_array as uint8."),
)
_NOT_INVERTED = Mistake(
    "not inverted",
    partial(_pixels, mistake="not inverted"),
    tr(
        "you returned the stored values of a MONOCHROME1 file: there 0 is white, so the network would see "
        "a negative. Invert: (2**BitsStored - 1) - value."
    ),
)
_ANSWERED = Mistake(
    "MONOCHROME1 answered",
    partial(_pixels, mistake="MONOCHROME1 answered"),
    tr(
        "with handle_monochrome1=False a MONOCHROME1 file must be refused (raise ValueError), never answered: "
        "an unhandled negative gives a wrong probability silently."
    ),
)
_UNNAMED = Mistake(
    "refusal unnamed",
    partial(_pixels, mistake="refusal unnamed"),
    tr("name the attribute in the refusal: the message should contain 'PhotometricInterpretation'."),
)
_ALL_REFUSED = Mistake(
    "everything refused",
    partial(_pixels, mistake="everything refused"),
    tr("with handle_monochrome1=False only MONOCHROME1 is refused: a MONOCHROME2 file must still be read."),
)
_OWN = tr(
    "you inverted by this image's own values (its largest, or largest plus smallest): then the same stored "
    "value means another grey in every image. Invert by the largest value the file can store, "
    "2**BitsStored - 1 (4095 here), which the header gives and no image changes."
)
_OWN_MAX = Mistake("own largest value", partial(_pixels, mistake="own largest value"), _OWN)
_OWN_RANGE = Mistake("own largest plus smallest", partial(_pixels, mistake="own largest plus smallest"), _OWN)
_BY_255 = Mistake(
    "255 - value",
    partial(_pixels, mistake="255 - value"),
    tr(
        "for a 12-bit file (BitsStored 12) the inversion is 4095 - value: use 2**BitsStored - 1, not 255, "
        "and keep the values as integers wide enough to hold them (do not cast 12-bit values to uint8)."
    ),
)
_RGB_READ = Mistake(
    "RGB read",
    partial(_pixels, mistake="RGB read"),
    tr("an RGB file (a photograph, not a radiograph) must be refused too: raise ValueError."),
)


@task(
    tr("Read `dataset.PhotometricInterpretation`: MONOCHROME2 means 0 is black, MONOCHROME1 means 0 is white."),
    tr(
        "For MONOCHROME1 the picture is (2**BitsStored - 1) - stored value; when you may not handle it, "
        "raise ValueError with 'PhotometricInterpretation' in the message. Anything else (RGB) is refused too."
    ),
    mistakes=[_M2_INVERTED, _NOT_INVERTED, _ANSWERED, _UNNAMED, _ALL_REFUSED, _OWN_MAX, _OWN_RANGE, _BY_255, _RGB_READ],
    reference=_pixels,
)
def model_pixels(function: Any) -> None:
    rng = np.random.default_rng(16)
    image = rng.integers(0, 256, (28, 28), dtype=np.uint8)
    plain = image_to_dicom(image, seed="check-m2")
    stored_m1 = image_to_dicom(image, photometric="MONOCHROME1", seed="check-m1")
    result, refusal = _outcome(function, plain, True)
    if refusal is not None:
        raise Wrong(tr("a MONOCHROME2 radiograph must be read, not refused ({refusal}).", refusal=refusal))
    got = as_array(result, tr("your pixels for a MONOCHROME2 file"), shape=(28, 28))
    if not np.array_equal(got, image):
        raise _M2_INVERTED.wrong()
    result, refusal = _outcome(function, stored_m1, True)
    if refusal is not None:
        raise Wrong(tr("with handle_monochrome1=True a MONOCHROME1 file must be inverted and read, not refused."))
    got = as_array(result, tr("your pixels for a MONOCHROME1 file"), shape=(28, 28))
    if np.array_equal(got, 255 - image):
        raise _NOT_INVERTED.wrong()
    if not np.array_equal(got, image):
        raise Wrong(tr("the inverted MONOCHROME1 file should give back the picture it means (the original image)."))
    result, refusal = _outcome(function, stored_m1, False)
    if refusal is None:
        raise _ANSWERED.wrong()
    if "PhotometricInterpretation" not in refusal:
        raise _UNNAMED.wrong()
    result, refusal = _outcome(function, plain, False)
    if refusal is not None:
        raise _ALL_REFUSED.wrong()
    deep = image_to_dicom(image, photometric="MONOCHROME1", seed="check-12bit")
    twelve = rng.integers(0, 4000, (28, 28)).astype(np.uint16)  # its brightest value is not the largest possible
    deep.BitsAllocated, deep.BitsStored, deep.HighBit = 16, 12, 11
    deep.PixelData = twelve.tobytes()
    result, refusal = _outcome(function, deep, True)
    if refusal is not None:
        raise Wrong(tr("a 12-bit MONOCHROME1 radiograph must be inverted and read, not refused."))
    got = as_array(result, tr("your pixels for a 12-bit MONOCHROME1 file"), shape=(28, 28))
    stored = twelve.astype(np.int64)
    if np.array_equal(got, stored.max() - stored):
        raise _OWN_MAX.wrong()
    if np.array_equal(got, stored.max() + stored.min() - stored):
        raise _OWN_RANGE.wrong()
    if not np.array_equal(got, 4095 - stored):
        raise _BY_255.wrong()
    colour = image_to_dicom(image, seed="check-rgb")
    colour.PhotometricInterpretation = "RGB"
    result, refusal = _outcome(function, colour, True)
    if refusal is None:
        raise _RGB_READ.wrong()


def _bundle(folder: Path) -> None:
    files = {"model.bin": b"\x00\x01weights" * 50, "bundle.json": b'{"threshold": 0.42}', "card.md": b"# A model\n"}
    for name, content in files.items():
        (folder / name).write_bytes(content)
    manifest = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _changed(folder: Path, mistake: str = "") -> list[str]:
    """The files of a bundle that differ from its manifest (the reference), or the answer making the ``mistake``."""
    manifest = json.loads((Path(folder) / "manifest.json").read_text())
    found = []
    for name, digest in manifest.items():
        path = Path(folder) / name
        if not path.is_file():
            found += [] if mistake == "missing files skipped" else [name]
        elif hashlib.sha256(name.encode() if mistake == "names hashed" else path.read_bytes()).hexdigest() != digest:
            found.append(name)
    if mistake != "added files missed":
        found += [p.name for p in Path(folder).iterdir() if p.name not in manifest]
    return sorted(name for name in found if name != "manifest.json" or mistake == "manifest.json listed")


_NOT_LIST = Mistake(
    "a name",
    lambda folder: "bundle.json",
    tr("return a list of file names (strings), empty when the bundle is intact."),
)
_MANIFEST_LISTED = Mistake(
    "manifest.json listed",
    partial(_changed, mistake="manifest.json listed"),
    tr("manifest.json is not listed in itself: leave it out of the comparison."),
)
_NAMES_HASHED = Mistake(
    "names hashed",
    partial(_changed, mistake="names hashed"),
    lambda got: tr("an intact bundle has no changed files, but you listed {got}: hash the files' bytes.", got=got),
)
_MISSING_MISSED = Mistake(
    "missing files skipped",
    partial(_changed, mistake="missing files skipped"),
    tr("a file the manifest lists but the folder lacks must be reported (without crashing)."),
)
_ADDED_MISSED = Mistake(
    "added files missed",
    partial(_changed, mistake="added files missed"),
    tr("a file the manifest does not list must be reported too: someone added it after saving."),
)
_DAMAGES = {
    "intact": (lambda f: None, [], _NAMES_HASHED),
    "changed": (lambda f: (f / "bundle.json").write_bytes(b'{"threshold": 0.95}'), ["bundle.json"], None),
    "missing": (lambda f: (f / "card.md").unlink(), ["card.md"], _MISSING_MISSED),
    "added": (lambda f: (f / "patch.py").write_text("x = 1\n"), ["patch.py"], _ADDED_MISSED),
}


@task(
    tr(
        "Read manifest.json (a dict of file name -> sha256 hex digest); hash each file's BYTES with "
        "hashlib.sha256(path.read_bytes()).hexdigest()."
    ),
    tr(
        "Three kinds of problem: a file whose hash differs, a file the manifest lists but the folder lacks, and "
        "a file in the folder that the manifest does not list (manifest.json itself is not listed, and is fine)."
    ),
    mistakes=[_NOT_LIST, _MANIFEST_LISTED, _NAMES_HASHED, _MISSING_MISSED, _ADDED_MISSED],
    reference=_changed,
)
def changed_files(function: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, (damage, want, mistake) in _DAMAGES.items():
            folder = Path(tmp) / name
            folder.mkdir()
            _bundle(folder)
            damage(folder)
            got = call(function, folder)
            if not isinstance(got, (list, tuple)) or not all(isinstance(item, str) for item in got):
                raise _NOT_LIST.wrong()
            got = sorted(got)
            if got == want:
                continue
            if name == "intact" and "manifest.json" in got:
                raise _MANIFEST_LISTED.wrong()
            if mistake is not None:
                raise mistake.wrong(got)
            raise Wrong(tr("after the damage '{name}' the answer is {want}, not {got}.", name=name, want=want, got=got))


def _ks(a: np.ndarray, b: np.ndarray, *, both: bool = True, normalise: bool = True) -> float:
    """The two-sample Kolmogorov-Smirnov statistic; each option is one typical mistake."""
    points = np.concatenate([a, b]) if both else a
    fa, fb = (np.searchsorted(np.sort(x), points, side="right") for x in (a, b))
    return float(np.max(np.abs(fa / len(a) - fb / len(b)) if normalise else np.abs(fa - fb)))


def _ks_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(7)
    return [
        (rng.integers(0, 20, 50).astype(float), rng.integers(3, 25, 400).astype(float)),  # ties
        (rng.normal(0, 1, 40), rng.normal(0.3, 1.2, 300)),
        (np.array([10.0, 11.0]), np.array([0.0, 1.0, 2.0, 3.0])),  # the gap shows only at the second sample's points
        (np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])),
    ]


def _one_sample(got: float, want: float, *_: Any) -> str:
    return tr(
        "for one of the check's samples the statistic is {want:.4f}, not {got:.4f}: evaluate both ECDFs at "
        "the points of both samples (the largest gap can sit at a point of either).",
        want=want,
        got=got,
    )


@compared(
    tr(
        "The statistic is the largest distance between the two empirical cumulative distribution functions, "
        "F_a(x) = share of a that is <= x."
    ),
    tr(
        "Evaluate both ECDFs at every value of BOTH samples: np.searchsorted(np.sort(a), points, side='right') "
        "/ len(a) is the share of a that is <= each point."
    ),
    cases=_ks_cases,
    read=lambda value, *_: as_number(value, tr("your statistic")),
    same=lambda got, want: abs(got - want) < 1e-12,
    mistakes=[
        Mistake(
            "counts",
            partial(_ks, normalise=False),
            tr("divide the counts by the sample sizes: the statistic is a difference of shares, 0 to 1."),
            spot=lambda got, *_: got > 1,
        ),
        Mistake("one sample's points", partial(_ks, both=False), lambda got, a, b: _one_sample(got, _ks(a, b))),
    ],
    otherwise=_one_sample,
)
def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import ks_2samp

    return float(ks_2samp(a, b).statistic)


#: The wrong letters of judge_reading_mode, each with its hint.
_READING_WRONG = {
    "a": tr(
        "the test AUC describes the model alone; readers who see its label follow it, also when it is "
        "wrong (automation bias), so what patients get is the reader's performance with the tool."
    ),
    "b": tr(
        "a lower threshold trades false alarms for misses; it does nothing about readers who follow the "
        "label, and it is a new version that needs its own validation."
    ),
    "d": tr(
        "a bare label invites more deference, not less; the uncertainty (or a deferral) is information "
        "the reader needs."
    ),
}


@letter_task(
    tr("Who makes the decision for the patient: the model alone, or a radiologist who has seen the model's answer?"),
    tr("Which number would show what patients get from the tool, and what changes what readers do with it?"),
    wrong=_READING_WRONG,
    message=tr(
        "Right: what patients get is the reader's performance with the tool, so measure that (a reader "
        "study, then audits of overrides); showing the answer only after the reader's own read is a design to "
        "test."
    ),
)
def judge_reading_mode() -> str:
    return "c"
