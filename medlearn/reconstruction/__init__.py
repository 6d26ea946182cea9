"""Images from measurements: CT's filtered back-projection and low-dose noise, MR's k-space and its
undersampling, and the patches of a learned reconstruction step.

Three modules by job, whose public names this package re-exports (``from medlearn.reconstruction import
back_project``):

- :mod:`medlearn.reconstruction.tomography`: :func:`ramp_filter`, :func:`filter_sinogram`, :func:`back_project`
  (equal to ``skimage.transform.iradon`` in the tests), :func:`attenuation_per_pixel` and :func:`simulate_low_dose`;
- :mod:`medlearn.reconstruction.kspace`: :func:`to_kspace`, :func:`from_kspace` and :func:`undersampling_mask`;
- :mod:`medlearn.reconstruction.patches`: :func:`paired_patches` and :func:`tile_scores`.

Example:
    >>> import numpy as np
    >>> bool(np.allclose(from_kspace(to_kspace(np.eye(4))).real, np.eye(4)))
    True
"""

from .kspace import PATTERNS, from_kspace, to_kspace, undersampling_mask
from .patches import paired_patches, tile_scores
from .tomography import WINDOWS, attenuation_per_pixel, back_project, filter_sinogram, ramp_filter, simulate_low_dose

__all__ = [
    "PATTERNS",
    "WINDOWS",
    "attenuation_per_pixel",
    "back_project",
    "filter_sinogram",
    "from_kspace",
    "paired_patches",
    "ramp_filter",
    "simulate_low_dose",
    "tile_scores",
    "to_kspace",
    "undersampling_mask",
]
