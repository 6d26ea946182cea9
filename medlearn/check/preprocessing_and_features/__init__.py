"""Checks for the exercises of the preprocessing_and_features chapter: preprocessing, segmentation and features.

In the exercise notebook::

    from medlearn.check import preprocessing_and_features as check
    check.z_score(z_score)

The checks use the pydicom CT slice and arrays with known answers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from skimage import filters, measure
from sklearn.metrics import roc_auc_score

from ...data import ct_soft_tissue, hounsfield
from ..core import Mistake, as_array, as_number, call, close, compared, task
from . import _data

__all__ = ["area_mm2", "best_feature", "largest_component", "normalise_with_training", "otsu_mask", "z_score"]


def _near(got: Any, want: Any) -> bool:
    return close(got, want, atol=1e-6)


def _z(image: np.ndarray) -> np.ndarray:
    return (image - image.mean()) / image.std()


def _what(image: np.ndarray) -> str:
    return "your result for a constant image" if image.std() == 0 else "your result"


@compared(
    "Subtract the image's mean, then divide by its standard deviation.",
    "A constant image has standard deviation 0. Test for it first and return np.zeros_like(image, dtype=float).",
    cases=lambda: [(ct_soft_tissue()[20:60, 30:90],), (np.full((8, 8), 0.3),)],
    read=lambda value, image: as_array(value, _what(image), shape=image.shape),
    # A constant image's answer is all zeros, compared without the tolerance of the slice's values.
    same=lambda got, want: _near(got, want) if np.any(want) else close(got, want),
    mistakes=[
        Mistake(
            "not divided",
            lambda image: image - image.mean(),
            "you subtracted the mean but did not divide by the standard deviation.",
        ),
        Mistake(
            "variance",
            lambda image: (image - image.mean()) / image.var(),
            "you divided by the variance; divide by the standard deviation, image.std().",
        ),
        Mistake(
            "constant image",
            _z,
            "a constant image has standard deviation 0: dividing by it gives NaN. Return zeros for a constant image.",
            spot=lambda got, want, image: image.std() == 0,
        ),
    ],
    otherwise=lambda got, *_: (
        f"the result should have mean 0 and standard deviation 1; yours has mean {got.mean():.3g} "
        f"and standard deviation {got.std():.3g}."
    ),
)
def z_score(image: np.ndarray) -> np.ndarray:
    return np.zeros_like(image, dtype=float) if image.std() == 0 else _z(image)


def _pooled(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    both = np.concatenate([train.ravel(), test.ravel()])
    return (test - both.mean()) / both.std()


@compared(
    "Compute one mean and one standard deviation over all pixels of all training images.",
    "return (test - train.mean()) / train.std()",
    cases=lambda: [_data.train_and_test()],
    read=lambda value, train, test: as_array(value, "your normalised test images", shape=test.shape),
    same=_near,
    mistakes=[
        Mistake(
            "test statistics",
            lambda train, test: (test - test.mean()) / test.std(),
            "you used the test images' own statistics. Use the mean and standard deviation of the training images "
            "only.",
        ),
        Mistake(
            "pooled",
            _pooled,
            "you pooled training and test images; the test set then shapes the normalisation. Use the training images "
            "only.",
        ),
        Mistake(
            "per pixel",
            lambda train, test: (test - train.mean(axis=0)) / train.std(axis=0),
            "you computed a mean per pixel position; this task uses one mean and one standard deviation over all "
            "training pixels.",
        ),
    ],
    otherwise=lambda *_: "the values differ from (test - training mean) / training standard deviation.",
)
def normalise_with_training(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    return (test - train.mean()) / train.std()


def _otsu(image: np.ndarray) -> np.ndarray:
    return image > filters.threshold_otsu(image)


@compared(
    "skimage.filters.threshold_otsu(image) returns one number: the threshold.",
    "The mask is a comparison: image > threshold.",
    cases=lambda: [(hounsfield("ct"),)],
    # One number stays as it is, for the mistake that names it; anything else must be a mask of the image's shape.
    read=lambda value, hu: value if np.ndim(value) == 0 else as_array(value, "your mask", shape=hu.shape),
    same=np.array_equal,
    mistakes=[
        Mistake(
            "the threshold",
            lambda image: filters.threshold_otsu(image),
            "you returned one number (the threshold?). Return the mask: image > threshold.",
            spot=lambda got, *_: np.ndim(got) == 0,
        ),
        Mistake(
            "not a mask",
            lambda image: 255 * _otsu(image),
            "a mask holds only True and False (or 1 and 0).",
            spot=lambda got, *_: not np.all(np.isin(got, (0, 1))),
        ),
        Mistake(
            "inverted",
            lambda image: ~_otsu(image),
            "your mask is inverted: it marks the pixels below the threshold. Keep the ones above.",
        ),
    ],
    otherwise=lambda got, want, *_: (
        f"your mask differs from image > threshold_otsu(image) in {np.sum(got.astype(bool) != want)} pixels."
    ),
)
def otsu_mask(image: np.ndarray) -> np.ndarray:
    return _otsu(image)


def _largest(mask: np.ndarray, background: bool = False) -> np.ndarray:
    """The largest connected component of ``mask`` (or, with ``background``, the largest label, background too)."""
    labels = measure.label(mask)
    sizes = np.bincount(labels.ravel())
    if not background:
        sizes[0] = 0
    return labels == sizes.argmax()


def _larger_than(got: np.ndarray, mask: np.ndarray) -> bool:
    return np.array_equal(got.astype(bool), ~mask | _largest(mask)) or got.astype(bool).sum() > mask.sum()


@compared(
    "skimage.measure.label(mask) gives every connected blob its own number; 0 is the background.",
    "np.bincount(labels.ravel()) counts the pixels of each label. Ignore label 0, take the argmax.",
    "sizes = np.bincount(labels.ravel()); sizes[0] = 0; return labels == sizes.argmax()",
    cases=lambda: [(_data.components()[0],)],
    read=lambda value, mask: as_array(value, "your mask", shape=mask.shape),
    same=np.array_equal,
    mistakes=[
        Mistake(
            "labels of the largest",
            lambda mask: measure.label(mask) * _largest(mask),
            "return a mask of True and False, not the labels.",
            spot=lambda got, want, _: np.array_equal(got.astype(bool), want),
        ),
        Mistake(
            "label image",
            lambda mask: measure.label(mask),
            "you returned a label image; compare it with the label of the largest component: labels == best.",
            spot=lambda got, *_: got.max() > 1,
        ),
        Mistake(
            "background counted",
            lambda mask: _largest(mask, background=True),
            "your mask is larger than the input: the background is component 0 and must not count.",
            spot=lambda got, want, mask: _larger_than(got, mask),
        ),
        Mistake(
            "whole mask",
            lambda mask: mask,
            "you returned the whole mask; keep only the component with the most pixels.",
        ),
    ],
    otherwise=lambda *_: "your mask is not the largest connected component (80 pixels here).",
)
def largest_component(mask: np.ndarray) -> np.ndarray:
    return _largest(mask)


def _area_cases() -> list[tuple[np.ndarray, tuple[float, float]]]:
    mask = np.zeros((40, 40), dtype=bool)
    mask[5:25, 10:20] = True  # 200 pixels
    return [(mask, spacing) for spacing in ((0.5, 0.5), (0.7, 0.3), (2.0, 1.0))]


@compared(
    "Count the pixels of the mask: mask.sum().",
    "One pixel covers pixel_spacing[0] x pixel_spacing[1] square millimetres.",
    cases=_area_cases,
    read=lambda value, *_: as_number(value, "your area"),
    mistakes=[
        Mistake(
            "pixels",
            lambda mask, spacing: mask.sum(),
            "you returned the area in pixels; each pixel covers row spacing x column spacing square millimetres.",
        ),
        Mistake(
            "one spacing only",
            lambda mask, spacing: mask.sum() * spacing[1],
            "you used only one of the two spacings; a pixel's area is row spacing x column spacing.",
            spot=lambda got, want, mask, spacing: any(close(got, mask.sum() * one) for one in spacing),
        ),
        Mistake(
            "row spacing squared",
            lambda mask, spacing: mask.sum() * spacing[0] ** 2,
            "you squared the row spacing; pixels need not be square: use row spacing x column spacing.",
        ),
    ],
    otherwise=lambda value, want, mask, spacing: (
        f"for {mask.sum()} pixels of {spacing[0]} x {spacing[1]} mm you returned {value:.4g} mm², expected {want:.4g}."
    ),
)
def area_mm2(mask: np.ndarray, spacing: tuple[float, float]) -> float:
    return mask.sum() * spacing[0] * spacing[1]


def _by_largest_auc(X: np.ndarray, labels: np.ndarray, names: list[str]) -> str:
    return names[int(np.argmax([roc_auc_score(labels, X[:, j]) for j in range(X.shape[1])]))]


_INDEX = Mistake(
    "an index",
    lambda X, labels, names: 3,
    lambda got: f"you returned an index ({got}); return the feature's name: names[index].",
)
_LARGEST_AUC = Mistake(
    "largest AUC",
    _by_largest_auc,
    lambda low, high: (
        f"you chose the largest AUC, but here a feature with AUC {low:.2f} separates better than the one with "
        f"{high:.2f}, just in the other direction. Rank by max(AUC, 1 - AUC)."
    ),
)
_NOT_A_NAME = Mistake(
    "not a name",
    lambda X, labels, names: [names[3]],
    lambda got: f"return the feature's name (a string), not {type(got).__name__}.",
)
_OTHER_NAME = Mistake(
    "another feature",
    lambda X, labels, names: names[0],
    lambda got: f"you returned {got!r}; compute the AUC of each column with roc_auc_score(labels, X[:, j]).",
)


@task(
    "For each column j, roc_auc_score(labels, X[:, j]) says how well that feature alone ranks the classes.",
    "An AUC far below 0.5 separates too, the other way round: score each feature by max(AUC, 1 - AUC).",
    mistakes=[_INDEX, _LARGEST_AUC, _NOT_A_NAME, _OTHER_NAME],
)
def best_feature(function: Any) -> None:
    X, labels = _data.ranking_table()
    got = call(function, X.copy(), labels.copy(), list(_data.FEATURE_NAMES))
    if isinstance(got, (int, np.integer)) and not isinstance(got, bool) and 0 <= got < 4:
        raise _INDEX.wrong(got)
    if isinstance(got, str) and got == "texture_b":
        raise _LARGEST_AUC.wrong(roc_auc_score(labels, X[:, 3]), roc_auc_score(labels, X[:, 1]))
    if not isinstance(got, str):
        raise _NOT_A_NAME.wrong(got)
    if got != "intensity_d":
        raise _OTHER_NAME.wrong(got)
