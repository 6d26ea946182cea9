"""Exercise checks of chapter 15 (few labels): right answers pass, typical mistakes fail with their hint."""

from __future__ import annotations

import numpy as np
from helpers import placeholders_test, right_answers_test, typical_mistakes_test

from medlearn.check import few_labels


def _variance(images, k, centre=True, square=True, shift=0):
    rows = images.reshape(len(images), -1)
    if centre:
        rows = rows - rows.mean(axis=0)
    s = np.linalg.svd(rows, compute_uv=False)
    s = s**2 if square else s
    return s[: k - shift].sum() / s.sum()


def _pairs(n):
    return n * (n - 1) / 2


def _ari(a, b, adjust=True):
    _, a = np.unique(a, return_inverse=True)
    _, b = np.unique(b, return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)
    index = _pairs(table).sum()
    rows, cols = _pairs(table.sum(axis=1)).sum(), _pairs(table.sum(axis=0)).sum()
    total = _pairs(len(a))
    if not adjust:  # the plain Rand index: pairs together in both, or apart in both
        return (total + 2 * index - rows - cols) / total
    expected = rows * cols / total
    return (index - expected) / ((rows + cols) / 2 - expected)


def _pca_scores(normal, images, k, fit_on_images=False, total=False):
    source = images if fit_on_images else normal
    mean = source.mean(axis=0)
    _, _, vt = np.linalg.svd(source - mean, full_matrices=False)
    v = vt[:k]
    rebuilt = mean + (images - mean) @ v.T @ v
    errors = (images - rebuilt) ** 2
    return errors.sum(axis=1) if total else errors.mean(axis=1)


def _frozen(names, depth, skip_bn=False, extra=0, with_free=False, head=False):
    frozen, seen = [], 0
    for name in names:
        if name.startswith("conv"):
            seen += 1
        if name.startswith(("global", "dropout", "probability")):
            if head and depth == sum(n.startswith("conv") for n in names):
                frozen.append("probability")
            break
        if depth > 0 and seen <= depth + extra:
            if name.startswith("conv") or (name.startswith("bn") and not skip_bn) or with_free:
                if name != "image":
                    frozen.append(name)
    return frozen


def _pick(p, labelled, n, ignore=False, lowest=False, confident=False):
    candidates = np.arange(len(p)) if ignore else np.flatnonzero(~labelled)
    key = p[candidates] if lowest else -np.abs(p[candidates] - 0.5) if confident else np.abs(p[candidates] - 0.5)
    return candidates[np.argsort(key, kind="stable")[:n]]


def _order(labels, probabilities, reverse=False, class_one=False):
    confidence = probabilities[:, 1] if class_one else probabilities[np.arange(len(labels)), labels]
    order = np.argsort(confidence, kind="stable")
    return order[::-1] if reverse else order


RIGHT = {
    few_labels.variance_kept: lambda images, k: _variance(images, k),
    few_labels.adjusted_rand: lambda a, b: _ari(a, b),
    few_labels.pca_anomaly_scores: lambda normal, images, k: _pca_scores(normal, images, k),
    few_labels.frozen_layers: lambda names, depth: _frozen(names, depth),
    few_labels.uncertainty_pick: lambda p, labelled, n: _pick(p, labelled, n),
    few_labels.self_confidence_order: lambda labels, probabilities: _order(labels, probabilities),
    few_labels.report_anomaly_finder: lambda: "b",
}

MISTAKES = [
    (few_labels.variance_kept, lambda images, k: _variance(images, k, centre=False), "subtract the mean image"),
    (few_labels.variance_kept, lambda images, k: _variance(images, k, square=False), "SQUARED"),
    (few_labels.variance_kept, lambda images, k: _variance(images, k, shift=1), "one too few"),
    (few_labels.variance_kept, lambda images, k: np.ones(k), "return one number"),
    (few_labels.adjusted_rand, lambda a, b: _ari(a, b, adjust=False), "plain Rand index"),
    (few_labels.adjusted_rand, lambda a, b: float((a == b).mean()), "compare PAIRS"),
    (few_labels.pca_anomaly_scores, lambda n, i, k: _pca_scores(n, i, k, fit_on_images=True), "NORMAL images only"),
    (few_labels.pca_anomaly_scores, lambda n, i, k: _pca_scores(n, i, k, total=True), "MEAN over the pixels"),
    (few_labels.pca_anomaly_scores, lambda n, i, k: _pca_scores(n, i, k)[:5], "one score per image"),
    (few_labels.frozen_layers, lambda names, d: _frozen(names, d, skip_bn=True), "batch normalisation"),
    (few_labels.frozen_layers, lambda names, d: _frozen(names, d, extra=1), "one block too many"),
    (few_labels.frozen_layers, lambda names, d: _frozen(names, d, with_free=True), "ReLU and pooling"),
    (few_labels.frozen_layers, lambda names, d: _frozen(names, d, head=True), "head"),
    (few_labels.uncertainty_pick, lambda p, lab, n: _pick(p, lab, n, ignore=True), "already have"),
    (few_labels.uncertainty_pick, lambda p, lab, n: _pick(p, lab, n, lowest=True), "closeness to 0.5"),
    (few_labels.uncertainty_pick, lambda p, lab, n: _pick(p, lab, n, confident=True), "CONFIDENT"),
    (few_labels.self_confidence_order, lambda y, p: _order(y, p, reverse=True), "most suspect FIRST"),
    (few_labels.self_confidence_order, lambda y, p: _order(y, p, class_one=True), "CARRIES"),
    (few_labels.report_anomaly_finder, lambda: "a", "chosen after seeing the test set"),
    (few_labels.report_anomaly_finder, lambda: "c", "operating point"),
    (few_labels.report_anomaly_finder, lambda: "d", "training longer"),
    (few_labels.report_anomaly_finder, lambda: "e", "one letter"),
]

test_right_answers_pass = right_answers_test(RIGHT)
test_typical_mistakes_fail_with_their_hint = typical_mistakes_test(MISTAKES)

test_placeholders_are_todo_and_odd_input_never_crashes = placeholders_test(RIGHT)
