"""Exercise checks of chapter 02 (preprocessing and features): typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import numpy as np
from helpers import typical_mistakes_test
from skimage import filters, measure
from sklearn.metrics import roc_auc_score

from medlearn.check import preprocessing_and_features


def _best_by_largest_auc(X, labels, names):
    return names[int(np.argmax([roc_auc_score(labels, X[:, j]) for j in range(X.shape[1])]))]


MISTAKES = [
    (preprocessing_and_features.z_score, lambda im: (im - im.mean()) / im.std(), "constant"),
    (preprocessing_and_features.z_score, lambda im: im - im.mean(), "did not divide"),
    (
        preprocessing_and_features.normalise_with_training,
        lambda tr, te: (te - te.mean()) / te.std(),
        "test images' own",
    ),
    (
        preprocessing_and_features.normalise_with_training,
        lambda tr, te: (te - np.r_[tr.ravel(), te.ravel()].mean()) / np.r_[tr.ravel(), te.ravel()].std(),
        "pooled",
    ),
    (preprocessing_and_features.otsu_mask, lambda im: filters.threshold_otsu(im), "one number"),
    (preprocessing_and_features.otsu_mask, lambda im: im < filters.threshold_otsu(im), "inverted"),
    (preprocessing_and_features.largest_component, lambda m: measure.label(m), "label image"),
    (preprocessing_and_features.largest_component, lambda m: m, "whole mask"),
    (preprocessing_and_features.area_mm2, lambda m, s: m.sum(), "in pixels"),
    (preprocessing_and_features.area_mm2, lambda m, s: m.sum() * s[0] ** 2, "squared the row spacing"),
    (preprocessing_and_features.best_feature, _best_by_largest_auc, "largest AUC"),
    (preprocessing_and_features.best_feature, lambda X, y, n: 3, "an index"),
]


test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)
