"""Transfer learning: freeze the first convolutional blocks of a pretrained network before fine-tuning."""

from __future__ import annotations

from typing import Any

from .._validation import check_int

__all__ = ["freeze_blocks"]


def freeze_blocks(model: Any, depth: int) -> list[str]:
    """Freeze the layers of ``model`` up to its ``depth``-th convolution's block; leave the rest trainable.

    Layers are taken in order from the input: every layer before the ``(depth + 1)``-th convolution
    is frozen (its convolution, batch normalisation and pooling), and every layer from there on is
    made trainable, as is the head (from the first global pooling, flattening, dropout or dense layer
    on). A frozen batch normalisation layer also runs in inference mode in Keras 3 (its moving
    statistics stay the pretrained ones). ``depth=0`` unfreezes everything; a depth as large as the
    number of convolutions freezes the whole feature extractor (training only the head: "frozen
    features"). Compile the model again after calling this.

    Args:
        model: a Keras model, for example ``medlearn.models.small_cnn``.
        depth: how many convolutional blocks to freeze, from 0 to the number of convolutions.

    Returns:
        The names of the frozen layers that have weights.

    Example:
        >>> from medlearn.models import small_cnn
        >>> model = small_cnn((28, 28, 1), n_classes=2)
        >>> freeze_blocks(model, 1)
        ['conv1', 'bn1']
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, not {type(model).__name__}")
    convolutions = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D | keras.layers.Conv3D)]
    depth = check_int(depth, "depth", min_value=0, max_value=len(convolutions))
    layers = keras.layers
    head_types = (
        layers.GlobalAveragePooling2D, layers.GlobalAveragePooling3D, layers.GlobalMaxPooling2D,
        layers.GlobalMaxPooling3D, layers.Flatten, layers.Dense, layers.Dropout,
    )  # fmt: skip
    frozen, seen, in_head = [], 0, False
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D | layers.Conv3D):
            seen += 1
        in_head = in_head or isinstance(layer, head_types)
        freeze = depth > 0 and seen <= depth and not in_head
        layer.trainable = not freeze
        if freeze and layer.weights:
            frozen.append(layer.name)
    return frozen
