"""A class-conditioned variational autoencoder: its sampling layer, its KL term, and images made from it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import check_array, check_int, check_int_sequence, check_number

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = ["conditional_vae", "generate", "kl_divergence", "reparameterised_sample"]


def kl_divergence(mean: object, log_var: object) -> np.ndarray:
    """KL(N(mean, exp(log_var)) || N(0, 1)) per sample, summed over the latent dimensions, in nats.

    ``-0.5 * sum(1 + log_var - mean**2 - exp(log_var))``: 0 when the encoder's distribution is the
    prior itself, and growing as it moves away (the term that keeps the latent space usable for sampling).

    Args:
        mean, log_var: ``(N, latent dimensions)``, as the encoder gives them.

    Example:
        >>> kl_divergence([[0.0, 0.0], [1.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]]).tolist()
        [0.0, 0.5]
    """
    mu = check_array(mean, "mean", ndim=2).astype(float)
    lv = check_array(log_var, "log_var", ndim=2).astype(float)
    if mu.shape != lv.shape:
        raise ValueError(f"mean and log_var must have the same shape, not {mu.shape} and {lv.shape}")
    return -0.5 * np.sum(1 + lv - mu**2 - np.exp(lv), axis=1) + 0.0  # + 0.0: no negative zero


def reparameterised_sample(beta: float = 1.0, *, seed: int = 0, name: str = "sample") -> Any:
    """A Keras layer ``[mean, log_var] -> z``: the reparameterisation trick, which also adds the KL term.

    In training it draws ``z = mean + exp(log_var / 2) * eps`` with ``eps ~ N(0, 1)``: the randomness sits
    in ``eps``, so gradients flow through ``mean`` and ``log_var`` (Kingma and Welling, ICLR 2014). At
    inference it returns ``mean``. Each call adds ``beta * mean over the batch of`` :func:`kl_divergence`
    to the model's losses.

    Args:
        beta: weight of the KL term (more than 0).
        seed: seeds the draws of ``eps``.
        name: the layer's name.

    Example:
        >>> layer = reparameterised_sample(seed=0)
        >>> mean, log_var = np.zeros((2, 3), "float32"), np.zeros((2, 3), "float32")
        >>> np.asarray(layer([mean, log_var], training=False)).tolist()
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    import keras
    from keras import ops

    beta = check_number(beta, "beta", low=0, low_open=True)
    seed = check_int(seed, "seed", min_value=0)

    class ReparameterisedSample(keras.layers.Layer):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.beta = beta
            self.seed_generator = keras.random.SeedGenerator(seed)

        def call(self, inputs: Any, training: bool | None = None) -> Any:
            mu, log_var = inputs
            kl = -0.5 * ops.sum(1 + log_var - ops.square(mu) - ops.exp(log_var), axis=-1)
            self.add_loss(self.beta * ops.mean(kl))
            if not training:
                return mu
            return mu + ops.exp(0.5 * log_var) * keras.random.normal(ops.shape(mu), seed=self.seed_generator)

    return ReparameterisedSample(name=name)


def conditional_vae(
    input_shape: Sequence[int],
    n_classes: int,
    *,
    latent_dim: int = 8,
    widths: Sequence[int] = (16, 32),
    beta: float = 1.0,
    seed: int = 0,
    name: str = "conditional_vae",
) -> keras.Model:
    """A convolutional VAE conditioned on a class: ``[image, one-hot class] -> reconstruction``.

    The encoder (sub-model ``"encoder"``: ``[image, class] -> [mean, log_var]``) halves the image at each
    of ``widths``' blocks; :func:`reparameterised_sample` draws ``z`` and adds the KL term; the decoder
    (sub-model ``"decoder"``: ``[z, class] -> image``, sigmoid) mirrors the encoder. Compile it with
    ``"binary_crossentropy"`` on images in [0, 1]. Keras' cross-entropy is a mean over pixels, so the KL
    term is divided by the number of pixels: ``beta=1`` is then the usual evidence lower bound (the
    summed cross-entropy plus the KL term, divided by the pixel count), nominally: with grey levels as
    targets cross-entropy is not a normalised likelihood (Loaiza-Ganem and Cunningham, NeurIPS 2019, on
    the continuous Bernoulli); a smaller ``beta`` gives sharper
    reconstructions and a latent space that samples worse.

    Args:
        input_shape: ``(height, width, channels)``, sides divisible by ``2 ** len(widths)``.
        n_classes: number of classes (at least 2) of the one-hot condition.
        latent_dim: size of ``z``.
        widths: filters of the encoder's blocks (the decoder uses them in reverse).
        beta: weight of the KL term relative to the summed reconstruction loss.
        seed: seeds the sampling layer.
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model``.

    Example:
        >>> model = conditional_vae((28, 28, 1), n_classes=2)
        >>> model.output_shape, model.get_layer("decoder").input_shape
        ((None, 28, 28, 1), [(None, 8), (None, 2)])
    """
    import keras
    from keras import layers

    shape = tuple(check_int(v, "input_shape", min_value=1) for v in input_shape)
    n_classes = check_int(n_classes, "n_classes", min_value=2)
    latent_dim = check_int(latent_dim, "latent_dim", min_value=1)
    widths = check_int_sequence(widths, "widths", min_length=1, min_value=1)
    factor = 2 ** len(widths)
    if len(shape) != 3 or shape[0] % factor or shape[1] % factor:
        raise ValueError(f"input_shape must be (height, width, channels) with sides divisible by {factor}, not {shape}")
    pixels = shape[0] * shape[1] * shape[2]
    small = (shape[0] // factor, shape[1] // factor, widths[-1])

    image, label = keras.Input(shape, name="image"), keras.Input((n_classes,), name="class")
    x = image
    for i, width in enumerate(widths):
        x = layers.Conv2D(width, 3, strides=2, padding="same", activation="relu", name=f"down{i + 1}")(x)
    x = layers.Concatenate(name="with_class")([layers.Flatten(name="flatten")(x), label])
    x = layers.Dense(64, activation="relu", name="hidden")(x)
    mean = layers.Dense(latent_dim, name="mean")(x)
    log_var = layers.Dense(latent_dim, name="log_var")(x)
    encoder = keras.Model([image, label], [mean, log_var], name="encoder")

    z_in, label_in = keras.Input((latent_dim,), name="z"), keras.Input((n_classes,), name="class")
    y = layers.Concatenate(name="z_with_class")([z_in, label_in])
    y = layers.Dense(int(np.prod(small)), activation="relu", name="expand")(y)
    y = layers.Reshape(small, name="unflatten")(y)
    for i, width in enumerate(reversed(widths)):
        y = layers.Conv2DTranspose(width, 3, strides=2, padding="same", activation="relu", name=f"up{i + 1}")(y)
    y = layers.Conv2D(shape[2], 3, padding="same", activation="sigmoid", name="reconstruction")(y)
    decoder = keras.Model([z_in, label_in], y, name="decoder")

    mean_out, log_var_out = encoder([image, label])
    z = reparameterised_sample(check_number(beta, "beta", low=0, low_open=True) / pixels, seed=seed)(
        [mean_out, log_var_out]
    )
    return keras.Model([image, label], decoder([z, label]), name=name)


def generate(model: Any, labels: object, *, seed: int = 0) -> np.ndarray:
    """New images from a trained :func:`conditional_vae`: ``z ~ N(0, 1)`` through its decoder, one per label.

    The codes are drawn all at once (so the result does not depend on batching) and decoded 256 at a time,
    which bounds the memory the decoder's activations take.

    Args:
        model: a model built by :func:`conditional_vae` (it has a ``"decoder"`` sub-model).
        labels: ``(N,)`` class numbers, 0 to ``n_classes - 1``.
        seed: seeds the draws of ``z``.

    Returns:
        ``(N, height, width, channels)`` float32 images in [0, 1].

    Example:
        >>> model = conditional_vae((8, 8, 1), n_classes=2, widths=(4,))
        >>> generate(model, [0, 1, 1], seed=0).shape
        (3, 8, 8, 1)
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model built by conditional_vae, not {type(model).__name__}")
    try:
        decoder = model.get_layer("decoder")
    except ValueError:
        raise ValueError("model must have a 'decoder' sub-model, as conditional_vae builds it") from None
    latent_dim, n_classes = decoder.input_shape[0][1], decoder.input_shape[1][1]
    classes = check_array(labels, "labels", ndim=1, kinds="iu")
    if classes.size and (classes.min() < 0 or classes.max() >= n_classes):
        raise ValueError(f"labels must lie in 0 to {n_classes - 1}")
    z = np.random.default_rng(check_int(seed, "seed", min_value=0)).standard_normal((len(classes), latent_dim))
    one_hot = np.eye(n_classes, dtype="float32")[classes]
    z = z.astype("float32")
    # in batches: decoding thousands of images at once holds every layer's activations for all of them
    parts = [np.asarray(decoder([z[i : i + 256], one_hot[i : i + 256]], training=False)) for i in range(0, len(z), 256)]
    return np.concatenate(parts)
