"""Exercise checks of chapter 10 (registration and fusion): right answers pass, typical mistakes fail with the hint
written for them (tests/course/test_exercises.py checks that odd answers never raise)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import placeholders_test, right_answers_test, typical_mistakes_test
from scipy import ndimage, optimize
from sklearn.metrics import mutual_info_score

from medlearn.check import registration as c
from medlearn.registration import (
    apply_transform,
    jacobian_determinant,
    mutual_information,
    rigid_matrix,
    target_registration_error,
)

inv = np.linalg.inv


def _mi(a, b, n, log=np.log, margins="joint", normalise=True, only_filled=True):
    counts = np.bincount(a * n + b, minlength=n * n).reshape(n, n).astype(float)
    p = counts / counts.sum() if normalise else counts
    p_a, p_b = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    if margins == "swapped":
        p_a, p_b = p_b.T, p_a.T
    elif margins == "uniform":
        p_a, p_b = np.full((n, 1), 1 / n), np.full((1, n), 1 / n)
    elif margins == "counts":
        p_a, p_b = counts.sum(axis=1, keepdims=True), counts.sum(axis=0, keepdims=True)
    with np.errstate(all="ignore"):
        if not only_filled:
            return float(np.sum(p * log(p / (p_a @ p_b))))
        full = p > 0
        return float(np.sum(p[full] * log(p[full] / (p_a @ p_b)[full])))


def _entropy_form(a, b, n):
    p = np.histogram2d(a, b, bins=n)[0]
    p = p[p > 0] / p.sum()

    def entropy(labels):
        q = np.bincount(labels) / len(labels)
        return -np.sum(q[q > 0] * np.log(q[q > 0]))

    return entropy(a) + entropy(b) + np.sum(p * np.log(p))


def _voxel_map(volume, matrix, order=1):
    return ndimage.affine_transform(volume, matrix, order=order)


def _move(volume, affine, transform):
    return _voxel_map(volume, inv(affine) @ inv(transform) @ affine)


def _lps(point, affine, flip=(-1, -1, 1)):
    return (inv(affine) @ [*(np.multiply(point, flip)), 1])[:3]


def _mm(points, affine):
    return points @ affine[:3, :3].T + affine[:3, 3]


def _tre(points, affine, true, found):
    homogeneous = np.c_[_mm(points, affine), np.ones(len(points))]
    return np.linalg.norm(homogeneous @ found.T - homogeneous @ true.T, axis=1)


def _folding(field, spacing, identity=True, step=None, percent=False):
    gradient = np.stack([np.stack(np.gradient(field[..., i], step or spacing), -1) for i in range(3)], -2)
    share = float(np.mean(np.linalg.det(gradient + (np.eye(3) if identity else 0)) <= 0))
    return 100 * share if percent else share


def _shift(fixed, moving, affine, mask, sign=1.0, maximise=True, unit=1.0):
    def cost(d):
        back = apply_transform(moving, affine, rigid_matrix([0, 0, 0], [-d, 0, 0]))
        value = mutual_information(fixed, back, mask=mask)
        return -value if maximise else value

    return sign * optimize.minimize_scalar(cost, bounds=(-15, 15), method="bounded").x / unit


RIGHT = {
    c.mutual_information_by_hand: lambda a, b, n: _mi(a, b, n),
    c.move_image: _move,
    c.lps_to_voxel: _lps,
    c.target_error_mm: _tre,
    c.folding_share: lambda field, spacing: np.mean(jacobian_determinant(field, spacing) <= 0),
    c.accept_field: lambda: "B",
    c.find_shift: _shift,
    c.similarity_for_pet: lambda: " c",
}

test_right_answers_pass = right_answers_test(RIGHT)
test_placeholders_are_todo_and_nonsense_fails = placeholders_test(RIGHT)


def test_other_right_answers_pass() -> None:
    assert c.mutual_information_by_hand.run(lambda a, b, n: mutual_info_score(a, b)).passed
    assert c.mutual_information_by_hand.run(_entropy_form).passed
    # scipy takes a homogeneous 4 x 4 matrix as well as the 3 x 3 part and an offset
    assert c.move_image.run(lambda v, a, t: apply_transform(v, a, t)).passed
    assert c.lps_to_voxel.run(lambda p, a: _lps(p, a).tolist()).passed
    assert c.target_error_mm.run(lambda p, a, t, f: target_registration_error(_mm(p, a), t, f)).passed
    assert c.folding_share.run(_folding).passed
    assert c.find_shift.run(_grid_shift).passed
    assert c.find_shift.run(lambda f, m, a, k: _shift(f, m, a, None)).passed  # MI over the whole grid


def _grid_shift(fixed, moving, affine, mask):
    """A search on a grid of half-millimetre steps instead of an optimiser."""
    shifts = np.arange(-10, 10.1, 0.5)
    scores = [
        mutual_information(fixed, apply_transform(moving, affine, rigid_matrix([0, 0, 0], [-d, 0, 0])), mask=mask)
        for d in shifts
    ]
    return shifts[int(np.argmax(scores))]


def test_the_data_are_the_chapters() -> None:
    images = c.template()
    assert images["t1"].shape == (65, 77, 63) and np.allclose(np.diag(images["affine"])[:3], 3)
    images["t1"][:] = 0  # a copy: the checks' data do not change
    assert c.template()["t1"].max() > 0
    t1, t2 = c.template()["t1"], c.template()["t2_simulated"]
    bins = [np.digitize(v.ravel(), np.histogram_bin_edges(v, 32)[1:-1]) for v in (t1, t2)]
    assert abs(mutual_info_score(*bins) - mutual_information(t1, t2, bins=32)) < 1e-9
    assert np.allclose(np.abs(np.diag(c.anatomical_affine())[:3]), 2) and c.anatomical_affine()[0, 0] < 0


@pytest.mark.parametrize(("largest_mm", "seed"), [(0, 1), (-3, 1), ("big", 1), (16, -1), (16, 1.5)])
def test_smooth_field_refuses_bad_arguments(largest_mm: object, seed: object) -> None:
    with pytest.raises(ValueError, match="largest_mm|seed"):
        c.smooth_field(largest_mm, seed)


def _points_as_mm_tre(p, a, t, f):
    return target_registration_error(p, t, f)


MISTAKES = [
    (c.mutual_information_by_hand, lambda a, b, n: _mi(a, b, n, log=np.log2), "in bits"),
    (c.mutual_information_by_hand, lambda a, b, n: _mi(a, b, n, log=np.log10), "log base 10"),
    (c.mutual_information_by_hand, lambda a, b, n: _mi(a, b, n, only_filled=False), "log(0)"),
    (c.mutual_information_by_hand, lambda a, b, n: _mi(a, b, n, margins="swapped"), "margins are crossed"),
    (c.mutual_information_by_hand, lambda a, b, n: _mi(a, b, n, margins="uniform"), "not be 1 / n_bins"),
    (c.mutual_information_by_hand, lambda a, b, n: _mi(a, b, n, margins="counts"), "not counts of voxels"),
    (c.mutual_information_by_hand, lambda a, b, n: _mi(a, b, n, normalise=False), "divide the joint"),
    (c.mutual_information_by_hand, lambda a, b, n: -_mi(a, b, n), "sign is flipped"),
    (c.move_image, lambda v, a, t: _move(v, a, inv(t)), "forward matrix"),
    (c.move_image, lambda v, a, t: _voxel_map(v, inv(t)), "world coordinates"),
    (c.move_image, lambda v, a, t: _voxel_map(v, t), "world coordinates"),
    (c.move_image, lambda v, a, t: _voxel_map(v, a @ inv(t) @ inv(a)), "wrong order"),
    (c.move_image, lambda v, a, t: _voxel_map(v, inv(a) @ inv(t) @ a, order=3), "scipy's default"),
    (c.move_image, lambda v, a, t: _voxel_map(v, inv(a) @ inv(t) @ a, order=0), "nearest neighbour"),
    (c.lps_to_voxel, lambda p, a: _lps(p, a, flip=(1, 1, 1)), "x, y sign flip"),
    (c.lps_to_voxel, lambda p, a: _lps(p, a, flip=(-1, -1, -1)), "Flip x and y only"),
    (c.lps_to_voxel, lambda p, a: _lps(p, a, flip=(-1, 1, 1)), "Flip y too"),
    (c.lps_to_voxel, lambda p, a: _lps(p, a, flip=(1, -1, 1)), "Flip x too"),
    (c.lps_to_voxel, lambda p, a: (a @ [-p[0], -p[1], p[2], 1])[:3], "use its inverse"),
    (c.lps_to_voxel, lambda p, a: np.rint(_lps(p, a)), "do not round"),
    (c.target_error_mm, lambda p, a, t, f: _tre(p, a, t, f) / 3, "in voxels"),
    (c.target_error_mm, _points_as_mm_tre, "voxel indices, not mm"),
    (c.target_error_mm, lambda p, a, t, f: _tre(p, a, t, f) ** 2, "square root"),
    (c.target_error_mm, lambda p, a, t, f: _tre(p, a, np.eye(4), f), "how far the found transform moves"),
    (c.target_error_mm, lambda p, a, t, f: _tre(p, a, t, f).mean(), "that is the mean"),
    (c.target_error_mm, lambda p, a, t, f: np.full(len(p), np.linalg.norm(f[:3, 3] - t[:3, 3])), "translations"),
    (c.folding_share, lambda u, s: _folding(u, s, identity=False), "add the identity"),
    (c.folding_share, lambda u, s: _folding(u, s, step=1.0), "pass the spacing"),
    (c.folding_share, lambda u, s: _folding(u, s, percent=True), "percentage"),
    (c.folding_share, lambda u, s: np.sum(jacobian_determinant(u, s) <= 0), "count of voxels"),
    (c.folding_share, lambda u, s: np.mean(jacobian_determinant(u, s) > 0), "does not fold"),
    (c.accept_field, lambda: "a", "no anatomy does"),
    (c.accept_field, lambda: "c", "physically possible"),
    (c.accept_field, lambda: "d", "does not unfold"),
    (c.accept_field, lambda: "e", "one of a, b, c, d"),
    (c.find_shift, lambda f, m, a, k: _shift(f, m, a, k, sign=-1.0), "sign is flipped"),
    (c.find_shift, lambda f, m, a, k: _shift(f, m, a, k, unit=3.0), "in voxels"),
    (c.find_shift, lambda f, m, a, k: _shift(f, m, a, k, maximise=False), "maximise MI"),
    (c.similarity_for_pet, lambda: "a", "SSD assumes"),
    (c.similarity_for_pet, lambda: "b", "NCC assumes"),
    (c.similarity_for_pet, lambda: "d", "part ways"),
]

test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)
