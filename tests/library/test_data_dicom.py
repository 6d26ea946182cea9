"""Real DICOM examples, Hounsfield units and windowing."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from pydicom import examples

from medlearn.data import DICOM_EXAMPLES, WINDOW_PRESETS, ct_slice, dicom_example, hounsfield, window


@pytest.mark.parametrize("name", list(DICOM_EXAMPLES))
def test_every_example_has_pixels(name: str) -> None:
    ds = dicom_example(name)
    assert ds.pixel_array.ndim in (2, 3) and ds.pixel_array.size > 1000


def test_unknown_example() -> None:
    with pytest.raises(ValueError, match="name='xray'"):
        dicom_example("xray")


def test_hounsfield_uses_slope_and_intercept() -> None:
    ds = examples.ct
    expected = ds.pixel_array.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    for source in (ds, "ct", examples.get_path("ct"), str(examples.get_path("ct"))):
        np.testing.assert_array_equal(hounsfield(source), expected)
    hu = hounsfield("ct")
    assert float(ds.RescaleIntercept) == -1024.0
    assert hu.min() < -800  # air around the patient
    assert hu.max() > 300  # bone


def test_hounsfield_refuses_what_is_not_ct() -> None:
    with pytest.raises(ValueError, match="modality MR"):
        hounsfield("mr")
    ds = dicom_example("ct")
    del ds.RescaleSlope
    with pytest.raises(ValueError, match="RescaleSlope"):
        hounsfield(ds)
    with pytest.raises(ValueError, match="source"):
        hounsfield(3.5)  # type: ignore[arg-type]


def test_window_maps_the_window_to_unit_range() -> None:
    hu = np.array([-2000.0, -1000.0, -600.0, -350.0, 0.0, 1000.0])
    out = window(hu, center=-600, width=1500)
    np.testing.assert_allclose(out, [0.0, (-1000 + 1350) / 1500, 0.5, (-350 + 1350) / 1500, 1350 / 1500, 1.0])
    np.testing.assert_array_equal(window(hu, preset="lung"), out)
    assert window(np.int16([40]), preset="brain")[0] == 0.5


def test_presets_are_the_usual_ones() -> None:
    assert WINDOW_PRESETS["lung"] == (-600, 1500)
    assert WINDOW_PRESETS["soft tissue"] == (40, 400)
    assert WINDOW_PRESETS["bone"] == (400, 1800)
    assert WINDOW_PRESETS["brain"] == (40, 80)


def test_window_on_a_real_ct_slice() -> None:
    hu = hounsfield("ct")
    lung = window(hu, preset="lung")
    bone = window(hu, preset="bone")
    assert lung.shape == hu.shape and 0 <= lung.min() and lung.max() <= 1
    # Narrow windows saturate more pixels than wide ones.
    brain = window(hu, preset="brain")
    assert np.mean((brain == 0) | (brain == 1)) > np.mean((bone == 0) | (bone == 1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "center and width"),
        ({"center": 40}, "center and width"),
        ({"center": 40, "width": 0}, "width"),
        ({"center": 40, "width": -10}, "width"),
        ({"center": float("nan"), "width": 10}, "center"),
        ({"preset": "liver"}, "^preset must be one of .*, not 'liver'"),
        ({"preset": "lung", "center": 0}, "not both"),
    ],
)
def test_window_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        window(np.zeros((2, 2)), **kwargs)


def test_window_rejects_non_numeric_images() -> None:
    with pytest.raises(ValueError, match="image"):
        window(np.array(["a", "b"]), center=0, width=1)


def test_pydicom_is_the_one_reading() -> None:
    assert isinstance(dicom_example("ct"), pydicom.Dataset)


def test_ct_soft_tissue_is_the_windowed_example() -> None:
    from medlearn.data import ct_soft_tissue, hounsfield, window

    image = ct_soft_tissue()
    np.testing.assert_array_equal(image, window(hounsfield("ct"), 40, 400))
    assert image.min() == 0 and image.max() == 1 and 0.2 < image.mean() < 0.6


@pytest.mark.parametrize(("name", "side"), [("small", 128), ("cq500", 256), ("head", 256)])
def test_ct_slices_are_real_ct_in_hounsfield_units(name: str, side: int) -> None:
    hu, spacing = ct_slice(name)
    assert hu.shape == (side, side) and hu.dtype == np.float64
    assert hu.min() < -800 and hu.max() > 500  # air and bone
    assert 0.3 < spacing < 1.5
    full, full_spacing = ct_slice(name, size=512)
    assert full.shape[0] == (128 if name == "small" else 512)
    assert np.isclose(full_spacing * full.shape[0], spacing * side)  # the same field of view
    if name != "small":
        assert abs(np.median(full) - np.median(hu)) < 50


@pytest.mark.parametrize(("kwargs", "message"), [({"name": "lung"}, "name"), ({"name": "head", "size": 8}, "size")])
def test_ct_slice_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ct_slice(**kwargs)
