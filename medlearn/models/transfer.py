"""Transfer learning: a self-supervised pretext task, pretrained weights copied into a new network, and
the first convolutional blocks frozen before fine-tuning."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import check_array, check_int

__all__ = ["copy_weights", "freeze_blocks", "rotation_pretext"]


def rotation_pretext(images: object, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Each image turned by a random multiple of 90 degrees, and that multiple as its label: a pretext
    task that needs no annotation (Gidaris et al., ICLR 2018).

    A network that learns to say which way up a chest radiograph is may find the anatomy that tells
    (the diaphragm below the lungs, the heart's shadow), or a simpler cue such as brightness from top
    to bottom; its convolutional blocks can then start a diagnostic network. Label ``k`` means the image
    was turned ``k`` times by 90 degrees anticlockwise (``np.rot90``), so 0 is the image as stored.

    Args:
        images: ``(N, H, W)`` or ``(N, H, W, C)`` square images (height equal to width).
        seed: seeds the turns.

    Returns:
        ``(turned, k)``: the turned images (same shape and dtype) and ``k`` in 0 to 3, int.

    Example:
        >>> turned, k = rotation_pretext(np.arange(8).reshape(2, 2, 2), seed=0)
        >>> k.tolist(), bool(np.array_equal(turned[0], np.rot90(np.arange(4).reshape(2, 2), k[0])))
        ([3, 2], True)
    """
    array = check_array(images, "images", ndim=(3, 4))
    if array.shape[1] != array.shape[2]:
        raise ValueError(
            f"images must be square (height = width) to be turned, not {array.shape[1]} x {array.shape[2]}"
        )
    k = np.random.default_rng(check_int(seed, "seed", min_value=0)).integers(0, 4, len(array))
    turned = np.empty_like(array)
    for turns in range(4):
        chosen = k == turns
        turned[chosen] = np.rot90(array[chosen], turns, axes=(1, 2))
    return turned, k.astype(int)


def copy_weights(source: Any, target: Any, layers: Sequence[str] | None = None) -> list[str]:
    """Copy the weights of the layers that ``source`` and ``target`` share by name into ``target``.

    With ``layers=None``, every layer with weights whose name is in both models and whose weights have
    the same shapes is copied (for two ``small_cnn`` built alike: every block, and the head too when
    the numbers of classes agree); a named list copies exactly those, and refuses a name that is
    missing or whose shapes differ. Batch normalisation's moving statistics are weights too, and are
    copied with the rest.

    Args:
        source: the pretrained Keras model.
        target: the Keras model to start from those weights.
        layers: names of the layers to copy, or None for every shared one.

    Returns:
        The names of the layers copied, in ``target``'s order.

    Example:
        >>> from medlearn.models import small_cnn
        >>> pretrained = small_cnn((28, 28, 1), n_classes=4)  # say, trained on a pretext task
        >>> copy_weights(pretrained, small_cnn((28, 28, 1), n_classes=2))  # the head's shape differs
        ['conv1', 'bn1', 'conv2', 'bn2', 'conv3', 'bn3']
    """
    import keras

    for model, name in ((source, "source"), (target, "target")):
        if not isinstance(model, keras.Model):
            raise ValueError(f"{name} must be a Keras model, not {type(model).__name__}")
    sources = {layer.name: layer for layer in source.layers if layer.weights}

    def shapes(layer: Any) -> list[tuple[int, ...]]:
        return [tuple(w.shape) for w in layer.weights]

    if layers is None:
        chosen = [
            layer.name
            for layer in target.layers
            if layer.weights and layer.name in sources and shapes(sources[layer.name]) == shapes(layer)
        ]
    else:
        if isinstance(layers, str) or not all(isinstance(name, str) for name in layers):
            raise ValueError(f"layers must be a list of layer names, not {layers!r}")
        targets = {layer.name: layer for layer in target.layers}
        for name in layers:
            if name not in sources or name not in targets:
                raise ValueError(f"layers: {name!r} is not a layer with weights in both models")
            if shapes(sources[name]) != shapes(targets[name]):
                raise ValueError(f"layers: {name!r} has weights of other shapes in source and target")
        chosen = [layer.name for layer in target.layers if layer.name in set(layers)]
    for name in chosen:
        target.get_layer(name).set_weights(sources[name].get_weights())
    return chosen


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
