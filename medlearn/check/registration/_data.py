"""The data of the registration chapter's exercises, as the chapter makes them: :mod:`medlearn.check.registration` gives
them to the learner as ``check.template()``, ``check.anatomical_affine()`` and ``check.smooth_field()``, and its checks
use the same arrays (cached: read once per kernel)."""

from __future__ import annotations

from functools import cache

import numpy as np

from ..._validation import check_int, check_number
from ...registration import simulate_fdg_pet, simulate_t2
from .._comparing import built_once

__all__ = ["anatomical_affine", "smooth_field", "template"]


def _blocks(volume: np.ndarray, f: int = 3) -> np.ndarray:
    n = [s // f for s in volume.shape]
    v = volume[: n[0] * f, : n[1] * f, : n[2] * f]
    return v.reshape(n[0], f, n[1], f, n[2], f).mean(axis=(1, 3, 5))


@cache
def _template() -> dict[str, np.ndarray]:
    from importlib.resources import files

    import nibabel as nib

    folder = files("nilearn.datasets") / "data"
    loaded = {
        kind: nib.load(folder / f"mni_icbm152_{kind}_tal_nlin_sym_09a_converted.nii.gz") for kind in "t1 gm wm".split()
    }
    one_mm = {kind: np.asarray(image.dataobj, dtype=np.float32) / 255 for kind, image in loaded.items()}
    t1, grey, white = (_blocks(one_mm[kind]) for kind in ("t1", "gm", "wm"))
    brain = _blocks((one_mm["t1"] > 0).astype(np.float32))
    csf = np.clip(brain - grey - white, 0, 1)
    affine = loaded["t1"].affine @ np.array([[3, 0, 0, 1], [0, 3, 0, 1], [0, 0, 3, 1], [0, 0, 0, 1]])
    pet = simulate_fdg_pet(grey, white, 3.0, fwhm_mm=7.0, grey_to_white=3.0, mean_counts=20.0, seed=0)
    return {
        "t1": t1,
        "t2_simulated": simulate_t2(grey, white, csf),
        "pet_simulated": pet,
        "brain": brain > 0.5,
        "affine": affine,
        "centre_mm": (affine @ [*(np.array(t1.shape) - 1) / 2, 1])[:3],
    }


def template() -> dict[str, np.ndarray]:
    """The registration chapter's images on its 3 mm grid: the real T1 template, T2-like and PET-like **simulations**.

    Keys: ``t1`` (real), ``t2_simulated`` and ``pet_simulated`` (made from the real tissue maps, exactly on the
    T1's grid), ``brain`` (voxels at least half inside the brain), ``affine`` (RAS+, mm) and ``centre_mm`` (the
    grid's centre). Fresh copies on every call: changing one changes nothing for the checks.

    Example:
        >>> images = template()
        >>> images["t1"].shape, float(images["affine"][0, 0])
        ((65, 77, 63), 3.0)
    """
    return {key: value.copy() for key, value in _template().items()}


def anatomical_affine() -> np.ndarray:
    """The affine (voxel to RAS+ mm) of nibabel's real test image ``anatomical.nii``: 2 mm voxels, stored LAS.

    Example:
        >>> anatomical_affine()[0]
        array([-2.,  0.,  0., 32.])
    """
    import nibabel as nib
    from nibabel.testing import data_path

    return np.asarray(nib.load(f"{data_path}/anatomical.nii").affine, dtype=float)


@built_once
def smooth_field(largest_mm: float, seed: int = 1) -> np.ndarray:
    """A smooth random displacement field (mm) on the template's 3 mm grid, as the registration chapter makes them.

    Gaussian-smoothed noise (4 voxels), scaled so that its largest component is ``largest_mm``; shape
    ``(65, 77, 63, 3)``, the components along the array's axes.

    Example:
        >>> field = smooth_field(16)
        >>> field.shape, float(np.abs(field).max())
        ((65, 77, 63, 3), 16.0)
    """
    from scipy import ndimage

    largest = check_number(largest_mm, "largest_mm", low=0, low_open=True)
    seed = check_int(seed, "seed", min_value=0)
    noise = np.random.default_rng(seed).normal(size=(*_template()["t1"].shape, 3))
    u = ndimage.gaussian_filter(noise, sigma=(4, 4, 4, 0))
    return u * (largest / np.abs(u).max())
