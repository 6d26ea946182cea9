"""Exercise-only data of the volumes chapter's checks: an oblique affine and a tilted series listed out of order."""

from __future__ import annotations

import numpy as np

#: An oblique affine with 0.9 x 0.9 x 3 mm voxels: rotated, scaled and shifted, so that every mistake shows.
AFFINE = np.array(
    [
        [-0.9, 0.0, 0.0, 90.0],
        [0.0, 0.9 * np.cos(0.2), -3.0 * np.sin(0.2), -110.0],
        [0.0, 0.9 * np.sin(0.2), 3.0 * np.cos(0.2), -60.0],
        [0.0, 0.0, 0.0, 1.0],
    ]
)


def series() -> tuple[np.ndarray, list[list[float]], list[int]]:
    """Five tilted slices listed out of order, numbered out of step with their position: ``(orientation,
    positions, instance numbers)``, as a DICOM series gives them.

    Example:
        >>> orientation, positions, numbers = series()
        >>> orientation.shape, len(positions), numbers
        ((6,), 5, [3, 1, 5, 2, 4])
    """
    orientation = np.array([1.0, 0.0, 0.0, 0.0, np.cos(0.4), np.sin(0.4)])
    column, normal = orientation[3:], np.cross(orientation[:3], orientation[3:])
    along = [6.0, -2.0, 10.0, 2.0, 0.5]
    shifts = [0.0, 40.0, -30.0, 0.0, 20.0]  # in-plane shifts: they move z, not the position along the normal
    origin = np.array([-120.0, -80.0, 40.0])
    positions = [list(origin + z * normal + shift * column) for z, shift in zip(along, shifts, strict=True)]
    numbers = [3, 1, 5, 2, 4]
    return orientation, positions, numbers
