"""Checks for the exercises of chapter 02, preprocessing, segmentation and features.

In the exercise notebook::

    from medlearn.check import preprocessing_and_features as check
    check.z_score(z_score)

The checks use the pydicom CT slice and arrays with known answers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from skimage import filters
from sklearn.metrics import roc_auc_score

from ..data import ct_soft_tissue, hounsfield
from .core import Wrong, as_array, as_number, call, task

__all__ = ["area_mm2", "best_feature", "largest_component", "normalise_with_training", "otsu_mask", "z_score"]


@task(
    hints=[
        "Subtract the image's mean, then divide by its standard deviation.",
        "A constant image has standard deviation 0. Test for it first and return np.zeros_like(image, dtype=float).",
    ]
)
def z_score(function: Any) -> None:
    image = ct_soft_tissue()[20:60, 30:90]
    want = (image - image.mean()) / image.std()
    got = as_array(call(function, image.copy()), "your result", shape=image.shape)
    if not np.allclose(got, want, atol=1e-6):
        if np.allclose(got, image - image.mean(), atol=1e-6):
            raise Wrong("you subtracted the mean but did not divide by the standard deviation.")
        if np.allclose(got, (image - image.mean()) / image.var(), atol=1e-6):
            raise Wrong("you divided by the variance; divide by the standard deviation, image.std().")
        raise Wrong(
            f"the result should have mean 0 and standard deviation 1; yours has mean {got.mean():.3g} "
            f"and standard deviation {got.std():.3g}."
        )
    flat = np.full((8, 8), 0.3)
    got_flat = as_array(call(function, flat.copy()), "your result for a constant image", shape=flat.shape)
    if not np.all(np.isfinite(got_flat)) or not np.allclose(got_flat, 0.0):
        raise Wrong(
            "a constant image has standard deviation 0: dividing by it gives NaN. Return zeros for a constant image."
        )


@task(
    hints=[
        "Compute one mean and one standard deviation over all pixels of all training images.",
        "return (test - train.mean()) / train.std()",
    ]
)
def normalise_with_training(function: Any) -> None:
    rng = np.random.default_rng(4)
    train = rng.normal(100.0, 20.0, (50, 8, 8))
    test = rng.normal(130.0, 35.0, (20, 8, 8))
    want = (test - train.mean()) / train.std()
    got = as_array(call(function, train.copy(), test.copy()), "your normalised test images", shape=test.shape)
    if np.allclose(got, want, atol=1e-6):
        return
    if np.allclose(got, (test - test.mean()) / test.std(), atol=1e-6):
        raise Wrong(
            "you used the test images' own statistics. Use the mean and standard deviation of the training images only."
        )
    both = np.concatenate([train.ravel(), test.ravel()])
    if np.allclose(got, (test - both.mean()) / both.std(), atol=1e-6):
        raise Wrong(
            "you pooled training and test images; the test set then shapes the normalisation. Use the training images "
            "only."
        )
    if np.allclose(got, (test - train.mean(axis=0)) / train.std(axis=0), atol=1e-6):
        raise Wrong(
            "you computed a mean per pixel position; this task uses one mean and one standard deviation over all "
            "training pixels."
        )
    raise Wrong("the values differ from (test - training mean) / training standard deviation.")


@task(
    hints=[
        "skimage.filters.threshold_otsu(image) returns one number: the threshold.",
        "The mask is a comparison: image > threshold.",
    ]
)
def otsu_mask(function: Any) -> None:
    hu = hounsfield("ct")
    want = hu > filters.threshold_otsu(hu)
    result = call(function, hu.copy())
    if np.ndim(result) == 0:
        raise Wrong("you returned one number (the threshold?). Return the mask: image > threshold.")
    got = as_array(result, "your mask", shape=hu.shape)
    if not np.all(np.isin(got, (0, 1))):
        raise Wrong("a mask holds only True and False (or 1 and 0).")
    if np.array_equal(got.astype(bool), ~want):
        raise Wrong("your mask is inverted: it marks the pixels below the threshold. Keep the ones above.")
    if not np.array_equal(got.astype(bool), want):
        raise Wrong(
            f"your mask differs from image > threshold_otsu(image) in {np.sum(got.astype(bool) != want)} pixels."
        )


@task(
    hints=[
        "skimage.measure.label(mask) gives every connected blob its own number; 0 is the background.",
        "np.bincount(labels.ravel()) counts the pixels of each label. Ignore label 0, take the argmax.",
        "sizes = np.bincount(labels.ravel()); sizes[0] = 0; return labels == sizes.argmax()",
    ]
)
def largest_component(function: Any) -> None:
    mask = np.zeros((20, 30), dtype=bool)
    mask[2:6, 2:6] = True  # 16 pixels
    mask[10:18, 5:15] = True  # 80 pixels: the largest
    mask[3:9, 20:28] = True  # 48 pixels
    mask[15, 25] = True  # a speck
    want = np.zeros_like(mask)
    want[10:18, 5:15] = True
    result = call(function, mask.copy())
    got = as_array(result, "your mask", shape=mask.shape)
    if np.array_equal(got.astype(bool), want):
        if not np.all(np.isin(got, (0, 1))):
            raise Wrong("return a mask of True and False, not the labels.")
        return
    if got.max() > 1:
        raise Wrong("you returned a label image; compare it with the label of the largest component: labels == best.")
    if np.array_equal(got.astype(bool), ~mask | want) or got.astype(bool).sum() > mask.sum():
        raise Wrong("your mask is larger than the input: the background is component 0 and must not count.")
    if np.array_equal(got.astype(bool), mask):
        raise Wrong("you returned the whole mask; keep only the component with the most pixels.")
    raise Wrong("your mask is not the largest connected component (80 pixels here).")


@task(
    hints=[
        "Count the pixels of the mask: mask.sum().",
        "One pixel covers pixel_spacing[0] x pixel_spacing[1] square millimetres.",
    ]
)
def area_mm2(function: Any) -> None:
    mask = np.zeros((40, 40), dtype=bool)
    mask[5:25, 10:20] = True  # 200 pixels
    for spacing in ((0.5, 0.5), (0.7, 0.3), (2.0, 1.0)):
        want = 200 * spacing[0] * spacing[1]
        value = as_number(call(function, mask.copy(), spacing), "your area")
        if np.isclose(value, want):
            continue
        if np.isclose(value, 200):
            raise Wrong(
                "you returned the area in pixels; each pixel covers row spacing x column spacing square millimetres."
            )
        if np.isclose(value, 200 * spacing[0]) or np.isclose(value, 200 * spacing[1]):
            raise Wrong("you used only one of the two spacings; a pixel's area is row spacing x column spacing.")
        if np.isclose(value, 200 * spacing[0] ** 2):
            raise Wrong("you squared the row spacing; pixels need not be square: use row spacing x column spacing.")
        raise Wrong(
            f"for 200 pixels of {spacing[0]} x {spacing[1]} mm you returned {value:.4g} mm², expected {want:.4g}."
        )


@task(
    hints=[
        "For each column j, roc_auc_score(labels, X[:, j]) says how well that feature alone ranks the classes.",
        "An AUC far below 0.5 separates too, the other way round: score each feature by max(AUC, 1 - AUC).",
    ]
)
def best_feature(function: Any) -> None:
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 2, 300)
    X = rng.normal(size=(300, 4))
    X[:, 1] += 0.8 * labels  # the largest AUC
    X[:, 3] -= 1.6 * labels  # a small AUC: the best separation, in the other direction
    names = ["texture_a", "texture_b", "shape_c", "intensity_d"]
    got = call(function, X.copy(), labels.copy(), list(names))
    if isinstance(got, (int, np.integer)) and not isinstance(got, bool) and 0 <= got < 4:
        raise Wrong(f"you returned an index ({got}); return the feature's name: names[index].")
    if isinstance(got, str) and got == "texture_b":
        low, high = roc_auc_score(labels, X[:, 3]), roc_auc_score(labels, X[:, 1])
        raise Wrong(
            f"you chose the largest AUC, but here a feature with AUC {low:.2f} separates better than the one with "
            f"{high:.2f}, just in the other direction. Rank by max(AUC, 1 - AUC)."
        )
    if not isinstance(got, str):
        raise Wrong(f"return the feature's name (a string), not {type(got).__name__}.")
    if got != "intensity_d":
        raise Wrong(f"you returned {got!r}; compute the AUC of each column with roc_auc_score(labels, X[:, j]).")
