"""Random, medically plausible changes of training images: rotation, shift, zoom; flips only where allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._validation import check_int, check_number

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
        seed: seed of the random changes, from 0 to 2**29 - 2, or None. Each layer gets its
            own seed, ``4 * seed`` plus its place (0 to 3): with one shared seed, Keras starts
            every layer's random stream in the same state, and the rotation, shift, zoom and
            flip of an image would be drawn from the same numbers instead of independently.
            Seeds ``seed + 1``, ``seed + 2``, ... would make the shift of one seed's pipeline
            draw the numbers of the rotation of the next; four apart, no two ``augmentation``
            pipelines share one.

    Example:
        >>> layers = augmentation(seed=0)
        >>> [layer.name for layer in layers.layers]
        ['rotation', 'shift', 'zoom']
    """
    import keras

    rotation_degrees = check_number(rotation_degrees, "rotation_degrees", low=0, high=45)
    shift = check_number(shift, "shift", low=0, high=0.5)
    zoom = check_number(zoom, "zoom", low=0, high=0.5)
    if seed is not None:
        # 4 * seed + 3 stays below 2**31 - 2, where Keras on TensorFlow wraps seeds round (to 0, 1, ...)
        seed = check_int(seed, "seed", min_value=0, max_value=2**29 - 2)

    def layer_seed(i: int) -> int | None:
        return None if seed is None else 4 * seed + i

    layers = [
        keras.layers.RandomRotation(rotation_degrees / 360.0, fill_mode="nearest", seed=layer_seed(0), name="rotation"),
        keras.layers.RandomTranslation(shift, shift, fill_mode="nearest", seed=layer_seed(1), name="shift"),
        keras.layers.RandomZoom(zoom, fill_mode="nearest", seed=layer_seed(2), name="zoom"),
    ]
    if horizontal_flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=layer_seed(3), name="flip"))
    return keras.Sequential(layers, name="augmentation")
