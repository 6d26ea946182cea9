"""A small CenterNet (Zhou, Wang and Krähenbühl, "Objects as Points", arXiv:1904.07850, 2019): each object is
the peak of a per-class heatmap, with its box size and sub-cell offset read at the peak.

The network's output has ``n_classes + 4`` channels per cell of a grid ``stride`` times coarser
than the input: ``n_classes`` heatmaps (sigmoid), then log width, log height (in cells) and the
x, y offsets of the centre inside its cell. The target packs the same plus one channel that
marks the cells holding a centre. The detection chapter draws one target and decodes one output by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import check_array, check_int, check_number

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = ["centernet_loss", "centernet_targets", "decode_centernet", "small_centernet"]


def centernet_targets(
    targets: Sequence[dict[str, Any]], image_shape: Sequence[int], stride: int, n_classes: int
) -> np.ndarray:
    """Training targets: per class a heatmap with a Gaussian peak of 1 at each box's centre cell, and the
    box's log size and centre offset at that cell.

    Each Gaussian's standard deviation is a sixth of the box's width (across) and height (down), in
    cells, at least half a cell: small objects get sharp peaks. Where two Gaussians of a class
    overlap, the larger value is kept. Two centres of one class in the same cell collide: the later
    box's size and offset overwrite the earlier's (count collisions before choosing ``stride``).

    Args:
        targets: one dict per image with ``boxes`` (N, 4) corner boxes in input pixels and ``labels`` (N,).
        image_shape: ``(height, width)`` of the input images; both divisible by ``stride``.
        stride: input pixels per output cell.
        n_classes: number of classes.

    Returns:
        float32 array (n_images, height / stride, width / stride, n_classes + 5).

    Example:
        >>> y = centernet_targets([{"boxes": [[8, 8, 24, 16]], "labels": [0]}], (32, 32), 4, 1)
        >>> y.shape, float(y[0, 3, 4, 0]), [round(float(v), 3) for v in y[0, 3, 4, 1:]]
        ((1, 8, 8, 6), 1.0, [1.386, 0.693, 0.0, 0.0, 1.0])
    """
    stride = check_int(stride, "stride", min_value=1)
    n_classes = check_int(n_classes, "n_classes", min_value=1)
    height, width = (check_int(v, "image_shape", min_value=1) for v in tuple(image_shape)[:2])
    if height % stride or width % stride:
        raise ValueError(f"image_shape must be divisible by stride ({stride}), not {(height, width)}")
    rows, cols = height // stride, width // stride
    out = np.zeros((len(targets), rows, cols, n_classes + 5), np.float32)
    yy, xx = np.mgrid[0:rows, 0:cols]
    for i, target in enumerate(targets):
        boxes = check_array(target["boxes"], f"targets[{i}]['boxes']", empty=True)
        if boxes.size and (boxes.ndim != 2 or boxes.shape[1] != 4):
            raise ValueError(
                f"targets[{i}]['boxes'] must be an (N, 4) array of corner boxes, not of shape {boxes.shape}"
            )
        boxes = boxes.reshape(-1, 4) / stride
        labels = check_array(target["labels"], f"targets[{i}]['labels']", empty=True).astype(int).reshape(-1)
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            raise ValueError(f"targets[{i}]['labels'] must lie in 0..{n_classes - 1}, not {sorted(set(labels))}")
        for (x0, y0, x1, y1), c in zip(boxes, labels):
            cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, 1e-3), max(y1 - y0, 1e-3)
            ix, iy = min(int(cx), cols - 1), min(int(cy), rows - 1)
            sx, sy = max(w / 6, 0.5), max(h / 6, 0.5)
            peak = np.exp(-((xx - ix) ** 2) / (2 * sx**2) - ((yy - iy) ** 2) / (2 * sy**2))
            out[i, :, :, c] = np.maximum(out[i, :, :, c], peak)
            out[i, iy, ix, n_classes:] = (np.log(w), np.log(h), cx - ix, cy - iy, 1.0)
    return out


def centernet_loss(n_classes: int, size_weight: float = 0.1) -> Any:
    """CenterNet's loss: the penalty-reduced focal loss on the heatmaps, plus L1 on size and offset at
    the centres, divided by the number of centres in the batch.

    The focal loss (Lin et al., ICCV 2017, as adapted by CenterNet, alpha 2, beta 4): at a centre,
    ``-(1 - p)^2 log p``; elsewhere ``-(1 - y)^4 p^2 log(1 - p)``, so cells near a centre (y close
    to 1) are barely punished for a high p. Size errors are weighted by ``size_weight``; unlike CenterNet,
    which regresses the raw size, the size here is log width and log height in cells, so that large and
    small objects weigh alike.

    Returns:
        A function ``loss(y_true, y_pred)`` for ``model.compile``; ``y_true`` from :func:`centernet_targets`.

    Example:
        >>> y = centernet_targets([{"boxes": [[8, 8, 24, 16]], "labels": [0]}], (32, 32), 4, 1)
        >>> perfect = np.concatenate([np.clip(y[..., :1], 1e-4, 1 - 1e-4), y[..., 1:5]], axis=-1)
        >>> loss = centernet_loss(1)
        >>> float(loss(y, perfect)) < 0.1 < 10 < float(loss(y, np.full((1, 8, 8, 5), 0.5, "float32")))
        True
    """
    import keras

    n_classes = check_int(n_classes, "n_classes", min_value=1)
    size_weight = check_number(size_weight, "size_weight", low=0)
    k = n_classes
    weights = np.array([size_weight, size_weight, 1.0, 1.0], "float32")

    def loss(y_true: Any, y_pred: Any) -> Any:
        ops = keras.ops
        heat = ops.clip(y_pred[..., :k], 1e-4, 1 - 1e-4)
        target = y_true[..., :k]
        centre = ops.cast(ops.equal(target, 1.0), "float32")
        at_centre = centre * (1 - heat) ** 2 * ops.log(heat)
        elsewhere = (1 - centre) * (1 - target) ** 4 * heat**2 * ops.log(1 - heat)
        focal = at_centre + elsewhere
        mask = y_true[..., k + 4 : k + 5]
        regression = ops.sum(mask * ops.abs(y_true[..., k : k + 4] - y_pred[..., k : k + 4]) * weights)
        return (regression - ops.sum(focal)) / ops.maximum(ops.sum(mask), 1.0)

    return loss


def _block(x: Any, filters: int, dilation: int = 1) -> Any:
    from keras import layers

    x = layers.Conv2D(filters, 3, padding="same", dilation_rate=dilation, use_bias=False)(x)
    x = layers.BatchNormalization(momentum=0.9)(x)
    return layers.ReLU()(x)


def small_centernet(input_shape: Sequence[int], n_classes: int, *, width: int = 12) -> keras.Model:
    """A compact CenterNet with output stride 4: a strided stem, one pooling, a small encoder-decoder
    at strides 4 and 8 joined by a skip connection, then the heads.

    Inputs are uint8-range images (the network rescales them by 1/255). The heatmap head's bias
    starts at -2.19 (a probability of 0.1), as in CenterNet, so that the first steps are not
    swamped by the many empty cells.

    Args:
        input_shape: ``(height, width, channels)``, height and width divisible by 8.
        n_classes: number of classes.
        width: filters of the first layers (the deeper layers have 2 and 4 times as many).

    Returns:
        An uncompiled ``keras.Model`` whose output has ``n_classes + 4`` channels at 1/4 of the input size.

    Example:
        >>> small_centernet((120, 160, 3), 3).output_shape
        (None, 30, 40, 7)
    """
    import keras
    from keras import layers

    n_classes = check_int(n_classes, "n_classes", min_value=1)
    width = check_int(width, "width", min_value=1)
    shape = tuple(check_int(v, "input_shape", min_value=1) for v in input_shape)
    if len(shape) != 3 or shape[0] % 8 or shape[1] % 8:
        raise ValueError(f"input_shape must be (height, width, channels) with sides divisible by 8, not {shape}")
    inputs = keras.Input(shape)
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.Conv2D(2 * width, 3, strides=2, padding="same", use_bias=False)(x)
    x = layers.ReLU()(layers.BatchNormalization(momentum=0.9)(x))
    x = _block(x, 2 * width)
    x = layers.MaxPooling2D()(x)  # stride 4
    skip = _block(x, 4 * width)
    y = layers.MaxPooling2D()(skip)  # stride 8: more context for the large white cells
    y = _block(y, 4 * width)
    y = _block(y, 4 * width, dilation=2)
    y = layers.UpSampling2D()(y)
    x = _block(layers.Concatenate()([skip, y]), 4 * width)
    heat = layers.Conv2D(n_classes, 1, activation="sigmoid", bias_initializer=keras.initializers.Constant(-2.19))(x)
    boxes = layers.Conv2D(4, 1)(x)
    return keras.Model(inputs, layers.Concatenate()([heat, boxes]), name="small_centernet")


def decode_centernet(
    outputs: np.ndarray, n_classes: int, stride: int, *, max_detections: int = 100, min_score: float = 0.01
) -> list[dict[str, np.ndarray]]:
    """Detections from the network's outputs: heatmap peaks (a cell that is the maximum of its 3 x 3
    neighbourhood, CenterNet's stand-in for NMS), best first, with their boxes in input pixels.

    Args:
        outputs: (n_images, rows, cols, n_classes + 4) network outputs.
        n_classes: number of classes.
        stride: input pixels per output cell.
        max_detections: at most this many per image, best first.
        min_score: peaks below this are dropped.

    Returns:
        One dict per image with ``boxes`` (N, 4), ``scores`` (N,) and ``labels`` (N,).

    Example:
        >>> y = centernet_targets([{"boxes": [[8, 8, 24, 16]], "labels": [0]}], (32, 32), 4, 1)
        >>> decode_centernet(y[..., :5], 1, 4)[0]["boxes"].round(3).tolist()
        [[8.0, 8.0, 24.0, 16.0]]
    """
    from scipy import ndimage

    outputs = check_array(outputs, "outputs", ndim=4)
    n_classes = check_int(n_classes, "n_classes", min_value=1)
    stride = check_int(stride, "stride", min_value=1)
    max_detections = check_int(max_detections, "max_detections", min_value=1)
    min_score = check_number(min_score, "min_score", low=0, high=1)
    if outputs.shape[-1] != n_classes + 4:
        raise ValueError(f"outputs must have n_classes + 4 = {n_classes + 4} channels, not {outputs.shape[-1]}")
    detections = []
    for out in outputs:
        heat = out[..., :n_classes]
        peaks = (heat == ndimage.maximum_filter(heat, size=(3, 3, 1), mode="constant")) & (heat >= min_score)
        rows, cols, labels = np.nonzero(peaks)
        scores = heat[rows, cols, labels]
        order = np.argsort(-scores, kind="stable")[:max_detections]
        rows, cols, labels, scores = rows[order], cols[order], labels[order], scores[order]
        reg = out[rows, cols, n_classes:]
        cx, cy = (cols + reg[:, 2]) * stride, (rows + reg[:, 3]) * stride
        w, h = np.exp(np.clip(reg[:, :2], -10, 10)).T * stride  # log sizes, bounded against overflow
        boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1).reshape(-1, 4)
        detections.append({"boxes": boxes.astype(float), "scores": scores.astype(float), "labels": labels})
    return detections
