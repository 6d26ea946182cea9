"""The task of the volumes chapter's exercises that trains a 3-D CNN: :mod:`medlearn.check.volumes` gives it to the
learner as ``check.train_volume_cnn``, with the chapter's other tasks. The learner's AUCs are compared with the
learner's own network scored again on the same volumes, never with stored digits."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from .._keras_training import as_auc, near, scored_auc, trained_model
from ..core import Wrong, task

__all__ = ["adrenal_subset", "train_volume_cnn"]

#: The training task's volumes: this many AdrenalMNIST3D training volumes, drawn with seed 0; all validation ones.
N_VOLUMES = 300


@cache
def _adrenal() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from ...data import load_medmnist

    volumes, labels = load_medmnist("adrenalmnist3d", "train")
    chosen = np.sort(np.random.default_rng(0).choice(len(labels), N_VOLUMES, replace=False))
    val_volumes, val_labels = load_medmnist("adrenalmnist3d", "val")
    return volumes[chosen], labels[chosen], val_volumes, val_labels


def adrenal_subset() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The volumes of the task ``train_volume_cnn``: 300 AdrenalMNIST3D training volumes (drawn with seed 0) and
    the 98 validation ones, uint8 ``(N, 28, 28, 28)``, with their labels: ``(volumes_train, y_train, volumes_val,
    y_val)``.

    Example:
        >>> volumes_train, y_train, volumes_val, y_val = adrenal_subset()
        >>> volumes_train.shape, volumes_val.shape
        ((300, 28, 28, 28), (98, 28, 28, 28))
    """
    return tuple(a.copy() for a in _adrenal())  # type: ignore[return-value]


@task(
    "to_network_input(volumes, volumes=True) adds the channel axis; small_cnn((28, 28, 28, 1), n_classes=2, "
    "widths=(4, 8, 16), first_stride=2) builds the 3-D network; compile, fit on the training volumes only, then "
    "score both splits with model.predict and roc_auc_score.",
    "train_auc = roc_auc_score(y_train, model.predict(X_train, verbose=0)[:, 0]), and the same for validation.",
)
def train_volume_cnn(function: Any) -> None:
    from ...models import to_network_input

    volumes_train, y_train, volumes_val, y_val = _adrenal()
    result, model, fits = trained_model(
        function,
        (volumes_train.copy(), y_train.copy(), volumes_val.copy(), y_val.copy()),
        keys=("model", "train_auc", "val_auc"),
        fit="model.fit(X_train, y_train, ...)",
        validation=(len(y_val), "the validation volumes went into training: fit on the training volumes only."),
        brief="train briefly: a few epochs (3 to 5), so that it runs in seconds.",
    )
    if any(f.largest is not None and f.largest > 1.5 for f in fits):
        raise Wrong("the network trained on 0-255 values: scale the volumes with to_network_input(..., volumes=True).")
    train_auc, val_auc = as_auc(result["train_auc"], "'train_auc'"), as_auc(result["val_auc"], "'val_auc'")
    true_train = scored_auc(model, to_network_input(volumes_train, volumes=True), y_train)
    true_val = scored_auc(model, to_network_input(volumes_val, volumes=True), y_val)
    if near(val_auc, true_train) and not near(val_auc, true_val):
        raise Wrong("'val_auc' was scored on the training volumes: score volumes_val with y_val.")
    if not near(train_auc, true_train):
        raise Wrong(
            f"your network, scored with model.predict on the training volumes, has a training AUC of "
            f"{true_train:.3f}; you reported {train_auc:.3f} (Keras' history['auc'] is measured during the epoch, "
            "with dropout on)."
        )
    if not near(val_auc, true_val):
        raise Wrong(f"your network's validation AUC is {true_val:.3f}; you reported {val_auc:.3f}.")
