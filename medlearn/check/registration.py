"""Checks for the exercises of chapter 10, registration and fusion.

In the exercise notebook::

    from medlearn.check import registration as check
    images = check.template()                          # the real T1 template and two simulated contrasts
    check.move_image.hint()                            # a hint, before or after trying
    check.move_image(move_image)                       # pass, a targeted hint, or "not done yet"

The data are the chapter's (real MNI152 template on a 3 mm grid, T2-like and PET-like images **simulated** from
its real tissue maps, the affine of nibabel's real ``anatomical.nii``). Answers are compared with
:mod:`medlearn.registration` (tested against SimpleITK) and scikit-learn; each usual mistake gets its own hint.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..registration import (
    RAS_TO_LPS,
    apply_transform,
    jacobian_determinant,
    mutual_information,
    rigid_matrix,
    target_registration_error,
)
from ._registration_data import _template, anatomical_affine, smooth_field, template
from .core import Wrong, as_array, as_number, call, letter_answer, task

__all__ = [
    "accept_field",
    "anatomical_affine",
    "find_shift",
    "folding_share",
    "lps_to_voxel",
    "move_image",
    "mutual_information_by_hand",
    "similarity_for_pet",
    "smooth_field",
    "target_error_mm",
    "template",
]


def _labels(values: np.ndarray, bins: int) -> np.ndarray:
    return np.digitize(values, np.histogram_bin_edges(values, bins)[1:-1])


def _mi_variants(a: np.ndarray, b: np.ndarray, bins: int) -> dict[str, float]:
    """The right value and what the usual mistakes give, on bin labels ``a`` and ``b``."""
    counts = np.bincount(a * bins + b, minlength=bins * bins).reshape(bins, bins).astype(float)
    p = counts / counts.sum()
    p_a, p_b = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    c_a, c_b = counts.sum(axis=1, keepdims=True), counts.sum(axis=0, keepdims=True)
    full = p > 0
    with np.errstate(all="ignore"):
        right = float(np.sum(p[full] * np.log(p[full] / (p_a @ p_b)[full])))
        return {
            "bits": right / np.log(2),
            "log10": right / np.log(10),
            "swapped": float(np.sum(p[full] * np.log(p[full] / (p_b.T @ p_a.T)[full]))),
            "uniform": float(np.sum(p[full] * np.log(p[full] * bins * bins))),
            "counts": float(np.sum(p[full] * np.log(p[full] / (c_a @ c_b)[full]))),
            "unnormalised": float(np.sum(counts[full] * np.log(counts[full] / (c_a @ c_b)[full]))),
            "joint entropy": float(-np.sum(p[full] * np.log(p[full]))),
        }


#: The hint for each typical mistake, by the name the checks give the wrong answer it produces.
_HINTS = {
    "bits": "that is in bits (log base 2); the chapter and scikit-learn use the natural logarithm, np.log (nats).",
    "log10": "that uses log base 10; mutual information here is in nats: use the natural logarithm, np.log.",
    "swapped": "the margins are crossed: p_a is the joint's sum over b's axis (axis=1), p_b its sum over a's "
    "axis (axis=0), so that p_a[i] * p_b[j] sits beside p[i, j].",
    "uniform": "the margins must come from the joint histogram (its row and column sums), not be 1 / n_bins.",
    "counts": "the margins must be probabilities, the joint histogram's row and column sums after dividing it by "
    "its total, not counts of voxels.",
    "unnormalised": "divide the joint histogram by its total first: p(a, b) are probabilities that sum to 1.",
    "joint entropy": "that is the joint entropy -sum p log p; the mutual information divides p by p_a * p_b.",
    "forward": "You applied the forward matrix: that moves it the other way. Resampling pulls each output point y "
    "from inv(transform) @ y.",
    "voxels": "The transform is in mm, in world coordinates, not in voxel indices: use inv(affine) @ inv(transform) "
    "@ affine.",
    "voxels, forward": "The transform is in mm, in world coordinates, not in voxel indices, and resampling uses its "
    "inverse: inv(affine) @ inv(transform) @ affine.",
    "order of matrices": "The matrices are in the wrong order: the voxel map goes output index -> world -> moved back "
    "-> input index, inv(affine) @ inv(transform) @ affine.",
    "cubic": "That is cubic interpolation, scipy's default (order=3); the chapter resamples intensities trilinearly: "
    "order=1.",
    "nearest": "That is nearest neighbour (order=0), the choice for labels; intensities are resampled trilinearly: "
    "order=1.",
    "no flip": "You forgot the x, y sign flip: LPS+ and RAS+ differ by the signs of x and y, so both change sign: "
    "the point moves to the other side and from front to back (a whole image would turn 180 degrees).",
    "z flipped": "Flip x and y only: z points up (superior) in both LPS+ and RAS+.",
    "x only": "Flip y too: LPS+ y points to the back, RAS+ y to the front.",
    "y only": "Flip x too: LPS+ x points to the patient's left, RAS+ x to the right.",
    "forward affine": "The affine maps voxel to world; from world to voxel use its inverse, np.linalg.inv(affine).",
    "voxels out": "That is in voxels (3 mm each); the target registration error is in mm.",
    "voxels in": "The points are voxel indices, not mm: convert them with the affine before applying the "
    "transforms, which act on world points.",
    "squared": "Those are squared distances: take the square root.",
    "motion": "That is how far the found transform moves each point; the error is the distance between where the "
    "true and the found transforms put it.",
    "translations": "That compares the translations only; a rotation error moves points more the farther they are "
    "from its centre: transform each point.",
}


#: The sign flips of a typical LPS+ to RAS+ mistake, by the name of its hint.
_SIGNS = {
    "no flip": (1.0, 1.0, 1.0),
    "z flipped": (-1.0, -1.0, -1.0),
    "x only": (-1.0, 1.0, 1.0),
    "y only": (1.0, -1.0, 1.0),
}


def _name_mistake(got: object, wrongs: dict[str, object], where: str, tolerance: float) -> None:
    """Raise the hint of the first typical mistake whose answer ``got`` equals (relative and absolute ``tolerance``)."""
    for name, wrong in wrongs.items():
        if name in _HINTS and np.allclose(got, wrong, rtol=tolerance, atol=tolerance):
            raise Wrong(f"{where} {_HINTS[name]}")


@task(
    hints=[
        "Count the voxel pairs in each (bin of a, bin of b) cell: np.bincount(bins_a * n_bins + bins_b, "
        "minlength=n_bins * n_bins) reshaped to n_bins x n_bins. Divide by the total to get p(a, b).",
        "The margins come from the joint: p_a = p.sum(axis=1), p_b = p.sum(axis=0). Sum p * log(p / (p_a p_b)) "
        "over the cells where p > 0 only: 0 log 0 counts as 0, and np.log(0) would give NaN.",
        "p_a, p_b = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True); full = p > 0; "
        "return np.sum(p[full] * np.log(p[full] / (p_a @ p_b)[full]))",
    ]
)
def mutual_information_by_hand(function: Any) -> str:
    from sklearn.metrics import mutual_info_score

    images = _template()
    brain = images["brain"]
    cases = [
        (images["t1"].ravel(), images["t2_simulated"].ravel(), 32, "T1 and simulated T2, 32 bins"),
        (images["t1"][brain], images["pet_simulated"][brain], 16, "T1 and simulated PET in the brain, 16 bins"),
    ]
    for a_values, b_values, bins, what in cases:
        a, b = _labels(a_values, bins), _labels(b_values, bins)
        got = as_number(call(function, a.copy(), b.copy(), bins), f"your mutual information ({what})")
        want = float(mutual_info_score(a, b))
        if abs(got - want) <= 1e-6 * max(1.0, abs(want)):
            continue
        where = f"for the {what} you returned {got:.4f}; scikit-learn's mutual_info_score gives {want:.4f} nats."
        if not np.isfinite(got):
            raise Wrong(f"{where} NaN or infinity comes from log(0): sum only over the cells where p > 0.")
        _name_mistake(got, _mi_variants(a, b, bins), where, 1e-6)
        if abs(got + want) <= 1e-6 * max(1.0, want):
            raise Wrong(f"{where} The sign is flipped: it is p log(p / (p_a p_b)), not p log(p_a p_b / p).")
        raise Wrong(f"{where} MI = sum over cells with p > 0 of p log(p / (p_a p_b)), margins from the joint.")
    return "Your value is scikit-learn's, and medlearn.registration.mutual_information's on the same bins."


def _rigid(images: dict[str, np.ndarray], angles: list[float], shift: list[float]) -> np.ndarray:
    return rigid_matrix(angles, shift, centre_mm=images["centre_mm"])


def _pull(volume: np.ndarray, matrix: np.ndarray, order: int = 1) -> np.ndarray:
    from scipy import ndimage

    return ndimage.affine_transform(volume, matrix, order=order, mode="constant", cval=0.0)


@task(
    hints=[
        "Resampling pulls: each output voxel's world point y reads the input at inv(transform) @ y, so every output "
        "voxel gets a value and none is left empty.",
        "In voxel indices that is one matrix, read from the right: output index -> world (affine) -> moved back "
        "(inv(transform)) -> input index (inv(affine)).",
        "matrix = np.linalg.inv(affine) @ np.linalg.inv(transform) @ affine; return ndimage.affine_transform("
        "volume, matrix, order=1, mode='constant', cval=0.0)",
    ]
)
def move_image(function: Any) -> None:
    images = _template()
    affine, inv = images["affine"], np.linalg.inv
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
        _name_mistake(
            got,
            {
                "forward": apply_transform(volume, affine, inv(transform)),
                "voxels": _pull(volume, inv(transform)),
                "voxels, forward": _pull(volume, transform),
                "order of matrices": _pull(volume, affine @ inv(transform) @ inv(affine)),
                "cubic": apply_transform(volume, affine, transform, order=3),
                "nearest": apply_transform(volume, affine, transform, order=0),
            },
            where,
            tolerance,
        )
        raise Wrong(f"{where} Largest difference {np.abs(got - want).max():.3g}; outside the input, fill 0.")


@task(
    hints=[
        "A DICOM or ITK point is in LPS+ (x to the patient's left, y to the back); a NIfTI affine maps voxels to "
        "RAS+ (x to the right, y to the front). The same point has x and y of opposite signs.",
        "Convert the point to RAS+ by flipping the signs of x and y (not z), then map world to voxel with the "
        "affine's inverse.",
        "ras = [-x, -y, z]; return (np.linalg.inv(affine) @ [*ras, 1])[:3]",
    ]
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
        flipped = {name: (inverse @ np.diag([*signs, 1.0]) @ [*point, 1])[:3] for name, signs in _SIGNS.items()}
        _name_mistake(got, flipped | {"forward affine": (affine @ RAS_TO_LPS @ [*point, 1])[:3]}, where, 1e-6)
        if np.allclose(got, np.rint(want)) or np.allclose(got, np.floor(want)):
            raise Wrong(f"{where} Return the continuous index: do not round it.")
        raise Wrong(f"{where} Flip x and y to RAS+, then apply np.linalg.inv(affine).")


def _tre_case() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    images = _template()
    inside = np.argwhere(images["brain"])
    points = inside[np.random.default_rng(3).choice(len(inside), 25, replace=False)].astype(float)
    true = _rigid(images, [6, -4, 8], [5, -3, 4])
    found = true @ _rigid(images, [1.5, -1.0, 2.0], [0.8, 0.2, -0.5])
    return points, images["affine"], true, found


@task(
    hints=[
        "The points are voxel indices: first convert them to world coordinates (mm) with the affine.",
        "For each point p (in mm), the error is the distance between transform_true @ p and transform_found @ p.",
        "mm = np.c_[points_ijk, np.ones(len(points_ijk))] @ affine.T; "
        "return np.linalg.norm(mm @ transform_found.T - mm @ transform_true.T, axis=1)",
    ]
)
def target_error_mm(function: Any) -> None:
    points, affine, true, found = _tre_case()
    mm = points @ affine[:3, :3].T + affine[:3, 3]
    want = target_registration_error(mm, true, found)
    value = call(function, points.copy(), affine.copy(), true.copy(), found.copy())
    if np.ndim(value) == 0 and value is not None and np.isclose(as_number(value, "your error"), want.mean()):
        raise Wrong("that is the mean; return one distance per point, an array of 25.")
    got = as_array(value, "your distances", shape=want.shape)
    if np.allclose(got, want, atol=1e-6):
        return
    where = f"the median error is {np.median(want):.2f} mm; yours is {np.median(got):.2f}."
    wrongs = {
        "voxels out": want / 3,
        "voxels in": target_registration_error(points, true, found),
        "squared": want**2,
        "motion": np.linalg.norm(np.c_[mm, np.ones(len(mm))] @ (found - np.eye(4)).T, axis=1),
        "translations": np.full(len(mm), np.linalg.norm(found[:3, 3] - true[:3, 3])),
    }
    _name_mistake(got, wrongs, where, 1e-6)
    raise Wrong(f"{where} Each distance is |transform_found @ p - transform_true @ p| with p in mm.")


def _fold_share(field: np.ndarray, spacing: float, identity: bool = True, step: float | None = None) -> float:
    """The share of voxels whose determinant of (identity +) du/dx is at or below 0."""
    gradient = np.stack([np.stack(np.gradient(field[..., c], step or spacing), axis=-1) for c in range(3)], axis=-2)
    return float(np.mean(np.linalg.det(gradient + (np.eye(3) if identity else 0)) <= 0))


@task(
    hints=[
        "The map is x -> x + u(x): its Jacobian matrix at a voxel is the identity plus the derivatives of the "
        "displacement's three components along the three axes (np.gradient, with the spacing in mm).",
        "A voxel folds where the determinant is at or below 0. Return the share of all voxels, between 0 and 1.",
        "J[..., c, a] = np.gradient(displacement_mm[..., c], spacing)[a] for c, a in 0..2; "
        "return np.mean(np.linalg.det(J + np.eye(3)) <= 0)",
    ]
)
def folding_share(function: Any) -> None:
    for largest, seed, spacing in ((32, 1, 3.0), (24, 2, 3.0), (12, 3, 3.0)):
        field = smooth_field(largest, seed)
        got = as_number(call(function, field.copy(), spacing), "your share of folding voxels")
        want = float(np.mean(jacobian_determinant(field, spacing) <= 0))
        if abs(got - want) < 1e-9:
            continue
        where = f"a field of up to {largest} mm folds at {want:.2%} of its voxels; you returned {got:.4g}."
        if abs(got - 100 * want) < 1e-7:
            raise Wrong(f"{where} That is a percentage; return the share, between 0 and 1.")
        if abs(got - want * field[..., 0].size) < 0.5:
            raise Wrong(f"{where} That is a count of voxels; divide by the number of voxels for the share.")
        if abs(got - _fold_share(field, spacing, identity=False)) < 1e-9:
            raise Wrong(f"{where} The map is x + u(x): add the identity to the derivatives of u before the det.")
        if abs(got - _fold_share(field, spacing, step=1.0)) < 1e-9:
            raise Wrong(f"{where} The field is in mm on a grid {spacing:g} mm apart: pass the spacing to np.gradient.")
        if abs(got - float(np.mean(jacobian_determinant(field, spacing) > 0))) < 1e-9:
            raise Wrong(f"{where} That is the share that does not fold: count the determinants at or below 0.")
        raise Wrong(f"{where} Fold where det(I + du/dx) <= 0, du/dx by np.gradient with the spacing.")


@task(
    hints=[
        "What does a Jacobian determinant at or below 0 mean for the tissue there?",
        "In the chapter, the least smoothing folded and fitted worse; but even where a folding map fits better, a "
        "good fit does not make a fold anatomy.",
    ]
)
def accept_field(function: Any) -> str:
    return letter_answer(
        function,
        right="b",
        wrong={
            "a": "a small share of folding voxels is still a map that puts two points of the atlas on one point of "
            "the patient, which no anatomy does; the labels there are nonsense, and a high Dice over the whole "
            "brain hides them.",
            "c": "Dice measures how well labels overlap where a truth exists; it says nothing about whether the map "
            "is physically possible; a folding map can score a high Dice.",
            "d": "flipping the displacement where the determinant is negative does not unfold the map; it makes "
            "another map that no registration found. Regularise and register again.",
        },
        message="A fold is no anatomy: regularise more (or use a method that cannot fold), register again, and "
        "accept a lower Dice for a map that can be trusted; state the smoothing you chose.",
    )


@task(
    hints=[
        "Write a cost of one number d: pull the moving image back by -d along x (apply_transform with "
        "rigid_matrix([0, 0, 0], [-d, 0, 0])) and return minus the mutual information inside the mask.",
        "scipy.optimize.minimize_scalar(cost, bounds=(-15, 15), method='bounded') minimises; maximising MI is "
        "minimising its negative. Return the d it finds, in mm.",
    ]
)
def find_shift(function: Any) -> None:
    images = _template()
    fixed, affine, mask = images["t1"], images["affine"], images["brain"]
    for shift in (7.5, -4.0):  # a quarter of a voxel is close enough
        moving = apply_transform(images["t2_simulated"], affine, rigid_matrix([0, 0, 0], [shift, 0, 0]))
        got = as_number(call(function, fixed.copy(), moving, affine.copy(), mask.copy()), "your shift in mm")
        if not np.isfinite(got):
            raise Wrong(f"your shift is {got}: return a finite number of mm.")
        if abs(got - shift) <= 0.75:
            continue
        where = f"the simulated T2 was moved by {shift:+.1f} mm along x; you found {got:+.2f} mm."
        if abs(got + shift) <= 0.75:
            raise Wrong(f"{where} The sign is flipped: return d, the shift that moved it (the correction is -d).")
        if abs(got - shift / 3) <= 0.25:
            raise Wrong(f"{where} That is in voxels (3 mm each); the transform and the answer are in mm.")
        back = apply_transform(moving, affine, rigid_matrix([0, 0, 0], [-got, 0, 0]))
        if mutual_information(fixed, back, mask=mask) < mutual_information(fixed, moving, mask=mask):
            raise Wrong(f"{where} Your d has a lower MI than no shift at all: maximise MI (minimise minus MI).")
        raise Wrong(f"{where} Minimise minus the MI of fixed and moving pulled back by -d, inside the mask.")


@task(
    hints=[
        "What does each measure assume about how one tissue looks in the two images?",
        "In the chapter's section 3, inside the brain, which measure peaked at no shift for the T1 against both "
        "simulated contrasts?",
    ]
)
def similarity_for_pet(function: Any) -> str:
    return letter_answer(
        function,
        right="c",
        wrong={
            "a": "SSD assumes one tissue has one intensity in both images; PET and T1 intensities share no scale. "
            "Against the simulated PET the chapter's SSD happened to be lowest at the truth, but against the "
            "simulated T2 it was lower at a wrong shift: nothing in SSD promises it.",
            "b": "NCC assumes a linear relation between the intensities; across modalities there need be none, "
            "and against the simulated T2 the chapter's NCC was lowest at the true position.",
            "d": "the three measures part ways across contrasts: inside the brain only mutual information peaked at "
            "no shift for both simulated contrasts.",
        },
        message="Mutual information asks only that one image's intensity predict the other's, through any "
        "relation; it peaked at the truth for both simulated contrasts.",
    )
