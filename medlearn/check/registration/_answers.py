"""Answers to the registration chapter's tasks written as a learner would, with options that make the typical mistakes:
the mistake tables call them (and the right options give the right answers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import ndimage

from ...registration import apply_transform, mutual_information, rigid_matrix

inv = np.linalg.inv


def mi(
    a: np.ndarray,
    b: np.ndarray,
    n: int,
    log: Callable[[Any], Any] = np.log,
    margins: str = "joint",
    normalise: bool = True,
    only_filled: bool = True,
) -> float:
    """Mutual information of two label arrays from their joint histogram; the options make the mistakes.

    Example:
        >>> round(mi(np.array([0, 1, 0, 1]), np.array([0, 1, 0, 1]), 2), 4)
        0.6931
    """
    counts = np.bincount(a * n + b, minlength=n * n).reshape(n, n).astype(float)
    p = counts / counts.sum() if normalise else counts
    p_a, p_b = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    if margins == "swapped":
        p_a, p_b = p_b.T, p_a.T
    elif margins == "uniform":
        p_a, p_b = np.full((n, 1), 1 / n), np.full((1, n), 1 / n)
    elif margins == "counts":
        p_a, p_b = counts.sum(axis=1, keepdims=True), counts.sum(axis=0, keepdims=True)
    with np.errstate(all="ignore"):
        if not only_filled:
            return float(np.sum(p * log(p / (p_a @ p_b))))
        full = p > 0
        return float(np.sum(p[full] * log(p[full] / (p_a @ p_b)[full])))


def joint_entropy(a: np.ndarray, b: np.ndarray, n: int) -> float:
    """The joint entropy of two label arrays (a mistake for their mutual information).

    Example:
        >>> round(joint_entropy(np.array([0, 1]), np.array([0, 1]), 2), 4)
        0.6931
    """
    counts = np.bincount(a * n + b, minlength=n * n).astype(float)
    p = counts[counts > 0] / counts.sum()
    return float(-np.sum(p * np.log(p)))


def voxel_map(volume: np.ndarray, matrix: np.ndarray, order: int = 1) -> np.ndarray:
    """``volume`` resampled through ``matrix`` taken as a map of voxel indices (scipy's convention).

    Example:
        >>> voxel_map(np.ones((2, 2, 2)), np.eye(4)).shape
        (2, 2, 2)
    """
    return ndimage.affine_transform(volume, matrix, order=order)


def lps(point: list[float], affine: np.ndarray, flip: tuple[float, float, float] = (-1, -1, 1)) -> np.ndarray:
    """The voxel index of an LPS+ point, its signs flipped by ``flip`` (``(-1, -1, 1)`` is right).

    Example:
        >>> lps([2.0, 2.0, 2.0], np.eye(4)).tolist()
        [-2.0, -2.0, 2.0]
    """
    return (inv(affine) @ [*(np.multiply(point, flip)), 1])[:3]


def mm(points: np.ndarray, affine: np.ndarray) -> np.ndarray:
    """Voxel indices to world points (mm).

    Example:
        >>> mm(np.array([[1.0, 0.0, 0.0]]), 3 * np.eye(4)).tolist()
        [[3.0, 0.0, 0.0]]
    """
    return points @ affine[:3, :3].T + affine[:3, 3]


def tre(points: np.ndarray, affine: np.ndarray, true: np.ndarray, found: np.ndarray) -> np.ndarray:
    """The distance (mm) between where the true and the found transforms put each voxel point.

    Example:
        >>> tre(np.zeros((1, 3)), np.eye(4), np.eye(4), np.eye(4)).tolist()
        [0.0]
    """
    homogeneous = np.c_[mm(points, affine), np.ones(len(points))]
    return np.linalg.norm(homogeneous @ found.T - homogeneous @ true.T, axis=1)


def folding(
    field: np.ndarray, spacing: float, identity: bool = True, step: float | None = None, percent: bool = False
) -> float:
    """The share of voxels where det(I + du/dx) <= 0; the options make the mistakes.

    Example:
        >>> folding(np.zeros((4, 4, 4, 3)), 3.0)
        0.0
    """
    gradient = np.stack([np.stack(np.gradient(field[..., i], step or spacing), -1) for i in range(3)], -2)
    share = float(np.mean(np.linalg.det(gradient + (np.eye(3) if identity else 0)) <= 0))
    return 100 * share if percent else share


def shift(
    fixed: np.ndarray,
    moving: np.ndarray,
    affine: np.ndarray,
    mask: np.ndarray | None,
    sign: float = 1.0,
    maximise: bool = True,
    unit: float = 1.0,
) -> float:
    """The shift along x (mm) that maximises the mutual information inside ``mask``; the options make mistakes.

    Example:
        >>> from medlearn.check.registration._data import template
        >>> images = template()
        >>> bool(abs(shift(images["t1"], images["t2_simulated"], images["affine"], images["brain"])) < 0.75)
        True
    """
    from scipy import optimize

    def cost(d: float) -> float:
        back = apply_transform(moving, affine, rigid_matrix([0, 0, 0], [-d, 0, 0]))
        value = mutual_information(fixed, back, mask=mask)
        return -value if maximise else value

    return sign * optimize.minimize_scalar(cost, bounds=(-15, 15), method="bounded").x / unit
