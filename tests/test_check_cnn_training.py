"""Exercise checks of chapter 06 (training a CNN): typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import math

import numpy as np
from helpers import typical_mistakes_test

from medlearn.check import cnn_training


def _early_stopping(**options):
    import keras

    return keras.callbacks.EarlyStopping(**options)


MISTAKES = [
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
]


test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)
