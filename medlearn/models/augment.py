"""Random, medically plausible changes of training images: rotation, shift, zoom; flips only where allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._validation import check_number

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = ["augmentation"]


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
