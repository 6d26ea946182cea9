"""Hand-crafted image features for classical models, built on scikit-image.

``extract_features(images)`` returns a table with one row per image and one
named column per feature, in five groups:

========== ================================================================
group      columns
========== ================================================================
intensity  mean, spread, percentiles, skewness, kurtosis and entropy of the grey levels
edges      Sobel gradient statistics and Canny edge density at two scales
glcm       grey-level co-occurrence texture: contrast, homogeneity, energy,
           correlation at distances 1, 2, 3 and angles 0, 45, 90, 135 degrees
lbp        local binary pattern histograms (8 neighbours at radius 1, 16 at radius 2)
hog        histogram of oriented gradients on a 4 x 4 grid of cells
========== ================================================================

Every column name starts with its group, for example ``glcm_contrast_d1_0deg``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from joblib import Parallel, cpu_count, delayed
from skimage.color import rgb2gray
from skimage.feature import canny, graycomatrix, graycoprops, hog, local_binary_pattern
from skimage.filters import sobel
from tqdm.auto import tqdm

from ._validation import check_images, check_int

#: The feature groups, in the order their columns appear.
FEATURE_GROUPS: tuple[str, ...] = ("intensity", "edges", "glcm", "lbp", "hog")

GLCM_PROPERTIES = ("contrast", "homogeneity", "energy", "correlation")
GLCM_DISTANCES = (1, 2, 3)
GLCM_ANGLES_DEG = (0, 45, 90, 135)
GLCM_LEVELS = 32
LBP_SETTINGS = ((8, 1), (16, 2))  # (neighbours P, radius R); "uniform" patterns give P + 2 bins
HOG_ORIENTATIONS = 9
HOG_CELLS = 4  # cells per side; blocks of 2 x 2 cells
MIN_SIZE = 16
#: Batches at least this large are split over processes and show a progress bar.
PARALLEL_FROM = 1000
_CHUNK = 250


def _group_names(group: str) -> list[str]:
    if group == "intensity":
        stats = ("mean", "std", "min", "max", "median", "p05", "p95", "skewness", "kurtosis", "entropy")
        return [f"intensity_{s}" for s in stats]
    if group == "edges":
        return [
            "edges_sobel_mean",
            "edges_sobel_std",
            "edges_sobel_p90",
            "edges_canny_density_s1",
            "edges_canny_density_s2",
        ]
    if group == "glcm":
        return [f"glcm_{p}_d{d}_{a}deg" for p in GLCM_PROPERTIES for d in GLCM_DISTANCES for a in GLCM_ANGLES_DEG]
    if group == "lbp":
        return [f"lbp_p{p}r{r}_{k}" for p, r in LBP_SETTINGS for k in range(p + 2)]
    n_blocks = (HOG_CELLS - 1) ** 2
    return [f"hog_{i:03d}" for i in range(n_blocks * 4 * HOG_ORIENTATIONS)]


def _check_groups(groups: Iterable[str] | None) -> tuple[str, ...]:
    if groups is None:
        return FEATURE_GROUPS
    if isinstance(groups, str):
        groups = [groups]
    try:
        chosen = tuple(groups)
    except TypeError:
        raise ValueError(f"groups must be a list of group names, not {type(groups).__name__}") from None
    unknown = [g for g in chosen if g not in FEATURE_GROUPS]
    if unknown or not chosen:
        raise ValueError(f"groups={list(chosen)!r} is not valid; choose from {', '.join(FEATURE_GROUPS)}")
    return tuple(g for g in FEATURE_GROUPS if g in chosen)  # the standard order, no repeats


def feature_names(groups: Iterable[str] | None = None) -> list[str]:
    """Column names of the feature table, in order.

    Example:
        >>> feature_names(["intensity"])[:3]
        ['intensity_mean', 'intensity_std', 'intensity_min']
        >>> len(feature_names())
        415
    """
    return [name for group in _check_groups(groups) for name in _group_names(group)]


def feature_group(name: str) -> str:
    """The group that a feature column belongs to.

    Example:
        >>> feature_group("glcm_contrast_d1_0deg")
        'glcm'
    """
    group = str(name).split("_", 1)[0]
    if group not in FEATURE_GROUPS:
        raise ValueError(f"name={name!r} is not a feature column of medlearn.features")
    return group


def _as_gray_batch(images: object) -> np.ndarray:
    """Images as a float stack (N, H, W) in [0, 1]; RGB is converted to luminance."""
    stack = check_images(images, "images", min_size=MIN_SIZE)
    if stack.dtype.kind in "biu" and stack.dtype != np.uint8:
        raise ValueError(f"images must be uint8 (0 to 255) or float (0 to 1), not {stack.dtype}")
    if stack.ndim == 4:  # colour: luminance
        stack = np.clip(rgb2gray(stack.astype(np.float64) / 255.0 if stack.dtype == np.uint8 else stack), 0.0, 1.0)
    if stack.dtype == np.uint8:
        return stack.astype(np.float64) / 255.0
    stack = stack.astype(np.float64)
    if stack.min() < 0.0 or stack.max() > 1.0:
        raise ValueError(f"float images must lie in [0, 1]; these run from {stack.min():.3g} to {stack.max():.3g}")
    return stack


def _intensity(batch: np.ndarray) -> np.ndarray:
    flat = batch.reshape(len(batch), -1)
    mean, std = flat.mean(axis=1), flat.std(axis=1)
    centred = flat - mean[:, None]
    safe = np.where(std > 0, std, 1.0)
    skewness = np.where(std > 0, (centred**3).mean(axis=1) / safe**3, 0.0)
    kurtosis = np.where(std > 0, (centred**4).mean(axis=1) / safe**4 - 3.0, 0.0)
    bins = np.minimum((flat * 32).astype(int), 31)
    counts = np.stack([np.bincount(row, minlength=32) for row in bins]) / flat.shape[1]
    entropy = -np.sum(np.where(counts > 0, counts * np.log2(np.where(counts > 0, counts, 1.0)), 0.0), axis=1)
    p05, median, p95 = np.percentile(flat, [5, 50, 95], axis=1)
    return np.column_stack(
        [mean, std, flat.min(axis=1), flat.max(axis=1), median, p05, p95, skewness, kurtosis, entropy]
    )


def _one_image(image: np.ndarray, groups: tuple[str, ...]) -> np.ndarray:
    """Every group except intensity for one float image in [0, 1]."""
    parts = []
    grey = np.round(image * 255).astype(np.uint8)
    if "edges" in groups:
        magnitude = sobel(image)
        parts.append(
            [
                magnitude.mean(),
                magnitude.std(),
                np.percentile(magnitude, 90),
                canny(image, sigma=1.0).mean(),
                canny(image, sigma=2.0).mean(),
            ]
        )
    if "glcm" in groups:
        matrix = graycomatrix(
            grey // (256 // GLCM_LEVELS),
            GLCM_DISTANCES,
            np.deg2rad(GLCM_ANGLES_DEG),
            levels=GLCM_LEVELS,
            symmetric=True,
            normed=True,
        )
        parts.append(np.concatenate([graycoprops(matrix, p).ravel() for p in GLCM_PROPERTIES]))
    if "lbp" in groups:
        for p, r in LBP_SETTINGS:
            codes = local_binary_pattern(grey, p, r, method="uniform")
            parts.append(np.bincount(codes.astype(int).ravel(), minlength=p + 2) / codes.size)
    if "hog" in groups:
        cell = (image.shape[0] // HOG_CELLS, image.shape[1] // HOG_CELLS)
        parts.append(
            hog(image, orientations=HOG_ORIENTATIONS, pixels_per_cell=cell, cells_per_block=(2, 2), feature_vector=True)
        )
    return np.concatenate([np.asarray(p, dtype=np.float64).ravel() for p in parts]) if parts else np.empty(0)


def _chunk(batch: np.ndarray, groups: tuple[str, ...]) -> np.ndarray:
    return np.stack([_one_image(image, groups) for image in batch])


def extract_features(
    images: np.ndarray,
    groups: Sequence[str] | None = None,
    *,
    n_jobs: int | None = None,
    progress: bool | None = None,
) -> tuple[np.ndarray, list[str]]:
    """A table of hand-crafted features: one row per image, one named column per feature.

    Args:
        images: ``(N, H, W)`` grayscale or ``(N, H, W, 3)`` RGB images, uint8
            (0 to 255) or float (0 to 1), at least 16 x 16 pixels; one image
            of shape ``(H, W)`` or ``(H, W, 3)`` gives one row.
        groups: feature groups to compute (default: all of :data:`FEATURE_GROUPS`).
        n_jobs: processes to use; default: every core this process may use
            (``joblib.cpu_count()``: a container's CPU limit counts, and so does
            ``LOKY_MAX_CPU_COUNT``) for batches of at least 1000 images, one
            otherwise.
        progress: show a progress bar; default: for batches of at least 1000 images.

    Returns:
        ``(X, names)``: float64 array of shape ``(N, len(names))`` and the column names.

    Raises:
        ValueError: the images are empty, too small, of the wrong shape or
            range, or a group is unknown.

    Example:
        >>> images = np.random.default_rng(0).integers(0, 256, (4, 28, 28), dtype=np.uint8)
        >>> X, names = extract_features(images, groups=["intensity", "glcm"])
        >>> X.shape, names[0], names[-1]
        ((4, 58), 'intensity_mean', 'glcm_correlation_d3_135deg')
    """
    chosen = _check_groups(groups)
    batch = _as_gray_batch(images)
    large = len(batch) >= PARALLEL_FROM
    if n_jobs is None:
        n_jobs = cpu_count() if large else 1
    elif check_int(n_jobs, "n_jobs") == 0:
        raise ValueError("n_jobs must be a non-zero integer (-1 for all cores), not 0")
    show = large if progress is None else bool(progress)
    columns = []
    if "intensity" in chosen:
        columns.append(_intensity(batch))
    per_image = tuple(g for g in chosen if g != "intensity")
    if per_image:
        chunks = [batch[i : i + _CHUNK] for i in range(0, len(batch), _CHUNK)]
        if n_jobs == 1:
            results = (_chunk(c, per_image) for c in chunks)
        else:
            results = Parallel(n_jobs=n_jobs, return_as="generator")(delayed(_chunk)(c, per_image) for c in chunks)
        with tqdm(total=len(batch), desc="features", unit="image", disable=not show) as bar:
            rows = []
            for chunk, result in zip(chunks, results):
                rows.append(result)
                bar.update(len(chunk))
        columns.append(np.concatenate(rows))
    return np.column_stack(columns), feature_names(chosen)
