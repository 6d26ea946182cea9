"""Exercise data of the convolution chapter's checks: the CT slice with salt-and-pepper noise, and test images."""

from __future__ import annotations

import numpy as np
from skimage.util import random_noise

from ...data import ct_soft_tissue
from .._comparing import built_once


@built_once
def salt_and_pepper_ct(amount: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The CT slice (soft-tissue window) and a copy with salt-and-pepper noise.

    Example:
        >>> clean, noisy = salt_and_pepper_ct()
        >>> clean.shape, round(float(np.mean(clean != noisy)), 2)
        ((128, 128), 0.09)
    """
    clean = ct_soft_tissue()
    return clean, random_noise(clean, mode="s&p", amount=amount, rng=seed)


@built_once
def mean_filter_images() -> list[np.ndarray]:
    """The images mean_filter_3x3 is checked on: random floats, a piece of the CT slice, and bright uint8 pixels.

    Example:
        >>> [image.dtype.name for image in mean_filter_images()]
        ['float64', 'float64', 'uint8']
    """
    rng = np.random.default_rng(1)
    return [rng.random((6, 7)), ct_soft_tissue()[40:80, 30:90], rng.integers(200, 256, (5, 5)).astype(np.uint8)]


def edge(horizontal: bool) -> np.ndarray:
    """A 9 x 9 step edge: dark on top and bright below (``horizontal``), or dark on the left and bright on the right.

    Example:
        >>> edge(horizontal=True)[:, 0].tolist()
        [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]
    """
    image = np.zeros((9, 9))
    if horizontal:
        image[5:, :] = 1.0  # dark on top, bright below
    else:
        image[:, 5:] = 1.0  # dark on the left, bright on the right
    return image


@built_once
def convolve_case() -> tuple[np.ndarray, np.ndarray]:
    """The image and kernel convolve_valid is checked on: a piece of the CT slice and an asymmetric random kernel
    (so that a missing flip shows).

    Example:
        >>> [array.shape for array in convolve_case()]
        [(20, 25), (3, 4)]
    """
    rng = np.random.default_rng(2)
    return ct_soft_tissue()[50:70, 40:65], rng.normal(size=(3, 4))


@built_once
def correlate_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """The (image, kernel) pairs correlate_same_zero is checked on: a piece of the CT slice, a 3 x 3 and a 5 x 3 kernel.

    Example:
        >>> [kernel.shape for _, kernel in correlate_cases()]
        [(3, 3), (5, 3)]
    """
    rng = np.random.default_rng(3)
    image = ct_soft_tissue()[30:52, 40:69]
    return [(image, kernel) for kernel in (rng.normal(size=(3, 3)), rng.normal(size=(5, 3)))]
