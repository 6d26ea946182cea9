"""Saliency for a Keras CNN: Grad-CAM, its model-randomisation sanity check, and drawing a heatmap over an image.

Keras and TensorFlow are imported when these functions are first called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes

from ._validation import check_number
from .plotting import panels

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = ["cascading_randomisation", "grad_cam", "heatmap_similarity", "overlay_heatmap"]


def _find_layer(model: keras.Model, layer_name: str | None) -> Any:
    if layer_name is not None:
        if not isinstance(layer_name, str):
            raise ValueError(f"layer_name must be a layer's name (a string), not {layer_name!r}")
        try:
            return model.get_layer(layer_name)
        except ValueError:
            names = [layer.name for layer in model.layers]
            raise ValueError(f"layer_name {layer_name!r} is not a layer of the model; its layers are {names}") from None
    spatial = [layer for layer in model.layers if len(getattr(layer.output, "shape", ())) == 4]
    if not spatial:
        raise ValueError(
            "the model has no layer with a 4-D output (a feature map) for Grad-CAM; "
            "if the network is wrapped inside another model, pass the inner model"
        )
    return spatial[-1]


def _scores_probe(model: keras.Model, layer: Any) -> tuple[keras.Model, Callable[[Any], Any]]:
    """A model returning (feature maps, what feeds the output) and a function from the latter to the logits.

    When the last layer is a sigmoid or softmax (a ``Dense`` with that activation
    or an ``Activation`` layer), Grad-CAM explains the logits before it, as
    Selvaraju et al. (2017) do: the gradient of a saturated probability vanishes.
    """
    import keras

    last = model.layers[-1]
    squashes = getattr(last, "activation", None) in (keras.activations.sigmoid, keras.activations.softmax)
    if squashes and isinstance(last, keras.layers.Dense):

        def logits(features: Any) -> Any:
            z = keras.ops.matmul(features, last.kernel)
            return z + last.bias if last.use_bias else z

        return keras.Model(model.inputs, [layer.output, last.input]), logits
    if squashes and isinstance(last, keras.layers.Activation):
        return keras.Model(model.inputs, [layer.output, last.input]), lambda z: z
    return keras.Model(model.inputs, [layer.output, model.output]), lambda z: z


def grad_cam(
    model: keras.Model, image: np.ndarray, layer_name: str | None = None, class_index: int | None = None
) -> np.ndarray:
    """Grad-CAM: which regions of ``image`` raised the model's score for a class.

    The feature maps of one layer (default: the last layer with a spatial
    output) are weighted by the average gradient of the class score with
    respect to each map, summed, passed through ReLU, resized to the image and
    scaled to [0, 1] (Selvaraju et al., 2017). The class score is the logit,
    taken before a final sigmoid or softmax (a saturated probability has almost
    no gradient); a model without such a last layer is explained by its output.

    Args:
        model: a functional or sequential Keras model (if the network is
            wrapped inside another model, for example after augmentation layers, pass the inner one).
        image: one image, ``(H, W)`` or ``(H, W, C)``, scaled as in training.
        layer_name: the layer whose feature maps to use.
        class_index: the class to explain; default: the predicted one. For a
            single sigmoid output with logit z, 1 explains z (the evidence for
            class 1) and 0 explains -z (the evidence for class 0).

    Returns:
        A ``(H, W)`` float array in [0, 1] (all zeros if no region raised the score).

    Example:
        >>> from medlearn.models import small_cnn
        >>> heatmap = grad_cam(small_cnn((28, 28, 1), 2), np.zeros((28, 28)))
        >>> heatmap.shape, float(heatmap.min()) >= 0, float(heatmap.max()) <= 1
        ((28, 28), True, True)
    """
    import keras
    import tensorflow as tf
    from skimage.transform import resize

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, not {type(model).__name__}")
    picture = np.asarray(image, dtype="float32")
    expected = tuple(model.input_shape[1:])
    if picture.ndim == 2 and len(expected) == 3 and expected[-1] == 1:
        picture = picture[..., None]
    if picture.ndim != len(expected) or any(e is not None and e != s for e, s in zip(expected, picture.shape)):
        raise ValueError(f"image has shape {np.shape(image)}, but the model takes {expected}")
    layer = _find_layer(model, layer_name)
    probe, to_logits = _scores_probe(model, layer)
    batch = tf.convert_to_tensor(picture[None])
    with tf.GradientTape() as tape:
        maps, before_output = probe(batch, training=False)
        logits = to_logits(before_output)
        if logits.shape[-1] == 1:
            chosen = int(logits[0, 0] >= 0) if class_index is None else class_index
            if chosen not in (0, 1):
                raise ValueError(f"class_index must be 0 or 1 for a single sigmoid output, not {class_index!r}")
            score = logits[:, 0] if chosen == 1 else -logits[:, 0]
        else:
            chosen = int(tf.argmax(logits[0])) if class_index is None else class_index
            if not isinstance(chosen, (int, np.integer)) or not 0 <= chosen < logits.shape[-1]:
                raise ValueError(f"class_index must be from 0 to {logits.shape[-1] - 1}, not {class_index!r}")
            score = logits[:, chosen]
    gradients = tape.gradient(score, maps)
    weights = tf.reduce_mean(gradients, axis=(1, 2))
    cam = tf.nn.relu(tf.reduce_sum(maps * weights[:, None, None, :], axis=-1))[0].numpy()
    cam = resize(cam, picture.shape[:2], order=1, mode="edge", anti_aliasing=False)
    top = cam.max()
    return (cam / top).astype(float) if top > 0 else np.zeros(picture.shape[:2])


def heatmap_similarity(trained: np.ndarray, other: np.ndarray) -> float:
    """Spearman rank correlation of two heatmaps: do they order the pixels alike?

    The measure of Adebayo et al. (2018) for sanity checks of saliency maps.
    A constant ``trained`` map orders nothing and explains nothing, so it is an
    error; a constant ``other`` map shares no ordering with it and scores 0.

    Args:
        trained: the heatmap under test, any shape.
        other: a heatmap of the same shape (for example from a randomised model).

    Returns:
        The correlation in [-1, 1].

    Example:
        >>> ramp = np.arange(16.0).reshape(4, 4)
        >>> heatmap_similarity(ramp, ramp ** 2), heatmap_similarity(ramp, np.zeros((4, 4)))
        (1.0, 0.0)
    """
    from scipy.stats import spearmanr

    first, second = np.asarray(trained, dtype=float), np.asarray(other, dtype=float)
    if first.shape != second.shape or first.size < 2:
        raise ValueError(f"trained and other must be heatmaps of one shape, not {first.shape} and {second.shape}")
    if not (np.all(np.isfinite(first)) and np.all(np.isfinite(second))):
        raise ValueError("trained and other must hold finite values")
    if np.ptp(first) == 0:
        raise ValueError("trained is a constant heatmap: it ranks no region above another and fails any sanity check")
    if np.ptp(second) == 0:
        return 0.0
    return float(spearmanr(first.ravel(), second.ravel())[0])


def cascading_randomisation(
    model: keras.Model, image: np.ndarray, *, class_index: int | None = None, layer_name: str | None = None
) -> dict[str, float]:
    """Model-randomisation sanity check of Grad-CAM (Adebayo et al., 2018).

    Re-initialises the model's weighted layers one at a time from the output
    downwards (each step keeps the earlier re-initialisations), recomputes
    Grad-CAM, and measures its :func:`heatmap_similarity` with the trained
    model's map. An explanation of what the model learned must change as the
    learned weights are destroyed: correlations that stay near 1 mean the map
    shows the image or the architecture, not the training. New weights come
    from each layer's initialiser (seed them with ``keras.utils.set_random_seed``);
    the model passed in is not changed.

    Args:
        model: the trained Keras model.
        image: one image, as for :func:`grad_cam`.
        class_index: the class to explain (default: the predicted one, kept for every step).
        layer_name: the layer whose feature maps to use (default as in :func:`grad_cam`).

    Returns:
        ``{name of the last layer re-initialised: similarity}``, from the output layer down.

    Raises:
        ValueError: if the trained model's heatmap is constant (for example all zeros).

    Example:
        >>> from medlearn.models import small_cnn
        >>> import keras
        >>> keras.utils.set_random_seed(0)
        >>> steps = cascading_randomisation(small_cnn((28, 28, 1), 2), np.random.default_rng(0).random((28, 28)))
        >>> list(steps)[:2]
        ['probability', 'bn3']
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model, not {type(model).__name__}")
    if class_index is None:
        picture = np.asarray(image, dtype="float32")
        picture = picture[..., None] if picture.ndim == len(model.input_shape) - 2 else picture
        output = keras.ops.convert_to_numpy(model(picture[None], training=False))[0]
        class_index = int(output[0] >= 0.5) if output.shape[-1] == 1 else int(np.argmax(output))
    trained_map = grad_cam(model, image, layer_name=layer_name, class_index=class_index)
    if np.ptp(trained_map) == 0:
        raise ValueError("the trained model's Grad-CAM is constant (for example all zeros): nothing to check")
    working = keras.models.clone_model(model)
    working.set_weights(model.get_weights())
    fresh = keras.models.clone_model(model)
    similarities = {}
    for layer in reversed(working.layers):
        if not layer.weights:
            continue
        layer.set_weights(fresh.get_layer(layer.name).get_weights())
        randomised = grad_cam(working, image, layer_name=layer_name, class_index=class_index)
        similarities[layer.name] = heatmap_similarity(trained_map, randomised)
    return similarities


def overlay_heatmap(
    image: np.ndarray, heatmap: np.ndarray, ax: Axes | None = None, *, alpha: float = 0.45, title: str | None = None
) -> Axes:
    """Draw a heatmap in [0, 1] over a grayscale image, with a colour bar.

    Args:
        image: ``(H, W)`` or ``(H, W, 1)`` image.
        heatmap: ``(H, W)`` values in [0, 1], for example from :func:`grad_cam`.
        ax: the Axes to draw on (default: a new figure).
        alpha: opacity of the heatmap.
        title: axes title.

    Returns:
        The Axes; the heatmap is its last image (``ax.images[-1]``).

    Example:
        >>> ax = overlay_heatmap(np.zeros((28, 28)), np.ones((28, 28)) / 2)
        >>> ax.images[-1].get_clim()
        (0.0, 1.0)
    """
    picture = np.asarray(image, dtype=float)
    if picture.ndim == 3 and picture.shape[-1] == 1:
        picture = picture[..., 0]
    if picture.ndim != 2:
        raise ValueError(f"image must be a grayscale (H, W) image, not shape {np.shape(image)}")
    heat = np.asarray(heatmap, dtype=float)
    if heat.shape != picture.shape:
        raise ValueError(f"heatmap has shape {heat.shape}; it must match the image, {picture.shape}")
    if not np.all(np.isfinite(heat)) or heat.min() < 0 or heat.max() > 1:
        raise ValueError("heatmap must hold values in [0, 1]")
    alpha = check_number(alpha, "alpha", low=0, high=1)
    ax = panels(ax, 1)[0]
    ax.imshow(picture, cmap="gray")
    artist = ax.imshow(heat, cmap="magma", alpha=alpha, vmin=0.0, vmax=1.0)
    ax.figure.colorbar(artist, ax=ax, label="Grad-CAM (relative)", fraction=0.046, pad=0.02)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax
