"""Figure helpers that every chapter uses, and the course's plotting convention.

The convention, kept by every figure helper in medlearn: it takes ``ax=None``
(one ``Axes``, or for a helper that draws several panels a sequence of that
many ``Axes``), draws there, or on a new figure when ``ax`` is None, and
returns what it drew on: the ``Axes``, or a NumPy array of ``Axes``. It never
calls ``plt.show()``. :func:`panels` implements the rule for all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from skimage.util import montage

from ._validation import check_images, check_int, check_mask, check_number
from .colours import ERROR_COLOURS, OKABE_ITO

__all__ = ["error_overlay", "panels", "plot_class_examples", "plot_history", "plot_montage", "plot_survival_curves"]


def panels(ax: Axes | Sequence[Axes] | None, n: int, **subplots: Any) -> np.ndarray:
    """The ``n`` Axes a figure helper draws on: the ones given, checked, or those of a new figure.

    Args:
        ax: None, one ``Axes`` (when ``n`` is 1) or a sequence of ``n`` Axes.
        n: the number of panels the helper draws.
        subplots: keyword arguments for ``plt.subplots`` when a new figure is
            made (``nrows``, ``ncols``, ``figsize``, ...); the layout is "constrained".

    Returns:
        A 1-D array of ``n`` Axes.

    Example:
        >>> first, second = panels(None, 2, ncols=2)
        >>> bool(first.figure is second.figure), len(panels(first, 1))
        (True, 1)
    """
    n = check_int(n, "n", min_value=1)
    if ax is None:
        _, made = plt.subplots(squeeze=False, layout="constrained", **subplots)
        axes = made.ravel()
    else:
        axes = np.array([ax] if isinstance(ax, Axes) else list(ax), dtype=object).ravel()
    if len(axes) != n or not all(isinstance(a, Axes) for a in axes):
        raise ValueError(f"ax must be None or {'one Axes' if n == 1 else f'{n} Axes'}, not {ax!r}")
    return axes


def _as_image_stack(images: object, argument: str = "images") -> np.ndarray:
    return check_images(images, argument, colours=(3, 4))


def plot_montage(
    images: np.ndarray,
    *,
    ncols: int | None = None,
    ax: Axes | None = None,
    cmap: str = "gray",
    title: str | None = None,
    colorbar_label: str | None = "pixel value",
) -> Axes:
    """Show a stack of images as one grid (``skimage.util.montage``) with a colour bar.

    Args:
        images: ``(N, H, W)`` grayscale or ``(N, H, W, 3)`` RGB images.
        ncols: images per row (default: close to square).
        ax: the Axes to draw on (default: a new figure).
        cmap: colour map for grayscale images.
        title: axes title.
        colorbar_label: label of the colour bar; ``None`` for no colour bar
            (RGB images never get one).

    Returns:
        The Axes; the montage is its image (``ax.images[0]``).

    Example:
        >>> images = np.random.default_rng(0).integers(0, 255, (8, 28, 28), dtype=np.uint8)
        >>> ax = plot_montage(images, ncols=4, title="examples")
        >>> ax.images[0].get_array().shape
        (56, 112)
    """
    stack = _as_image_stack(images)
    if ncols is not None:
        ncols = check_int(ncols, "ncols", min_value=1)
    rgb = stack.ndim == 4
    n = len(stack)
    ncols = int(ncols or np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    fill = 0 if stack.dtype.kind in "ui" else float(stack.min())
    grid = montage(
        stack,
        grid_shape=(nrows, ncols),
        fill=(fill,) * stack.shape[-1] if rgb else fill,
        channel_axis=-1 if rgb else None,
    )
    ax = panels(ax, 1)[0]
    if rgb:
        artist = ax.imshow(grid)
    else:
        vmin, vmax = (0, 255) if stack.dtype == np.uint8 else (None, None)
        artist = ax.imshow(grid, cmap=cmap, vmin=vmin, vmax=vmax)
        if colorbar_label:
            ax.figure.colorbar(artist, ax=ax, label=colorbar_label, fraction=0.046, pad=0.02)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


def plot_class_examples(
    images: np.ndarray,
    labels: np.ndarray,
    label_names: Sequence[str],
    *,
    n_per_class: int = 8,
    seed: int = 0,
    ax: Sequence[Axes] | None = None,
) -> np.ndarray:
    """One row per class, each a montage of randomly chosen examples of that class.

    Args:
        images: ``(N, H, W)`` or ``(N, H, W, 3)`` images.
        labels: ``(N,)`` integer class labels.
        label_names: name of each class, indexed by label.
        n_per_class: examples shown per class.
        seed: seed for choosing the examples (the same seed shows the same images).
        ax: one Axes per class (default: a new figure with one row per class).

    Returns:
        The Axes, one per class, each titled with the class name, its label and count.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> axes = plot_class_examples(rng.integers(0, 255, (20, 28, 28), dtype=np.uint8),
        ...                            np.arange(20) % 2, ["normal", "pneumonia"], n_per_class=4)
        >>> [ax.get_title() for ax in axes]
        ['0 = normal (n = 10)', '1 = pneumonia (n = 10)']
    """
    stack = _as_image_stack(images)
    labels = np.asarray(labels)
    if labels.shape != (len(stack),) or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers of shape ({len(stack)},), not {labels.dtype} {labels.shape}")
    if labels.min() < 0 or labels.max() >= len(label_names):
        raise ValueError(f"labels must lie in 0..{len(label_names) - 1} to match label_names")
    n_per_class = check_int(n_per_class, "n_per_class", min_value=1)
    rng = np.random.default_rng(seed)
    n_classes = len(label_names)
    axes = panels(ax, n_classes, nrows=n_classes, figsize=(1.1 * n_per_class + 1.5, 1.5 * n_classes + 0.3))
    for label, ax in enumerate(axes):
        members = np.flatnonzero(labels == label)
        title = f"{label} = {label_names[label]} (n = {len(members)})"
        if len(members) == 0:
            ax.set_axis_off()
            ax.set_title(title)
            continue
        chosen = rng.choice(members, size=min(n_per_class, len(members)), replace=False)
        plot_montage(stack[chosen], ncols=n_per_class, ax=ax, title=title)
    return axes


def error_overlay(y_true: object, y_pred: object, mask: object | None = None) -> np.ndarray:
    """An RGB picture of where a segmentation agrees with its reference, in :data:`medlearn.colours.ERROR_COLOURS`.

    True positives white, false positives orange, false negatives sky blue,
    true negatives black, and pixels outside ``mask`` (when given) grey: the
    colours stay distinct with every common colour-vision deficiency.

    Args:
        y_true: the reference mask ``(H, W)``, bool or 0/1.
        y_pred: the predicted mask of the same shape.
        mask: optional region ``(H, W)`` in which the two are compared.

    Returns:
        float32 ``(H, W, 3)`` RGB in [0, 1], for ``plt.imshow``.

    Example:
        >>> error_overlay([[1, 1, 0]], [[1, 0, 1]])[0].tolist()[0]
        [1.0, 1.0, 1.0]
    """
    truth = check_mask(y_true, "y_true")
    if truth.ndim != 2:
        raise ValueError(f"y_true must be one mask (H, W), not of shape {truth.shape}")
    pred = check_mask(y_pred, "y_pred", shape=truth.shape, like="y_true")
    region = np.ones_like(truth) if mask is None else check_mask(mask, "mask", shape=truth.shape, like="y_true")
    picture = np.empty(truth.shape + (3,), np.float32)
    kinds = {
        "true negative": ~truth & ~pred,
        "true positive": truth & pred,
        "false positive": ~truth & pred,
        "false negative": truth & ~pred,
        "outside": ~region,
    }
    for kind, where in kinds.items():
        picture[where] = to_rgb(ERROR_COLOURS[kind])
    return picture


def plot_history(history: Any, metrics: Sequence[str] | None = None, *, ax: Sequence[Axes] | None = None) -> np.ndarray:
    """Training and validation curves, one panel per metric, from ``model.fit``'s history.

    Args:
        history: the ``History`` returned by ``model.fit``, or its ``.history`` dict.
        metrics: names to plot (default: every metric that has a ``val_`` twin).
        ax: one Axes per metric (default: a new figure, the panels side by side).

    Returns:
        The Axes, one per metric; the best validation epoch of each panel is marked.

    Example:
        >>> axes = plot_history({"loss": [0.7, 0.5, 0.4], "val_loss": [0.6, 0.5, 0.55]})
        >>> [ax.get_ylabel() for ax in axes]
        ['loss']
    """
    record = getattr(history, "history", history)
    if not isinstance(record, dict) or not record:
        raise ValueError("history must be a Keras History or its non-empty .history dict")
    names = (
        list(metrics)
        if metrics is not None
        else [k for k in record if not k.startswith("val_") and f"val_{k}" in record]
    )
    if not names:
        raise ValueError("history has no metric with a validation twin (val_...)")
    missing = [n for n in names if n not in record]
    if missing:
        raise ValueError(f"metrics {missing} are not in the history; it has {sorted(record)}")
    axes = panels(ax, len(names), ncols=len(names), figsize=(5.5 * len(names), 3.6))
    for panel, metric in zip(axes, names):
        epochs = np.arange(1, len(record[metric]) + 1)
        panel.plot(epochs, record[metric], "o-", color=OKABE_ITO[0], markersize=3, label="training")
        if f"val_{metric}" in record:
            values = np.asarray(record[f"val_{metric}"], dtype=float)
            panel.plot(epochs, values, "s--", color=OKABE_ITO[5], markersize=3, label="validation")
            best = int(np.argmin(values) if "loss" in metric else np.argmax(values))
            panel.axvline(best + 1, color="0.5", linestyle=":", label=f"best validation (epoch {best + 1})")
        panel.set(xlabel="epoch", ylabel=metric, title=metric)
        panel.legend(fontsize=8)
    return axes


def plot_survival_curves(
    groups: Mapping[str, tuple[object, object]],
    *,
    level: float | None = 0.95,
    time_scale: float = 1.0,
    time_label: str = "time",
    ax: Axes | None = None,
) -> Axes:
    """Kaplan-Meier curves of one or more groups, as steps, with pointwise bands and censoring ticks.

    Args:
        groups: for each label, ``(event, time)`` of its patients (the order of :mod:`medlearn.survival`).
        level: the level of the log-log bands (:func:`medlearn.survival.kaplan_meier_band`), or None for none.
        time_scale: times are divided by it on the axis (365.25 turns days into years).
        time_label: the x-axis label.
        ax: where to draw (the plotting convention).

    Example:
        >>> ax = plot_survival_curves({"all": ([1, 1, 0, 1, 0], [2, 3, 3, 5, 8])})
        >>> len(ax.get_lines()) >= 1
        True
    """
    from ._validation import check_outcome
    from .survival import kaplan_meier, kaplan_meier_band

    if not isinstance(groups, Mapping) or not groups:
        raise ValueError(f"groups must be a non-empty mapping of label to (event, time), not {groups!r}"[:200])
    time_scale = check_number(time_scale, "time_scale", low=0.0, low_open=True)
    (axes,) = panels(ax, 1, figsize=(6, 4))
    for k, (label, pair) in enumerate(groups.items()):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"groups[{label!r}] must be a pair (event, time)")
        event, time = check_outcome(*pair)
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        times, survival = kaplan_meier(event, time)
        x = np.r_[0.0, times] / time_scale
        axes.step(x, np.r_[1.0, survival], where="post", color=colour, label=f"{label} (n = {len(time)})")
        if level is not None:
            _, low, high = kaplan_meier_band(event, time, level)
            axes.fill_between(x, np.r_[1.0, low], np.r_[1.0, high], step="post", color=colour, alpha=0.2, lw=0)
        censored = np.unique(time[~event])
        at = np.searchsorted(times, censored)
        axes.plot(censored / time_scale, survival[at], "|", color=colour, markersize=6)
    axes.set(xlabel=time_label, ylabel="probability event-free", ylim=(0, 1.02))
    axes.legend(loc="lower left")
    return axes
