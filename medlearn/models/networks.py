"""Two compact networks: a CNN for images or volumes (one output, or features for a head of your own) and a U-Net."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._validation import check_int, check_int_sequence, check_number

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = ["small_cnn", "small_unet"]


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
            leaves 0.9 ** steps of the starting values: about 0.04 % after one epoch of
            PneumoniaMNIST (74 steps of 64), but about 40 % after one of BreastMNIST (9 steps).
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
    widths = check_int_sequence(widths, "widths", min_length=1, min_value=1)
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
    widths = check_int_sequence(widths, "widths", min_length=2, min_value=1)  # one per level
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
