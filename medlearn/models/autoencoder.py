"""A compact convolutional autoencoder, and the reconstruction error that anomaly detection scores with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import check_array, check_int, check_int_sequence

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = ["reconstruction_error", "small_autoencoder"]


def small_autoencoder(
    input_shape: Sequence[int],
    *,
    widths: Sequence[int] = (16, 32),
    latent_channels: int = 8,
    name: str = "small_autoencoder",
) -> keras.Model:
    """A convolutional autoencoder: an encoder that halves the image at each of ``widths``' blocks down
    to ``latent_channels`` feature maps, and a decoder that mirrors it back to the image (sigmoid).

    Inputs are images scaled to [0, 1]; train it with a reconstruction loss (mean squared error) on
    the images themselves. The encoder is the layer named ``"encoder"`` (a model of its own, for
    features or pretraining); the decoder is ``"decoder"``.

    Args:
        input_shape: ``(height, width, channels)``, height and width divisible by ``2 ** len(widths)``.
        widths: filters of the encoder's blocks (the decoder uses them in reverse).
        latent_channels: feature maps of the bottleneck.
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model`` from images to reconstructions of the same shape.

    Example:
        >>> model = small_autoencoder((28, 28, 1))
        >>> model.output_shape, model.get_layer("encoder").output_shape
        ((None, 28, 28, 1), (None, 7, 7, 8))
    """
    import keras
    from keras import layers

    shape = tuple(check_int(v, "input_shape", min_value=1) for v in input_shape)
    widths = check_int_sequence(widths, "widths", min_length=1, min_value=1)
    latent_channels = check_int(latent_channels, "latent_channels", min_value=1)
    factor = 2 ** len(widths)
    if len(shape) != 3 or shape[0] % factor or shape[1] % factor:
        raise ValueError(f"input_shape must be (height, width, channels) with sides divisible by {factor}, not {shape}")
    image = keras.Input(shape, name="image")
    x = image
    for i, width in enumerate(widths):
        x = layers.Conv2D(width, 3, strides=2, padding="same", activation="relu", name=f"down{i + 1}")(x)
    x = layers.Conv2D(latent_channels, 1, name="latent")(x)
    encoder = keras.Model(image, x, name="encoder")
    code = keras.Input(encoder.output_shape[1:], name="code")
    y = code
    for i, width in enumerate(reversed(widths)):
        y = layers.Conv2DTranspose(width, 3, strides=2, padding="same", activation="relu", name=f"up{i + 1}")(y)
    y = layers.Conv2D(shape[-1], 3, padding="same", activation="sigmoid", name="reconstruction")(y)
    decoder = keras.Model(code, y, name="decoder")
    return keras.Model(image, decoder(encoder(image)), name=name)


def reconstruction_error(model: Any, images: object, *, batch_size: int = 256) -> np.ndarray:
    """Each image's mean squared difference from its reconstruction: a high error marks an input unlike
    the training images (an anomaly score).

    Args:
        model: a fitted model from images to reconstructions of the same shape.
        images: (N, ...) images scaled as the model was trained (for example to [0, 1]).
        batch_size: images per prediction batch.

    Returns:
        float array (N,).

    Example:
        >>> import numpy as np
        >>> identity = lambda x: x  # a perfect "model" stands in here
        >>> reconstruction_error(identity, np.ones((2, 4, 4, 1))).tolist()
        [0.0, 0.0]
    """
    x = check_array(images, "images", kinds="biuf").astype("float32")
    if x.ndim < 3:
        raise ValueError(f"images must be a stack (N, height, width[, channels]), not of shape {x.shape}")
    batch_size = check_int(batch_size, "batch_size", min_value=1)
    if hasattr(model, "predict"):
        reconstructed = np.asarray(model.predict(x, batch_size=batch_size, verbose=0))
    elif callable(model):
        reconstructed = np.asarray(model(x))
    else:
        raise ValueError(f"model must be a Keras model or a function of the images, not {type(model).__name__}")
    if reconstructed.shape != x.shape:
        raise ValueError(f"model must return images of the input's shape {x.shape}, not {reconstructed.shape}")
    return ((reconstructed - x) ** 2).reshape(len(x), -1).mean(axis=1)
