"""Checks for the exercises of chapter 09, volumes.

In the exercise notebook::

    from medlearn.check import volumes as check
    check.voxel_to_world_by_hand(voxel_to_world_by_hand)

The answers are compared with ``medlearn.volumes`` (itself tested against
nibabel and scikit-image) and with the formulas that Keras' ``Conv3D`` and
``GRU`` layers follow (tested against Keras in ``tests/exercises/test_check_volumes.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._volumes_training import adrenal_subset, train_volume_cnn
from .core import Wrong, as_array, as_number, call, task

__all__ = [
    "adrenal_subset",
    "train_volume_cnn",
    "conv3d_output_shape",
    "gru_parameters",
    "slice_order",
    "sphericity_by_hand",
    "volume_ml",
    "voxel_to_world_by_hand",
]

#: An oblique affine with 0.9 x 0.9 x 3 mm voxels: rotated, scaled and shifted, so that every mistake shows.
_AFFINE = np.array(
    [
        [-0.9, 0.0, 0.0, 90.0],
        [0.0, 0.9 * np.cos(0.2), -3.0 * np.sin(0.2), -110.0],
        [0.0, 0.9 * np.sin(0.2), 3.0 * np.cos(0.2), -60.0],
        [0.0, 0.0, 0.0, 1.0],
    ]
)


@task(
    hints=[
        "The affine maps a voxel index (i, j, k) to millimetres: multiply by the 3 x 3 part, then add the shift.",
        "world = affine[:3, :3] @ ijk + affine[:3, 3]  (or: affine @ [i, j, k, 1], keeping the first three values).",
    ]
)
def voxel_to_world_by_hand(function: Any) -> None:
    for ijk in ([10, 20, 5], [0, 0, 0], [63.5, 2, 17]):
        want = _AFFINE[:3, :3] @ np.asarray(ijk, float) + _AFFINE[:3, 3]
        got = as_array(call(function, _AFFINE.copy(), list(ijk)), "your world coordinates", shape=(3,))
        if np.allclose(got, want):
            continue
        if np.allclose(got, _AFFINE[:3, :3] @ np.asarray(ijk, float)):
            raise Wrong("the shift is missing: add affine[:3, 3], the world position of voxel (0, 0, 0).")
        if np.allclose(got, _AFFINE[:3, :3].T @ np.asarray(ijk, float) + _AFFINE[:3, 3]):
            raise Wrong("the matrix is transposed: use affine[:3, :3] @ ijk, rows times the index.")
        if np.allclose(got, np.asarray(ijk, float) + _AFFINE[:3, 3]):
            raise Wrong("the voxel size and direction are missing: multiply by affine[:3, :3] first.")
        raise Wrong(
            f"for voxel {ijk} expected {np.round(want, 3).tolist()} mm; you returned {np.round(got, 3).tolist()}."
        )


def _series() -> tuple[np.ndarray, list[list[float]], list[int]]:
    """Five tilted slices listed out of order, numbered out of step with their position."""
    orientation = np.array([1.0, 0.0, 0.0, 0.0, np.cos(0.4), np.sin(0.4)])
    column, normal = orientation[3:], np.cross(orientation[:3], orientation[3:])
    along = [6.0, -2.0, 10.0, 2.0, 0.5]
    shifts = [0.0, 40.0, -30.0, 0.0, 20.0]  # in-plane shifts: they move z, not the position along the normal
    origin = np.array([-120.0, -80.0, 40.0])
    positions = [list(origin + z * normal + shift * column) for z, shift in zip(along, shifts)]
    numbers = [3, 1, 5, 2, 4]
    return orientation, positions, numbers


@task(
    hints=[
        "The slice normal is the cross product of the row and column directions: np.cross(o[:3], o[3:]).",
        "Each slice's position along the normal is np.dot(position, normal); return np.argsort of those numbers "
        "(InstanceNumber and the file order are not the order in the patient).",
    ]
)
def slice_order(function: Any) -> None:
    orientation, positions, numbers = _series()
    normal = np.cross(orientation[:3], orientation[3:])
    along = np.array([np.dot(p, normal) for p in positions])
    want = np.argsort(along)
    got = as_array(
        call(function, orientation.copy(), [list(p) for p in positions], list(numbers)), "your order", shape=(5,)
    )
    if got.shape == want.shape and np.array_equal(got, want):
        return
    if np.array_equal(got, np.argsort(numbers)):
        raise Wrong("that is the order of InstanceNumber, which need not follow the position: sort by position.")
    if np.array_equal(got, want[::-1]):
        raise Wrong("the order is reversed: sort from the smallest position along the normal to the largest.")
    if np.array_equal(got, np.argsort([p[2] for p in positions])):
        raise Wrong("that sorts by the z coordinate alone, which is wrong for tilted slices: project on the normal.")
    raise Wrong(f"expected the order {want.tolist()}; you returned {got.tolist()}.")


@task(
    hints=[
        "Count the mask's voxels and multiply by the volume of one voxel: the product of the three spacings (mm³).",
        "1 mL is 1 cm³ = 1,000 mm³: divide by 1,000.",
    ]
)
def volume_ml(function: Any) -> None:
    mask = np.zeros((12, 20, 20), bool)
    mask[2:10, 4:16, 5:15] = True  # 8 x 12 x 10 voxels
    spacing = (2.5, 0.8, 0.8)
    want = mask.sum() * np.prod(spacing) / 1000
    got = as_number(call(function, mask.copy(), spacing), "your volume in mL")
    if np.isclose(got, want):
        return
    if np.isclose(got, want * 1000):
        raise Wrong("that is in mm³: divide by 1,000 for millilitres.")
    if np.isclose(got, mask.sum() / 1000) or np.isclose(got, mask.sum()):
        raise Wrong("the voxel size is missing: one voxel is 2.5 x 0.8 x 0.8 mm³ here, not 1.")
    if np.isclose(got, mask.sum() * 0.8 * 0.8 / 1000):
        raise Wrong("only the in-plane spacing was used: the slice spacing (2.5 mm) counts too.")
    raise Wrong(f"expected {want:.3f} mL; you returned {got}.")


@task(
    hints=[
        "Sphericity compares the surface of a ball of the same volume with the object's surface.",
        "sphericity = pi ** (1 / 3) * (6 * V) ** (2 / 3) / A; it is 1 for a ball and less for any other shape.",
    ]
)
def sphericity_by_hand(function: Any) -> None:
    for volume, area in ((4 / 3 * np.pi * 5**3, 4 * np.pi * 5**2), (1000.0, 600.0), (523.6, 700.0)):
        want = np.pi ** (1 / 3) * (6 * volume) ** (2 / 3) / area
        got = as_number(call(function, volume, area), "your sphericity")
        if np.isclose(got, want):
            continue
        if np.isclose(got, 1 / want):
            raise Wrong("that is upside down: the ball's surface goes on top, the object's surface A below.")
        if np.isclose(got, (6 * volume) ** (2 / 3) / area):
            raise Wrong("the factor pi ** (1 / 3) is missing: without it a ball would not score 1.")
        raise Wrong(f"for V = {volume:.1f} mm³ and A = {area:.1f} mm² expected {want:.4f}; you returned {got}.")


def _reference_conv3d_shape(
    input_shape: tuple[int, int, int, int], filters: int, kernel: int, strides: int, padding: str
) -> tuple[int, int, int, int]:
    """What Keras' ``Conv3D`` returns for one volume (depth, height, width, channels).

    Example:
        >>> _reference_conv3d_shape((28, 28, 28, 1), 8, 3, 1, "valid")
        (26, 26, 26, 8)
    """
    spatial = input_shape[:3]
    if padding == "same":
        out = [-(-n // strides) for n in spatial]
    else:
        out = [(n - kernel) // strides + 1 for n in spatial]
    return (*out, filters)


@task(
    hints=[
        "With padding='valid' each side length n becomes (n - kernel) // strides + 1; with 'same' it becomes "
        "ceil(n / strides).",
        "The last axis is the number of filters, whatever the input had.",
    ]
)
def conv3d_output_shape(function: Any) -> None:
    cases = [
        ((28, 28, 28, 1), 8, 3, 1, "valid"),
        ((28, 28, 28, 1), 16, 3, 2, "same"),
        ((14, 14, 14, 8), 4, 5, 2, "valid"),
    ]
    for shape, filters, kernel, strides, padding in cases:
        want = _reference_conv3d_shape(shape, filters, kernel, strides, padding)
        got = tuple(
            int(v) for v in as_array(call(function, shape, filters, kernel, strides, padding), "your shape", shape=(4,))
        )
        if got == want:
            continue
        if got[:3] == want[:3] and got[3] == shape[3]:
            raise Wrong("the channels are wrong: a Conv3D returns one channel per filter.")
        if padding == "valid" and got[:3] == tuple(n - kernel + 1 for n in shape[:3]):
            raise Wrong("the stride is missing: divide (n - kernel) by strides, then add 1.")
        raise Wrong(f"Conv3D({filters}, {kernel}, strides={strides}, padding='{padding}') on {shape}: expected {want}.")


def _reference_gru_count(input_dim: int, units: int) -> int:
    """Trainable parameters of Keras' ``GRU(units)`` (``reset_after=True``, its default) on ``input_dim`` features.

    Example:
        >>> _reference_gru_count(32, 16)
        2400
    """
    return 3 * (units * input_dim + units * units + 2 * units)


@task(
    hints=[
        "A GRU has two gates (update and reset) and a candidate state; each of the three has input weights, "
        "recurrent weights and biases.",
        "For each of the three: units * input_dim + units * units, plus 2 * units biases (Keras' default "
        "reset_after=True keeps one bias for the input and one for the recurrent part).",
    ]
)
def gru_parameters(function: Any) -> None:
    for input_dim, units in ((32, 16), (8, 4), (100, 1)):
        want = _reference_gru_count(input_dim, units)
        got = as_number(call(function, input_dim, units), "your parameter count")
        if got == want:
            continue
        if got == 4 * (units * input_dim + units * units + units):
            raise Wrong(
                "that is an LSTM's count (three gates and a cell candidate, four blocks with one bias each): "
                "a GRU has three blocks, two gates (update, reset) and a candidate state."
            )
        if got == 3 * (units * input_dim + units * units + units):
            raise Wrong(
                "one bias per block is missing: Keras' GRU (reset_after=True) has two for each gate and for the "
                "candidate, so 2 * units each."
            )
        raise Wrong(f"GRU({units}) on {input_dim} features: expected {want} parameters; you returned {got}.")
