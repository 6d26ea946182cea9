"""Exercise checks of chapter 00 (medical images): typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import copy

import numpy as np
from helpers import typical_mistakes_test
from pydicom.uid import generate_uid
from sklearn.metrics import recall_score

from medlearn.check import medical_images


def _blank_in_place(ds, secret):
    for keyword in medical_images.IDENTIFYING:
        if keyword in ds:
            ds.data_element(keyword).value = ""
    return ds


def _deidentify_with(new_uid, file_meta=True):
    def deidentify(ds, secret):
        result = _blank_in_place(copy.deepcopy(ds), secret)
        for keyword in medical_images.UIDS:
            if keyword in result:
                result.data_element(keyword).value = new_uid(secret, str(result.data_element(keyword).value))
        if file_meta:
            result.file_meta.MediaStorageSOPInstanceUID = result.SOPInstanceUID
        return result

    return deidentify


MISTAKES = [
    (medical_images.to_hounsfield, lambda s, a, b: s * a, "intercept is missing"),
    (medical_images.to_hounsfield, lambda s, a, b: (s + b) * a, "order is off"),
    (medical_images.apply_window, lambda h, c, w: (h - (c - w / 2)) / w, "clipped"),
    (medical_images.field_of_view_mm, lambda ds: (ds.Rows, ds.Columns), "in pixels"),
    (medical_images.malignant_fraction, lambda y: np.mean(y), "label 1"),
    (medical_images.malignant_sensitivity, lambda y, p: recall_score(y, p), "recall of label 1"),
    (medical_images.malignant_sensitivity, lambda y, p: np.mean(y == p), "accuracy"),
    (medical_images.deidentify, _blank_in_place, "changed the original"),
    (medical_images.deidentify, lambda ds, secret: copy.deepcopy(ds), "still filled in"),
    (medical_images.deidentify, lambda ds, secret: _blank_in_place(copy.deepcopy(ds), secret), "unchanged"),
    (medical_images.deidentify, _deidentify_with(lambda secret, old: ""), "never blanks a UID"),
    (medical_images.deidentify, _deidentify_with(lambda secret, old: generate_uid()), "each time"),
    (
        medical_images.deidentify,
        _deidentify_with(lambda secret, old: generate_uid(entropy_srcs=[old])),
        "do not depend on the secret",
    ),
    (
        medical_images.deidentify,
        _deidentify_with(lambda secret, old: generate_uid(entropy_srcs=[secret])),
        "same new UID",
    ),
    (medical_images.deidentify, _deidentify_with(lambda secret, old: old + "x"), "not a valid UID"),
    (
        medical_images.deidentify,
        _deidentify_with(lambda s, old: generate_uid(entropy_srcs=[s, old]), file_meta=False),
        "file meta",
    ),
]


test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)
