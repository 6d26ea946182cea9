"""The registration chapter's tasks on transforms: moving an image, an LPS+ point's voxel and the target registration
error, with their tables of mistakes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...registration import RAS_TO_LPS, apply_transform, rigid_matrix, target_registration_error
from ..core import Mistake, Wrong, as_array, as_number, call, task
from . import _answers
from ._data import _template, anatomical_affine
from ._table import first_made, then


def _rigid(images: dict[str, np.ndarray], angles: list[float], shift: list[float]) -> np.ndarray:
    return rigid_matrix(angles, shift, centre_mm=images["centre_mm"])


def _pull(volume: np.ndarray, matrix: np.ndarray, order: int = 1) -> np.ndarray:
    from scipy import ndimage

    return ndimage.affine_transform(volume, matrix, order=order, mode="constant", cval=0.0)


_inv = np.linalg.inv
_MOVE_MISTAKES = [
    Mistake(
        "forward matrix",
        lambda volume, affine, transform: apply_transform(volume, affine, _inv(transform)),
        then(
            "You applied the forward matrix: that moves it the other way. Resampling pulls each output point y "
            "from inv(transform) @ y."
        ),
    ),
    Mistake(
        "in voxels",
        lambda volume, affine, transform: _pull(volume, _inv(transform)),
        then(
            "The transform is in mm, in world coordinates, not in voxel indices: use inv(affine) @ inv(transform) "
            "@ affine."
        ),
    ),
    Mistake(
        "in voxels, forward",
        lambda volume, affine, transform: _pull(volume, transform),
        then(
            "The transform is in mm, in world coordinates, not in voxel indices, and resampling uses its "
            "inverse: inv(affine) @ inv(transform) @ affine."
        ),
    ),
    Mistake(
        "order of matrices",
        lambda volume, affine, transform: _pull(volume, affine @ _inv(transform) @ _inv(affine)),
        then(
            "The matrices are in the wrong order: the voxel map goes output index -> world -> moved back "
            "-> input index, inv(affine) @ inv(transform) @ affine."
        ),
    ),
    Mistake(
        "cubic",
        lambda volume, affine, transform: apply_transform(volume, affine, transform, order=3),
        then(
            "That is cubic interpolation, scipy's default (order=3); the chapter resamples intensities trilinearly: "
            "order=1."
        ),
    ),
    Mistake(
        "nearest",
        lambda volume, affine, transform: apply_transform(volume, affine, transform, order=0),
        then(
            "That is nearest neighbour (order=0), the choice for labels; intensities are resampled trilinearly: "
            "order=1."
        ),
    ),
]


@task(
    "Resampling pulls: each output voxel's world point y reads the input at inv(transform) @ y, so every output "
    "voxel gets a value and none is left empty.",
    "In voxel indices that is one matrix, read from the right: output index -> world (affine) -> moved back "
    "(inv(transform)) -> input index (inv(affine)).",
    "matrix = np.linalg.inv(affine) @ np.linalg.inv(transform) @ affine; return ndimage.affine_transform("
    "volume, matrix, order=1, mode='constant', cval=0.0)",
    mistakes=_MOVE_MISTAKES,
    reference=apply_transform,
)
def move_image(function: Any) -> None:
    images = _template()
    affine = images["affine"]
    for name, angles, shift in (("t2_simulated", [6, -4, 8], [5, -3, 4]), ("pet_simulated", [-5, 3, 10], [8, 2, -6])):
        volume, transform = images[name], _rigid(images, angles, shift)
        got = as_array(
            call(function, volume.copy(), affine.copy(), transform.copy()), "your moved image", shape=volume.shape
        )
        want = apply_transform(volume, affine, transform)
        tolerance = 1e-6 * np.ptp(volume)
        if np.allclose(got, want, rtol=0, atol=tolerance):
            continue
        where = f"moving the {name.replace('_', ' ')} image by a rotation and a shift, your image differs."
        mistake = first_made(got, _MOVE_MISTAKES, (volume, affine, transform), tolerance)
        if mistake is not None:
            raise mistake.wrong(where)
        raise Wrong(f"{where} Largest difference {np.abs(got - want).max():.3g}; outside the input, fill 0.")


_LPS_MISTAKES = [
    Mistake(
        "no flip",
        lambda point, affine: _answers.lps(point, affine, flip=(1, 1, 1)),
        then(
            "You forgot the x, y sign flip: LPS+ and RAS+ differ by the signs of x and y, so both change sign: "
            "the point moves to the other side and from front to back (a whole image would turn 180 degrees)."
        ),
    ),
    Mistake(
        "z flipped",
        lambda point, affine: _answers.lps(point, affine, flip=(-1, -1, -1)),
        then("Flip x and y only: z points up (superior) in both LPS+ and RAS+."),
    ),
    Mistake(
        "x only",
        lambda point, affine: _answers.lps(point, affine, flip=(-1, 1, 1)),
        then("Flip y too: LPS+ y points to the back, RAS+ y to the front."),
    ),
    Mistake(
        "y only",
        lambda point, affine: _answers.lps(point, affine, flip=(1, -1, 1)),
        then("Flip x too: LPS+ x points to the patient's left, RAS+ x to the right."),
    ),
    Mistake(
        "forward affine",
        lambda point, affine: (affine @ RAS_TO_LPS @ [*point, 1])[:3],
        then("The affine maps voxel to world; from world to voxel use its inverse, np.linalg.inv(affine)."),
    ),
]
_ROUNDED = Mistake(
    "rounded",
    lambda point, affine: np.rint(_answers.lps(point, affine)),
    then("Return the continuous index: do not round it."),
)


@task(
    "A DICOM or ITK point is in LPS+ (x to the patient's left, y to the back); a NIfTI affine maps voxels to "
    "RAS+ (x to the right, y to the front). The same point has x and y of opposite signs.",
    "Convert the point to RAS+ by flipping the signs of x and y (not z), then map world to voxel with the "
    "affine's inverse.",
    "ras = [-x, -y, z]; return (np.linalg.inv(affine) @ [*ras, 1])[:3]",
    mistakes=[*_LPS_MISTAKES, _ROUNDED],
    reference=_answers.lps,
)
def lps_to_voxel(function: Any) -> None:
    cases = [
        (_template()["affine"], [30.0, -10.0, 20.0], "the template's 3 mm grid (stored RAS)"),
        (anatomical_affine(), [-12.0, 30.0, 18.5], "nibabel's anatomical.nii (stored LAS)"),
        (anatomical_affine(), [20.5, -7.0, 4.0], "nibabel's anatomical.nii (stored LAS)"),
    ]
    for affine, point, what in cases:
        inverse = np.linalg.inv(affine)
        got = as_array(call(function, list(point), affine.copy()), "your voxel index", shape=(3,))
        want = (inverse @ RAS_TO_LPS @ [*point, 1])[:3]
        if np.allclose(got, want, atol=1e-6):
            continue
        where = f"on {what}, LPS point {point} is voxel {want.round(2).tolist()}, not {got.round(2).tolist()}."
        mistake = first_made(got, _LPS_MISTAKES, (point, affine), 1e-6)
        if mistake is not None:
            raise mistake.wrong(where)
        if np.allclose(got, np.rint(want)) or np.allclose(got, np.floor(want)):
            raise _ROUNDED.wrong(where)
        raise Wrong(f"{where} Flip x and y to RAS+, then apply np.linalg.inv(affine).")


def _tre_case() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    images = _template()
    inside = np.argwhere(images["brain"])
    points = inside[np.random.default_rng(3).choice(len(inside), 25, replace=False)].astype(float)
    true = _rigid(images, [6, -4, 8], [5, -3, 4])
    found = true @ _rigid(images, [1.5, -1.0, 2.0], [0.8, 0.2, -0.5])
    return points, images["affine"], true, found


_TRE_MEAN = Mistake(
    "the mean",
    lambda points, affine, true, found: _answers.tre(points, affine, true, found).mean(),
    "that is the mean; return one distance per point, an array of 25.",
)
_TRE_MISTAKES = [
    Mistake(
        "in voxels",
        lambda points, affine, true, found: _answers.tre(points, affine, true, found) / 3,
        then("That is in voxels (3 mm each); the target registration error is in mm."),
    ),
    Mistake(
        "voxel points",
        lambda points, affine, true, found: target_registration_error(points, true, found),
        then(
            "The points are voxel indices, not mm: convert them with the affine before applying the "
            "transforms, which act on world points."
        ),
    ),
    Mistake(
        "squared",
        lambda points, affine, true, found: _answers.tre(points, affine, true, found) ** 2,
        then("Those are squared distances: take the square root."),
    ),
    Mistake(
        "motion",
        lambda points, affine, true, found: _answers.tre(points, affine, np.eye(4), found),
        then(
            "That is how far the found transform moves each point; the error is the distance between where the "
            "true and the found transforms put it."
        ),
    ),
    Mistake(
        "translations",
        lambda points, affine, true, found: np.full(len(points), np.linalg.norm(found[:3, 3] - true[:3, 3])),
        then(
            "That compares the translations only; a rotation error moves points more the farther they are "
            "from its centre: transform each point."
        ),
    ),
]


@task(
    "The points are voxel indices: first convert them to world coordinates (mm) with the affine.",
    "For each point p (in mm), the error is the distance between transform_true @ p and transform_found @ p.",
    "mm = np.c_[points_ijk, np.ones(len(points_ijk))] @ affine.T; "
    "return np.linalg.norm(mm @ transform_found.T - mm @ transform_true.T, axis=1)",
    mistakes=[_TRE_MEAN, *_TRE_MISTAKES],
    reference=_answers.tre,
)
def target_error_mm(function: Any) -> None:
    points, affine, true, found = _tre_case()
    mm = points @ affine[:3, :3].T + affine[:3, 3]
    want = target_registration_error(mm, true, found)
    value = call(function, points.copy(), affine.copy(), true.copy(), found.copy())
    if np.ndim(value) == 0 and value is not None and np.isclose(as_number(value, "your error"), want.mean()):
        raise _TRE_MEAN.wrong()
    got = as_array(value, "your distances", shape=want.shape)
    if np.allclose(got, want, atol=1e-6):
        return
    where = f"the median error is {np.median(want):.2f} mm; yours is {np.median(got):.2f}."
    mistake = first_made(got, _TRE_MISTAKES, (points, affine, true, found), 1e-6)
    if mistake is not None:
        raise mistake.wrong(where)
    raise Wrong(f"{where} Each distance is |transform_found @ p - transform_true @ p| with p in mm.")
