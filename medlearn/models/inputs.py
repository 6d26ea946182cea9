"""A network's input: 8-bit images or volumes scaled to [0, 1] with a channel axis; balanced class weights."""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_bool, check_images

__all__ = ["balanced_class_weight", "to_network_input"]


def to_network_input(images: np.ndarray, *, volumes: bool = False, colour: bool = False) -> np.ndarray:
    """8-bit images ``(N, H, W)`` (or, with ``volumes=True``, volumes ``(N, D, H, W)``) as a network's input:
    a channel axis, float32, values divided by 255. Colour images ``(N, H, W, 3)``, asked for with
    ``colour=True``, keep their three channels as the channel axis.

    The CNN-training chapter writes this function; the evaluation and volumes chapters and
    ``benchmarks/cnn.py`` import it.
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
