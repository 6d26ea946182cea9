"""Checks for the exercises of the volumes chapter.

In the exercise notebook::

    from medlearn.check import volumes as check
    check.voxel_to_world_by_hand(voxel_to_world_by_hand)

The answers are compared with ``medlearn.volumes`` (itself tested against nibabel and scikit-image) and with the
formulas that Keras' ``Conv3D`` and ``GRU`` layers follow (tested against Keras in
``tests/exercises/test_check_volumes.py``).
"""

from __future__ import annotations

import operator

import numpy as np

from ..core import Mistake, as_array, as_number, close, compared
from . import _data
from ._training import adrenal_subset, train_volume_cnn

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


def _ijk(ijk: list[float]) -> np.ndarray:
    return np.asarray(ijk, float)


@compared(
    "The affine maps a voxel index (i, j, k) to millimetres: multiply by the 3 x 3 part, then add the shift.",
    "world = affine[:3, :3] @ ijk + affine[:3, 3]  (or: affine @ [i, j, k, 1], keeping the first three values).",
    cases=lambda: [(_data.AFFINE, ijk) for ijk in ([10, 20, 5], [0, 0, 0], [63.5, 2, 17])],
    read=lambda value, *_: as_array(value, "your world coordinates", shape=(3,)),
    mistakes=[
        Mistake(
            "no shift",
            lambda affine, ijk: affine[:3, :3] @ _ijk(ijk),
            "the shift is missing: add affine[:3, 3], the world position of voxel (0, 0, 0).",
        ),
        Mistake(
            "transposed",
            lambda affine, ijk: affine[:3, :3].T @ _ijk(ijk) + affine[:3, 3],
            "the matrix is transposed: use affine[:3, :3] @ ijk, rows times the index.",
        ),
        Mistake(
            "no matrix",
            lambda affine, ijk: _ijk(ijk) + affine[:3, 3],
            "the voxel size and direction are missing: multiply by affine[:3, :3] first.",
        ),
    ],
    otherwise=lambda got, want, affine, ijk: (
        f"for voxel {ijk} expected {np.round(want, 3).tolist()} mm; you returned {np.round(got, 3).tolist()}."
    ),
)
def voxel_to_world_by_hand(affine: np.ndarray, ijk: list[float]) -> np.ndarray:
    return affine[:3, :3] @ _ijk(ijk) + affine[:3, 3]


def _along_normal(orientation: np.ndarray, positions: list[list[float]]) -> np.ndarray:
    normal = np.cross(orientation[:3], orientation[3:])
    return np.array([np.dot(p, normal) for p in positions])


@compared(
    "The slice normal is the cross product of the row and column directions: np.cross(o[:3], o[3:]).",
    "Each slice's position along the normal is np.dot(position, normal); return np.argsort of those numbers "
    "(InstanceNumber and the file order are not the order in the patient).",
    cases=lambda: [_data.series()],
    read=lambda value, *_: as_array(value, "your order", shape=(5,)),
    same=np.array_equal,
    mistakes=[
        Mistake(
            "InstanceNumber",
            lambda orientation, positions, numbers: np.argsort(numbers),
            "that is the order of InstanceNumber, which need not follow the position: sort by position.",
        ),
        Mistake(
            "reversed",
            lambda orientation, positions, numbers: np.argsort(_along_normal(orientation, positions))[::-1],
            "the order is reversed: sort from the smallest position along the normal to the largest.",
        ),
        Mistake(
            "z alone",
            lambda orientation, positions, numbers: np.argsort([p[2] for p in positions]),
            "that sorts by the z coordinate alone, which is wrong for tilted slices: project on the normal.",
        ),
    ],
    otherwise=lambda got, want, *_: f"expected the order {want.tolist()}; you returned {got.tolist()}.",
)
def slice_order(orientation: np.ndarray, positions: list[list[float]], numbers: list[int]) -> np.ndarray:
    return np.argsort(_along_normal(orientation, positions))


def _block() -> np.ndarray:
    mask = np.zeros((12, 20, 20), bool)
    mask[2:10, 4:16, 5:15] = True  # 8 x 12 x 10 voxels
    return mask


@compared(
    "Count the mask's voxels and multiply by the volume of one voxel: the product of the three spacings (mm³).",
    "1 mL is 1 cm³ = 1,000 mm³: divide by 1,000.",
    cases=lambda: [(_block(), (2.5, 0.8, 0.8))],
    read=lambda value, *_: as_number(value, "your volume in mL"),
    mistakes=[
        Mistake(
            "mm³",
            lambda mask, spacing: mask.sum() * np.prod(spacing),
            "that is in mm³: divide by 1,000 for millilitres.",
        ),
        Mistake(
            "no voxel size",
            lambda mask, spacing: mask.sum() / 1000,
            "the voxel size is missing: one voxel is 2.5 x 0.8 x 0.8 mm³ here, not 1.",
            spot=lambda got, want, mask, spacing: close(got, mask.sum() / 1000) or close(got, mask.sum()),
        ),
        Mistake(
            "in-plane only",
            lambda mask, spacing: mask.sum() * spacing[1] * spacing[2] / 1000,
            "only the in-plane spacing was used: the slice spacing (2.5 mm) counts too.",
        ),
    ],
    otherwise=lambda got, want, *_: f"expected {want:.3f} mL; you returned {got}.",
)
def volume_ml(mask: np.ndarray, spacing: tuple[float, float, float]) -> float:
    return mask.sum() * np.prod(spacing) / 1000


def _sphericity(volume: float, area: float) -> float:
    return np.pi ** (1 / 3) * (6 * volume) ** (2 / 3) / area


@compared(
    "Sphericity compares the surface of a ball of the same volume with the object's surface.",
    "sphericity = pi ** (1 / 3) * (6 * V) ** (2 / 3) / A; it is 1 for a ball and less for any other shape.",
    cases=lambda: [(4 / 3 * np.pi * 5**3, 4 * np.pi * 5**2), (1000.0, 600.0), (523.6, 700.0)],
    read=lambda value, *_: as_number(value, "your sphericity"),
    mistakes=[
        Mistake(
            "upside down",
            lambda volume, area: 1 / _sphericity(volume, area),
            "that is upside down: the ball's surface goes on top, the object's surface A below.",
        ),
        Mistake(
            "no pi",
            lambda volume, area: (6 * volume) ** (2 / 3) / area,
            "the factor pi ** (1 / 3) is missing: without it a ball would not score 1.",
        ),
    ],
    otherwise=lambda got, want, volume, area: (
        f"for V = {volume:.1f} mm³ and A = {area:.1f} mm² expected {want:.4f}; you returned {got}."
    ),
)
def sphericity_by_hand(volume: float, area: float) -> float:
    return _sphericity(volume, area)


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


@compared(
    "With padding='valid' each side length n becomes (n - kernel) // strides + 1; with 'same' it becomes "
    "ceil(n / strides).",
    "The last axis is the number of filters, whatever the input had.",
    cases=lambda: [
        ((28, 28, 28, 1), 8, 3, 1, "valid"),
        ((28, 28, 28, 1), 16, 3, 2, "same"),
        ((14, 14, 14, 8), 4, 5, 2, "valid"),
    ],
    read=lambda value, *_: tuple(int(v) for v in as_array(value, "your shape", shape=(4,))),
    same=operator.eq,
    mistakes=[
        Mistake(
            "input channels",
            lambda shape, filters, kernel, strides, padding: (
                *_reference_conv3d_shape(shape, filters, kernel, strides, padding)[:3],
                shape[3],
            ),
            "the channels are wrong: a Conv3D returns one channel per filter.",
            spot=lambda got, want, shape, *_: got[:3] == want[:3] and got[3] == shape[3],
        ),
        Mistake(
            "no stride",
            lambda shape, filters, kernel, strides, padding: (
                (*(n - kernel + 1 for n in shape[:3]), filters)
                if padding == "valid"
                else _reference_conv3d_shape(shape, filters, kernel, strides, padding)
            ),
            "the stride is missing: divide (n - kernel) by strides, then add 1.",
            spot=lambda got, want, shape, filters, kernel, strides, padding: (
                padding == "valid" and got[:3] == tuple(n - kernel + 1 for n in shape[:3])
            ),
        ),
    ],
    otherwise=lambda got, want, shape, filters, kernel, strides, padding: (
        f"Conv3D({filters}, {kernel}, strides={strides}, padding='{padding}') on {shape}: expected {want}."
    ),
)
def conv3d_output_shape(
    shape: tuple[int, int, int, int], filters: int, kernel: int, strides: int, padding: str
) -> tuple[int, int, int, int]:
    return _reference_conv3d_shape(shape, filters, kernel, strides, padding)


def _reference_gru_count(input_dim: int, units: int) -> int:
    """Trainable parameters of Keras' ``GRU(units)`` (``reset_after=True``, its default) on ``input_dim`` features.

    Example:
        >>> _reference_gru_count(32, 16)
        2400
    """
    return 3 * (units * input_dim + units * units + 2 * units)


@compared(
    "A GRU has two gates (update and reset) and a candidate state; each of the three has input weights, "
    "recurrent weights and biases.",
    "For each of the three: units * input_dim + units * units, plus 2 * units biases (Keras' default "
    "reset_after=True keeps one bias for the input and one for the recurrent part).",
    cases=lambda: [(32, 16), (8, 4), (100, 1)],
    read=lambda value, *_: as_number(value, "your parameter count"),
    same=operator.eq,
    mistakes=[
        Mistake(
            "LSTM",
            lambda input_dim, units: 4 * (units * input_dim + units * units + units),
            "that is an LSTM's count (three gates and a cell candidate, four blocks with one bias each): "
            "a GRU has three blocks, two gates (update, reset) and a candidate state.",
        ),
        Mistake(
            "one bias per block",
            lambda input_dim, units: 3 * (units * input_dim + units * units + units),
            "one bias per block is missing: Keras' GRU (reset_after=True) has two for each gate and for the "
            "candidate, so 2 * units each.",
        ),
    ],
    otherwise=lambda got, want, input_dim, units: (
        f"GRU({units}) on {input_dim} features: expected {want} parameters; you returned {got}."
    ),
)
def gru_parameters(input_dim: int, units: int) -> int:
    return _reference_gru_count(input_dim, units)
