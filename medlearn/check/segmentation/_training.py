"""The task of the segmentation chapter's exercises that trains a U-Net: :mod:`medlearn.check.segmentation` gives it to
the learner as ``check.train_unet``, with the chapter's other tasks. The learner's Dice is compared with the learner's
own network scored again on the same patches, never with stored digits."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from ..._messages import tr
from .._keras_training import trained_model
from ..core import Wrong, as_number, task

__all__ = ["train_unet", "vessel_patches"]

#: Patches per split and their side in pixels; the children of each split are the segmentation chapter's (1-8 and
#: 9-10).
N_TRAIN, N_VAL, SIDE, TRAINING_CHILDREN, VALIDATION_CHILDREN = 400, 100, 32, range(1, 9), (9, 10)


@cache
def _patches() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from ...data import load_chasedb1

    data = load_chasedb1()
    green = data.images[:, :960:4, :996:4, 1].astype(np.float32) / 255.0  # a quarter of the size: 240 x 249
    vessels = data.first_observer[:, :960, :996].reshape(len(green), 240, 4, 249, 4).mean(axis=(2, 4)) >= 0.5
    rng = np.random.default_rng(0)
    splits = []
    for children, n in ((TRAINING_CHILDREN, N_TRAIN), (VALIDATION_CHILDREN, N_VAL)):
        chosen = np.isin(data.child, list(children))
        images = np.flatnonzero(chosen)[rng.integers(0, chosen.sum(), n)]
        rows, cols = rng.integers(0, 240 - SIDE, n), rng.integers(0, 249 - SIDE, n)
        x = np.stack([green[i, r : r + SIDE, c : c + SIDE] for i, r, c in zip(images, rows, cols)])[..., None]
        y = np.stack([vessels[i, r : r + SIDE, c : c + SIDE] for i, r, c in zip(images, rows, cols)])[..., None]
        splits += [x, y.astype(np.float32)]
    return tuple(splits)


def vessel_patches() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Patches of CHASE_DB1 for the task ``train_unet``: the green channel at a quarter of the size, in [0, 1], and
    the first observer's vessels, 32 x 32 pixels, drawn with seed 0; 400 from the photographs of children 1 to 8
    and 100 from those of children 9 and 10 (the segmentation chapter's training and validation children):
    ``(x_train, y_train, x_val, y_val)``, each ``(N, 32, 32, 1)`` float32.

    Example:
        >>> x_train, y_train, x_val, y_val = vessel_patches()
        >>> x_train.shape, y_val.shape, float(y_train.max())
        ((400, 32, 32, 1), (100, 32, 32, 1), 1.0)
    """
    return tuple(a.copy() for a in _patches())  # type: ignore[return-value]


def _dice(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    truth, called = y_true > 0.5, y_pred
    return float(2 * np.sum(truth & called) / (truth.sum() + called.sum()))


@task(
    tr(
        "Seed, build small_unet(1, widths=(8, 16)), compile with Adam and weighted_binary_crossentropy(weight), fit "
        "for 3 epochs on the training patches only, predict the validation patches, call vessel where p >= 0.5."
    ),
    tr(
        "called = model.predict(x_val, verbose=0) >= 0.5; Dice over all validation pixels together: "
        "2 * sum(called & truth) / (sum(called) + sum(truth))."
    ),
)
def train_unet(function: Any) -> None:
    x_train, y_train, x_val, y_val = _patches()
    result, model, _ = trained_model(
        function,
        (x_train.copy(), y_train.copy(), x_val.copy(), y_val.copy()),
        keys=("model", "val_dice"),
        fit="model.fit(x_train, y_train, ...)",
        validation=(N_VAL, tr("the validation patches went into training: fit on x_train and y_train only.")),
        brief=tr("train briefly: 3 epochs are enough here, and run in seconds."),
    )
    dice = as_number(result["val_dice"], "'val_dice'")
    p_val = np.asarray(model.predict(x_val, verbose=0, batch_size=50))
    if p_val.shape != y_val.shape:
        raise Wrong(
            tr(
                "the network's output should be one probability per pixel, {want}; it is {shape}.",
                want=y_val.shape,
                shape=p_val.shape,
            )
        )
    want = _dice(y_val, p_val >= 0.5)
    soft = float(2 * np.sum(y_val * p_val) / (y_val.sum() + p_val.sum()))
    if np.isclose(dice, soft, atol=1e-4) and not np.isclose(dice, want, atol=1e-4):
        raise Wrong(tr("that is the soft Dice of the probabilities: call each pixel vessel or not (p >= 0.5) first."))
    per_patch = [_dice(t, p >= 0.5) for t, p in zip(y_val, p_val) if (t > 0.5).sum() + (p >= 0.5).sum()]
    if np.isclose(dice, np.mean(per_patch), atol=1e-4) and not np.isclose(dice, want, atol=1e-4):
        raise Wrong(tr("that is a mean of the patches' Dice; pool every validation pixel into one Dice instead."))
    p_train = np.asarray(model.predict(x_train, verbose=0, batch_size=50))
    if np.isclose(dice, _dice(y_train, p_train >= 0.5), atol=1e-4) and not np.isclose(dice, want, atol=1e-4):
        raise Wrong(tr("that Dice was measured on the training patches: score x_val against y_val."))
    if not np.isclose(dice, want, atol=1e-4):
        raise Wrong(
            tr(
                "your network's Dice on the validation patches, at 0.5, is {want:.4f}; you returned {dice:.4f}.",
                want=want,
                dice=dice,
            )
        )
