"""Volumes: voxel and world coordinates, DICOM slices in order, and the shape of a 3-D mask.

A volume is a 3-D array of voxels plus its geometry: which point in the patient
(in millimetres) each voxel sits at. NIfTI files store the geometry as a 4 x 4
``affine``; DICOM stores it per slice (``ImagePositionPatient``,
``ImageOrientationPatient``, ``PixelSpacing``). This module holds what a learner
should not retype: the affine applied to voxel indices, slices sorted along
their normal, the spacing between them, and shape features of a binary mask
(volume, surface area from marching cubes, sphericity, extent, principal axes).

Example:
    >>> import numpy as np
    >>> voxel_to_world(np.diag([2.0, 2.0, 3.0, 1.0]), [1, 1, 1])
    array([2., 2., 3.])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._validation import check_array, check_mask, check_spacing

__all__ = ["shape_features", "slice_positions", "sort_slices", "voxel_to_world"]


def voxel_to_world(affine: object, ijk: object) -> np.ndarray:
    """World coordinates (millimetres) of voxel indices ``ijk`` under a 4 x 4 ``affine``.

    ``world = affine[:3, :3] @ ijk + affine[:3, 3]``, for one index triple or a
    stack of them ``(N, 3)``. The same as ``nibabel.affines.apply_affine``.

    Args:
        affine: the 4 x 4 voxel-to-world matrix (a NIfTI image's ``.affine``).
        ijk: voxel indices, shape ``(3,)`` or ``(N, 3)``; fractions are allowed.

    Example:
        >>> voxel_to_world([[1, 0, 0, -90], [0, 1, 0, -126], [0, 0, 1, -72], [0, 0, 0, 1]], [90, 126, 72])
        array([0., 0., 0.])
    """
    matrix = check_array(affine, "affine", ndim=2, kinds="iuf").astype(float)
    if matrix.shape != (4, 4) or not np.allclose(matrix[3], [0, 0, 0, 1]):
        raise ValueError(f"affine must be a 4 x 4 matrix whose last row is 0 0 0 1, not of shape {matrix.shape}")
    points = check_array(ijk, "ijk", ndim=(1, 2), kinds="iuf").astype(float)
    if points.shape[-1] != 3:
        raise ValueError(f"ijk must hold 3 indices per voxel, shape (3,) or (N, 3), not {points.shape}")
    return points @ matrix[:3, :3].T + matrix[:3, 3]


def _geometry(dataset: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        orientation = np.asarray(dataset.ImageOrientationPatient, dtype=float)
        position = np.asarray(dataset.ImagePositionPatient, dtype=float)
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ValueError(f"{where} lacks a valid ImageOrientationPatient or ImagePositionPatient") from None
    if orientation.shape != (6,) or position.shape != (3,) or not np.all(np.isfinite([*orientation, *position])):
        raise ValueError(f"{where} has a malformed ImageOrientationPatient or ImagePositionPatient")
    return orientation, position


def slice_positions(datasets: Sequence[Any]) -> np.ndarray:
    """Each slice's position along the slices' common normal, in millimetres.

    The normal is the cross product of the row and column directions in
    ``ImageOrientationPatient``; a slice's position is its
    ``ImagePositionPatient`` projected on that normal. This, not the file name
    and not ``InstanceNumber``, is the order of the slices in the patient.

    Args:
        datasets: pydicom datasets of one series (one slice each, same orientation).

    Raises:
        ValueError: no datasets, missing geometry, or slices that are not parallel.

    Example:
        >>> from types import SimpleNamespace as S
        >>> o = [1, 0, 0, 0, 1, 0]
        >>> slice_positions([S(ImageOrientationPatient=o, ImagePositionPatient=[0, 0, z]) for z in (5, -2.5)])
        array([ 5. , -2.5])
    """
    if isinstance(datasets, (str, bytes)) or not isinstance(datasets, Sequence) or len(datasets) == 0:
        raise ValueError("datasets must be a non-empty list of DICOM datasets")
    first, _ = _geometry(datasets[0], "datasets[0]")
    normal = np.cross(first[:3], first[3:])
    positions = []
    for k, dataset in enumerate(datasets):
        orientation, position = _geometry(dataset, f"datasets[{k}]")
        if not np.allclose(orientation, first, atol=1e-4):
            raise ValueError(f"datasets[{k}] is not parallel to datasets[0]: its ImageOrientationPatient differs")
        positions.append(float(position @ normal))
    return np.array(positions)


def sort_slices(datasets: Sequence[Any]) -> tuple[list[Any], np.ndarray]:
    """The slices in patient order (along their normal) and the spacing between neighbours (mm).

    The spacing is measured from the positions; it can differ from
    ``SliceThickness`` (slices may overlap or leave gaps). Two slices at the same
    position (a duplicate, or two series mixed) raise an error.

    ``np.stack`` of the ordered slices' pixels is indexed [slice, row, column],
    while an affine built from the tags (row direction x column spacing, column
    direction x row spacing, normal x slice spacing) indexes (column, row,
    slice): transpose the stack with ``.transpose(2, 1, 0)`` before pairing the
    two, for example in ``nibabel.Nifti1Image``, which checks neither against
    the other (the volumes chapter, section 2).

    Example:
        >>> from types import SimpleNamespace as S
        >>> o = [1, 0, 0, 0, 1, 0]
        >>> slices = [S(ImageOrientationPatient=o, ImagePositionPatient=[0, 0, z]) for z in (3, 0, 6)]
        >>> ordered, gaps = sort_slices(slices)
        >>> [s.ImagePositionPatient[2] for s in ordered], gaps
        ([0, 3, 6], array([3., 3.]))
    """
    positions = slice_positions(datasets)
    order = np.argsort(positions, kind="stable")
    gaps = np.diff(positions[order])
    if np.any(gaps < 1e-3):
        raise ValueError("datasets holds two slices at the same position (a duplicate, or two series mixed)")
    return [datasets[k] for k in order], gaps


def shape_features(mask: object, spacing: object = (1.0, 1.0, 1.0)) -> dict[str, float]:
    """Shape of the largest object in a 3-D binary mask, in millimetres.

    - ``volume_ml``: voxels times the voxel volume, in millilitres (1 mL = 1,000 mm³);
    - ``surface_mm2``: the area of the marching-cubes surface at level 0.5
      (``skimage.measure.marching_cubes`` and ``mesh_surface_area``);
    - ``sphericity``: ``pi**(1/3) * (6 V)**(2/3) / A``: 1 for a perfect ball, 0.806 for a
      perfect cube. On voxel masks the marching-cubes surface is a little off: about 0.93
      for a voxelised ball of radius 8, and above 0.806 for a cube (its corners are cut);
    - ``extent``: the object's voxels over its bounding box's voxels;
    - ``axis_major_mm``, ``axis_minor_mm``: lengths of the longest and shortest
      principal axes (``regionprops`` on the voxel grid, scaled by ``spacing``).

    Args:
        mask: 3-D mask (bool, or 0 and 1); only its largest connected object is measured, with voxels
            that touch by a face, an edge or a corner counted as connected (26-connectivity, as
            ``skimage.measure.label`` does by default in 3-D).
        spacing: voxel size in millimetres along each axis, one number or three.

    Example:
        >>> ball = np.linalg.norm(np.indices((21, 21, 21)) - 10, axis=0) <= 8
        >>> round(shape_features(ball)["sphericity"], 2)
        0.93
    """
    from scipy import ndimage
    from skimage import measure

    volume = check_mask(mask, "mask")
    if volume.ndim != 3:
        raise ValueError(f"mask must be a 3-D mask, not of shape {volume.shape}")
    if not volume.any():
        raise ValueError("mask is empty: there is no object to measure")
    size = check_spacing(spacing, "spacing (mm)", 3)
    labels, _ = ndimage.label(volume, structure=np.ones((3, 3, 3)))  # voxels touching by a face, edge or corner
    largest = labels == np.argmax(np.bincount(labels.ravel())[1:]) + 1
    volume_mm3 = float(largest.sum() * np.prod(size))
    padded = np.pad(largest, 1).astype(np.float32)  # closes the surface where the object touches the border
    vertices, faces, _, _ = measure.marching_cubes(padded, level=0.5, spacing=tuple(size))
    area = float(measure.mesh_surface_area(vertices, faces))
    props = measure.regionprops(largest.astype(np.uint8), spacing=tuple(size))[0]
    return {
        "volume_ml": volume_mm3 / 1000,
        "surface_mm2": area,
        "sphericity": float(np.pi ** (1 / 3) * (6 * volume_mm3) ** (2 / 3) / area),
        "extent": float(props.extent),
        "axis_major_mm": float(props.axis_major_length),
        "axis_minor_mm": float(props.axis_minor_length),
    }
