"""Exercise data of the cnn_training chapter's checks: the PneumoniaMNIST images the training tasks use."""

from __future__ import annotations

from functools import cache

import numpy as np

#: The training subset: this many PneumoniaMNIST training images, drawn with this seed; all validation images.
N_TRAIN, SEED = 600, 0


@cache
def subset() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`pneumonia_subset`, loaded once (never hand these arrays to a learner: they are shared).

    Example:
        >>> subset()[0].shape
        (600, 28, 28)
    """
    from ...data import load_medmnist

    images, labels = load_medmnist("pneumoniamnist", "train")
    chosen = np.sort(np.random.default_rng(SEED).choice(len(labels), N_TRAIN, replace=False))
    val_images, val_labels = load_medmnist("pneumoniamnist", "val")
    return images[chosen], labels[chosen], val_images, val_labels


def pneumonia_subset() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The images the training tasks use: 600 PneumoniaMNIST training images (drawn with seed 0) and the whole
    validation split, as ``(images_train, y_train, images_val, y_val)``; images uint8 ``(N, 28, 28)``.

    Example:
        >>> images_train, y_train, images_val, y_val = pneumonia_subset()
        >>> images_train.shape, images_val.shape
        ((600, 28, 28), (524, 28, 28))
    """
    return tuple(a.copy() for a in subset())  # type: ignore[return-value]
