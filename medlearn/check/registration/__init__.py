"""Checks for the exercises of the registration chapter, registration and fusion.

In the exercise notebook::

    from medlearn.check import registration as check
    images = check.template()                          # the real T1 template and two simulated contrasts
    check.move_image.hint()                            # a hint, before or after trying
    check.move_image(move_image)                       # pass, a targeted hint, or "not done yet"

The data are the chapter's (real MNI152 template on a 3 mm grid, T2-like and PET-like images **simulated** from its
real tissue maps, the affine of nibabel's real ``anatomical.nii``, the two real FLT-PET slices of § 9, and the real
ISLES'22 stroke of § 10 with the transform its registration finds, ``check.stroke_case()``). Answers are compared with
:mod:`medlearn.registration` (tested against SimpleITK), :mod:`medlearn.pet`, SimpleITK and scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...registration import jacobian_determinant
from .._letters import letter_task
from ..core import Mistake, Wrong, as_number, call, task
from . import _answers
from ._carry import carry_mask
from ._data import anatomical_affine, smooth_field, template
from ._similarity import find_shift, mutual_information_by_hand, similarity_for_pet
from ._stroke import stroke_case
from ._suv import suv_from_header
from ._table import then
from ._transforms import lps_to_voxel, move_image, target_error_mm

__all__ = [
    "accept_field",
    "anatomical_affine",
    "carry_mask",
    "find_shift",
    "folding_share",
    "lps_to_voxel",
    "move_image",
    "mutual_information_by_hand",
    "similarity_for_pet",
    "smooth_field",
    "stroke_case",
    "suv_from_header",
    "target_error_mm",
    "template",
]


_PERCENT = Mistake(
    "percentage",
    lambda field, spacing: _answers.folding(field, spacing, percent=True),
    then("That is a percentage; return the share, between 0 and 1."),
)
_COUNT = Mistake(
    "count",
    lambda field, spacing: np.sum(jacobian_determinant(field, spacing) <= 0),
    then("That is a count of voxels; divide by the number of voxels for the share."),
)
_NO_IDENTITY = Mistake(
    "no identity",
    lambda field, spacing: _answers.folding(field, spacing, identity=False),
    then("The map is x + u(x): add the identity to the derivatives of u before the det."),
)
_NO_SPACING = Mistake(
    "no spacing",
    lambda field, spacing: _answers.folding(field, spacing, step=1.0),
    lambda where, spacing: (
        f"{where} The field is in mm on a grid {spacing:g} mm apart: pass the spacing to np.gradient."
    ),
)
_NOT_FOLDING = Mistake(
    "share that does not fold",
    lambda field, spacing: np.mean(jacobian_determinant(field, spacing) > 0),
    then("That is the share that does not fold: count the determinants at or below 0."),
)


@task(
    "The map is x -> x + u(x): its Jacobian matrix at a voxel is the identity plus the derivatives of the "
    "displacement's three components along the three axes (np.gradient, with the spacing in mm).",
    "A voxel folds where the determinant is at or below 0. Return the share of all voxels, between 0 and 1.",
    "J[..., c, a] = np.gradient(displacement_mm[..., c], spacing)[a] for c, a in 0..2; "
    "return np.mean(np.linalg.det(J + np.eye(3)) <= 0)",
    mistakes=[_PERCENT, _COUNT, _NO_IDENTITY, _NO_SPACING, _NOT_FOLDING],
    reference=_answers.folding,
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
            raise _PERCENT.wrong(where)
        if abs(got - want * field[..., 0].size) < 0.5:
            raise _COUNT.wrong(where)
        if abs(got - _answers.folding(field, spacing, identity=False)) < 1e-9:
            raise _NO_IDENTITY.wrong(where)
        if abs(got - _answers.folding(field, spacing, step=1.0)) < 1e-9:
            raise _NO_SPACING.wrong(where, spacing)
        if abs(got - float(np.mean(jacobian_determinant(field, spacing) > 0))) < 1e-9:
            raise _NOT_FOLDING.wrong(where)
        raise Wrong(f"{where} Fold where det(I + du/dx) <= 0, du/dx by np.gradient with the spacing.")


#: The wrong letters of accept_field, each with its hint.
_ACCEPT_WRONG = {
    "a": "a small share of folding voxels is still a map that puts two points of the atlas on one point of "
    "the patient, which no anatomy does; the labels there are nonsense, and a high Dice over the whole "
    "brain hides them.",
    "c": "Dice measures how well labels overlap where a truth exists; it says nothing about whether the map "
    "is physically possible; a folding map can score a high Dice.",
    "d": "flipping the displacement where the determinant is negative does not unfold the map; it makes "
    "another map that no registration found. Regularise and register again.",
}


@letter_task(
    "What does a Jacobian determinant at or below 0 mean for the tissue there?",
    "In the chapter, the least smoothing folded and fitted worse; but even where a folding map fits better, a "
    "good fit does not make a fold anatomy.",
    wrong=_ACCEPT_WRONG,
    message="A fold is no anatomy: regularise more (or use a method that cannot fold), register again, and "
    "accept a lower Dice for a map that can be trusted; state the smoothing you chose.",
)
def accept_field() -> str:
    return "b"
