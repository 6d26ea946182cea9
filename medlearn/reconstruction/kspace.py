"""MR images from measurements: centred k-space transforms and the line masks of accelerated MR.

An MR scanner measures the image's spatial frequencies (k-space); accelerated MR measures only some of its
lines, in a regular, random or variable-density pattern with the centre kept (the reconstruction chapter).

Example:
    >>> image = np.zeros((8, 8)); image[2:6, 2:6] = 1.0
    >>> bool(np.allclose(from_kspace(to_kspace(image)).real, image))
    True
"""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_choice, check_int, check_number

__all__ = ["PATTERNS", "from_kspace", "to_kspace", "undersampling_mask"]

#: Sampling patterns of :func:`undersampling_mask`.
PATTERNS = ("regular", "random", "variable")


def to_kspace(image: object) -> np.ndarray:
    """The image's centred 2-D Fourier transform (k-space, zero frequency in the middle), orthonormal.

    Example:
        >>> k = to_kspace(np.ones((4, 4)))
        >>> float(k[2, 2].real), bool(np.allclose(np.delete(k.ravel(), 10), 0))  # a flat image: one frequency
        (4.0, True)
    """
    array = check_array(image, "image", ndim=2, kinds="biufc")
    return np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(array), norm="ortho"))


def from_kspace(kspace: object) -> np.ndarray:
    """The complex image back from centred k-space (the inverse of :func:`to_kspace`); take ``abs`` to view it.

    Example:
        >>> image = np.arange(16.0).reshape(4, 4)
        >>> bool(np.allclose(from_kspace(to_kspace(image)).real, image))
        True
    """
    array = check_array(kspace, "kspace", ndim=2, kinds="biufc")
    return np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(array), norm="ortho"))


def undersampling_mask(
    shape: tuple[int, int],
    acceleration: float,
    *,
    pattern: str = "random",
    centre_fraction: float = 0.08,
    seed: int = 0,
) -> np.ndarray:
    """Which k-space lines an accelerated MR acquisition measures: whole columns (phase-encoding lines).

    About ``width / acceleration`` columns are kept, the central ``centre_fraction`` of them always (the
    low frequencies that hold contrast, as fastMRI's masks do: Zbontar et al., arXiv:1811.08839). The
    rest are ``"regular"`` (every ``acceleration``-th column across the whole width, counted from the
    centre, so a few more than ``width / acceleration`` in all: coherent aliasing, the folded copies that
    parallel imaging unfolds), ``"random"`` (uniform: incoherent, noise-like aliasing, what compressed
    sensing needs; Lustig, Donoho and Pauly, *Magn. Reson. Med.* 58(6), 1182-1195, 2007) or
    ``"variable"`` (random, denser near the centre).

    Args:
        shape: ``(height, width)`` of k-space; columns are the phase-encoding direction.
        acceleration: the reduction factor, at least 1 (1 keeps every column).
        pattern: one of :data:`PATTERNS`.
        centre_fraction: share of the columns, around the centre, that are always kept, in [0, 1].
        seed: seeds the random patterns.

    Returns:
        ``(height, width)`` bool mask, the same for every row.

    Example:
        >>> mask = undersampling_mask((8, 32), 4, pattern="random", centre_fraction=0.125)
        >>> int(mask[0].sum()), bool(mask[:, 14:18].all())  # 32 / 4 columns, the central 4 among them
        (8, True)
    """
    try:
        height, width = (check_int(v, "shape", min_value=1) for v in shape)
    except (TypeError, ValueError):
        raise ValueError(f"shape must be (height, width) with positive integers, not {shape!r}") from None
    acceleration = check_number(acceleration, "acceleration", low=1)
    pattern = check_choice(pattern, "pattern", PATTERNS)
    centre_fraction = check_number(centre_fraction, "centre_fraction", low=0, high=1)
    rng = np.random.default_rng(check_int(seed, "seed", min_value=0))
    wanted = max(1, int(round(width / acceleration)))
    n_centre = min(wanted, int(round(width * centre_fraction)))
    columns = np.zeros(width, bool)
    start = width // 2 - n_centre // 2
    columns[start : start + n_centre] = True
    if pattern == "regular":
        step = max(1, int(round(acceleration)))
        columns[np.arange(width // 2 % step, width, step)] = True
    elif wanted > columns.sum():
        free = np.flatnonzero(~columns)
        weights = np.ones(len(free))
        if pattern == "variable":
            weights = np.exp(-0.5 * ((free - width / 2) / (width / 6)) ** 2)
        chosen = rng.choice(free, size=wanted - int(columns.sum()), replace=False, p=weights / weights.sum())
        columns[chosen] = True
    return np.broadcast_to(columns, (height, width)).copy()
