"""Measuring generated images against real ones, in the features of a network: Fréchet distance, precision and recall.

Both compare two sets of feature vectors (for example the global-average-pooled features of a
network trained in the course; never comparable with published FID values, which use Inception-v3's
features on ImageNet):

- :func:`frechet_distance`: the distance between two Gaussians fitted to the sets (Heusel et al.,
  NeurIPS 2017: the "FID" when the features are Inception-v3's);
- :func:`precision_recall`: the share of generated samples that fall inside the real samples' k-nearest-
  neighbour manifold (precision: fidelity), and the share of real samples inside the generated samples'
  manifold (recall: diversity) (Kynkäänniemi et al., NeurIPS 2019).

Example:
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(500, 4))
    >>> round(frechet_distance(real, real), 6), precision_recall(real, real, k=3)
    (0.0, (1.0, 1.0))
"""

from __future__ import annotations

import numpy as np

from ._validation import check_array, check_int

__all__ = ["frechet_distance", "precision_recall"]


def _pair(real: object, generated: object) -> tuple[np.ndarray, np.ndarray]:
    a = check_array(real, "real", ndim=2).astype(float)
    b = check_array(generated, "generated", ndim=2).astype(float)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"real and generated must have the same number of features, not {a.shape[1]} and {b.shape[1]}")
    return a, b


def frechet_distance(real: object, generated: object) -> float:
    """``|mu_r - mu_g|^2 + trace(S_r + S_g - 2 (S_r S_g)^(1/2))``: the Fréchet distance of two fitted Gaussians.

    The matrix square root is taken from the eigenvalues of ``S_r^(1/2) S_g S_r^(1/2)`` (symmetric, so
    always real), which equals the trace of ``(S_r S_g)^(1/2)``. Small samples bias it upwards: compare
    distances computed from sets of the same size.

    Args:
        real, generated: ``(N, D)`` feature vectors, at least 2 rows each.

    Returns:
        The distance, 0 or more (in squared feature units).

    Example:
        >>> rng = np.random.default_rng(1)
        >>> a, b = rng.normal(size=(4000, 2)), rng.normal(size=(4000, 2)) + [3.0, 0.0]
        >>> round(frechet_distance(a, b))  # the means differ by 3: about 3 ** 2
        9
    """
    a, b = _pair(real, generated)
    if len(a) < 2 or len(b) < 2:
        raise ValueError("real and generated need at least 2 rows each to estimate a covariance")
    mean_gap = float(np.sum((a.mean(axis=0) - b.mean(axis=0)) ** 2))
    s_a = np.atleast_2d(np.cov(a, rowvar=False))
    s_b = np.atleast_2d(np.cov(b, rowvar=False))
    values, vectors = np.linalg.eigh(s_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = np.linalg.eigvalsh(root_a @ s_b @ root_a)
    cross = float(np.sum(np.sqrt(np.clip(middle, 0, None))))
    return max(0.0, mean_gap + float(np.trace(s_a) + np.trace(s_b)) - 2 * cross)


def _inside(reference: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """For each query, is it within the k-th-nearest-neighbour radius of some reference sample?"""
    from scipy.spatial.distance import cdist

    within = cdist(reference, reference)
    radius = np.sort(within, axis=1)[:, k]  # column 0 is the sample itself
    return np.any(cdist(queries, reference) <= radius[None, :], axis=1)


def precision_recall(real: object, generated: object, *, k: int = 3) -> tuple[float, float]:
    """Kynkäänniemi et al.'s improved precision and recall of generated samples, with ``k`` neighbours.

    Each sample's neighbourhood is a ball reaching its ``k``-th nearest neighbour in its own set.
    Precision is the share of generated samples inside some real sample's ball (are they realistic?);
    recall is the share of real samples inside some generated sample's ball (is the real variety
    covered?). A generator that copies a few training images has high precision and low recall. Compare
    sets of the same size: fewer generated samples spread thinner, and their larger balls inflate recall.

    Args:
        real, generated: ``(N, D)`` feature vectors, more than ``k`` rows each.
        k: neighbours that set each ball's radius (the paper uses 3).

    Returns:
        ``(precision, recall)``, each in [0, 1].

    Example:
        >>> rng = np.random.default_rng(2)
        >>> real = rng.normal(size=(400, 2))
        >>> collapsed = np.repeat(real[:20], 20, axis=0) + rng.normal(0, 0.01, (400, 2))  # 20 real samples, copied
        >>> precision, recall = precision_recall(real, collapsed)
        >>> precision, bool(recall < 0.3)
        (1.0, True)
    """
    a, b = _pair(real, generated)
    k = check_int(k, "k", min_value=1)
    if len(a) <= k or len(b) <= k:
        raise ValueError(f"real and generated need more than k = {k} rows each")
    return float(_inside(a, b, k).mean()), float(_inside(b, a, k).mean())
