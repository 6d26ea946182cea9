"""Checks for the exercises of chapter 00, what a medical image is.

In the exercise notebook::

    from medlearn.check import medical_images as check
    check.to_hounsfield(to_hounsfield)

The checks use pydicom's real example files and label arrays made with a known
share of each class.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np
from pydicom.dataset import Dataset
from pydicom.uid import UID

from ..data import dicom_example, window
from .core import Wrong, as_array, as_number, call, task

__all__ = [
    "apply_window",
    "deidentify",
    "field_of_view_mm",
    "malignant_fraction",
    "malignant_sensitivity",
    "to_hounsfield",
]


@task(
    hints=[
        "The header gives two numbers: RescaleSlope and RescaleIntercept. HU = stored value x slope + intercept.",
        "Pixels may be stored as unsigned integers, which cannot be negative: convert to float before you compute.",
        "return stored.astype(float) * slope + intercept",
    ]
)
def to_hounsfield(function: Any) -> None:
    ct = dicom_example("ct")
    cases = [
        (ct.pixel_array, float(ct.RescaleSlope), float(ct.RescaleIntercept)),
        (np.array([[0, 1000], [3000, 4095]], dtype=np.uint16), 1.0, -1024.0),
        (np.array([[10, 20]], dtype=np.int16), 2.5, -100.0),
    ]
    for stored, slope, intercept in cases:
        want = stored.astype(np.float64) * slope + intercept
        got = as_array(call(function, stored.copy(), slope, intercept), "your result", shape=stored.shape)
        if np.allclose(got, want):
            continue
        if np.allclose(got, stored * slope):
            raise Wrong("the intercept is missing: HU = stored * slope + intercept.")
        if np.allclose(got, stored.astype(np.float64) + intercept) and slope != 1:
            raise Wrong("the slope is missing: HU = stored * slope + intercept.")
        if np.allclose(got, (stored.astype(np.float64) + intercept) * slope):
            raise Wrong("the order is off: multiply by the slope first, then add the intercept.")
        if stored.dtype == np.uint16:
            raise Wrong(
                "right for the CT slice, wrong for unsigned (uint16) pixels: uint16 cannot hold negative numbers, "
                "so -1024 wraps around. Convert first: stored.astype(float)."
            )
        raise Wrong(
            f"the values differ from stored * slope + intercept (largest difference {np.max(np.abs(got - want)):.3g})."
        )


@task(
    hints=[
        "The window runs from low = center - width / 2 to high = center + width / 2.",
        "Map low to 0 and high to 1 in a straight line: (hu - low) / width. Then clip below 0 and above 1.",
        "return np.clip((hu - (center - width / 2)) / width, 0, 1)",
    ]
)
def apply_window(function: Any) -> None:
    hu = np.array([[-2000.0, -1000.0, -600.0, -160.0], [0.0, 40.0, 240.0, 3000.0]])
    for center, width in ((40.0, 400.0), (-600.0, 1500.0), (400.0, 1800.0)):
        want = window(hu, center, width)
        got = as_array(call(function, hu.copy(), center, width), "your result", shape=hu.shape)
        if np.allclose(got, want, atol=1e-6):
            continue
        if got.min() < -1e-9 or got.max() > 1 + 1e-9:
            if np.allclose(got, (hu - (center - width / 2)) / width):
                raise Wrong(
                    "right inside the window, but values outside it must be clipped to 0 and 1: np.clip(..., 0, 1)."
                )
            raise Wrong(
                f"your values run from {got.min():.3g} to {got.max():.3g}; a display window maps to 0 (black) .. 1 "
                f"(white)."
            )
        if np.allclose(got, np.clip((hu - (center - width)) / (2 * width), 0, 1)):
            raise Wrong(
                "your window is twice too wide: it spans center - width/2 to center + width/2, not center +- width."
            )
        raise Wrong(
            "the values differ: the lower end of the window, center - width/2, maps to 0, the upper end to 1, "
            "linearly in between."
        )


@task(
    hints=[
        "The header has Rows, Columns and PixelSpacing (millimetres between rows, between columns).",
        "height = Rows x PixelSpacing[0], width = Columns x PixelSpacing[1]; the MR example is not square.",
    ]
)
def field_of_view_mm(function: Any) -> None:
    for name in ("ct", "overlay"):
        ds = dicom_example(name)
        rows, cols = int(ds.Rows), int(ds.Columns)
        row_spacing, col_spacing = (float(s) for s in ds.PixelSpacing)
        want = np.array([rows * row_spacing, cols * col_spacing])
        got = as_array(call(function, ds), "your result")
        if got.shape != (2,):
            raise Wrong(f"return two numbers, (height_mm, width_mm); yours has shape {got.shape}.")
        if np.allclose(got, want, rtol=1e-4):
            continue
        if np.allclose(got, [rows, cols]):
            raise Wrong("you returned the size in pixels; multiply by PixelSpacing (millimetres per pixel).")
        if np.allclose(got, want[::-1], rtol=1e-4):
            raise Wrong(
                f"height and width are swapped (the {name} image has {rows} rows and {cols} columns): "
                "height is Rows x spacing between rows."
            )
        raise Wrong(f"for the {name} example you returned {np.round(got, 2)}, expected {np.round(want, 2)} mm.")


def _labels(n_malignant: int, n_benign: int, seed: int) -> np.ndarray:
    labels = np.array([0] * n_malignant + [1] * n_benign)
    return np.random.default_rng(seed).permutation(labels)


@task(
    hints=[
        "Look up the label names: medmnist_info('breastmnist').label_names.",
        "Label 0 is malignant. The mean of a boolean array is the fraction of True values: np.mean(labels == 0).",
    ]
)
def malignant_fraction(function: Any) -> None:
    for n_malignant, n_benign in ((42, 114), (30, 70), (5, 15)):
        labels = _labels(n_malignant, n_benign, seed=n_malignant)
        want = n_malignant / (n_malignant + n_benign)
        value = as_number(call(function, labels.copy()), "your fraction")
        if np.isclose(value, want):
            continue
        if np.isclose(value, 1 - want):
            raise Wrong(
                "you computed the share of label 1, which in BreastMNIST means normal or benign. Malignant is label 0."
            )
        if np.isclose(value, n_malignant):
            raise Wrong("you returned a count; divide by the number of images to get a fraction.")
        raise Wrong(
            f"for {n_malignant} malignant of {n_malignant + n_benign} images you returned {value:.3g}, expected "
            f"{want:.3g}."
        )


@task(
    hints=[
        "Sensitivity (recall) = found positives / all positives. Here the positive class is the disease: malignant, "
        "label 0.",
        "sklearn.metrics.recall_score(labels, predictions, pos_label=0), or np.mean(predictions[labels == 0] == 0).",
    ]
)
def malignant_sensitivity(function: Any) -> None:
    labels = _labels(40, 110, seed=1)
    rng = np.random.default_rng(2)
    predictions = np.where(rng.random(labels.size) < 0.8, labels, 1 - labels)  # 80 % right
    malignant, predicted_malignant = labels == 0, predictions == 0
    want = np.sum(malignant & predicted_malignant) / np.sum(malignant)
    value = as_number(call(function, labels.copy(), predictions.copy()), "your sensitivity")
    if np.isclose(value, want):
        return
    benign_recall = np.sum(~malignant & ~predicted_malignant) / np.sum(~malignant)
    if np.isclose(value, benign_recall):
        raise Wrong(
            "you computed the recall of label 1 (normal or benign), the default of sklearn's recall_score. "
            "For cancer, label 0 is the positive class: recall_score(labels, predictions, pos_label=0)."
        )
    if np.isclose(value, np.mean(labels == predictions)):
        raise Wrong(
            "you computed the accuracy. Sensitivity counts only the malignant cases: how many of them were found?"
        )
    if np.isclose(value, np.sum(malignant & predicted_malignant) / max(np.sum(predicted_malignant), 1)):
        raise Wrong(
            "you computed the precision (of the images called malignant, how many are). "
            "Sensitivity divides by the number of truly malignant images."
        )
    raise Wrong(f"you returned {value:.3g}; expected {want:.3g} (malignant images found / malignant images).")


#: What deidentify must leave empty (or remove): identifying text and the dates of the visit.
IDENTIFYING = (
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "InstitutionName",
    "StationName",
    "StudyDate",
    "SeriesDate",
    "AcquisitionDate",
    "ContentDate",
)

#: What deidentify must replace by new UIDs, derived from the old UID and a secret: never blank a UID.
UIDS = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID")

_SECRET = "the hospital's secret, kept out of the data"


def _valid_uid(text: str) -> bool:
    with warnings.catch_warnings():  # pydicom warns about the invalid UID it is asked to judge
        warnings.simplefilter("ignore")
        return UID(text).is_valid


def _uids(ds: Dataset) -> dict[str, str]:
    return {k: str(ds.get(k, "") or "") for k in UIDS if k in ds}


def _deidentified(function: Any, ds: Dataset, secret: str) -> Dataset:
    """The learner's result for ds, checked for the basics: a copy, blanked fields, new valid UIDs, same pixels."""
    before = {k: str(ds.get(k, "")) for k in IDENTIFYING + UIDS}
    pixels = ds.pixel_array.copy()
    result = call(function, ds, secret)
    if not isinstance(result, Dataset):
        raise Wrong(f"return the de-identified pydicom Dataset, not {type(result).__name__}.")
    if result is ds or {k: str(ds.get(k, "")) for k in IDENTIFYING + UIDS} != before:
        raise Wrong("your function changed the original dataset. Work on a copy: copy.deepcopy(ds).")
    left = [k for k in IDENTIFYING if str(result.get(k, "") or "").strip()]
    if left:
        raise Wrong(f"still filled in: {', '.join(left)}. Remove them (del ds.Keyword) or set them to ''.")
    for keyword, old in _uids(ds).items():
        new = str(result.get(keyword, "") or "").strip()
        if not new:
            raise Wrong(
                f"{keyword} is empty or gone. The confidentiality profile (DICOM PS3.15, Annex E) never blanks "
                "a UID: it replaces it with a new UID, so that the images of one study still belong together. "
                "Use pydicom.uid.generate_uid(entropy_srcs=[secret, old_uid])."
            )
        if new == old:
            raise Wrong(
                f"{keyword} is unchanged: the original UID still finds the study in the hospital's archive. "
                "Replace it with a new UID derived from the old one and the secret."
            )
        if not _valid_uid(new):
            raise Wrong(
                f"your new {keyword} {new[:40]!r} is not a valid UID (digits and dots, at most 64 characters). "
                "pydicom.uid.generate_uid(entropy_srcs=[secret, old_uid]) makes a valid one."
            )
    if "PixelData" not in result or not np.array_equal(result.pixel_array, pixels):
        raise Wrong("the image itself must stay as it was: change only the header.")
    return result


@task(
    hints=[
        "Never change the dataset you were given: make a copy with copy.deepcopy(ds) and change that.",
        "For each keyword in check.IDENTIFYING: if keyword in ds, set ds.data_element(keyword).value = '' (or delete "
        "it).",
        "Do not blank the UIDs in check.UIDS: replace each with generate_uid(entropy_srcs=[secret, old_uid]) "
        "(from pydicom.uid import generate_uid). The same old UID then always gives the same new one, and without "
        "the secret nobody can recompute it.",
        "The file meta header repeats the SOPInstanceUID: ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID "
        "after you replaced it.",
    ]
)
def deidentify(function: Any) -> None:
    original = dicom_example("ct")
    first = _deidentified(function, original, _SECRET)
    again = _deidentified(function, original, _SECRET)
    old, new = _uids(original), _uids(first)
    changed = [k for k in new if new[k] != _uids(again)[k]]
    if changed:
        raise Wrong(
            f"the same file gave a different new {changed[0]} each time you ran it: a new random UID per call "
            "splits one study into many. Derive the new UID from the old one and the secret: "
            "generate_uid(entropy_srcs=[secret, old_uid]) gives the same output for the same input."
        )
    if len(set(new.values())) < len(set(old.values())):
        raise Wrong(
            "different original UIDs got the same new UID, which merges a study with its series or images. "
            "Derive each new UID from its own old UID."
        )
    # A second image of the same series: its study and series must stay linked to the first image.
    sibling = copy.deepcopy(original)
    sibling.SOPInstanceUID = original.SOPInstanceUID + ".2"
    if getattr(sibling, "file_meta", None) is not None and "MediaStorageSOPInstanceUID" in sibling.file_meta:
        sibling.file_meta.MediaStorageSOPInstanceUID = sibling.SOPInstanceUID
    second = _uids(_deidentified(function, sibling, _SECRET))
    for keyword in ("StudyInstanceUID", "SeriesInstanceUID"):
        if second[keyword] != new[keyword]:
            raise Wrong(
                f"two images of the same study got different new {keyword}s, so they no longer belong together. "
                "Make each new UID depend only on the old UID and the secret."
            )
    if second["SOPInstanceUID"] == new["SOPInstanceUID"]:
        raise Wrong("two different images got the same new SOPInstanceUID: each original UID needs its own new UID.")
    # The secret: without it, anyone who holds an original UID can recompute the new one and re-link the image.
    other = _uids(_deidentified(function, original, _SECRET + " (another)"))
    if other["StudyInstanceUID"] == new["StudyInstanceUID"]:
        raise Wrong(
            "your new UIDs do not depend on the secret: anyone who has the original UID can compute the new one "
            "the same way and link the image back to the patient. Use generate_uid(entropy_srcs=[secret, old_uid])."
        )
    meta = getattr(first, "file_meta", None)
    if (
        meta is not None
        and "MediaStorageSOPInstanceUID" in meta
        and str(meta.MediaStorageSOPInstanceUID) != new["SOPInstanceUID"]
    ):
        raise Wrong(
            "the file meta header still holds the old SOPInstanceUID: set file_meta.MediaStorageSOPInstanceUID "
            "to the same new UID as SOPInstanceUID."
        )
