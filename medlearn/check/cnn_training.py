"""Checks for the exercises of chapter 06, training a CNN.

In the exercise notebook::

    from medlearn.check import cnn_training as check
    check.conv_parameters(conv_parameters)
    images_train, y_train, images_val, y_val = check.pneumonia_subset()   # the training tasks' images

The tasks that train a network (``build_from_table``, ``train_and_gap``, ``break_it``) live in the private
``_cnn_training_run`` and are given here with the others. The answers are compared with what Keras and
scikit-learn compute, and a trained model's numbers with that model scored again; Keras is imported only by the
checks that need it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from ..models import to_network_input as library_input
from ._cnn_training_run import (
    break_it,
    build_from_table,
    min_max_per_image,
    pneumonia_subset,
    train_and_gap,
    what_changed,
)
from .core import Wrong, as_array, as_number, call, task

__all__ = [
    "best_epoch",
    "break_it",
    "build_from_table",
    "class_weights",
    "conv_parameters",
    "early_stopping",
    "min_max_per_image",
    "output_size",
    "pneumonia_subset",
    "to_network_input",
    "train_and_gap",
    "what_changed",
]


def _as_int(value: Any, what: str) -> int:
    number = as_number(value, what)
    if number != round(number):
        raise Wrong(f"{what} should be a whole number, not {number:g}.")
    return int(round(number))


@task(
    hints=[
        "Each filter has one kernel_size x kernel_size kernel for every input channel.",
        "kernel_size**2 * in_channels * filters weights, plus one bias per filter when use_bias is True.",
    ]
)
def conv_parameters(function: Any) -> None:
    import keras

    for kernel, channels, filters, bias in ((3, 1, 16, True), (3, 16, 32, False), (5, 3, 8, True), (1, 64, 10, True)):
        layer = keras.layers.Conv2D(filters, kernel, use_bias=bias)
        layer.build((None, 28, 28, channels))
        want = layer.count_params()
        got = _as_int(call(function, kernel, channels, filters, bias), "the number of parameters")
        if got == want:
            continue
        if got == kernel * kernel * filters + filters * bias:
            raise Wrong(
                f"with {channels} input channels each filter has a {kernel}x{kernel} kernel per input channel: "
                "multiply by the number of input channels."
            )
        if bias and got == kernel * kernel * channels * filters:
            raise Wrong("the bias is missing: with use_bias=True every filter has one bias as well.")
        if not bias and got == kernel * kernel * channels * filters + filters:
            raise Wrong("with use_bias=False there is no bias to count.")
        raise Wrong(
            f"a Conv2D({filters}, {kernel}, use_bias={bias}) on {channels} channels has {want} parameters; "
            f"you returned {got}."
        )


@task(
    hints=[
        "'valid' means no padding: the kernel must fit inside the image. 'same' pads so that only the stride shrinks "
        "the image.",
        "valid: (n - k) // stride + 1, chapter 01's formula with padding 0; same: math.ceil(n / stride).",
    ]
)
def output_size(function: Any) -> None:
    import keras

    # The same contract as chapter 01's output_size(n, k, padding, stride), with Keras' padding words.
    for size, kernel, stride, padding in (
        (28, 3, 1, "valid"),
        (28, 3, 1, "same"),
        (28, 3, 2, "valid"),
        (28, 5, 2, "same"),
        (27, 3, 2, "same"),
        (14, 2, 2, "valid"),
        (9, 4, 3, "valid"),
        (28, 4, 1, "same"),
        (28, 2, 2, "same"),
    ):
        layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)
        want = layer.compute_output_shape((None, size, size, 1))[1]
        got = _as_int(call(function, size, kernel, padding, stride), "the output size")
        if got == want:
            continue
        if stride > 1 and padding == "valid" and got == size - kernel + 1:
            raise Wrong(
                f"a stride of {stride} keeps only every {stride}th position: floor((size - kernel) / stride) + 1."
            )
        if stride > 1 and padding == "valid" and got == (size - kernel + 1) // stride:
            raise Wrong(
                f"size {size}, kernel {kernel}, stride {stride}, 'valid': you returned {got}, Keras gives {want}. "
                "The +1 is inside the division: (size - kernel + 1) // stride. It belongs after the division: "
                "(size - kernel) // stride + 1, the first position plus one for every whole step of the stride."
            )
        if stride > 1 and padding == "same" and got == size:
            raise Wrong(f"'same' keeps the size only with stride 1; with stride {stride} it is ceil(size / stride).")
        if padding == "same" and got == size // stride and size % stride:
            raise Wrong(f"for size {size} and stride {stride}, 'same' rounds up: ceil(size / stride) = {want}.")
        if padding == "same" and kernel % 2 == 0 and got == (size + 2 * (kernel // 2) - kernel) // stride + 1:
            raise Wrong(
                f"kernel {kernel} is even: padding kernel // 2 on both sides adds one pixel too many. 'same' gives "
                f"ceil(size / stride) = {want} for any kernel; Keras pads one side more than the other."
            )
        raise Wrong(
            f"size {size}, kernel {kernel}, stride {stride}, padding '{padding}': Keras gives {want}, "
            f"you returned {got}."
        )


@task(
    hints=[
        "Three steps: a channel axis, float32, and a scale from 0-255 to 0-1.",
        "(images[..., None] / 255.0).astype('float32')",
    ]
)
def to_network_input(function: Any) -> None:
    rng = np.random.default_rng(5)
    images = rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8)
    images[0] = np.minimum(images[0], 100)  # a dark image: its own maximum is not 255
    result = call(function, images.copy())
    if isinstance(result, np.ndarray) and result.shape == images.shape:
        raise Wrong("Keras' Conv2D wants a channel axis: shape (N, 28, 28, 1), for example images[..., None].")
    array = as_array(result, "the network input", shape=(6, 28, 28, 1))
    if not isinstance(result, np.ndarray) or result.dtype != np.float32:
        raise Wrong(
            f"return float32 (the precision Keras trains in, half the memory of float64), not "
            f"{getattr(result, 'dtype', type(result).__name__)}."
        )
    if array.max() > 1.5:
        raise Wrong("scale the intensities to [0, 1]: divide the 8-bit values by 255.")
    want = library_input(images)  # the function chapters 07 and the benchmark import
    if np.allclose(array, images[..., None] / images.max(axis=(1, 2), keepdims=True)[..., None]) and not np.allclose(
        array, want
    ):
        raise Wrong(
            "divide by 255 for every image, not by each image's own maximum: per-image scaling makes a dark "
            "image look as bright as the others and hides a real difference."
        )
    if not np.allclose(array, want, atol=1e-6):
        raise Wrong("the values should be the 8-bit intensities divided by 255, in the same order.")


@task(
    hints=[
        "The rarer a class, the larger its weight, so that each class contributes equally to the loss.",
        "weight of class k = n_samples / (n_classes * count_k), with counts from np.bincount.",
    ]
)
def class_weights(function: Any) -> None:
    for labels in (
        np.r_[np.zeros(30, int), np.ones(90, int)],
        np.r_[np.zeros(147, int), np.ones(399, int)],
        np.array([0, 1, 1, 2, 2, 2, 2, 2]),
    ):
        result = call(function, labels.copy())
        if not isinstance(result, dict):
            raise Wrong(
                f"return a dict {{class: weight}}, the form model.fit(class_weight=...) takes, not a "
                f"{type(result).__name__}."
            )
        classes = np.unique(labels)
        if sorted(int(k) for k in result) != classes.tolist():
            raise Wrong(f"the keys should be the classes {classes.tolist()}; yours are {sorted(result)}.")
        want = dict(zip(classes.tolist(), compute_class_weight("balanced", classes=classes, y=labels)))
        got = {int(k): as_number(v, f"the weight of class {k}") for k, v in result.items()}
        if all(np.isclose(got[k], want[k]) for k in want):
            continue
        counts = np.bincount(labels)
        if all(np.isclose(got[k], counts[k] / len(labels)) for k in want):
            raise Wrong("those are the class fractions: the rare class must get the larger weight (the inverse).")
        if all(np.isclose(got[k], 1 / counts[k]) for k in want):
            raise Wrong(
                "right direction, but scale them so that the weights average to 1 over the cases: "
                "n_samples / (n_classes * count)."
            )
        if all(np.isclose(got[k], len(labels) / (2 * counts[k])) for k in want):
            raise Wrong(
                f"with {len(classes)} classes, divide by {len(classes)}, not 2: n_samples / (n_classes * count). "
                "The chapter's n / (2 * count) is the two-class case; write yours for any number of classes."
            )
        raise Wrong(
            f"for counts {counts.tolist()} the balanced weights are "
            f"{ {k: round(float(v), 3) for k, v in want.items()} }; you returned "
            f"{ {k: round(v, 3) for k, v in got.items()} }."
        )


@task(
    hints=[
        "history[monitor] is a list with one value per epoch; find the best one (lowest for 'min', highest for 'max').",
        "int(np.argmin(values)) + 1 for 'min' (np.argmax for 'max'): epochs are counted from 1.",
    ]
)
def best_epoch(function: Any) -> None:
    history = {
        "loss": [0.69, 0.52, 0.41, 0.35, 0.30, 0.24, 0.26],
        "val_loss": [0.66, 0.55, 0.47, 0.49, 0.45, 0.51, 0.58],
        "auc": [0.70, 0.83, 0.90, 0.93, 0.95, 0.97, 0.96],
        "val_auc": [0.74, 0.86, 0.91, 0.92, 0.91, 0.90, 0.89],
    }
    for monitor, mode, want in (("val_loss", "min", 5), ("val_auc", "max", 4)):
        got = _as_int(call(function, {k: list(v) for k, v in history.items()}, monitor, mode), "the epoch")
        if got == want:
            continue
        if got == want - 1:
            raise Wrong("Keras counts epochs from 1 (the first epoch is epoch 1); your answer looks 0-based.")
        if got == len(history["loss"]):
            raise Wrong("that is the last epoch; restore_best_weights keeps the epoch with the best monitored value.")
        values = np.array(history[monitor])
        if got == int((np.argmax if mode == "min" else np.argmin)(values)) + 1:
            raise Wrong(f"mode '{mode}': for {monitor} {'lower' if mode == 'min' else 'higher'} is better.")
        training = np.array(history[monitor.removeprefix("val_")])
        if got == int((np.argmin if mode == "min" else np.argmax)(training)) + 1:
            raise Wrong(f"you used the training curve; early stopping watches the validation curve {monitor}.")
        raise Wrong(f"for {monitor} ({mode}) the best epoch is {want}; you returned {got}.")


@task(
    hints=[
        "keras.callbacks.EarlyStopping takes monitor, mode, patience and restore_best_weights.",
        "EarlyStopping(monitor='val_auc', mode='max', patience=5, restore_best_weights=True)",
    ]
)
def early_stopping(function: Any) -> None:
    import keras

    callback = call(function)
    if not isinstance(callback, keras.callbacks.EarlyStopping):
        raise Wrong(f"return a keras.callbacks.EarlyStopping, not {type(callback).__name__}.")
    if callback.monitor == "auc":
        raise Wrong("'auc' is the training AUC, which keeps rising as the model memorises: monitor 'val_auc'.")
    if callback.monitor != "val_auc":
        raise Wrong(f"monitor 'val_auc', the validation AUC; yours monitors {callback.monitor!r}.")
    if getattr(callback, "mode", "auto") == "min":
        raise Wrong("mode='min' would stop when the AUC stops falling; a higher AUC is better: mode='max'.")
    if not callback.restore_best_weights:
        raise Wrong(
            "without restore_best_weights=True the model keeps the weights of the last epoch, "
            "which are past the best one."
        )
    if not 3 <= callback.patience <= 10:
        raise Wrong(
            f"patience {callback.patience}: choose from 3 to 10 epochs; fewer stops at the first noisy epoch, "
            "more wastes time."
        )
