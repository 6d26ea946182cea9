"""Evaluating a diagnostic model: clinical metrics, thresholds, bootstrap intervals, curves, Grad-CAM and its sanity check.

Built on ``sklearn.metrics`` and ``sklearn.calibration``; Keras and TensorFlow
are imported only by the Grad-CAM functions. Labels are binary, 1 = the condition
(the "positive" class), and scores are higher for the positive class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from ._validation import check_array, check_int, check_number
from .plotting import OKABE_ITO

if TYPE_CHECKING:  # pragma: no cover
    import keras


def _binary_labels(values: object, name: str) -> np.ndarray:
    array = check_array(values, name, ndim=1)
    if not np.all(np.isin(array, (0, 1))):
        raise ValueError(f"{name} must hold only 0 and 1 (1 = the condition)")
    return array.astype(int)


def _scores(values: object, name: str, n: int) -> np.ndarray:
    array = check_array(values, name, ndim=1).astype(float)
    if array.shape != (n,):
        raise ValueError(f"{name} must be {n} numbers, one per case, not of shape {array.shape}")
    return array


def _both_classes(y_true: np.ndarray) -> None:
    if y_true.min() == y_true.max():
        raise ValueError("y_true must contain both classes, 0 and 1")


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else float("nan")


def clinical_metrics(y_true: object, y_pred: object) -> dict[str, float]:
    """Sensitivity, specificity, PPV, NPV, accuracy and F1 of binary predictions, with the counts.

    A ratio whose denominator is zero (say, the PPV when nothing is called
    positive) is ``nan``, not 0: it is undefined, not bad.

    Args:
        y_true: true labels, 1 = the condition.
        y_pred: predicted labels, 0 or 1 (apply a threshold to scores first).

    Returns:
        A dict with ``tp``, ``fp``, ``tn``, ``fn`` (counts) and ``sensitivity``
        (recall of class 1), ``specificity``, ``ppv`` (precision), ``npv``,
        ``accuracy``, ``f1``, ``prevalence``.

    Example:
        >>> m = clinical_metrics([1, 1, 1, 0, 0], [1, 1, 0, 0, 1])
        >>> m["tp"], m["fn"], m["sensitivity"], m["specificity"]
        (2, 1, 0.6666666666666666, 0.5)
    """
    truth = _binary_labels(y_true, "y_true")
    predicted = _binary_labels(y_pred, "y_pred")
    if len(predicted) != len(truth):
        raise ValueError(f"y_pred has {len(predicted)} cases but y_true has {len(truth)}")
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(truth, predicted, labels=[0, 1]).ravel())
    return {
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "sensitivity": _ratio(tp, tp + fn),
        "specificity": _ratio(tn, tn + fp),
        "ppv": _ratio(tp, tp + fp),
        "npv": _ratio(tn, tn + fn),
        "accuracy": float(accuracy_score(truth, predicted)),
        "f1": float(f1_score(truth, predicted, zero_division=np.nan)),
        "prevalence": float(truth.mean()),
    }


def _roc_for_target(y_true: object, y_score: object, target: object) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Checked inputs, then every threshold's false and true positive rates (none dropped)."""
    truth = _binary_labels(y_true, "y_true")
    scores = _scores(y_score, "y_score", len(truth))
    target = check_number(target, "target", low=0, high=1, low_open=True)
    _both_classes(truth)
    fpr, tpr, thresholds = roc_curve(truth, scores, drop_intermediate=False)
    return fpr, tpr, thresholds, float(target)


def threshold_for_sensitivity(y_true: object, y_score: object, target: float) -> float:
    """The highest threshold whose sensitivity (cases with ``score >= threshold`` called positive) reaches ``target``.

    The highest such threshold gives the best specificity among those that
    meet the target. Choose it on validation data, then apply it unchanged to the test set.

    Args:
        y_true: true labels, 1 = the condition.
        y_score: scores or probabilities, higher for the condition.
        target: the sensitivity wanted, in (0, 1].

    Returns:
        The threshold; ``y_score >= threshold`` are the positive calls.

    Example:
        >>> threshold_for_sensitivity([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], target=1.0)
        0.35
    """
    _, tpr, thresholds, wanted = _roc_for_target(y_true, y_score, target)
    index = int(np.argmax(tpr >= wanted - 1e-12))
    return float(thresholds[index])


def threshold_for_specificity(y_true: object, y_score: object, target: float) -> float:
    """The lowest threshold whose specificity reaches ``target``: the best sensitivity that keeps it.

    Args:
        y_true: true labels, 1 = the condition.
        y_score: scores or probabilities, higher for the condition.
        target: the specificity wanted, in (0, 1].

    Returns:
        The threshold; ``y_score >= threshold`` are the positive calls. It is
        ``inf`` (call nobody positive) when even the highest score belongs to a negative case
        and ``target`` is 1.

    Example:
        >>> threshold_for_specificity([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], target=1.0)
        0.8
    """
    fpr, _, thresholds, wanted = _roc_for_target(y_true, y_score, target)
    allowed = np.flatnonzero(fpr <= 1 - wanted + 1e-12)
    return float(thresholds[allowed[-1]])


def bootstrap_ci(
    y_true: object,
    y_score: object,
    metric: Callable[[np.ndarray, np.ndarray], float] = roc_auc_score,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """A percentile bootstrap confidence interval of ``metric(y_true, y_score)``, resampling within each class.

    Cases are drawn with replacement separately from the positives and the
    negatives, so every resample keeps the study's numbers of each class
    (and the AUC is always defined).

    Args:
        y_true: true labels, 1 = the condition.
        y_score: scores, probabilities, or predicted labels (for a metric such as ``recall_score``).
        metric: ``metric(y_true, y_score) -> float``; default ``roc_auc_score``.
        n_boot: number of resamples, at least 100.
        level: coverage of the interval, in (0, 1).
        seed: seed of the resampling.

    Returns:
        ``(low, high)``.

    Example:
        >>> y = np.r_[np.zeros(50, int), np.ones(50, int)]
        >>> scores = y + np.random.default_rng(0).normal(0, 1, 100)
        >>> low, high = bootstrap_ci(y, scores, n_boot=200)
        >>> bool(low < roc_auc_score(y, scores) < high)
        True
    """
    truth = _binary_labels(y_true, "y_true")
    scores = _scores(y_score, "y_score", len(truth))
    _both_classes(truth)
    if not callable(metric):
        raise ValueError(f"metric must be a function metric(y_true, y_score), not {metric!r}")
    n_boot = check_int(n_boot, "n_boot", min_value=100)
    level = check_number(level, "level", low=0, high=1, low_open=True, high_open=True)
    rng = np.random.default_rng(seed)
    positives, negatives = np.flatnonzero(truth == 1), np.flatnonzero(truth == 0)
    values = np.empty(int(n_boot))
    for b in range(int(n_boot)):
        sample = np.concatenate([rng.choice(positives, len(positives)), rng.choice(negatives, len(negatives))])
        values[b] = metric(truth[sample], scores[sample])
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(values, [tail, 100 - tail])
    return float(low), float(high)


def _score_sets(y_score: object, n: int) -> dict[str, np.ndarray]:
    if isinstance(y_score, Mapping):
        if not y_score:
            raise ValueError("y_score must not be an empty dict")
        return {str(name): _scores(s, f"y_score[{name!r}]", n) for name, s in y_score.items()}
    return {"model": _scores(y_score, "y_score", n)}


def plot_roc_pr(
    y_true: object,
    y_score: object,
    *,
    operating_point: float | None = None,
    figsize: tuple[float, float] = (11.0, 4.2),
) -> Figure:
    """The ROC curve and the precision-recall curve side by side, with their chance levels.

    Args:
        y_true: true labels, 1 = the condition.
        y_score: scores of one model, or a dict ``{name: scores}`` to compare models.
        operating_point: a threshold to mark on every curve (for example one chosen on validation).
        figsize: figure size in inches.

    Returns:
        The figure: ROC (with AUC in the legend) on the left, precision-recall
        (with average precision) on the right.

    Example:
        >>> fig = plot_roc_pr([0, 0, 1, 1], {"a": [0.1, 0.4, 0.35, 0.8]})
        >>> [ax.get_xlabel() for ax in fig.axes]
        ['1 - specificity (false positive rate)', 'recall (sensitivity)']
    """
    truth = _binary_labels(y_true, "y_true")
    _both_classes(truth)
    sets = _score_sets(y_score, len(truth))
    fig, (roc_ax, pr_ax) = plt.subplots(1, 2, figsize=figsize, layout="constrained")
    for index, (name, scores) in enumerate(sets.items()):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        fpr, tpr, _ = roc_curve(truth, scores)
        roc_ax.plot(fpr, tpr, color=colour, label=f"{name} (AUC = {roc_auc_score(truth, scores):.2f})")
        precision, recall, _ = precision_recall_curve(truth, scores)
        pr_ax.step(recall, precision, where="post", color=colour,
                   label=f"{name} (AP = {average_precision_score(truth, scores):.2f})")
        if operating_point is not None:
            called = scores >= operating_point
            m = clinical_metrics(truth, called)
            roc_ax.plot(1 - m["specificity"], m["sensitivity"], "o", color=colour, markersize=8)
            if called.any():
                pr_ax.plot(m["sensitivity"], m["ppv"], "o", color=colour, markersize=8)
    roc_ax.plot([0, 1], [0, 1], ":", color="0.5", label="chance (AUC = 0.5)")
    prevalence = truth.mean()
    pr_ax.axhline(prevalence, linestyle=":", color="0.5", label=f"chance (prevalence {prevalence:.2f})")
    roc_ax.set(xlabel="1 - specificity (false positive rate)", ylabel="sensitivity (true positive rate)", title="ROC curve")
    pr_ax.set(xlabel="recall (sensitivity)", ylabel="precision (PPV)", title="precision-recall curve", ylim=(0, 1.02))
    for ax in (roc_ax, pr_ax):
        ax.legend(loc="lower right" if ax is roc_ax else "lower left", fontsize=8)
    return fig


def plot_calibration(y_true: object, y_prob: object, *, n_bins: int = 10, figsize: tuple[float, float] = (6.0, 5.5)) -> Figure:
    """A reliability diagram: predicted probability against the observed frequency, with the cases per bin below.

    Args:
        y_true: true labels, 1 = the condition.
        y_prob: predicted probabilities of the condition, in [0, 1] (one model,
            or a dict ``{name: probabilities}``).
        n_bins: equal-width bins of predicted probability.
        figsize: figure size in inches.

    Returns:
        The figure: the diagram on top (the Brier score of each model in the
        legend) and a histogram of the predicted probabilities below.

    Example:
        >>> fig = plot_calibration([0, 0, 1, 1, 1], [0.1, 0.3, 0.6, 0.8, 0.9], n_bins=5)
        >>> fig.axes[1].get_ylabel()
        'cases'
    """
    truth = _binary_labels(y_true, "y_true")
    _both_classes(truth)
    sets = _score_sets(y_prob, len(truth))
    if any(np.any((p < 0) | (p > 1)) for p in sets.values()):
        raise ValueError("y_prob must be probabilities in [0, 1]; scores such as an SVM's decision values need calibrating first")
    n_bins = check_int(n_bins, "n_bins", min_value=2, max_value=100)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=figsize, sharex=True, height_ratios=[3, 1], layout="constrained")
    top.plot([0, 1], [0, 1], ":", color="0.5", label="perfectly calibrated")
    edges = np.linspace(0, 1, n_bins + 1)
    for index, (name, prob) in enumerate(sets.items()):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        observed, predicted = calibration_curve(truth, prob, n_bins=n_bins, strategy="uniform")
        brier = brier_score_loss(truth, prob)
        top.plot(predicted, observed, "o-", color=colour, label=f"{name} (Brier {brier:.3f})")
        bottom.hist(prob, bins=edges, color=colour, alpha=0.6 if len(sets) > 1 else 1.0, label=name)
    top.set(ylabel="observed fraction with the condition", title="reliability diagram", xlim=(0, 1), ylim=(0, 1))
    top.legend(loc="upper left", fontsize=8)
    bottom.set(xlabel="predicted probability", ylabel="cases")
    return fig


def _find_layer(model: "keras.Model", layer_name: str | None) -> Any:
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
        raise ValueError("the model has no layer with a 4-D output (a feature map) for Grad-CAM; "
                         "if the network is wrapped inside another model, pass the inner model")
    return spatial[-1]


def _scores_probe(model: "keras.Model", layer: Any) -> tuple["keras.Model", Callable[[Any], Any]]:
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


def grad_cam(model: "keras.Model", image: np.ndarray, layer_name: str | None = None, class_index: int | None = None) -> np.ndarray:
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
    model: "keras.Model", image: np.ndarray, *, class_index: int | None = None, layer_name: str | None = None
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
) -> AxesImage:
    """Draw a heatmap in [0, 1] over a grayscale image, with a colour bar.

    Args:
        image: ``(H, W)`` or ``(H, W, 1)`` image.
        heatmap: ``(H, W)`` values in [0, 1], for example from :func:`grad_cam`.
        ax: axes to draw on (default: the current axes).
        alpha: opacity of the heatmap.
        title: axes title.

    Returns:
        The heatmap's ``AxesImage``.

    Example:
        >>> artist = overlay_heatmap(np.zeros((28, 28)), np.ones((28, 28)) / 2)
        >>> artist.get_clim()
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
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must lie in [0, 1], not {alpha!r}")
    ax = ax if ax is not None else plt.gca()
    ax.imshow(picture, cmap="gray")
    artist = ax.imshow(heat, cmap="magma", alpha=alpha, vmin=0.0, vmax=1.0)
    ax.figure.colorbar(artist, ax=ax, label="Grad-CAM (relative)", fraction=0.046, pad=0.02)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return artist
