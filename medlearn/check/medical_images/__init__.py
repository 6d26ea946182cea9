"""Checks for the exercises of the medical_images chapter, what a medical image is.

In the exercise notebook::

    from medlearn.check import medical_images as check
    check.to_hounsfield(to_hounsfield)

The checks use pydicom's real example files and label arrays made with a known share of each class.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from pydicom.dataset import Dataset

from ..._messages import tr
from ...data import dicom_example, window
from ..core import Mistake, Wrong, as_array, as_number, close, compared, task
from . import _data
from . import _deidentify as _m
from ._deidentify import IDENTIFYING as IDENTIFYING  # the keywords deidentify must empty, named in its hints
from ._deidentify import UIDS as UIDS  # the UIDs deidentify must replace

__all__ = [
    "apply_window",
    "deidentify",
    "field_of_view_mm",
    "malignant_fraction",
    "malignant_sensitivity",
    "to_hounsfield",
]


def _ct_case() -> tuple[np.ndarray, float, float]:
    ct = dicom_example("ct")
    return ct.pixel_array, float(ct.RescaleSlope), float(ct.RescaleIntercept)


@compared(
    tr("The header gives two numbers: RescaleSlope and RescaleIntercept. HU = stored value x slope + intercept."),
    tr("Pixels may be stored as unsigned integers, which cannot be negative: convert to float before you compute."),
    tr("return stored.astype(float) * slope + intercept"),
    cases=lambda: [
        _ct_case(),
        (np.array([[0, 1000], [3000, 4095]], dtype=np.uint16), 1.0, -1024.0),
        (np.array([[10, 20]], dtype=np.int16), 2.5, -100.0),
    ],
    read=lambda value, stored, *_: as_array(value, tr("your result"), shape=stored.shape),
    mistakes=[
        Mistake(
            "no intercept", lambda s, a, b: s * a, tr("the intercept is missing: HU = stored * slope + intercept.")
        ),
        Mistake(
            "no slope",
            lambda s, a, b: s.astype(float) + b,
            tr("the slope is missing: HU = stored * slope + intercept."),
        ),
        Mistake(
            "intercept first",
            lambda s, a, b: (s.astype(float) + b) * a,
            tr("the order is off: multiply by the slope first, then add the intercept."),
        ),
        Mistake(
            "unsigned wraps",
            lambda s, a, b: (s * a + b).astype(s.dtype),
            tr(
                "right for the CT slice, wrong for unsigned (uint16) pixels: uint16 cannot hold negative numbers, "
                "so -1024 wraps around. Convert first: stored.astype(float)."
            ),
            spot=lambda got, want, stored, *_: stored.dtype == np.uint16,
        ),
    ],
    otherwise=lambda got, want, *_: tr(
        "the values differ from stored * slope + intercept (largest difference {difference:.3g}).",
        difference=np.max(np.abs(got - want)),
    ),
)
def to_hounsfield(stored: np.ndarray, slope: float, intercept: float) -> np.ndarray:
    return stored.astype(np.float64) * slope + intercept


def _out_of_range(got: np.ndarray, *_: Any) -> str:
    return tr(
        "your values run from {low:.3g} to {high:.3g}; a display window maps to 0 (black) .. 1 (white).",
        low=got.min(),
        high=got.max(),
    )


@compared(
    tr("The window runs from low = center - width / 2 to high = center + width / 2."),
    tr("Map low to 0 and high to 1 in a straight line: (hu - low) / width. Then clip below 0 and above 1."),
    tr("return np.clip((hu - (center - width / 2)) / width, 0, 1)"),
    cases=lambda: [
        (np.array([[-2000.0, -1000.0, -600.0, -160.0], [0.0, 40.0, 240.0, 3000.0]]), center, width)
        for center, width in ((40.0, 400.0), (-600.0, 1500.0), (400.0, 1800.0))
    ],
    read=lambda value, hu, *_: as_array(value, tr("your result"), shape=hu.shape),
    same=lambda got, want: close(got, want, atol=1e-6),
    mistakes=[
        Mistake(
            "not clipped",
            lambda h, c, w: (h - (c - w / 2)) / w,
            tr("right inside the window, but values outside it must be clipped to 0 and 1: np.clip(..., 0, 1)."),
        ),
        Mistake(
            "twice too wide",
            lambda h, c, w: np.clip((h - (c - w)) / (2 * w), 0, 1),
            tr("your window is twice too wide: it spans center - width/2 to center + width/2, not center +- width."),
        ),
        Mistake(
            "0 to 255",
            lambda h, c, w: 255 * window(h, c, w),
            _out_of_range,
            spot=lambda got, *_: got.min() < -1e-9 or got.max() > 1 + 1e-9,
        ),
    ],
    otherwise=lambda *_: tr(
        "the values differ: the lower end of the window, center - width/2, maps to 0, the upper end to 1, "
        "linearly in between."
    ),
)
def apply_window(hu: np.ndarray, center: float, width: float) -> np.ndarray:
    return window(hu, center, width)


#: The example files field_of_view_mm is checked on, by their modality: the messages name them.
_FOV_EXAMPLES = {"CT": "ct", "MR": "overlay"}
#: Both examples have square pixels, where PixelSpacing's two numbers can be swapped unseen: the third case is the MR
#: example's header with rectangular pixels (its rows 0.5 mm apart, its columns 0.8 mm), named so in the messages.
_RECTANGULAR = ("0.5", "0.8")


def _fov_cases() -> list[tuple[Dataset]]:
    cases = [dicom_example(name) for name in _FOV_EXAMPLES.values()]
    rectangular = dicom_example("overlay")
    rectangular.PixelSpacing = list(_RECTANGULAR)
    return [(ds,) for ds in (*cases, rectangular)]


def _example(ds: Dataset) -> str:
    """How the messages name a case of field_of_view_mm."""
    name = _FOV_EXAMPLES[ds.Modality]
    if [str(s) for s in ds.PixelSpacing] == list(_RECTANGULAR):
        name += " (PixelSpacing {}, {})".format(*_RECTANGULAR)
    return name


def _two_numbers(value: Any) -> np.ndarray:
    got = as_array(value, tr("your result"))
    if got.shape != (2,):
        raise Wrong(tr("return two numbers, (height_mm, width_mm); yours has shape {shape}.", shape=got.shape))
    return got


def _field_of_view(ds: Dataset) -> np.ndarray:
    row_spacing, col_spacing = (float(s) for s in ds.PixelSpacing)
    return np.array([int(ds.Rows) * row_spacing, int(ds.Columns) * col_spacing])


def _swapped(got: np.ndarray, ds: Dataset) -> str:
    return tr(
        "height and width are swapped (the {example} image has {rows} rows and {columns} columns): height is Rows x "
        "spacing between rows.",
        example=_example(ds),
        rows=ds.Rows,
        columns=ds.Columns,
    )


@compared(
    tr("The header has Rows, Columns and PixelSpacing (millimetres between rows, between columns)."),
    tr("height = Rows x PixelSpacing[0], width = Columns x PixelSpacing[1]; the MR example is not square."),
    cases=_fov_cases,
    read=lambda value, ds: _two_numbers(value),
    same=lambda got, want: close(got, want, rtol=1e-4),
    mistakes=[
        Mistake(
            "pixels",
            lambda ds: (ds.Rows, ds.Columns),
            tr("you returned the size in pixels; multiply by PixelSpacing (millimetres per pixel)."),
        ),
        Mistake("swapped", lambda ds: _field_of_view(ds)[::-1], _swapped),
        Mistake(
            "spacings swapped",
            lambda ds: np.array([int(ds.Rows), int(ds.Columns)]) * [float(s) for s in ds.PixelSpacing[::-1]],
            lambda got, ds: tr(
                "on the {example} example, whose pixels are not square, your two spacings are swapped: "
                "PixelSpacing[0] is the spacing between rows and goes with Rows, PixelSpacing[1] with Columns.",
                example=_example(ds),
            ),
        ),
    ],
    otherwise=lambda got, want, ds: tr(
        "for the {example} example you returned {got}, expected {want} mm.",
        example=_example(ds),
        got=np.round(got, 2),
        want=np.round(want, 2),
    ),
)
def field_of_view_mm(ds: Dataset) -> np.ndarray:
    return _field_of_view(ds)


@compared(
    tr("Look up the label names: medmnist_info('breastmnist').label_names."),
    tr("Label 0 is malignant. The mean of a boolean array is the fraction of True values: np.mean(labels == 0)."),
    cases=lambda: [
        (_data.labels(n_malignant, n_benign, seed=n_malignant),)
        for n_malignant, n_benign in ((42, 114), (30, 70), (5, 15))
    ],
    read=lambda value, _: as_number(value, tr("your fraction")),
    mistakes=[
        Mistake(
            "label 1",
            lambda y: np.mean(y == 1),
            tr("you computed the share of label 1, which in BreastMNIST means normal or benign. Malignant is label 0."),
        ),
        Mistake(
            "count",
            lambda y: np.sum(y == 0),
            tr("you returned a count; divide by the number of images to get a fraction."),
        ),
    ],
    otherwise=lambda value, want, y: tr(
        "for {malignant} malignant of {count} images you returned {value:.3g}, expected {want:.3g}.",
        malignant=np.sum(y == 0),
        count=y.size,
        value=value,
        want=want,
    ),
)
def malignant_fraction(y: np.ndarray) -> float:
    return np.sum(y == 0) / y.size


def _precision(y: np.ndarray, p: np.ndarray) -> float:
    return np.sum((y == 0) & (p == 0)) / max(np.sum(p == 0), 1)


def _sensitivity_case() -> tuple[np.ndarray, np.ndarray]:
    y = _data.labels(40, 110, seed=1)
    return y, _data.predictions(y, right=0.8, seed=2)  # 80 % right


@compared(
    tr(
        "Sensitivity (recall) = found positives / all positives. Here the positive class is the disease: malignant, "
        "label 0."
    ),
    tr("sklearn.metrics.recall_score(labels, predictions, pos_label=0), or np.mean(predictions[labels == 0] == 0)."),
    cases=lambda: [_sensitivity_case()],
    read=lambda value, *_: as_number(value, tr("your sensitivity")),
    mistakes=[
        Mistake(
            "recall of label 1",
            lambda y, p: np.sum((y == 1) & (p == 1)) / np.sum(y == 1),
            tr(
                "you computed the recall of label 1 (normal or benign), the default of sklearn's recall_score. "
                "For cancer, label 0 is the positive class: recall_score(labels, predictions, pos_label=0)."
            ),
        ),
        Mistake(
            "accuracy",
            lambda y, p: np.mean(y == p),
            tr("you computed the accuracy. Sensitivity counts only the malignant cases: how many of them were found?"),
        ),
        Mistake(
            "precision",
            _precision,
            tr(
                "you computed the precision (of the images called malignant, how many are). "
                "Sensitivity divides by the number of truly malignant images."
            ),
        ),
    ],
    otherwise=lambda value, want, *_: tr(
        "you returned {value:.3g}; expected {want:.3g} (malignant images found / malignant images).",
        value=value,
        want=want,
    ),
)
def malignant_sensitivity(y: np.ndarray, p: np.ndarray) -> float:
    return np.sum((y == 0) & (p == 0)) / np.sum(y == 0)


@task(
    tr("Never change the dataset you were given: make a copy with copy.deepcopy(ds) and change that."),
    tr(
        "For each keyword in check.IDENTIFYING: if keyword in ds, set ds.data_element(keyword).value = '' "
        "(or delete it)."
    ),
    tr(
        "Do not blank the UIDs in check.UIDS: replace each with generate_uid(entropy_srcs=[secret, old_uid]) "
        "(from pydicom.uid import generate_uid). The same old UID then always gives the same new one, and without "
        "the secret nobody can recompute it."
    ),
    tr(
        "The file meta header repeats the SOPInstanceUID: ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID "
        "after you replaced it."
    ),
    mistakes=[
        _m.NOT_A_DATASET,
        _m.CHANGED_ORIGINAL,
        _m.STILL_FILLED,
        _m.BLANK_UID,
        _m.SAME_UID,
        _m.INVALID_UID,
        _m.PIXELS,
        _m.RANDOM_UID,
        _m.MERGED,
        _m.STUDY_SPLIT,
        _m.IMAGES_MERGED,
        _m.NO_SECRET,
        _m.OLD_FILE_META,
    ],
)
def deidentify(function: Any) -> None:
    original = dicom_example("ct")
    first = _m.deidentified(function, original, _m.SECRET)
    again = _m.deidentified(function, original, _m.SECRET)
    old, new = _m.uids(original), _m.uids(first)
    changed = [k for k in new if new[k] != _m.uids(again)[k]]
    if changed:
        raise _m.RANDOM_UID.wrong(changed[0])
    if len(set(new.values())) < len(set(old.values())):
        raise _m.MERGED.wrong()
    # A second image of the same series: its study and series must stay linked to the first image.
    sibling = copy.deepcopy(original)
    sibling.SOPInstanceUID = original.SOPInstanceUID + ".2"
    if getattr(sibling, "file_meta", None) is not None and "MediaStorageSOPInstanceUID" in sibling.file_meta:
        sibling.file_meta.MediaStorageSOPInstanceUID = sibling.SOPInstanceUID
    second = _m.uids(_m.deidentified(function, sibling, _m.SECRET))
    for keyword in ("StudyInstanceUID", "SeriesInstanceUID"):
        if second[keyword] != new[keyword]:
            raise _m.STUDY_SPLIT.wrong(keyword)
    if second["SOPInstanceUID"] == new["SOPInstanceUID"]:
        raise _m.IMAGES_MERGED.wrong()
    # The secret: without it, anyone who holds an original UID can recompute the new one and re-link the image.
    other = _m.uids(_m.deidentified(function, original, _m.SECRET + " (another)"))
    if other["StudyInstanceUID"] == new["StudyInstanceUID"]:
        raise _m.NO_SECRET.wrong()
    meta = getattr(first, "file_meta", None)
    if (
        meta is not None
        and "MediaStorageSOPInstanceUID" in meta
        and str(meta.MediaStorageSOPInstanceUID) != new["SOPInstanceUID"]
    ):
        raise _m.OLD_FILE_META.wrong()
