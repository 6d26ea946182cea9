"""Typical mistakes must fail, with the hint written for them (a check that accepts them is useless)."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from pydicom.uid import generate_uid
from scipy import ndimage, signal
from skimage import filters, measure
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, precision_score, recall_score, roc_auc_score
from sklearn.svm import SVC

from medlearn.check import (
    cnn_training,
    convolution,
    evaluation,
    medical_images,
    preprocessing_and_features,
    random_forests,
    segmentation,
    svm_margins,
)


def _bootstrap_without_replacement(y, scores, n_boot, seed):
    rng = np.random.default_rng(seed)
    aucs = [roc_auc_score(y[order], scores[order]) for order in (rng.permutation(len(y)) for _ in range(n_boot))]
    return tuple(np.percentile(aucs, [2.5, 97.5]))


def _early_stopping(**options):
    import keras

    return keras.callbacks.EarlyStopping(**options)


def _gini(labels):
    p = np.bincount(labels) / len(labels)
    return 1 - np.sum(p**2)


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


def _best_by_largest_auc(X, labels, names):
    return names[int(np.argmax([roc_auc_score(labels, X[:, j]) for j in range(X.shape[1])]))]


def _pick_by_training(X_train, y_train, X_val, y_val, candidates):
    scores = {C: SVC(kernel="linear", C=C).fit(X_train, y_train).score(X_train, y_train) for C in candidates}
    return max(scores, key=scores.get)


def _drop_in_place(model, X, y, column, seed):
    before = accuracy_score(y, model.predict(X))
    X[:, column] = X[np.random.default_rng(seed).permutation(len(X)), column]
    return before - accuracy_score(y, model.predict(X))


MISTAKES = [
    # chapter 00
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
    # chapter 01
    (convolution.output_size, lambda n, k, p, s: (n + 2 * p - k) // s, "Off by one"),
    (convolution.output_size, lambda n, k, p, s: (n + p - k) // s + 1, "both sides"),
    (convolution.output_size, lambda n, k, p, s: (n + 2 * p - k + 1) // s, "belongs after the division"),
    (convolution.output_size, lambda n, k, p, s: (n + 2 * p - k) / s + 1, "whole number"),
    (convolution.mean_filter_3x3, lambda im: ndimage.uniform_filter(im.astype(float), 3), "'valid' output"),
    (convolution.mean_filter_3x3, lambda im: 9 * ndimage.uniform_filter(im.astype(float), 3)[1:-1, 1:-1], "9 times"),
    (convolution.mean_filter_3x3, lambda im: ndimage.uniform_filter(im, 3)[1:-1, 1:-1], "uint8"),
    (convolution.convolve_valid, lambda im, k: signal.correlate2d(im, k, mode="valid"), "computed correlation"),
    (
        convolution.convolve_valid,
        lambda im, k: signal.correlate2d(im, k[::-1, :], mode="valid"),
        "flipped the kernel's rows only",
    ),
    (convolution.horizontal_edge_kernel, lambda: np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]), "negative response"),
    (convolution.horizontal_edge_kernel, lambda: np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]), "vertical edges"),
    (convolution.horizontal_edge_kernel, lambda: np.ones((3, 3)), "add up to"),
    (convolution.remove_salt_and_pepper, lambda im: ndimage.gaussian_filter(im, 1), "improved by only"),
    (convolution.correlate_same_zero, lambda im, k: ndimage.correlate(im, k, mode="reflect"), "border"),
    (convolution.correlate_same_zero, lambda im, k: ndimage.convolve(im, k, mode="constant"), "convolution"),
    (convolution.correlate_same_zero, lambda im, k: signal.correlate2d(im, k, mode="valid"), "'valid' shape"),
    # chapter 02
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
    # chapter 03
    (svm_margins.decision_value, lambda w, b, x: np.dot(w, x), "offset b is missing"),
    (svm_margins.margin_width, lambda w: 1 / np.linalg.norm(w), "half the margin"),
    (svm_margins.margin_width, lambda w: 2 / np.sum(w**2), "||w||**2"),
    (svm_margins.hinge_loss, lambda y, f: np.mean(1 - y * f), "cost nothing"),
    (svm_margins.hinge_loss, lambda y, f: np.sum(np.maximum(0, 1 - y * f)), "the sum"),
    (svm_margins.hinge_loss, lambda y, f: np.mean(y * f <= 0), "0-1 loss"),
    (svm_margins.refit_on_support_vectors, lambda X, y: SVC(kernel="linear", C=1e6).fit(X, y), "all 60 cases"),
    (svm_margins.scaled_rbf_svm, lambda C, g: SVC(C=C, gamma=g), "bare SVC"),
    (svm_margins.pick_c, _pick_by_training, "training accuracy"),
    # chapter 04
    (random_forests.gini, lambda y: 1 - np.sum(np.bincount(y) / len(y)), "square"),
    (random_forests.gini, lambda y: np.sum((np.bincount(y) / len(y)) ** 2), "1 minus"),
    (random_forests.weighted_gini, lambda left, right: (_gini(left) + _gini(right)) / 2, "plain mean"),
    (random_forests.weighted_gini, lambda left, right: _gini(np.r_[left, right]), "parent"),
    (random_forests.regression_scores, lambda t, p: (np.mean((t - p) ** 2), 0.5), "squared error"),
    (random_forests.regression_scores, lambda t, p: (np.mean(t - p), 0.5), "cancel"),
    (
        random_forests.regression_scores,
        lambda t, p: (np.mean(np.abs(t - p)), np.corrcoef(t, p)[0, 1] ** 2),
        "squared correlation",
    ),
    (random_forests.permutation_drop, _drop_in_place, "changed X"),
    (
        random_forests.balanced_forest,
        lambda: RandomForestClassifier(100, min_samples_leaf=5, random_state=0),
        "class_weight",
    ),
    (
        random_forests.balanced_forest,
        lambda: RandomForestClassifier(100, class_weight="balanced", random_state=0),
        "min_samples_leaf",
    ),
    (random_forests.best_threshold, lambda x, y: float(np.median(x)), "values themselves"),
    # chapter 05
    (cnn_training.conv_parameters, lambda k, c, f, b: k * k * f + f * b, "input channels"),
    (cnn_training.conv_parameters, lambda k, c, f, b: k * k * c * f, "bias is missing"),
    (cnn_training.conv_parameters, lambda k, c, f, b: k * k * c * f + f, "no bias to count"),
    (cnn_training.output_size, lambda n, k, p, s: n if p == "same" else n - k + 1, "stride"),
    (cnn_training.output_size, lambda n, k, p, s: n // s if p == "same" else (n - k) // s + 1, "rounds up"),
    (
        cnn_training.output_size,
        lambda n, k, p, s: math.ceil(n / s) if p == "same" else (n - k + 1) // s,
        "belongs after the division",
    ),
    (cnn_training.to_network_input, lambda im: (im / 255.0).astype("float32"), "channel axis"),
    (cnn_training.to_network_input, lambda im: im[..., None].astype("float32"), "divide the 8-bit values by 255"),
    (cnn_training.to_network_input, lambda im: im[..., None] / 255.0, "float32"),
    (
        cnn_training.to_network_input,
        lambda im: (im / im.max(axis=(1, 2), keepdims=True))[..., None].astype("float32"),
        "own maximum",
    ),
    (cnn_training.class_weights, lambda y: list(len(y) / (2 * np.bincount(y))), "dict"),
    (cnn_training.class_weights, lambda y: {k: c / len(y) for k, c in enumerate(np.bincount(y))}, "inverse"),
    (
        cnn_training.class_weights,
        lambda y: {k: 1 / c for k, c in enumerate(np.bincount(y))},
        "n_samples / (n_classes * count)",
    ),
    (cnn_training.best_epoch, lambda h, m, mode: int(np.argmin(h[m]) if mode == "min" else np.argmax(h[m])), "0-based"),
    (cnn_training.best_epoch, lambda h, m, mode: len(h[m]), "last epoch"),
    (cnn_training.best_epoch, lambda h, m, mode: int(np.argmin(h[m])) + 1, "higher is better"),
    (
        cnn_training.best_epoch,
        lambda h, m, mode: int((np.argmin if mode == "min" else np.argmax)(h[m.removeprefix("val_")])) + 1,
        "training curve",
    ),
    (
        cnn_training.early_stopping,
        lambda: _early_stopping(monitor="auc", mode="max", patience=5, restore_best_weights=True),
        "training AUC",
    ),
    (
        cnn_training.early_stopping,
        lambda: _early_stopping(monitor="val_auc", mode="min", patience=5, restore_best_weights=True),
        "mode='max'",
    ),
    (
        cnn_training.early_stopping,
        lambda: _early_stopping(monitor="val_auc", mode="max", patience=5),
        "restore_best_weights",
    ),
    (
        cnn_training.early_stopping,
        lambda: _early_stopping(monitor="val_auc", mode="max", patience=50, restore_best_weights=True),
        "patience 50",
    ),
    (
        cnn_training.early_stopping,
        lambda: _early_stopping(monitor="val_loss", patience=5, restore_best_weights=True),
        "monitor 'val_auc'",
    ),
    # chapter 06
    (evaluation.sensitivity_specificity, lambda t, p: (recall_score(t, p, pos_label=0), recall_score(t, p)), "swapped"),
    (evaluation.sensitivity_specificity, lambda t, p: (precision_score(t, p), recall_score(t, p, pos_label=0)), "PPV"),
    (
        evaluation.sensitivity_specificity,
        lambda t, p: (recall_score(t, p), 1 - recall_score(t, p, pos_label=0)),
        "false positive rate",
    ),
    (evaluation.ppv_at_prevalence, lambda se, sp, q: se, "that is the sensitivity"),
    (evaluation.ppv_at_prevalence, lambda se, sp, q: se * q / (se * q + (1 - sp)), "(1 - prevalence)"),
    (evaluation.ppv_at_prevalence, lambda se, sp, q: se * q, "divide it"),
    (evaluation.auc_by_ranking, lambda t, s: 1 - roc_auc_score(t, s), "1 - AUC"),
    (evaluation.auc_by_ranking, lambda t, s: np.mean(s[t == 1][:, None] > s[t == 0][None, :]), "counts half"),
    (evaluation.auc_by_ranking, lambda t, s: np.mean(s[t == 1][:, None] >= s[t == 0][None, :]), "not as a win"),
    (evaluation.threshold_for_sensitivity, lambda t, s, g: float(s[t == 1].min()), "HIGHEST"),
    (evaluation.threshold_for_sensitivity, lambda t, s, g: float(s[t == 1].max()), "below the target"),
    (evaluation.bootstrap_auc, _bootstrap_without_replacement, "WITH replacement"),
    (evaluation.bootstrap_auc, lambda t, s, n, seed: (0.5, 1.0), "much wider"),
    (evaluation.patient_split, lambda ids, f, seed: np.random.default_rng(seed).random(len(ids)) < f, "both sides"),
    (
        evaluation.patient_split,
        lambda ids, f, seed: np.isin(ids, np.unique(ids)[: round(f * len(np.unique(ids)))]),
        "same split",
    ),
    (
        evaluation.patient_split,
        lambda ids, f, seed: np.isin(ids, np.random.default_rng(seed).choice(np.unique(ids), 5, replace=False)),
        "a quarter",
    ),
]


@pytest.mark.parametrize(
    ("task", "answer", "hint"), MISTAKES, ids=[f"{t.name}-{i}" for i, (t, _, _) in enumerate(MISTAKES)]
)
def test_typical_mistake_fails_with_its_hint(task, answer, hint: str) -> None:
    result = task.run(answer)
    assert result.status == "fail", f"{task.name} accepted a typical mistake"
    assert hint in result.message, result.message


def _dice(t, p):
    return 2 * np.sum(t & p) / (t.sum() + p.sum()) if t.sum() + p.sum() else 1.0


def _borders(a, b):
    return [m & ~ndimage.binary_erosion(m) for m in (a, b)]


@pytest.mark.parametrize(
    ("task", "answer", "hint"),
    [
        (segmentation.dice_by_hand, lambda t, p: np.sum(t & p) / np.sum(t | p), "IoU"),
        (segmentation.dice_by_hand, lambda t, p: np.sum(t & p) / (t.sum() + p.sum()), "twice"),
        (segmentation.dice_by_hand, lambda t, p: 2 * np.sum(t & p) / max(t.sum() + p.sum(), 1), "empty"),
        (segmentation.iou_from_dice_by_hand, lambda d: 2 * d / (1 + d), "other way"),
        (segmentation.iou_from_dice_by_hand, lambda d: d / 2, "not half"),
        (segmentation.dice_inside, lambda t, p, m: _dice(t, p), "outside the mask"),
        (
            segmentation.hd95,
            lambda a, b: np.percentile(ndimage.distance_transform_edt(~_borders(a, b)[1])[_borders(a, b)[0]], 95),
            "one direction",
        ),
        (
            segmentation.hd95,
            lambda a, b: max(
                ndimage.distance_transform_edt(~_borders(a, b)[1])[_borders(a, b)[0]].max(),
                ndimage.distance_transform_edt(~_borders(a, b)[0])[_borders(a, b)[1]].max(),
            ),
            "maximum",
        ),
        (
            segmentation.dice_inside,
            lambda t, p, m: 2 * np.sum(t[m] & p[m]) / max(t[m].sum() + p[m].sum(), 1),
            "empty inside",
        ),
        (
            segmentation.hd95,
            lambda a, b: np.percentile(
                np.concatenate(
                    [
                        ndimage.distance_transform_edt(~_borders(a, b)[1])[_borders(a, b)[0]],
                        ndimage.distance_transform_edt(~_borders(a, b)[0])[_borders(a, b)[1]],
                    ]
                ),
                95,
            ),
            "medpy",
        ),
        (segmentation.patch_at, lambda im, m, r, c, s: (im[r : r + s, c : c + s], m[r : r + s, c : c + s]), "CENTRE"),
        (segmentation.split_by_child, lambda child, n, seed: np.isin(child, np.unique(child)[:n]), "same split"),
        (
            segmentation.split_by_child,
            lambda child, n, seed: np.isin(
                np.arange(len(child)), np.random.default_rng(seed).choice(len(child), 2 * n)
            ),
            "split by child",
        ),
        (
            segmentation.split_by_child,
            lambda child, n, seed: np.isin(child, np.unique(child)[:n]).astype(int),
            "boolean",
        ),
    ],
)
def test_segmentation_mistakes_get_their_hint(task, answer, hint: str) -> None:
    result = task.run(answer)
    assert result.status == "fail" and hint in result.message, result.message
