"""The deidentify task's typical mistakes, each with a function that makes it, and the basic checks of a result."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np
from pydicom.dataset import Dataset
from pydicom.uid import UID, generate_uid

from ..._messages import tr
from ..core import Mistake, call

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

SECRET = "the hospital's secret, kept out of the data"


def _blanked(ds: Dataset, secret: str) -> Dataset:
    """``ds`` itself with its identifying fields emptied (a mistake: it changes the original)."""
    for keyword in IDENTIFYING:
        if keyword in ds:
            ds.data_element(keyword).value = ""
    return ds


def _new_uids(new_uid: Any, file_meta: bool = True) -> Any:
    """A deidentify that blanks a copy and gives each UID ``new_uid(secret, old_uid, ds)``."""

    def deidentify(ds: Dataset, secret: str) -> Dataset:
        result = _blanked(copy.deepcopy(ds), secret)
        for keyword in UIDS:
            if keyword in result:
                result.data_element(keyword).value = new_uid(secret, str(result.data_element(keyword).value), ds)
        if file_meta:
            result.file_meta.MediaStorageSOPInstanceUID = result.SOPInstanceUID
        return result

    return deidentify


def _with_new_pixels(ds: Dataset, secret: str) -> Dataset:
    result = _new_uids(lambda s, old, _: generate_uid(entropy_srcs=[s, old]))(ds, secret)
    result.PixelData = np.zeros_like(ds.pixel_array).tobytes()
    return result


NOT_A_DATASET = Mistake(
    "no return",
    lambda ds, secret: None,
    lambda result: tr("return the de-identified pydicom Dataset, not {kind}.", kind=type(result).__name__),
)
CHANGED_ORIGINAL = Mistake(
    "in place", _blanked, tr("your function changed the original dataset. Work on a copy: copy.deepcopy(ds).")
)
STILL_FILLED = Mistake(
    "nothing blanked",
    lambda ds, secret: copy.deepcopy(ds),
    lambda left: tr(
        "still filled in: {keywords}. Remove them (del ds.Keyword) or set them to ''.", keywords=", ".join(left)
    ),
)
BLANK_UID = Mistake(
    "UID blanked",
    _new_uids(lambda secret, old, ds: ""),
    lambda keyword: tr(
        "{keyword} is empty or gone. The confidentiality profile (DICOM PS3.15, Annex E) never blanks "
        "a UID: it replaces it with a new UID, so that the images of one study still belong together. "
        "Use pydicom.uid.generate_uid(entropy_srcs=[secret, old_uid]).",
        keyword=keyword,
    ),
)
SAME_UID = Mistake(
    "UID kept",
    lambda ds, secret: _blanked(copy.deepcopy(ds), secret),
    lambda keyword: tr(
        "{keyword} is unchanged: the original UID still finds the study in the hospital's archive. "
        "Replace it with a new UID derived from the old one and the secret.",
        keyword=keyword,
    ),
)
INVALID_UID = Mistake(
    "invalid UID",
    _new_uids(lambda secret, old, ds: old + "x"),
    lambda keyword, new: tr(
        "your new {keyword} {uid!r} is not a valid UID (digits and dots, at most 64 characters). "
        "pydicom.uid.generate_uid(entropy_srcs=[secret, old_uid]) makes a valid one.",
        keyword=keyword,
        uid=new[:40],
    ),
)
PIXELS = Mistake(
    "pixels changed", _with_new_pixels, tr("the image itself must stay as it was: change only the header.")
)
RANDOM_UID = Mistake(
    "random UID",
    _new_uids(lambda secret, old, ds: generate_uid()),
    lambda keyword: tr(
        "the same file gave a different new {keyword} each time you ran it: a new random UID per call "
        "splits one study into many. Derive the new UID from the old one and the secret: "
        "generate_uid(entropy_srcs=[secret, old_uid]) gives the same output for the same input.",
        keyword=keyword,
    ),
)
MERGED = Mistake(
    "one UID for all",
    _new_uids(lambda secret, old, ds: generate_uid(entropy_srcs=[secret])),
    tr(
        "different original UIDs got the same new UID, which merges a study with its series or images. "
        "Derive each new UID from its own old UID."
    ),
)
STUDY_SPLIT = Mistake(
    "per image",
    _new_uids(lambda secret, old, ds: generate_uid(entropy_srcs=[secret, old, str(ds.SOPInstanceUID)])),
    lambda keyword: tr(
        "two images of the same study got different new {keyword}s, so they no longer belong together. "
        "Make each new UID depend only on the old UID and the secret.",
        keyword=keyword,
    ),
)
IMAGES_MERGED = Mistake(
    "image UID from the series",
    _new_uids(
        lambda secret, old, ds: generate_uid(
            entropy_srcs=[secret, str(ds.SeriesInstanceUID), "image"]
            if old == str(ds.SOPInstanceUID)
            else [secret, old]
        )
    ),
    tr("two different images got the same new SOPInstanceUID: each original UID needs its own new UID."),
)
NO_SECRET = Mistake(
    "no secret",
    _new_uids(lambda secret, old, ds: generate_uid(entropy_srcs=[old])),
    tr(
        "your new UIDs do not depend on the secret: anyone who has the original UID can compute the new one "
        "the same way and link the image back to the patient. Use generate_uid(entropy_srcs=[secret, old_uid])."
    ),
)
OLD_FILE_META = Mistake(
    "file meta kept",
    _new_uids(lambda secret, old, ds: generate_uid(entropy_srcs=[secret, old]), file_meta=False),
    tr(
        "the file meta header still holds the old SOPInstanceUID: set file_meta.MediaStorageSOPInstanceUID "
        "to the same new UID as SOPInstanceUID."
    ),
)


def _valid_uid(text: str) -> bool:
    with warnings.catch_warnings():  # pydicom warns about the invalid UID it is asked to judge
        warnings.simplefilter("ignore")
        return UID(text).is_valid


def uids(ds: Dataset) -> dict[str, str]:
    """The UIDs of :data:`UIDS` that ``ds`` holds, by keyword, as text.

    Example:
        >>> from medlearn.data import dicom_example
        >>> sorted(uids(dicom_example("ct")))
        ['FrameOfReferenceUID', 'SOPInstanceUID', 'SeriesInstanceUID', 'StudyInstanceUID']
    """
    return {k: str(ds.get(k, "") or "") for k in UIDS if k in ds}


def deidentified(function: Any, ds: Dataset, secret: str) -> Dataset:
    """The learner's result for ds, checked for the basics: a copy, blanked fields, new valid UIDs, same pixels.

    Example:
        >>> from medlearn.data import dicom_example
        >>> deidentified(BLANK_UID.answer, dicom_example("ct"), SECRET)
        Traceback (most recent call last):
        ...
        medlearn.check.core.Wrong: StudyInstanceUID is empty or gone. ...
    """
    before = {k: str(ds.get(k, "")) for k in IDENTIFYING + UIDS}
    pixels = ds.pixel_array.copy()
    result = call(function, ds, secret)
    if not isinstance(result, Dataset):
        raise NOT_A_DATASET.wrong(result)
    if result is ds or {k: str(ds.get(k, "")) for k in IDENTIFYING + UIDS} != before:
        raise CHANGED_ORIGINAL.wrong()
    left = [k for k in IDENTIFYING if str(result.get(k, "") or "").strip()]
    if left:
        raise STILL_FILLED.wrong(left)
    for keyword, old in uids(ds).items():
        new = str(result.get(keyword, "") or "").strip()
        if not new:
            raise BLANK_UID.wrong(keyword)
        if new == old:
            raise SAME_UID.wrong(keyword)
        if not _valid_uid(new):
            raise INVALID_UID.wrong(keyword, new)
    if "PixelData" not in result or not np.array_equal(result.pixel_array, pixels):
        raise PIXELS.wrong()
    return result
