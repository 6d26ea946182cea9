"""The registration chapter's tasks on similarity: mutual information by hand, the shift that maximises it, and which
measure suits PET, with their tables of mistakes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...registration import apply_transform, mutual_information, rigid_matrix
from .._comparing import built_once
from .._letters import letter_task
from ..core import Mistake, Wrong, as_number, call, task
from . import _answers
from ._data import _template
from ._table import first_made, then


def _labels(values: np.ndarray, bins: int) -> np.ndarray:
    return np.digitize(values, np.histogram_bin_edges(values, bins)[1:-1])


_MI_NOT_FINITE = Mistake(
    "log(0)",
    lambda a, b, n: _answers.mi(a, b, n, only_filled=False),
    then("NaN or infinity comes from log(0): sum only over the cells where p > 0."),
)
_MI_VARIANTS = [
    Mistake(
        "bits",
        lambda a, b, n: _answers.mi(a, b, n, log=np.log2),
        then("that is in bits (log base 2); the chapter and scikit-learn use the natural logarithm, np.log (nats)."),
    ),
    Mistake(
        "log10",
        lambda a, b, n: _answers.mi(a, b, n, log=np.log10),
        then("that uses log base 10; mutual information here is in nats: use the natural logarithm, np.log."),
    ),
    Mistake(
        "margins crossed",
        lambda a, b, n: _answers.mi(a, b, n, margins="swapped"),
        then(
            "the margins are crossed: p_a is the joint's sum over b's axis (axis=1), p_b its sum over a's "
            "axis (axis=0), so that p_a[i] * p_b[j] sits beside p[i, j]."
        ),
    ),
    Mistake(
        "uniform margins",
        lambda a, b, n: _answers.mi(a, b, n, margins="uniform"),
        then("the margins must come from the joint histogram (its row and column sums), not be 1 / n_bins."),
    ),
    Mistake(
        "margins as counts",
        lambda a, b, n: _answers.mi(a, b, n, margins="counts"),
        then(
            "the margins must be probabilities, the joint histogram's row and column sums after dividing it by "
            "its total, not counts of voxels."
        ),
    ),
    Mistake(
        "counts",
        lambda a, b, n: _answers.mi(a, b, n, normalise=False),
        then("divide the joint histogram by its total first: p(a, b) are probabilities that sum to 1."),
    ),
    Mistake(
        "joint entropy",
        _answers.joint_entropy,
        then("that is the joint entropy -sum p log p; the mutual information divides p by p_a * p_b."),
    ),
]
_MI_SIGN = Mistake(
    "sign flipped",
    lambda a, b, n: -_answers.mi(a, b, n),
    then("The sign is flipped: it is p log(p / (p_a p_b)), not p log(p_a p_b / p)."),
)


@task(
    "Count the voxel pairs in each (bin of a, bin of b) cell: np.bincount(bins_a * n_bins + bins_b, "
    "minlength=n_bins * n_bins) reshaped to n_bins x n_bins. Divide by the total to get p(a, b).",
    "The margins come from the joint: p_a = p.sum(axis=1), p_b = p.sum(axis=0). Sum p * log(p / (p_a p_b)) "
    "over the cells where p > 0 only: 0 log 0 counts as 0, and np.log(0) would give NaN.",
    "p_a, p_b = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True); full = p > 0; "
    "return np.sum(p[full] * np.log(p[full] / (p_a @ p_b)[full]))",
    mistakes=[_MI_NOT_FINITE, *_MI_VARIANTS, _MI_SIGN],
    reference=_answers.mi,
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
            raise _MI_NOT_FINITE.wrong(where)
        mistake = first_made(got, _MI_VARIANTS, (a, b, bins), 1e-6)
        if mistake is not None:
            raise mistake.wrong(where)
        if abs(got + want) <= 1e-6 * max(1.0, want):
            raise _MI_SIGN.wrong(where)
        raise Wrong(f"{where} MI = sum over cells with p > 0 of p log(p / (p_a p_b)), margins from the joint.")
    return "Your value is scikit-learn's, and medlearn.registration.mutual_information's on the same bins."


_SHIFT_NOT_FINITE = Mistake(
    "not a number",
    lambda fixed, moving, affine, mask: float("nan"),
    lambda got: f"your shift is {got}: return a finite number of mm.",
)
_SHIFT_SIGN = Mistake(
    "sign flipped",
    lambda *images: _answers.shift(*images, sign=-1.0),
    then("The sign is flipped: return d, the shift that moved it (the correction is -d)."),
)
_SHIFT_VOXELS = Mistake(
    "in voxels",
    lambda *images: _answers.shift(*images, unit=3.0),
    then("That is in voxels (3 mm each); the transform and the answer are in mm."),
)
_SHIFT_MINIMISED = Mistake(
    "MI minimised",
    lambda *images: _answers.shift(*images, maximise=False),
    then("Your d has a lower MI than no shift at all: maximise MI (minimise minus MI)."),
)


@built_once
def _moved_t2(shift: float) -> np.ndarray:
    """The simulated T2 moved by ``shift`` mm along x: find_shift's moving image."""
    images = _template()
    return apply_transform(images["t2_simulated"], images["affine"], rigid_matrix([0, 0, 0], [shift, 0, 0]))


@task(
    "Write a cost of one number d: pull the moving image back by -d along x (apply_transform with "
    "rigid_matrix([0, 0, 0], [-d, 0, 0])) and return minus the mutual information inside the mask.",
    "scipy.optimize.minimize_scalar(cost, bounds=(-15, 15), method='bounded') minimises; maximising MI is "
    "minimising its negative. Return the d it finds, in mm.",
    mistakes=[_SHIFT_NOT_FINITE, _SHIFT_SIGN, _SHIFT_VOXELS, _SHIFT_MINIMISED],
    reference=_answers.shift,
)
def find_shift(function: Any) -> None:
    images = _template()
    fixed, affine, mask = images["t1"], images["affine"], images["brain"]
    for shift in (7.5, -4.0):  # a quarter of a voxel is close enough
        moving = _moved_t2(shift)
        got = as_number(call(function, fixed.copy(), moving, affine.copy(), mask.copy()), "your shift in mm")
        if not np.isfinite(got):
            raise _SHIFT_NOT_FINITE.wrong(got)
        if abs(got - shift) <= 0.75:
            continue
        where = f"the simulated T2 was moved by {shift:+.1f} mm along x; you found {got:+.2f} mm."
        if abs(got + shift) <= 0.75:
            raise _SHIFT_SIGN.wrong(where)
        if abs(got - shift / 3) <= 0.25:
            raise _SHIFT_VOXELS.wrong(where)
        back = apply_transform(moving, affine, rigid_matrix([0, 0, 0], [-got, 0, 0]))
        if mutual_information(fixed, back, mask=mask) < mutual_information(fixed, moving, mask=mask):
            raise _SHIFT_MINIMISED.wrong(where)
        raise Wrong(f"{where} Minimise minus the MI of fixed and moving pulled back by -d, inside the mask.")


#: The wrong letters of similarity_for_pet, each with its hint.
_SIMILARITY_WRONG = {
    "a": "SSD assumes one tissue has one intensity in both images; PET and T1 intensities share no scale. "
    "Against the simulated PET the chapter's SSD happened to be lowest at the truth, but against the "
    "simulated T2 it was lower at a wrong shift: nothing in SSD promises it.",
    "b": "NCC assumes a linear relation between the intensities; across modalities there need be none, "
    "and against the simulated T2 the chapter's NCC was lowest at the true position.",
    "d": "the three measures part ways across contrasts: inside the brain only mutual information peaked at "
    "no shift for both simulated contrasts.",
}


@letter_task(
    "What does each measure assume about how one tissue looks in the two images?",
    "In the chapter's section 3, inside the brain, which measure peaked at no shift for the T1 against both "
    "simulated contrasts?",
    wrong=_SIMILARITY_WRONG,
    message="Mutual information asks only that one image's intensity predict the other's, through any "
    "relation; it peaked at the truth for both simulated contrasts.",
)
def similarity_for_pet() -> str:
    return "c"
