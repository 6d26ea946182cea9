"""The CNN-training chapter's training recipe, its settings written once in ``RECIPE``: for any network with one
sigmoid output (``train_binary``), and for the compact CNN in one call (``fit_small_cnn``)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import check_array, check_binary_labels, check_int, check_number
from .augment import augmentation
from .inputs import balanced_class_weight
from .networks import small_cnn

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = ["RECIPE", "fit_small_cnn", "train_binary"]

#: The recipe's settings, written once: both functions take their defaults from here (the CNN-training chapter
#: explains each).
RECIPE: dict[str, float | int] = {
    "epochs": 12,
    "batch_size": 64,
    "learning_rate": 2e-3,
    "weight_decay": 0.0,
    "patience": 3,
    "start_from_epoch": 0,
    "lr_patience": 2,
}


def fit_small_cnn(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    *,
    epochs: int = RECIPE["epochs"],
    batch_size: int = RECIPE["batch_size"],
    learning_rate: float = RECIPE["learning_rate"],
    weight_decay: float = RECIPE["weight_decay"],
    patience: int = RECIPE["patience"],
    start_from_epoch: int = RECIPE["start_from_epoch"],
    lr_patience: int = RECIPE["lr_patience"],
    augment: Mapping[str, Any] | None = None,
    bn_momentum: float = 0.9,
    widths: Sequence[int] = (16, 32, 64),
    first_stride: int = 1,
    seed: int = 0,
) -> tuple[keras.Model, keras.callbacks.History]:
    """The CNN-training chapter's training recipe for :func:`small_cnn` on a binary task, in one call.

    Seeds Keras (``keras.utils.set_random_seed(seed)``), builds the network (with
    :func:`augmentation` in front when ``augment`` gives its options), and trains
    it with Adam (AdamW when ``weight_decay`` > 0) on binary cross-entropy, with
    :func:`balanced_class_weight`, early stopping on the validation AUC that
    restores the best epoch's weights, and a schedule that halves the learning
    rate when the validation loss has not fallen for ``lr_patience`` epochs.
    The evaluation and volumes chapters and ``benchmarks/cnn.py`` call it; the CNN-training chapter explains
    every step.
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
        seed: seeds the weights, the batch order, dropout and augmentation (with ``augment``, at most
            2**29 - 2, as :func:`augmentation` takes).

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
    epochs: int = RECIPE["epochs"],
    batch_size: int = RECIPE["batch_size"],
    learning_rate: float = RECIPE["learning_rate"],
    weight_decay: float = RECIPE["weight_decay"],
    patience: int = RECIPE["patience"],
    start_from_epoch: int = RECIPE["start_from_epoch"],
    lr_patience: int = RECIPE["lr_patience"],
    callbacks: Sequence[keras.callbacks.Callback] = (),
) -> tuple[keras.Model, keras.callbacks.History]:
    """The CNN-training chapter's training recipe for any Keras network with one sigmoid output: compile and fit it.

    Adam (AdamW when ``weight_decay`` > 0) on binary cross-entropy, with
    :func:`balanced_class_weight`, early stopping on the validation AUC that
    restores the best epoch's weights, and a learning rate halved when the
    validation loss has not fallen for ``lr_patience`` epochs. :func:`fit_small_cnn`
    calls it; the volumes chapter trains three different networks with it, so that only
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
