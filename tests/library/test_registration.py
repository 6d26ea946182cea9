"""medlearn.registration against the libraries that do the same: scikit-learn's mutual information, NumPy's
correlation, SimpleITK's Resample, Euler3DTransform and DisplacementFieldJacobianDeterminant, on the real MNI152
template (nilearn's package) and nibabel's anatomical image; bad input refused by name."""

from __future__ import annotations

from importlib.resources import files

import nibabel as nib
import numpy as np
import pytest
import SimpleITK as sitk
from nibabel.testing import data_path
from scipy import ndimage
from sklearn.metrics import mutual_info_score

from medlearn.registration import (
    RAS_TO_LPS,
    apply_transform,
    jacobian_determinant,
    mutual_information,
    normalised_cross_correlation,
    rigid_matrix,
    simulate_fdg_pet,
    simulate_t2,
    sum_of_squared_differences,
    target_registration_error,
    to_simpleitk,
)

MNI = files("nilearn.datasets") / "data"


def _mni(kind: str, step: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """The MNI152 2009a T1 template (kind "t1") or a tissue map ("gm", "wm"), every ``step``-th voxel, in [0, 1]."""
    image = nib.load(MNI / f"mni_icbm152_{kind}_tal_nlin_sym_09a_converted.nii.gz")
    data = np.asarray(image.dataobj, dtype=float)[::step, ::step, ::step] / 255
    return data, image.affine @ np.diag([step, step, step, 1])


@pytest.fixture(scope="module")
def anatomical() -> tuple[np.ndarray, np.ndarray]:
    image = nib.load(f"{data_path}/anatomical.nii")
    return np.asarray(image.dataobj, dtype=float), image.affine


@pytest.fixture(scope="module")
def tissues() -> dict[str, np.ndarray]:
    t1, affine = _mni("t1")
    grey, white = _mni("gm")[0], _mni("wm")[0]
    csf = np.clip((t1 > 0) - grey - white, 0, 1)
    return {"t1": t1, "grey": grey, "white": white, "csf": csf, "affine": affine}


def _labels(values: np.ndarray, bins: int) -> np.ndarray:
    edges = np.histogram_bin_edges(values, bins)
    return np.digitize(values, edges[1:-1])


def _sitk_transform(matrix: np.ndarray) -> sitk.AffineTransform:
    transform = sitk.AffineTransform(3)
    transform.SetMatrix(matrix[:3, :3].ravel().tolist())
    transform.SetTranslation(matrix[:3, 3].tolist())
    return transform


# similarity measures


def test_mutual_information_equals_scikit_learn_on_the_same_bins(tissues: dict) -> None:
    t1, t2 = tissues["t1"], simulate_t2(tissues["grey"], tissues["white"], tissues["csf"])
    for bins in (8, 32, 64):
        expected = mutual_info_score(_labels(t1.ravel(), bins), _labels(t2.ravel(), bins))
        assert mutual_information(t1, t2, bins=bins) == pytest.approx(expected, rel=1e-10)
    brain = t1 > 0
    expected = mutual_info_score(_labels(t1[brain], 32), _labels(t2[brain], 32))
    assert mutual_information(t1, t2, mask=brain) == pytest.approx(expected, rel=1e-10)


def test_mutual_information_falls_with_misalignment_and_is_zero_for_independent_images(tissues: dict) -> None:
    t1, t2 = tissues["t1"], simulate_t2(tissues["grey"], tissues["white"], tissues["csf"])
    aligned = mutual_information(t1, t2)
    assert mutual_information(t1, np.roll(t2, 3, axis=0)) < aligned
    rng = np.random.default_rng(0)
    assert mutual_information(rng.random(100_000), rng.random(100_000), bins=8) < 0.01


def test_ncc_and_ssd_against_numpy(anatomical: tuple) -> None:
    volume, _ = anatomical
    other = ndimage.shift(volume, (1, 0, 0), order=1)
    assert normalised_cross_correlation(volume, other) == pytest.approx(
        np.corrcoef(volume.ravel(), other.ravel())[0, 1]
    )
    assert normalised_cross_correlation(volume, 3 * volume + 7) == pytest.approx(1.0)
    assert sum_of_squared_differences(volume, other, mean=False) == pytest.approx(np.sum((volume - other) ** 2))
    assert sum_of_squared_differences(volume, other) == pytest.approx(np.mean((volume - other) ** 2))
    assert sum_of_squared_differences(volume, volume) == 0.0
    mask = volume > volume.mean()
    assert sum_of_squared_differences(volume, other, mask=mask) == pytest.approx(np.mean((volume - other)[mask] ** 2))


def test_mutual_information_ignores_an_inverted_contrast_where_ncc_changes_sign(tissues: dict) -> None:
    t1, t2 = tissues["t1"], simulate_t2(tissues["grey"], tissues["white"], tissues["csf"])
    inverted = 1 - t2  # T2-like intensities, flipped: the same anatomy, the opposite contrast
    assert mutual_information(t1, inverted) == pytest.approx(mutual_information(t1, t2), rel=1e-4)
    assert normalised_cross_correlation(t1, inverted) == pytest.approx(-normalised_cross_correlation(t1, t2))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mutual_information(np.ones(4), np.ones(5)), "image_b must have the shape of image_a"),
        (lambda: mutual_information(np.ones(4), np.ones(4), bins=1), "bins must be an integer"),
        (lambda: mutual_information(np.ones(4), np.ones(4), bins=2.5), "bins must be an integer"),
        (lambda: mutual_information(["a"], ["b"]), "image_a must hold numbers"),
        (lambda: mutual_information(np.ones(3), np.ones(3), mask=np.zeros(3, bool)), "mask must select"),
        (lambda: mutual_information(np.ones(3), np.ones(3), mask=np.ones(4, bool)), "mask must have the shape"),
        (lambda: normalised_cross_correlation(np.ones(3), np.arange(3)), "must each vary"),
        (lambda: normalised_cross_correlation(np.ones(3), [1, np.nan, 2]), "image_b must hold finite"),
        (lambda: sum_of_squared_differences([], []), "image_a must not be empty"),
    ],
)
def test_similarity_bad_input(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# transforms


def test_rigid_matrix_equals_simpleitk_euler_zyx() -> None:
    rng = np.random.default_rng(0)
    for _ in range(5):
        angles, shift, centre = rng.uniform(-30, 30, 3), rng.uniform(-10, 10, 3), rng.uniform(-50, 50, 3)
        euler = sitk.Euler3DTransform()
        euler.SetComputeZYX(True)
        euler.SetRotation(*np.radians(angles))
        euler.SetCenter(centre.tolist())
        euler.SetTranslation(shift.tolist())
        matrix = rigid_matrix(angles, shift, centre_mm=centre)
        point = rng.uniform(-80, 80, 3)
        assert np.allclose(matrix[:3, :3], np.reshape(euler.GetMatrix(), (3, 3)))
        assert np.allclose((matrix @ [*point, 1])[:3], euler.TransformPoint(point.tolist()))
        assert np.allclose(matrix[:3, :3] @ matrix[:3, :3].T, np.eye(3))  # a rotation: orthonormal


@pytest.mark.parametrize(
    ("args", "message"),
    [(([0, 0], [0, 0, 0]), "angles_deg must be 3 numbers"), (([0, 0, 0], [0, 0, 0, 0]), "translation_mm must be 3")],
)
def test_rigid_matrix_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rigid_matrix(*args)
    with pytest.raises(ValueError, match="centre_mm must be 3"):
        rigid_matrix([0, 0, 0], [0, 0, 0], centre_mm=[1, 2])


def _simpleitk_resample(volume: np.ndarray, affine: np.ndarray, transform: np.ndarray, order: int) -> np.ndarray:
    image = to_simpleitk(volume, affine)
    inverse_lps = RAS_TO_LPS @ np.linalg.inv(transform) @ RAS_TO_LPS  # SimpleITK maps output points to input points
    method = sitk.sitkNearestNeighbor if order == 0 else sitk.sitkLinear
    moved = sitk.Resample(image, image, _sitk_transform(inverse_lps), method, 0.0, image.GetPixelID())
    return sitk.GetArrayFromImage(moved).transpose(2, 1, 0)


def test_apply_transform_equals_simpleitk_resample_on_a_real_volume(anatomical: tuple) -> None:
    volume, affine = anatomical
    transform = rigid_matrix([8, -12, 5], [3, -2, 4], centre_mm=[0, -20, 10])
    ours = apply_transform(volume, affine, transform, order=1)
    theirs = _simpleitk_resample(volume, affine, transform, order=1)
    both = (ours != 0) & (theirs != 0)  # the two differ only in how far past the edge a voxel still counts
    assert both.mean() > 0.7
    assert np.allclose(ours[both], theirs[both], atol=1e-6 * np.abs(volume).max())


def test_apply_transform_on_an_oblique_grid_and_labels_by_nearest_neighbour(tissues: dict) -> None:
    labels = (tissues["grey"] > 0.5).astype(np.uint8) + 2 * (tissues["white"] > 0.5).astype(np.uint8)
    oblique = rigid_matrix([10, -5, 20], [0, 0, 0]) @ tissues["affine"]
    transform = rigid_matrix([0, 0, 7], [2.5, 0, -3])
    ours = apply_transform(labels, oblique, transform, order=0)
    theirs = _simpleitk_resample(labels, oblique, transform, order=0)
    assert ours.dtype == np.uint8 and set(np.unique(ours)) <= {0, 1, 2}
    assert (ours == theirs).mean() > 0.995  # ties at half a voxel may round either way
    linear = apply_transform(labels, oblique, transform, order=1)
    assert linear.dtype == float and not np.all(np.isin(linear, (0, 1, 2)))  # linear invents values in between


def test_apply_transform_identity_inverse_and_other_grid(anatomical: tuple) -> None:
    volume, affine = anatomical
    assert np.allclose(apply_transform(volume, affine, np.eye(4)), volume)
    transform = rigid_matrix([0, 0, 0], [4, 0, 0])  # two voxels along x; the first axis points to -x
    assert np.allclose(apply_transform(volume, affine, transform)[:-2], volume[2:])
    there = apply_transform(volume, affine, transform, order=3)
    back = apply_transform(there, affine, np.linalg.inv(transform), order=3)
    assert np.allclose(back[2:-2], volume[2:-2])
    coarse = affine @ np.diag([2, 2, 2, 1])
    shape = tuple(n // 2 for n in volume.shape)
    half = apply_transform(volume, affine, np.eye(4), output_affine=coarse, output_shape=shape, order=0)
    assert np.array_equal(half, volume[::2, ::2, ::2][: shape[0], : shape[1], : shape[2]])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"volume": np.ones((3, 3))}, "volume must be a 3-D array"),
        ({"affine": np.eye(3)}, "affine must be a 4 x 4 matrix"),
        ({"transform": np.zeros((4, 4))}, "transform must be a 4 x 4 matrix"),
        ({"transform": np.diag([1, 1, 0, 1])}, "transform must be invertible"),
        ({"order": 2}, "order must be one of"),
        ({"fill": np.nan}, "fill must be a finite number"),
        ({"output_affine": np.eye(4)}, "output_affine and output_shape must be given together"),
        ({"output_affine": np.eye(4), "output_shape": (2, 2)}, "output_shape must be 3 integers"),
        ({"output_affine": np.eye(4), "output_shape": (2, 0, 2)}, "output_shape must be an integer"),
    ],
)
def test_apply_transform_bad_input(kwargs: dict, message: str) -> None:
    args = {"volume": np.ones((3, 3, 3)), "affine": np.eye(4), "transform": np.eye(4)} | kwargs
    with pytest.raises(ValueError, match=message):
        apply_transform(**args)


def test_to_simpleitk_puts_every_voxel_at_the_same_point_as_nibabel(anatomical: tuple) -> None:
    volume, affine = anatomical
    oblique = rigid_matrix([5, 10, -15], [1, 2, 3]) @ affine
    image = to_simpleitk(volume, oblique)
    rng = np.random.default_rng(0)
    for ijk in rng.integers(0, volume.shape, (10, 3)):
        ras = nib.affines.apply_affine(oblique, ijk)
        lps = image.TransformIndexToPhysicalPoint([int(n) for n in ijk])
        assert np.allclose(lps, ras * [-1, -1, 1])
        assert image[[int(n) for n in ijk]] == volume[tuple(ijk)]
    with pytest.raises(ValueError, match="volume must be a 3-D array"):
        to_simpleitk(np.ones((2, 2)), affine)
    with pytest.raises(ValueError, match="affine must be invertible"):
        to_simpleitk(volume, np.diag([1, 0, 1, 1]))


# scoring a registration


def test_target_registration_error_against_moved_points() -> None:
    rng = np.random.default_rng(0)
    points = rng.uniform(-60, 60, (30, 3))
    true = rigid_matrix([5, 0, -3], [1, 2, 3])
    found = rigid_matrix([5, 0, -2], [1, 2, 3.5])
    moved_true = nib.affines.apply_affine(true, points)
    moved_found = nib.affines.apply_affine(found, points)
    assert np.allclose(target_registration_error(points, true, found), np.linalg.norm(moved_true - moved_found, axis=1))
    assert np.allclose(target_registration_error(points, true, true), 0)
    assert target_registration_error(points[0], true, found).shape == (1,)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([[0, 0]], np.eye(4), np.eye(4)), "points_mm must be"),
        (([[0, 0, np.inf]], np.eye(4), np.eye(4)), "points_mm must hold finite"),
        (([[0, 0, 0]], np.eye(3), np.eye(4)), "transform_true must be a 4 x 4"),
        (([[0, 0, 0]], np.eye(4), "x"), "transform_found must hold numbers"),
    ],
)
def test_target_registration_error_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        target_registration_error(*args)


def test_jacobian_determinant_equals_simpleitk_inside_on_an_identity_grid() -> None:
    # ITK 5.4 is wrong on any other direction (ITK issue 5358): the tests below use exact maps instead
    rng = np.random.default_rng(0)
    field = ndimage.gaussian_filter(rng.normal(size=(16, 17, 18, 3)), (2, 2, 2, 0)) * 8
    spacing = (1.5, 2.0, 2.5)
    ours = jacobian_determinant(field, spacing)
    image = sitk.GetImageFromArray(np.ascontiguousarray(field.transpose(2, 1, 0, 3)), isVector=True)
    image.SetSpacing(spacing)
    theirs = sitk.GetArrayFromImage(sitk.DisplacementFieldJacobianDeterminant(image)).transpose(2, 1, 0)
    assert np.allclose(ours[1:-1, 1:-1, 1:-1], theirs[1:-1, 1:-1, 1:-1])
    assert ours.min() < 1 < ours.max()


def test_jacobian_determinant_of_known_maps() -> None:
    grid = np.stack(np.meshgrid(*[np.arange(6.0)] * 3, indexing="ij"), axis=-1)
    assert np.allclose(jacobian_determinant(np.zeros_like(grid)), 1)  # no motion
    assert np.allclose(jacobian_determinant(grid @ np.diag([-2.0, 0, 0])), -1)  # x -> -x: folded
    rotation = rigid_matrix([10, 20, 30], [0, 0, 0])[:3, :3]
    assert np.allclose(jacobian_determinant(grid @ (rotation - np.eye(3)).T), 1)  # rotations keep volume


def _field_of(reference: object, matrix: np.ndarray) -> np.ndarray:
    """SimpleITK's displacement field of ``x -> matrix @ x`` (about the reference's centre) on the reference's grid,
    as the chapter reads it: array axes (i, j, k), vectors in physical LPS axes."""
    size = np.array(reference.GetSize())
    centre = reference.TransformContinuousIndexToPhysicalPoint(((size - 1) / 2).tolist())
    transform = sitk.AffineTransform(3)
    transform.SetMatrix(matrix.ravel().tolist())
    transform.SetCenter(centre)
    to_field = sitk.TransformToDisplacementFieldFilter()
    to_field.SetReferenceImage(reference)
    to_field.SetOutputPixelType(sitk.sitkVectorFloat64)
    return sitk.GetArrayFromImage(to_field.Execute(transform)).transpose(2, 1, 0, 3)


AFFINES = {  # NIfTI affines (RAS+): to_simpleitk makes LPS+ directions that are not the identity
    "RAS+, anisotropic": np.diag([2.0, 2.0, 3.0, 1.0]),
    "oblique": np.r_[
        np.c_[rigid_matrix([12, -20, 35], [0, 0, 0])[:3, :3] @ np.diag([1.5, 2, 2.5]), [4, -3, 7]], [[0, 0, 0, 1]]
    ],
}


@pytest.mark.parametrize("affine", AFFINES.values(), ids=AFFINES.keys())
@pytest.mark.parametrize(
    ("matrix", "expected"), [(1.1 * np.eye(3), 1.331), (np.diag([-0.5, 1, 1]), -0.5)], ids=["stretch", "fold"]
)
def test_jacobian_determinant_of_a_simpleitk_field_needs_its_direction(
    affine: np.ndarray, matrix: np.ndarray, expected: float
) -> None:
    reference = to_simpleitk(np.zeros((9, 10, 11)), affine)
    assert not np.allclose(np.reshape(reference.GetDirection(), (3, 3)), np.eye(3))
    field = _field_of(reference, matrix)
    spacing = reference.GetSpacing()
    assert np.allclose(jacobian_determinant(field, spacing, reference.GetDirection()), expected)
    wrong = jacobian_determinant(field, spacing)  # the physical vectors read as if along the array axes
    assert not np.allclose(wrong, expected, atol=0.05)


def test_jacobian_determinant_without_the_direction_misses_a_fold() -> None:
    reference = to_simpleitk(np.zeros((9, 10, 11)), AFFINES["RAS+, anisotropic"])  # direction diag(-1, -1, 1)
    field = _field_of(reference, np.diag([-0.5, 1, 1]))  # x -> -0.5 x: folded, determinant -0.5
    assert np.allclose(jacobian_determinant(field, reference.GetSpacing()), 2.5)  # read as a 2.5-fold expansion


def test_jacobian_determinant_direction_as_a_matrix_or_nine_numbers() -> None:
    field = np.random.default_rng(1).normal(size=(5, 6, 7, 3))
    rotation = rigid_matrix([30, 0, 10], [0, 0, 0])[:3, :3]
    assert np.array_equal(
        jacobian_determinant(field, 1.0, rotation), jacobian_determinant(field, 1.0, rotation.ravel())
    )
    assert np.array_equal(jacobian_determinant(field, 1.0, np.eye(3)), jacobian_determinant(field))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((np.zeros((4, 4, 4, 3)), 1.0, np.eye(2)), "direction must be 9 numbers"),
        ((np.zeros((4, 4, 4, 3)), 1.0, 2 * np.eye(3)), "direction must be orthonormal"),
        ((np.zeros((4, 4, 4, 3)), 1.0, np.full(9, np.nan)), "direction must"),
        ((np.zeros((4, 4, 4, 3)), 1.0, "identity"), "direction must"),
        ((np.zeros((4, 4, 4, 2)),), "displacement_mm must be"),
        ((np.zeros((1, 4, 4, 3)),), "displacement_mm must be"),
        ((np.zeros((4, 4, 4)),), "displacement_mm must be a 4-D"),
        ((np.zeros((4, 4, 4, 3)), 0.0), "spacing must be positive"),
        ((np.zeros((4, 4, 4, 3)), (1, 1)), "spacing must be positive"),
    ],
)
def test_jacobian_determinant_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        jacobian_determinant(*args)


# simulations


def test_simulated_t2_orders_the_tissues_as_t2_does(tissues: dict) -> None:
    t2 = simulate_t2(tissues["grey"], tissues["white"], tissues["csf"])
    pure = {name: tissues[name] > 0.9 for name in ("grey", "white", "csf")}
    means = {name: t2[where].mean() for name, where in pure.items()}
    assert means["csf"] > means["grey"] > means["white"]
    t1_means = {name: tissues["t1"][where].mean() for name, where in pure.items()}
    assert t1_means["white"] > t1_means["grey"] > t1_means["csf"]  # the real T1 orders them the other way


def test_simulated_pet_has_the_stated_resolution_uptake_and_poisson_noise(tissues: dict) -> None:
    point = np.zeros((41, 41, 41))
    point[20, 20, 20] = 1.0
    blurred = simulate_fdg_pet(point, np.zeros_like(point), 1.0, fwhm_mm=8.0, mean_counts=1e12)
    profile = blurred[:, 20, 20] / blurred[20, 20, 20]
    above = np.flatnonzero(profile >= 0.5)
    width = above[-1] - above[0] + 2 * (profile[above[-1]] - 0.5) / (profile[above[-1]] - profile[above[-1] + 1])
    assert width == pytest.approx(8.0, abs=0.5)  # the full width at half maximum, from the profile

    grey, white = tissues["grey"], tissues["white"]
    pet = simulate_fdg_pet(grey, white, 4.0, fwhm_mm=7.0, grey_to_white=3.0, mean_counts=50.0, seed=0)
    assert np.array_equal(pet, simulate_fdg_pet(grey, white, 4.0, fwhm_mm=7.0, mean_counts=50.0, seed=0))
    assert pet[grey > 0.8].mean() > 1.5 * pet[white > 0.8].mean()  # blurred, the 3:1 contrast is lower
    assert np.all(pet == np.round(pet)) and pet.min() >= 0  # counts
    flat = simulate_fdg_pet(np.zeros((30, 30, 30)), np.ones((30, 30, 30)), 1.0, fwhm_mm=1.0, seed=1)
    centre = flat[8:-8, 8:-8, 8:-8]
    assert centre.var() == pytest.approx(centre.mean(), rel=0.15)  # Poisson: variance = mean


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: simulate_t2(np.ones((2, 2, 2)), np.ones((2, 2, 2)), np.ones((2, 2, 3))), "csf must have the shape"),
        (lambda: simulate_t2(2 * np.ones((2, 2, 2)), np.ones((2, 2, 2)), np.ones((2, 2, 2))), "grey must be prob"),
        (lambda: simulate_t2(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2))), "grey must be a 3-D"),
        (lambda: simulate_fdg_pet(np.ones((4, 4, 4)), np.ones((4, 4, 4)), 2.0, fwhm_mm=0), "fwhm_mm must be"),
        (lambda: simulate_fdg_pet(np.ones((4, 4, 4)), np.ones((4, 4, 4)), -1.0), "spacing must be positive"),
        (lambda: simulate_fdg_pet(np.ones((4, 4, 4)), np.ones((4, 4, 4)), 1.0, seed=-1), "seed must be"),
        (lambda: simulate_fdg_pet(np.zeros((4, 4, 4)), np.zeros((4, 4, 4)), 1.0), "grey and white must hold some"),
        (lambda: simulate_fdg_pet(np.ones((4, 4, 4)), -np.ones((4, 4, 4)), 1.0), "white must be prob"),
    ],
)
def test_simulation_bad_input(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
