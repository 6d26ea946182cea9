"""Patches of a learned reconstruction step: paired training patches, and error and SSIM per tile of a test
image for intervals by resampling tiles (the reconstruction chapter and
``benchmarks/reconstruction.py``).

Example:
    >>> sources, targets = paired_patches([np.zeros((80, 80))], [np.ones((80, 80))], size=16, per_image=4)
    >>> sources.shape, float(targets.min())
    ((4, 16, 16, 1), 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._validation import check_array, check_int, check_mask, check_number

__all__ = ["paired_patches", "tile_scores"]


def paired_patches(
    sources: Sequence[object], targets: Sequence[object], *, size: int = 64, per_image: int = 96, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Random square patches cut at the same place from each source image and its target, turned alike.

    Each patch pair gets the same random quarter turn and, half the time, the same left-right flip, so
    that a network learning to map a reconstruction to its reference sees streaks in every direction.

    Args:
        sources: 2-D images (for example FBP reconstructions), each at least ``size`` a side.
        targets: the reference images, one per source, each of its source's shape.
        size: the patches' side.
        per_image: patches cut from each image.
        seed: seeds the positions, turns and flips.

    Returns:
        ``(inputs, targets)``, each float32 of shape ``(len(sources) * per_image, size, size, 1)``.

    Example:
        >>> image = np.arange(100.0).reshape(10, 10)
        >>> x, y = paired_patches([image], [2 * image], size=4, per_image=3)
        >>> x.shape, bool(np.allclose(y, 2 * x))
        ((3, 4, 4, 1), True)
    """
    size = check_int(size, "size", min_value=1)
    per_image = check_int(per_image, "per_image", min_value=1)
    rng = np.random.default_rng(check_int(seed, "seed", min_value=0))
    if len(sources) != len(targets) or not len(sources):
        raise ValueError(
            f"sources and targets must be lists of one length (not empty), not {len(sources)} and {len(targets)}"
        )
    inputs, outputs = [], []
    for i, (source, target) in enumerate(zip(sources, targets)):
        a = check_array(source, f"sources[{i}]", ndim=2)
        b = check_array(target, f"targets[{i}]", ndim=2)
        if a.shape != b.shape:
            raise ValueError(f"targets[{i}] must have the shape of sources[{i}] {a.shape}, not {b.shape}")
        if min(a.shape) < size:
            raise ValueError(f"size must be at most the images' smallest side ({min(a.shape)}), not {size}")
        for _ in range(per_image):
            r, c = rng.integers(0, a.shape[0] - size + 1), rng.integers(0, a.shape[1] - size + 1)
            turns, flip = int(rng.integers(0, 4)), bool(rng.random() < 0.5)
            pa, pb = np.rot90(a[r : r + size, c : c + size], turns), np.rot90(b[r : r + size, c : c + size], turns)
            inputs.append(pa[:, ::-1] if flip else pa)
            outputs.append(pb[:, ::-1] if flip else pb)
    return np.array(inputs, "float32")[..., None], np.array(outputs, "float32")[..., None]


def tile_scores(
    reference: object, image: object, inside: object, *, tile: int = 32, data_range: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Mean squared error and mean SSIM in each ``tile x tile`` tile that lies wholly inside a mask.

    Resampling the tiles gives an interval for PSNR or SSIM over one test image. Tiles of one image are
    not independent cases, so such an interval shows the spread within that image, not across patients.
    SSIM is scikit-image's ``structural_similarity`` map, computed on the whole image and averaged per tile.

    Args:
        reference: the 2-D reference image.
        image: the 2-D image to score, of the same shape.
        inside: boolean mask of the same shape (for example the scanner's circle of view).
        tile: the tiles' side, at least 7 (SSIM's window).
        data_range: the images' value range, for SSIM.

    Returns:
        ``(errors, ssims)``, one value per tile, row by row.

    Example:
        >>> reference = np.zeros((64, 64)); noisy = reference + 0.1
        >>> errors, ssims = tile_scores(reference, noisy, np.ones((64, 64), bool))
        >>> len(errors), round(float(errors[0]), 3)
        (4, 0.01)
    """
    from skimage.metrics import structural_similarity

    truth = check_array(reference, "reference", ndim=2).astype(float)
    test = check_array(image, "image", ndim=2).astype(float)
    if test.shape != truth.shape:
        raise ValueError(f"image must have the shape of reference {truth.shape}, not {test.shape}")
    mask = check_mask(inside, "inside", shape=truth.shape, like="reference")
    tile = check_int(tile, "tile", min_value=7)
    value_range = check_number(data_range, "data_range", low=0, low_open=True)
    ssim_map = structural_similarity(truth, test, data_range=value_range, full=True)[1]
    errors, ssims = [], []
    for r in range(0, truth.shape[0] - tile + 1, tile):
        for c in range(0, truth.shape[1] - tile + 1, tile):
            if mask[r : r + tile, c : c + tile].all():
                errors.append(np.mean((truth[r : r + tile, c : c + tile] - test[r : r + tile, c : c + tile]) ** 2))
                ssims.append(ssim_map[r : r + tile, c : c + tile].mean())
    if not errors:
        raise ValueError(f"inside must hold at least one whole {tile} x {tile} tile")
    return np.array(errors), np.array(ssims)
