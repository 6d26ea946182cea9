"""medlearn.volumes: world coordinates against nibabel, DICOM slice order, shape features of 3-D masks."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from types import SimpleNamespace

import nibabel as nib
import numpy as np
import pydicom
import pytest
from nibabel.affines import apply_affine
from nibabel.testing import data_path
from pydicom.data import get_testdata_file

from medlearn.volumes import shape_features, slice_positions, sort_slices, voxel_to_world


def test_voxel_to_world_equals_nibabel_on_real_files() -> None:
    for name in ("anatomical.nii", "example4d.nii.gz"):
        image = nib.load(f"{data_path}/{name}")
        rng = np.random.default_rng(0)
        ijk = rng.uniform(0, 1, (20, 3)) * np.array(image.shape[:3])
        assert np.allclose(voxel_to_world(image.affine, ijk), apply_affine(image.affine, ijk))
        assert np.allclose(voxel_to_world(image.affine, ijk[0]), apply_affine(image.affine, ijk[0]))


@pytest.mark.parametrize(
    ("affine", "ijk", "message"),
    [
        (np.eye(3), [0, 0, 0], "affine"),
        (np.ones((4, 4)), [0, 0, 0], "affine"),
        (np.eye(4), [0, 0], "ijk"),
        (np.eye(4), [[0, 0, np.nan]], "ijk"),
        (np.eye(4), "abc", "ijk"),
    ],
)
def test_voxel_to_world_bad_input(affine: object, ijk: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        voxel_to_world(affine, ijk)


def _ct_series(positions: list[float], tilt: bool = False) -> list[pydicom.Dataset]:
    """Copies of pydicom's real CT slice, moved along the slice normal (an oblique one when tilt)."""
    base = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    if tilt:
        c, s = np.cos(0.3), np.sin(0.3)
        base.ImageOrientationPatient = [1, 0, 0, 0, c, s]
    orientation = np.asarray(base.ImageOrientationPatient, float)
    normal = np.cross(orientation[:3], orientation[3:])
    series = []
    for k, z in enumerate(positions):
        ds = copy.deepcopy(base)
        ds.ImagePositionPatient = list(np.asarray(base.ImagePositionPatient, float) + z * normal)
        ds.InstanceNumber = len(positions) - k  # numbered backwards: the number is not the order
        series.append(ds)
    return series


@pytest.mark.parametrize("tilt", [False, True])
def test_slices_sorted_by_position_along_the_normal(tilt: bool) -> None:
    positions = [9.0, -6.0, 0.0, 3.0, 15.0]
    series = _ct_series(positions, tilt)
    assert np.allclose(slice_positions(series) - slice_positions(series)[2], positions)
    ordered, gaps = sort_slices(series)
    assert [ds.InstanceNumber for ds in ordered] == [4, 3, 2, 5, 1]
    assert np.allclose(gaps, [6.0, 3.0, 6.0, 6.0])  # uneven, and not SliceThickness (5 mm)
    assert float(series[0].SliceThickness) not in set(np.round(gaps, 3))


def test_the_stack_transposed_to_column_row_slice_agrees_with_the_affine_from_the_tags() -> None:
    """On pydicom's real CT series, given unequal in-plane spacing on purpose: what sort_slices' docstring says."""
    folder = Path(get_testdata_file("DICOMDIR")).parent / "98892001" / "CT5N"
    series = [pydicom.dcmread(path) for path in sorted(folder.iterdir())]
    ordered, gaps = sort_slices(series)
    row_dir, col_dir = np.reshape(np.asarray(ordered[0].ImageOrientationPatient, dtype=float), (2, 3))
    spacing = np.array([0.5, 0.8])  # (between rows, between columns): unequal, so a swap would show
    affine = np.eye(4)
    affine[:3, 0], affine[:3, 1] = row_dir * spacing[1], col_dir * spacing[0]
    affine[:3, 2], affine[:3, 3] = np.cross(row_dir, col_dir) * gaps[0], np.asarray(ordered[0].ImagePositionPatient)
    stack = np.stack([ds.pixel_array for ds in ordered])  # [slice, row, column]
    volume = stack.transpose(2, 1, 0)  # [column, row, slice]
    for c, r, k in ((0, 0, 0), (11, 4, 3), (15, 2, 4), (3, 13, 1)):
        start = np.asarray(ordered[k].ImagePositionPatient, dtype=float)
        by_dicom = start + row_dir * spacing[1] * c + col_dir * spacing[0] * r  # PS3.3 C.7.6.2.1.1
        assert np.allclose(voxel_to_world(affine, [c, r, k]), by_dicom)
        assert volume[c, r, k] == ordered[k].pixel_array[r, c]
    assert not np.allclose(voxel_to_world(affine, [4, 11, 3]), voxel_to_world(affine, [11, 4, 3]))
    assert nib.Nifti1Image(stack, affine).shape == (5, 16, 16)  # nibabel accepts the untransposed stack too
    # An independent reference for the in-plane order: nibabel's DICOM wrapper builds its affine from the same
    # tags, for (row, column) indices; given the unequal spacing, its columns are ours swapped.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # nibabel.nicom warns on import that it is experimental
        from nibabel.nicom.dicomwrappers import wrapper_from_data
    unequal = copy.deepcopy(ordered[0])
    unequal.PixelSpacing = [float(s) for s in spacing]
    theirs = wrapper_from_data(unequal).affine
    assert np.allclose(theirs[:3, [1, 0, 3]], affine[:3, [0, 1, 3]])
    assert not np.allclose(theirs[:3, [0, 1]], affine[:3, [0, 1]])  # the spacing is unequal: a swap would show


def test_sort_slices_refuses_duplicates_mixed_orientations_and_missing_geometry() -> None:
    with pytest.raises(ValueError, match="same position"):
        sort_slices(_ct_series([0.0, 2.0, 2.0]))
    mixed = _ct_series([0.0, 2.0]) + _ct_series([4.0], tilt=True)
    with pytest.raises(ValueError, match=r"datasets\[2\] is not parallel"):
        sort_slices(mixed)
    with pytest.raises(ValueError, match=r"datasets\[1\]"):
        slice_positions([_ct_series([0.0])[0], SimpleNamespace(ImagePositionPatient=[0, 0, 1])])
    for bad in ([], "CT_small.dcm", None):
        with pytest.raises(ValueError, match="datasets"):
            slice_positions(bad)  # type: ignore[arg-type]


def _ball(radius: float, size: int = 31) -> np.ndarray:
    return np.linalg.norm(np.indices((size,) * 3) - size // 2, axis=0) <= radius


def test_shape_features_of_a_ball_and_a_cube() -> None:
    ball = shape_features(_ball(10))
    assert abs(ball["volume_ml"] * 1000 - 4 / 3 * np.pi * 10**3) / (4 / 3 * np.pi * 10**3) < 0.02
    assert 0.9 < ball["sphericity"] < 1.0
    assert abs(ball["axis_major_mm"] - ball["axis_minor_mm"]) < 0.5
    cube = np.zeros((40, 40, 40), bool)
    cube[5:35, 5:35, 5:35] = True
    box = shape_features(cube)
    assert box["volume_ml"] == pytest.approx(27.0) and box["extent"] == pytest.approx(1.0)
    assert 0.8 < box["sphericity"] < 0.84 < ball["sphericity"]  # a perfect cube: 0.806
    assert ball["extent"] < 0.6  # a ball fills about pi / 6 = 0.52 of its box


def test_shape_features_scale_with_spacing_and_measure_the_largest_object() -> None:
    mask = _ball(6)
    mask[0:2, 0:2, 0:2] = True  # a small separate object: ignored
    one, two = shape_features(mask), shape_features(mask, spacing=2.0)
    assert two["volume_ml"] == pytest.approx(8 * one["volume_ml"])
    assert two["surface_mm2"] == pytest.approx(4 * one["surface_mm2"], rel=1e-4)
    assert two["sphericity"] == pytest.approx(one["sphericity"], rel=1e-4)
    assert one["volume_ml"] * 1000 == pytest.approx(_ball(6).sum())
    stretched = shape_features(_ball(6), spacing=(3.0, 1.0, 1.0))  # thick slices: an elongated object in mm
    assert stretched["axis_major_mm"] > 2.5 * stretched["axis_minor_mm"]
    assert stretched["sphericity"] < one["sphericity"]


def test_shape_features_count_voxels_touching_at_a_corner_as_one_object() -> None:
    from skimage import measure

    mask = np.zeros((12, 12, 12), bool)
    mask[2:6, 2:6, 2:6] = True  # 64 voxels
    mask[6:9, 6:9, 6:9] = True  # 27 voxels that touch the first block at one corner only
    assert measure.label(mask).max() == 1  # scikit-image's default connectivity in 3-D joins them
    assert shape_features(mask)["volume_ml"] * 1000 == pytest.approx(64 + 27)
    apart = mask.copy()
    apart[6:9, 6:9, 6:9] = False
    apart[7:10, 7:10, 7:10] = True  # now a gap of one voxel: two objects, the larger measured
    assert shape_features(apart)["volume_ml"] * 1000 == pytest.approx(64)


@pytest.mark.parametrize(
    ("mask", "spacing", "message"),
    [
        (np.ones((4, 4), bool), 1.0, "3-D"),
        (np.zeros((4, 4, 4), bool), 1.0, "empty"),
        (np.full((4, 4, 4), 2), 1.0, "binary"),
        (np.ones((4, 4, 4), bool), (1.0, 1.0), "spacing"),
        (np.ones((4, 4, 4), bool), -1.0, "spacing"),
        (np.ones((4, 4, 4), bool), np.nan, "spacing"),
    ],
)
def test_shape_features_bad_input(mask: np.ndarray, spacing: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        shape_features(mask, spacing)
