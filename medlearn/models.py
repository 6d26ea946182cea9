"""A compact CNN for MedMNIST (its input, the network, augmentation, chapter 05's training recipe, training
curves) and a compact U-Net for segmentation.

Keras 3 is imported when these functions are first called, not when
``medlearn`` is imported, so the other chapters start without TensorFlow.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes

from ._validation import check_array, check_binary_labels, check_bool, check_images, check_int, check_number
from .colours import OKABE_ITO
from .plotting import panels

if TYPE_CHECKING:  # pragma: no cover
    import keras


def to_network_input(images: np.ndarray, *, volumes: bool = False, colour: bool = False) -> np.ndarray:
    """8-bit images ``(N, H, W)`` (or, with ``volumes=True``, volumes ``(N, D, H, W)``) as a network's input:
    a channel axis, float32, values divided by 255. Colour images ``(N, H, W, 3)``, asked for with
    ``colour=True``, keep their three channels as the channel axis.

    Chapter 05 writes this function; chapters 06 and 08 and ``benchmarks/cnn.py`` import it.
    Every image is divided by the same 255, never by its own maximum, so a dark
    image stays dark. Volumes must be asked for by name: a 4-D array could also
    be a stack of colour images, which this function refuses.

    Example:
        >>> to_network_input(np.array([[[0, 255]]], dtype=np.uint8))
        array([[[[0.],
                 [1.]]]], dtype=float32)
        >>> to_network_input(np.zeros((2, 28, 28, 28), dtype=np.uint8), volumes=True).shape
        (2, 28, 28, 28, 1)
        >>> to_network_input(np.zeros((2, 28, 28, 3), dtype=np.uint8), colour=True).shape
        (2, 28, 28, 3)
    """
    volumes, colour = check_bool(volumes, "volumes"), check_bool(colour, "colour")
    if volumes and colour:
        raise ValueError("volumes and colour cannot both be True: colour volumes are not supported")
    if volumes:
        stack = check_array(images, "images", ndim=4)
    elif colour:
        stack = check_array(images, "images", ndim=4)
        if stack.shape[-1] != 3:
            raise ValueError(f"images must be colour images (N, H, W, 3) with colour=True, not {stack.shape}")
    else:
        stack = check_images(images, "images", colours=())
    if stack.dtype != np.uint8:
        raise ValueError(f"images must be 8-bit (uint8, 0 to 255) as MedMNIST stores them, not {stack.dtype}")
    scaled = stack / 255.0
    return (scaled if colour else scaled[..., np.newaxis]).astype("float32")


def balanced_class_weight(labels: np.ndarray) -> dict[int, float]:
    """Keras ``class_weight`` that gives every class the same total weight: ``n / (n_classes * count)``.

    The same numbers as scikit-learn's ``compute_class_weight("balanced", ...)``.

    Example:
        >>> balanced_class_weight(np.array([0, 1, 1, 1]))
        {0: 2.0, 1: 0.6666666666666666}
    """
    y = check_array(labels, "labels", ndim=1, kinds="iu")
    counts = np.bincount(y)
    if np.any(counts == 0):
        raise ValueError(f"labels must hold every class from 0 to {len(counts) - 1} at least once")
    return {k: float(len(y) / (len(counts) * c)) for k, c in enumerate(counts)}


def fit_small_cnn(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    *,
    epochs: int = 12,
    batch_size: int = 64,
    learning_rate: float = 2e-3,
    weight_decay: float = 0.0,
    patience: int = 3,
    start_from_epoch: int = 0,
    lr_patience: int = 2,
    augment: Mapping[str, Any] | None = None,
    bn_momentum: float = 0.9,
    widths: Sequence[int] = (16, 32, 64),
    first_stride: int = 1,
    seed: int = 0,
) -> tuple[keras.Model, keras.callbacks.History]:
    """Chapter 05's training recipe for :func:`small_cnn` on a binary task, in one call.

    Seeds Keras (``keras.utils.set_random_seed(seed)``), builds the network (with
    :func:`augmentation` in front when ``augment`` gives its options), and trains
    it with Adam (AdamW when ``weight_decay`` > 0) on binary cross-entropy, with
    :func:`balanced_class_weight`, early stopping on the validation AUC that
    restores the best epoch's weights, and a schedule that halves the learning
    rate when the validation loss has not fallen for ``lr_patience`` epochs.
    Chapters 06 and 08 and ``benchmarks/cnn.py`` call it; chapter 05 explains every step.
    Volumes ``(N, D, H, W, C)`` train the 3-D version of the network.

    Args:
        X_train, X_val: network input, ``(N, H, W, C)`` images or ``(N, D, H, W, C)`` volumes,
            float32 in [0, 1] (see :func:`to_network_input`).
        y_train, y_val: labels 0 and 1.
        epochs, batch_size, learning_rate, weight_decay: the optimisation.
        patience, start_from_epoch: early stopping on the validation AUC.
        lr_patience: epochs without a lower validation loss before the rate is halved.
        augment: options for :func:`augmentation` (``{}`` for its defaults), or None for none;
            images only (its layers are two-dimensional).
        bn_momentum, widths, first_stride: passed to :func:`small_cnn`.
        seed: seeds the weights, the batch order, dropout and augmentation.

    Returns:
        ``(model, history)``: the trained model (best validation epoch) and ``model.fit``'s history.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = rng.random((64, 8, 8, 1)).astype("float32")
        >>> y = (X.mean(axis=(1, 2, 3)) > 0.5).astype(int)
        >>> model, history = fit_small_cnn(X, y, X, y, epochs=2, batch_size=32)
        >>> model.output_shape, len(history.history["loss"])
        ((None, 1), 2)
    """
    import keras

    shape = check_array(X_train, "X_train", ndim=(4, 5)).shape[1:]
    epochs = check_int(epochs, "epochs", min_value=1)
    if augment is not None and len(shape) == 4:
        raise ValueError("augment works on images (N, H, W, C) only, not on volumes; pass augment=None")
    keras.utils.set_random_seed(check_int(seed, "seed", min_value=0))
    network = small_cnn(shape, n_classes=2, bn_momentum=bn_momentum, widths=widths, first_stride=first_stride)
    if augment is not None:
        inputs = keras.Input(shape, name="image")
        network = keras.Model(inputs, network(augmentation(**dict(augment), seed=seed)(inputs)), name="augmented")
    return train_binary(
        network,
        X_train,
        y_train,
        X_val,
        y_val,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        weight_decay=weight_decay,
        patience=patience,
        start_from_epoch=start_from_epoch,
        lr_patience=lr_patience,
    )


def train_binary(
    network: keras.Model,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    *,
    epochs: int = 12,
    batch_size: int = 64,
    learning_rate: float = 2e-3,
    weight_decay: float = 0.0,
    patience: int = 3,
    start_from_epoch: int = 0,
    lr_patience: int = 2,
    callbacks: Sequence[keras.callbacks.Callback] = (),
) -> tuple[keras.Model, keras.callbacks.History]:
    """Chapter 05's training recipe for any Keras network with one sigmoid output: compile and fit it.

    Adam (AdamW when ``weight_decay`` > 0) on binary cross-entropy, with
    :func:`balanced_class_weight`, early stopping on the validation AUC that
    restores the best epoch's weights, and a learning rate halved when the
    validation loss has not fallen for ``lr_patience`` epochs. :func:`fit_small_cnn`
    calls it; chapter 08 trains three different networks with it, so that only
    the network differs. Seed Keras (``keras.utils.set_random_seed``) before you
    build the network.

    Args:
        network: an uncompiled (or to be recompiled) model whose output is ``(None, 1)``.
        X_train, X_val: inputs the network takes.
        y_train, y_val: labels 0 and 1.
        epochs, batch_size, learning_rate, weight_decay, patience, start_from_epoch, lr_patience:
            as for :func:`fit_small_cnn`.
        callbacks: more Keras callbacks, run after the recipe's own (a time limit, say).

    Returns:
        ``(network, history)``: the network (best validation epoch) and ``model.fit``'s history.

    Example:
        >>> import keras
        >>> keras.utils.set_random_seed(0)
        >>> network = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        >>> X = np.random.default_rng(0).random((40, 3)).astype("float32")
        >>> y = (X[:, 0] > 0.5).astype(int)
        >>> _, history = train_binary(network, X, y, X, y, epochs=2, batch_size=8)
        >>> len(history.history["val_auc"])
        2
    """
    import keras

    if not isinstance(network, keras.Model):
        raise ValueError(f"network must be a keras.Model, not {type(network).__name__}")
    if tuple(network.output_shape) != (None, 1):
        raise ValueError(f"network must have one sigmoid output, shape (None, 1), not {network.output_shape}")
    epochs = check_int(epochs, "epochs", min_value=1)
    batch_size = check_int(batch_size, "batch_size", min_value=1)
    learning_rate = check_number(learning_rate, "learning_rate", low=0, low_open=True)
    patience = check_int(patience, "patience", min_value=0)
    start_from_epoch = check_int(start_from_epoch, "start_from_epoch", min_value=0)
    lr_patience = check_int(lr_patience, "lr_patience", min_value=0)
    weight_decay = check_number(weight_decay, "weight_decay", low=0)
    optimizer = (
        keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay)
        if weight_decay
        else keras.optimizers.Adam(learning_rate)
    )
    network.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=[keras.metrics.AUC(name="auc")])
    extra = list(callbacks)
    if not all(isinstance(c, keras.callbacks.Callback) for c in extra):
        raise ValueError(f"callbacks must be Keras callbacks, not {callbacks!r}")
    callbacks = [
        keras.callbacks.EarlyStopping(
            monitor="val_auc",
            mode="max",
            patience=patience,
            restore_best_weights=True,
            start_from_epoch=start_from_epoch,
        ),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=lr_patience),
        *extra,
    ]
    with warnings.catch_warnings():
        # The learning-rate schedule reads a TensorFlow variable whose __array__ lacks NumPy 2's copy
        # keyword: an upstream deprecation that nobody calling this function can act on.
        warnings.filterwarnings("ignore", "__array__ implementation doesn't accept a copy keyword", DeprecationWarning)
        history = network.fit(
            X_train,
            y_train,
            validation_data=(X_val, y_val),
            epochs=epochs,
            batch_size=batch_size,
            class_weight=balanced_class_weight(check_binary_labels(y_train, "y_train")),
            callbacks=callbacks,
            verbose=0,
        )
    return network, history


def small_cnn(
    input_shape: Sequence[int],
    n_classes: int | None,
    *,
    widths: Sequence[int] = (16, 32, 64),
    dropout: float = 0.3,
    bn_momentum: float = 0.9,
    first_stride: int = 1,
    name: str = "small_cnn",
) -> keras.Model:
    """A compact CNN: blocks of convolution, batch normalisation, ReLU and pooling, then
    global average pooling, dropout and a dense output.

    Two classes get one sigmoid output (the probability of class 1); more get a
    softmax over ``n_classes``; ``None`` gives no output layer, for a head of your
    own (the model then returns the features after dropout). Inputs are images scaled to [0, 1]. An input
    shape with four numbers, ``(depth, height, width, channels)``, builds the same
    network for volumes: ``Conv3D``, ``MaxPooling3D`` and ``GlobalAveragePooling3D``.

    Args:
        input_shape: ``(height, width, channels)``, for example ``(28, 28, 1)``, or
            ``(depth, height, width, channels)``, for example ``(28, 28, 28, 1)``.
        n_classes: number of classes, at least 2, or None for the features without an output layer.
        widths: filters per block; every block but the last halves the image size.
        dropout: dropout rate before the output, in [0, 1).
        bn_momentum: momentum of batch normalisation's running mean and variance,
            in [0, 1). Keras' default, 0.99, needs several hundred steps to settle,
            and until then validation predictions can sit at chance level; 0.9
            settles within an epoch of a MedMNIST training split.
        first_stride: stride of the first convolution (2 halves every side at once: the first
            layer then has 4 times fewer output positions in 2-D, 8 times fewer in 3-D).
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model``.

    Example:
        >>> model = small_cnn((28, 28, 1), n_classes=2)
        >>> model.output_shape
        (None, 1)
        >>> small_cnn((28, 28, 28, 1), n_classes=2, widths=(8, 16, 32), first_stride=2).count_params()
        17753
        >>> small_cnn((28, 28, 3), n_classes=None).output_shape
        (None, 64)
    """
    import keras

    wanted = "(height, width, channels) or (depth, height, width, channels)"
    try:
        shape = tuple(input_shape)
    except TypeError:
        raise ValueError(f"input_shape must be {wanted}, not {input_shape!r}") from None
    if len(shape) not in (3, 4):
        raise ValueError(f"input_shape must be {wanted}, not {input_shape!r}")
    shape = tuple(check_int(s, f"input_shape[{i}]", min_value=1) for i, s in enumerate(shape))
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise ValueError(f"widths must be one or more positive integers, not {widths!r}")
    widths = [check_int(w, f"widths[{i}]", min_value=1) for i, w in enumerate(widths)]
    first_stride = check_int(first_stride, "first_stride", min_value=1)
    if min(shape[:-1]) < first_stride * 2 ** (len(widths) - 1):
        raise ValueError(f"input_shape {shape} is too small for {len(widths)} blocks")
    if n_classes is not None:
        check_int(n_classes, "n_classes", min_value=2)
    dropout = check_number(dropout, "dropout", low=0, high=1, high_open=True)
    bn_momentum = check_number(bn_momentum, "bn_momentum", low=0, high=1, high_open=True)
    layers = keras.layers
    conv, pool, average = (
        (layers.Conv2D, layers.MaxPooling2D, layers.GlobalAveragePooling2D)
        if len(shape) == 3
        else (layers.Conv3D, layers.MaxPooling3D, layers.GlobalAveragePooling3D)
    )
    inputs = keras.Input(shape, name="volume" if len(shape) == 4 else "image")
    x = inputs
    for index, width in enumerate(widths):
        stride = first_stride if index == 0 else 1
        x = conv(int(width), 3, strides=stride, padding="same", use_bias=False, name=f"conv{index + 1}")(x)
        x = layers.BatchNormalization(momentum=bn_momentum, name=f"bn{index + 1}")(x)
        x = layers.Activation("relu", name=f"relu{index + 1}")(x)
        if index < len(widths) - 1:
            x = pool(name=f"pool{index + 1}")(x)
    x = average(name="global_average")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    if n_classes is None:
        return keras.Model(inputs, x, name=name)
    if n_classes == 2:
        outputs = keras.layers.Dense(1, activation="sigmoid", name="probability")(x)
    else:
        outputs = keras.layers.Dense(int(n_classes), activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=name)


def small_unet(
    channels: int = 1,
    *,
    widths: Sequence[int] = (16, 32, 64),
    bn_momentum: float = 0.9,
    name: str = "small_unet",
) -> keras.Model:
    """A compact U-Net for binary segmentation: an encoder, a decoder, and skip connections between them.

    Each level is two blocks of 3 x 3 convolution, batch normalisation and ReLU;
    the encoder halves the image size after every level but the last (max
    pooling), the decoder doubles it again (upsampling) and joins the encoder's
    output of the same size (the skip connection) before its two blocks. A
    1 x 1 convolution with a sigmoid gives each pixel's probability of the
    foreground (a vessel, say). The input's height and width are free, but must
    be multiples of ``2 ** (len(widths) - 1)``.

    Args:
        channels: channels of the input image (1 for the green channel of a fundus photograph).
        widths: filters per level, from the top level down to the bottom one (at least two levels).
        bn_momentum: batch normalisation's momentum, in [0, 1) (see :func:`small_cnn`).
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model`` from ``(None, H, W, channels)`` to ``(None, H, W, 1)``.

    Example:
        >>> model = small_unet(1)
        >>> model.output_shape, model.count_params()
        ((None, None, None, 1), 118945)
    """
    import keras

    channels = check_int(channels, "channels", min_value=1)
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or len(widths) < 2:
        raise ValueError(f"widths must be two or more positive integers, one per level, not {widths!r}")
    widths = [check_int(w, f"widths[{i}]", min_value=1) for i, w in enumerate(widths)]
    bn_momentum = check_number(bn_momentum, "bn_momentum", low=0, high=1, high_open=True)

    def level(x: Any, width: int, prefix: str) -> Any:
        for part in "ab":
            x = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"{prefix}_conv_{part}")(x)
            x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"{prefix}_bn_{part}")(x)
            x = keras.layers.Activation("relu", name=f"{prefix}_relu_{part}")(x)
        return x

    inputs = keras.Input((None, None, channels), name="image")
    x, skips = inputs, []
    for index, width in enumerate(widths[:-1]):
        x = level(x, width, f"down{index + 1}")
        skips.append(x)
        x = keras.layers.MaxPooling2D(name=f"down{index + 1}_pool")(x)
    x = level(x, widths[-1], "bottom")
    for index in reversed(range(len(widths) - 1)):
        x = keras.layers.UpSampling2D(name=f"up{index + 1}_upsample")(x)
        x = keras.layers.Concatenate(name=f"up{index + 1}_skip")([x, skips[index]])
        x = level(x, widths[index], f"up{index + 1}")
    outputs = keras.layers.Conv2D(1, 1, activation="sigmoid", name="probability")(x)
    return keras.Model(inputs, outputs, name=name)


def soft_dice_loss(y_true: Any, y_pred: Any, smooth: float = 1.0) -> Any:
    """1 - the soft Dice coefficient of a batch: ``1 - (2 sum(y p) + smooth) / (sum(y) + sum(p) + smooth)``.

    The Dice coefficient with probabilities in place of a thresholded mask, so
    that it has a gradient; summed over the whole batch. Vessel pixels count in
    it as much as the background they are outnumbered by, so it suits rare
    foregrounds. ``smooth`` keeps it defined on patches without any vessel. For
    0/1 predictions and ``smooth=0`` it is ``1 - medlearn.segmentation.dice``.

    Args:
        y_true: reference masks, 0 or 1 (a tensor or array ``(N, H, W, 1)``).
        y_pred: predicted probabilities of the same shape.
        smooth: added to the numerator and the denominator, at least 0.

    Returns:
        A scalar tensor (use it as ``model.compile(loss=soft_dice_loss)``).

    Example:
        >>> y = np.array([[1.0, 1.0, 0.0, 0.0]])
        >>> round(float(soft_dice_loss(y, np.array([[1.0, 0.0, 0.0, 0.0]]), smooth=0)), 4)
        0.3333
    """
    import keras

    smooth = check_number(smooth, "smooth", low=0)
    y_true = keras.ops.cast(y_true, "float32")
    y_pred = keras.ops.cast(y_pred, "float32")
    overlap = keras.ops.sum(y_true * y_pred)
    return 1.0 - (2.0 * overlap + smooth) / (keras.ops.sum(y_true) + keras.ops.sum(y_pred) + smooth)


def weighted_binary_crossentropy(positive_weight: float) -> Any:
    """Binary cross-entropy in which every foreground pixel (y = 1) counts ``positive_weight`` times.

    With ``positive_weight`` = (background pixels) / (foreground pixels) the
    two classes weigh the same in total, as ``class_weight`` does for images
    in chapter 05. The mean is over pixels, like ``keras.losses.binary_crossentropy``.

    Args:
        positive_weight: weight of a foreground pixel relative to a background one, above 0.

    Returns:
        A loss function ``loss(y_true, y_pred)`` for ``model.compile(loss=...)``.

    Example:
        >>> loss = weighted_binary_crossentropy(9.0)
        >>> y, p = np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]])
        >>> round(float(loss(y, p)), 4)  # (9 * ln 2 + ln 2) / 2
        3.4657
    """
    import keras

    weight = check_number(positive_weight, "positive_weight", low=0, low_open=True)

    def loss(y_true: Any, y_pred: Any) -> Any:
        y_true = keras.ops.cast(y_true, "float32")
        p = keras.ops.clip(keras.ops.cast(y_pred, "float32"), 1e-7, 1 - 1e-7)
        return -keras.ops.mean(weight * y_true * keras.ops.log(p) + (1 - y_true) * keras.ops.log(1 - p))

    loss.__name__ = "weighted_binary_crossentropy"
    return loss


def augmentation(
    *,
    rotation_degrees: float = 10.0,
    shift: float = 0.08,
    zoom: float = 0.08,
    horizontal_flip: bool = False,
    seed: int | None = None,
) -> keras.Sequential:
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
    names = (
        list(metrics)
        if metrics is not None
        else [k for k in record if not k.startswith("val_") and f"val_{k}" in record]
    )
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
