"""Losses for rare foreground pixels (a vessel in ten): the soft Dice loss and weighted binary cross-entropy."""

from __future__ import annotations

from typing import Any

from .._validation import check_number

__all__ = ["soft_dice_loss", "weighted_binary_crossentropy"]


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
    in the CNN-training chapter. The mean is over pixels, like ``keras.losses.binary_crossentropy``.

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
