"""A compact CNN for MedMNIST, medically plausible augmentation, and training curves.

Keras 3 is imported when these functions are first called, not when
``medlearn`` is imported, so the other chapters start without TensorFlow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from matplotlib.axes import Axes

from ._validation import check_int, check_number
from .colours import OKABE_ITO
from .plotting import panels

if TYPE_CHECKING:  # pragma: no cover
    import keras


def small_cnn(
    input_shape: Sequence[int],
    n_classes: int,
    *,
    widths: Sequence[int] = (16, 32, 64),
    dropout: float = 0.3,
    bn_momentum: float = 0.9,
    name: str = "small_cnn",
) -> "keras.Model":
    """A compact CNN: blocks of convolution, batch normalisation, ReLU and pooling, then
    global average pooling, dropout and a dense output.

    Two classes get one sigmoid output (the probability of class 1); more get a
    softmax over ``n_classes``. Inputs are images scaled to [0, 1].

    Args:
        input_shape: ``(height, width, channels)``, for example ``(28, 28, 1)``.
        n_classes: number of classes, at least 2.
        widths: filters per block; every block but the last halves the image size.
        dropout: dropout rate before the output, in [0, 1).
        bn_momentum: momentum of batch normalisation's running mean and variance,
            in [0, 1). Keras' default, 0.99, needs several hundred steps to settle,
            and until then validation predictions can sit at chance level; 0.9
            settles within an epoch of a MedMNIST training split.
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model``.

    Example:
        >>> model = small_cnn((28, 28, 1), n_classes=2)
        >>> model.output_shape
        (None, 1)
    """
    import keras

    try:
        shape = tuple(input_shape)
    except TypeError:
        raise ValueError(f"input_shape must be (height, width, channels), not {input_shape!r}") from None
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), not {input_shape!r}")
    shape = tuple(check_int(s, f"input_shape[{i}]", min_value=1) for i, s in enumerate(shape))
    if not widths:
        raise ValueError(f"widths must be one or more positive integers, not {widths!r}")
    widths = [check_int(w, f"widths[{i}]", min_value=1) for i, w in enumerate(widths)]
    if shape[0] < 2 ** (len(widths) - 1) or shape[1] < 2 ** (len(widths) - 1):
        raise ValueError(f"input_shape {shape} is too small for {len(widths)} blocks")
    check_int(n_classes, "n_classes", min_value=2)
    dropout = check_number(dropout, "dropout", low=0, high=1, high_open=True)
    bn_momentum = check_number(bn_momentum, "bn_momentum", low=0, high=1, high_open=True)
    inputs = keras.Input(shape, name="image")
    x = inputs
    for index, width in enumerate(widths):
        x = keras.layers.Conv2D(int(width), 3, padding="same", use_bias=False, name=f"conv{index + 1}")(x)
        x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"bn{index + 1}")(x)
        x = keras.layers.Activation("relu", name=f"relu{index + 1}")(x)
        if index < len(widths) - 1:
            x = keras.layers.MaxPooling2D(name=f"pool{index + 1}")(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_average")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    if n_classes == 2:
        outputs = keras.layers.Dense(1, activation="sigmoid", name="probability")(x)
    else:
        outputs = keras.layers.Dense(int(n_classes), activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


def augmentation(
    *,
    rotation_degrees: float = 10.0,
    shift: float = 0.08,
    zoom: float = 0.08,
    horizontal_flip: bool = False,
    seed: int | None = None,
) -> "keras.Sequential":
    """Random, medically plausible changes of training images, as Keras preprocessing layers.

    Small rotations, shifts and zooms mimic how a patient is positioned. There
    are never vertical flips (a chest upside down is not a chest), and
    horizontal flips are off by default: in a chest X-ray they move the heart
    to the wrong side. Turn them on only where left and right do not matter
    (an ultrasound of a breast mass, say). The layers act only in training.

    Args:
        rotation_degrees: largest rotation, in degrees either way.
        shift: largest shift, as a fraction of height and width.
        zoom: largest zoom in or out, as a fraction.
        horizontal_flip: also mirror left and right at random.
        seed: seed of the random changes.

    Example:
        >>> layers = augmentation(seed=0)
        >>> [layer.name for layer in layers.layers]
        ['rotation', 'shift', 'zoom']
    """
    import keras

    rotation_degrees = check_number(rotation_degrees, "rotation_degrees", low=0, high=45)
    shift = check_number(shift, "shift", low=0, high=0.5)
    zoom = check_number(zoom, "zoom", low=0, high=0.5)
    layers = [
        keras.layers.RandomRotation(rotation_degrees / 360.0, fill_mode="nearest", seed=seed, name="rotation"),
        keras.layers.RandomTranslation(shift, shift, fill_mode="nearest", seed=seed, name="shift"),
        keras.layers.RandomZoom(zoom, fill_mode="nearest", seed=seed, name="zoom"),
    ]
    if horizontal_flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed, name="flip"))
    return keras.Sequential(layers, name="augmentation")


def plot_history(history: Any, metrics: Sequence[str] | None = None, *, ax: Sequence[Axes] | None = None) -> np.ndarray:
    """Training and validation curves, one panel per metric, from ``model.fit``'s history.

    Args:
        history: the ``History`` returned by ``model.fit``, or its ``.history`` dict.
        metrics: names to plot (default: every metric that has a ``val_`` twin).
        ax: one Axes per metric (default: a new figure, the panels side by side).

    Returns:
        The Axes, one per metric; the best validation epoch of each panel is marked.

    Example:
        >>> axes = plot_history({"loss": [0.7, 0.5, 0.4], "val_loss": [0.6, 0.5, 0.55]})
        >>> [ax.get_ylabel() for ax in axes]
        ['loss']
    """
    record = getattr(history, "history", history)
    if not isinstance(record, dict) or not record:
        raise ValueError("history must be a Keras History or its non-empty .history dict")
    names = list(metrics) if metrics is not None else [k for k in record if not k.startswith("val_") and f"val_{k}" in record]
    if not names:
        raise ValueError("history has no metric with a validation twin (val_...)")
    missing = [n for n in names if n not in record]
    if missing:
        raise ValueError(f"metrics {missing} are not in the history; it has {sorted(record)}")
    axes = panels(ax, len(names), ncols=len(names), figsize=(5.5 * len(names), 3.6))
    for panel, metric in zip(axes, names):
        epochs = np.arange(1, len(record[metric]) + 1)
        panel.plot(epochs, record[metric], "o-", color=OKABE_ITO[0], markersize=3, label="training")
        if f"val_{metric}" in record:
            values = np.asarray(record[f"val_{metric}"], dtype=float)
            panel.plot(epochs, values, "s--", color=OKABE_ITO[5], markersize=3, label="validation")
            best = int(np.argmin(values) if "loss" in metric else np.argmax(values))
            panel.axvline(best + 1, color="0.5", linestyle=":", label=f"best validation (epoch {best + 1})")
        panel.set(xlabel="epoch", ylabel=metric, title=metric)
        panel.legend(fontsize=8)
    return axes
