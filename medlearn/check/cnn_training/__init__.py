"""Checks for the exercises of the cnn_training chapter, training a CNN.

In the exercise notebook::

    from medlearn.check import cnn_training as check
    check.conv_parameters(conv_parameters)
    images_train, y_train, images_val, y_val = check.pneumonia_subset()   # the training tasks' images

The tasks that build and train a network (``build_from_table``, ``train_and_gap``, ``break_it``) live in the private
``_build`` and ``_training`` and are given here with the others. The answers are compared with what Keras and
scikit-learn compute, and a trained model's numbers with that model scored again; Keras is imported only by the
checks that need it.
"""

from __future__ import annotations

import math
import operator
from importlib import resources
from typing import Any

import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from ..._messages import tr
from ...models import to_network_input as library_input
from ..core import Mistake, Wrong, as_array, as_number, call, compared, task
from ._build import build_from_table
from ._data import pneumonia_subset
from ._read import as_int
from ._stopping import best_epoch, early_stopping
from ._training import break_it, min_max_per_image, train_and_gap, what_changed

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


@compared(
    tr("Each filter has one kernel_size x kernel_size kernel for every input channel."),
    tr("kernel_size**2 * in_channels * filters weights, plus one bias per filter when use_bias is True."),
    cases=lambda: [(3, 1, 16, True), (3, 16, 32, False), (5, 3, 8, True), (1, 64, 10, True)],
    read=lambda value, *_: as_int(value, tr("the number of parameters")),
    same=operator.eq,
    mistakes=[
        Mistake(
            "one input channel",
            lambda kernel, channels, filters, bias: kernel * kernel * filters + filters * bias,
            lambda got, kernel, channels, filters, bias: tr(
                "with {channels} input channels each filter has a {kernel}x{kernel} kernel per input channel: "
                "multiply by the number of input channels.",
                channels=channels,
                kernel=kernel,
            ),
        ),
        Mistake(
            "no bias",
            lambda kernel, channels, filters, bias: kernel * kernel * channels * filters,
            tr("the bias is missing: with use_bias=True every filter has one bias as well."),
        ),
        Mistake(
            "a bias without use_bias",
            lambda kernel, channels, filters, bias: kernel * kernel * channels * filters + filters,
            tr("with use_bias=False there is no bias to count."),
        ),
    ],
    otherwise=lambda got, want, kernel, channels, filters, bias: tr(
        "a Conv2D({filters}, {kernel}, use_bias={bias}) on {channels} channels has {want} parameters; you returned "
        "{got}.",
        filters=filters,
        kernel=kernel,
        bias=bias,
        channels=channels,
        want=want,
        got=got,
    ),
)
def conv_parameters(kernel: int, channels: int, filters: int, bias: bool) -> int:
    import keras

    layer = keras.layers.Conv2D(filters, kernel, use_bias=bias)
    layer.build((None, 28, 28, channels))
    return layer.count_params()


def _number_of(chapter: str) -> str:
    """The number the course gives ``chapter`` now, read from its quiz's file name (``quizzes/NN_<chapter>.json``):
    a hint that names a chapter follows the chapter when it moves.

    Example:
        >>> len(_number_of("convolution"))
        2
    """
    names = (path.name for path in (resources.files("medlearn") / "quizzes").iterdir())
    return next(name[:2] for name in names if name[2:] == f"_{chapter}.json")


def _keras_size(size: int, kernel: int, padding: str, stride: int) -> int:
    import keras

    return keras.layers.Conv2D(1, kernel, strides=stride, padding=padding).compute_output_shape((None, size, size, 1))[
        1
    ]


def _even_kernel_padding(size: int, kernel: int, padding: str, stride: int) -> int:
    return (size + 2 * (kernel // 2) - kernel) // stride + 1


# The same contract as the convolution chapter's output_size(n, k, padding, stride), with Keras' padding words.
@compared(
    tr(
        "'valid' means no padding: the kernel must fit inside the image. 'same' pads so that only the stride shrinks "
        "the image."
    ),
    tr(
        "valid: (n - k) // stride + 1, chapter {chapter}'s formula with padding 0; same: math.ceil(n / stride).",
        chapter=_number_of("convolution"),
    ),
    cases=lambda: [
        (28, 3, "valid", 1),
        (28, 3, "same", 1),
        (28, 3, "valid", 2),
        (28, 5, "same", 2),
        (27, 3, "same", 2),
        (14, 2, "valid", 2),
        (9, 4, "valid", 3),
        (28, 4, "same", 1),
        (28, 2, "same", 2),
    ],
    read=lambda value, *_: as_int(value, tr("the output size")),
    same=operator.eq,
    mistakes=[
        Mistake(
            "no stride",
            lambda size, kernel, padding, stride: size if padding == "same" else size - kernel + 1,
            lambda got, size, kernel, padding, stride: tr(
                "a stride of {stride} keeps only every {stride}th position: floor((size - kernel) / stride) + 1.",
                stride=stride,
            ),
            spot=lambda got, want, size, kernel, padding, stride: (
                stride > 1 and padding == "valid" and got == size - kernel + 1
            ),
        ),
        Mistake(
            "+1 inside the division",
            lambda size, kernel, padding, stride: (
                math.ceil(size / stride) if padding == "same" else (size - kernel + 1) // stride
            ),
            lambda got, size, kernel, padding, stride: tr(
                "size {size}, kernel {kernel}, stride {stride}, 'valid': you returned {got}, Keras gives {want}. "
                "The +1 is inside the division: (size - kernel + 1) // stride. It belongs after the division: "
                "(size - kernel) // stride + 1, the first position plus one for every whole step of the stride.",
                size=size,
                kernel=kernel,
                stride=stride,
                got=got,
                want=_keras_size(size, kernel, padding, stride),
            ),
            spot=lambda got, want, size, kernel, padding, stride: (
                stride > 1 and padding == "valid" and got == (size - kernel + 1) // stride
            ),
        ),
        Mistake(
            "'same' keeps the size",
            lambda size, kernel, padding, stride: size if padding == "same" else (size - kernel) // stride + 1,
            lambda got, size, kernel, padding, stride: tr(
                "'same' keeps the size only with stride 1; with stride {stride} it is ceil(size / stride).",
                stride=stride,
            ),
            spot=lambda got, want, size, kernel, padding, stride: stride > 1 and padding == "same" and got == size,
        ),
        Mistake(
            "'same' rounds down",
            lambda size, kernel, padding, stride: (
                size // stride if padding == "same" else (size - kernel) // stride + 1
            ),
            lambda got, size, kernel, padding, stride: tr(
                "for size {size} and stride {stride}, 'same' rounds up: ceil(size / stride) = {want}.",
                size=size,
                stride=stride,
                want=_keras_size(size, kernel, padding, stride),
            ),
            spot=lambda got, want, size, kernel, padding, stride: (
                padding == "same" and got == size // stride and size % stride
            ),
        ),
        Mistake(
            "even kernel padded on both sides",
            lambda size, kernel, padding, stride: (
                _even_kernel_padding(size, kernel, padding, stride)
                if padding == "same"
                else (size - kernel) // stride + 1
            ),
            lambda got, size, kernel, padding, stride: tr(
                "kernel {kernel} is even: padding kernel // 2 on both sides adds one pixel too many. 'same' gives "
                "ceil(size / stride) = {want} for any kernel; Keras pads one side more than the other.",
                kernel=kernel,
                want=_keras_size(size, kernel, padding, stride),
            ),
            spot=lambda got, want, size, kernel, padding, stride: (
                padding == "same" and kernel % 2 == 0 and got == _even_kernel_padding(size, kernel, padding, stride)
            ),
        ),
    ],
    otherwise=lambda got, want, size, kernel, padding, stride: tr(
        "size {size}, kernel {kernel}, stride {stride}, padding '{padding}': Keras gives {want}, you returned {got}.",
        size=size,
        kernel=kernel,
        stride=stride,
        padding=padding,
        want=want,
        got=got,
    ),
)
def output_size(size: int, kernel: int, padding: str, stride: int) -> int:
    return _keras_size(size, kernel, padding, stride)


def _scaled(images: np.ndarray) -> np.ndarray:
    return (images[..., None] / 255.0).astype("float32")


_NO_CHANNEL = Mistake(
    "no channel axis",
    lambda images: (images / 255.0).astype("float32"),
    tr("Keras' Conv2D wants a channel axis: shape (N, 28, 28, 1), for example images[..., None]."),
)
_FLOAT64 = Mistake(
    "float64",
    lambda images: images[..., None] / 255.0,
    lambda result: tr(
        "return float32 (the precision Keras trains in, half the memory of float64), not {kind}.",
        kind=getattr(result, "dtype", type(result).__name__),
    ),
)
_NOT_SCALED = Mistake(
    "0 to 255",
    lambda images: images[..., None].astype("float32"),
    tr("scale the intensities to [0, 1]: divide the 8-bit values by 255."),
)
_OWN_MAXIMUM = Mistake(
    "each image's own maximum",
    lambda images: (images / images.max(axis=(1, 2), keepdims=True))[..., None].astype("float32"),
    tr(
        "divide by 255 for every image, not by each image's own maximum: per-image scaling makes a dark "
        "image look as bright as the others and hides a real difference."
    ),
)
_OTHER_VALUES = Mistake(
    "another order",
    lambda images: _scaled(images)[::-1],
    tr("the values should be the 8-bit intensities divided by 255, in the same order."),
)


@task(
    tr("Three steps: a channel axis, float32, and a scale from 0-255 to 0-1."),
    tr("(images[..., None] / 255.0).astype('float32')"),
    mistakes=[_NO_CHANNEL, _FLOAT64, _NOT_SCALED, _OWN_MAXIMUM, _OTHER_VALUES],
    reference=_scaled,
)
def to_network_input(function: Any) -> None:
    rng = np.random.default_rng(5)
    images = rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8)
    images[0] = np.minimum(images[0], 100)  # a dark image: its own maximum is not 255
    result = call(function, images.copy())
    if isinstance(result, np.ndarray) and result.shape == images.shape:
        raise _NO_CHANNEL.wrong()
    array = as_array(result, tr("the network input"), shape=(6, 28, 28, 1))
    if not isinstance(result, np.ndarray) or result.dtype != np.float32:
        raise _FLOAT64.wrong(result)
    if array.max() > 1.5:
        raise _NOT_SCALED.wrong()
    want = library_input(images)  # the function the evaluation chapter and the benchmark import
    if np.allclose(array, images[..., None] / images.max(axis=(1, 2), keepdims=True)[..., None]) and not np.allclose(
        array, want
    ):
        raise _OWN_MAXIMUM.wrong()
    if not np.allclose(array, want, atol=1e-6):
        raise _OTHER_VALUES.wrong()


def _counts(labels: np.ndarray) -> np.ndarray:
    return np.bincount(labels)


_NOT_A_DICT = Mistake(
    "a list",
    lambda labels: list(len(labels) / (2 * _counts(labels))),
    lambda result: tr(
        "return a dict {{class: weight}}, the form model.fit(class_weight=...) takes, not a {kind}.",
        kind=type(result).__name__,
    ),
)
_WRONG_KEYS = Mistake(
    "keys from 1",
    lambda labels: {k + 1: w for k, w in enumerate(len(labels) / (2 * _counts(labels)))},
    lambda classes, result: tr(
        "the keys should be the classes {classes}; yours are {keys}.", classes=classes.tolist(), keys=sorted(result)
    ),
)
_FRACTIONS = Mistake(
    "fractions",
    lambda labels: {k: c / len(labels) for k, c in enumerate(_counts(labels))},
    tr("those are the class fractions: the rare class must get the larger weight (the inverse)."),
)
_UNSCALED = Mistake(
    "1 / count",
    lambda labels: {k: 1 / c for k, c in enumerate(_counts(labels))},
    tr(
        "right direction, but scale them so that the weights average to 1 over the cases: "
        "n_samples / (n_classes * count)."
    ),
)
_TWO_CLASSES = Mistake(
    "always two classes",
    lambda labels: {k: len(labels) / (2 * c) for k, c in enumerate(_counts(labels))},
    lambda classes: tr(
        "with {n} classes, divide by {n}, not 2: n_samples / (n_classes * count). "
        "The chapter's n / (2 * count) is the two-class case; write yours for any number of classes.",
        n=len(classes),
    ),
)


def _balanced(labels: np.ndarray) -> dict[int, float]:
    classes = np.unique(labels)
    return dict(zip(classes.tolist(), compute_class_weight("balanced", classes=classes, y=labels), strict=True))


@task(
    tr("The rarer a class, the larger its weight, so that each class contributes equally to the loss."),
    tr("weight of class k = n_samples / (n_classes * count_k), with counts from np.bincount."),
    mistakes=[_NOT_A_DICT, _WRONG_KEYS, _FRACTIONS, _UNSCALED, _TWO_CLASSES],
    reference=_balanced,
)
def class_weights(function: Any) -> None:
    for labels in (
        np.r_[np.zeros(30, int), np.ones(90, int)],
        np.r_[np.zeros(147, int), np.ones(399, int)],
        np.array([0, 1, 1, 2, 2, 2, 2, 2]),
    ):
        result = call(function, labels.copy())
        if not isinstance(result, dict):
            raise _NOT_A_DICT.wrong(result)
        classes = np.unique(labels)
        if sorted(int(k) for k in result) != classes.tolist():
            raise _WRONG_KEYS.wrong(classes, result)
        want = _balanced(labels)
        got = {int(k): as_number(v, tr("the weight of class {k}", k=k)) for k, v in result.items()}
        if all(np.isclose(got[k], want[k]) for k in want):
            continue
        counts = np.bincount(labels)
        if all(np.isclose(got[k], counts[k] / len(labels)) for k in want):
            raise _FRACTIONS.wrong()
        if all(np.isclose(got[k], 1 / counts[k]) for k in want):
            raise _UNSCALED.wrong()
        if all(np.isclose(got[k], len(labels) / (2 * counts[k])) for k in want):
            raise _TWO_CLASSES.wrong(classes)
        raise Wrong(
            tr(
                "for counts {counts} the balanced weights are {want}; you returned {got}.",
                counts=counts.tolist(),
                want={k: round(float(v), 3) for k, v in want.items()},
                got={k: round(v, 3) for k, v in got.items()},
            )
        )
