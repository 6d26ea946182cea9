"""Exercise checks of the registration chapter: right answers written otherwise pass, the data are the chapter's,
and what a table of mistakes does not say (tests/course/test_exercises.py checks that odd answers never raise; the
typical mistakes are tested from the checks' own tables, in test_mistakes.py)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import mutual_info_score

from medlearn.check import registration as c
from medlearn.check.registration._answers import folding, lps, mm, shift
from medlearn.registration import apply_transform, mutual_information, rigid_matrix, target_registration_error


def _entropy_form(a, b, n):
    p = np.histogram2d(a, b, bins=n)[0]
    p = p[p > 0] / p.sum()

    def entropy(labels):
        q = np.bincount(labels) / len(labels)
        return -np.sum(q[q > 0] * np.log(q[q > 0]))

    return entropy(a) + entropy(b) + np.sum(p * np.log(p))


def _grid_shift(fixed, moving, affine, mask):
    """A search on a grid of half-millimetre steps instead of an optimiser."""
    shifts = np.arange(-10, 10.1, 0.5)
    scores = [
        mutual_information(fixed, apply_transform(moving, affine, rigid_matrix([0, 0, 0], [-d, 0, 0])), mask=mask)
        for d in shifts
    ]
    return shifts[int(np.argmax(scores))]


def test_other_right_answers_pass() -> None:
    assert c.mutual_information_by_hand.run(lambda a, b, n: mutual_info_score(a, b)).passed
    assert c.mutual_information_by_hand.run(_entropy_form).passed
    # scipy takes a homogeneous 4 x 4 matrix as well as the 3 x 3 part and an offset
    assert c.move_image.run(lambda v, a, t: apply_transform(v, a, t)).passed
    assert c.lps_to_voxel.run(lambda p, a: lps(p, a).tolist()).passed
    assert c.target_error_mm.run(lambda p, a, t, f: target_registration_error(mm(p, a), t, f)).passed
    assert c.folding_share.run(folding).passed
    assert c.find_shift.run(_grid_shift).passed
    assert c.find_shift.run(lambda f, m, a, k: shift(f, m, a, None)).passed  # MI over the whole grid
    assert c.accept_field.run(lambda: "B").passed and c.similarity_for_pet.run(lambda: " c").passed


def test_a_letter_that_is_no_choice_asks_for_one() -> None:
    result = c.accept_field.run(lambda: "e")
    assert result.status == "fail" and "one of a, b, c, d" in result.message, result.message


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


def test_other_right_answers_of_the_real_data_tasks_pass() -> None:
    """The SUV by the library (suv_image's factor, the decay by decay_time), and the mask carried by a
    ResampleImageFilter with a float output of 0 and 1: right, though written otherwise."""
    import SimpleITK as sitk

    from medlearn.pet import decay_time, suv_factor

    assert c.suv_from_header.run(lambda d, s: s * float(d.RescaleSlope) * suv_factor(d)).passed

    def by_decay_time(dataset, stored):
        drug = dataset.RadiopharmaceuticalInformationSequence[0]
        dose = float(drug.RadionuclideTotalDose) * np.exp(-np.log(2) * decay_time(dataset) / drug.RadionuclideHalfLife)
        return stored * dataset.RescaleSlope * dataset.PatientWeight * 1e3 / dose

    assert c.suv_from_header.run(by_decay_time).passed

    def by_filter(mask, flair, to_flair):
        resampler = sitk.ResampleImageFilter()
        resampler.SetReferenceImage(flair)
        resampler.SetTransform(to_flair.GetInverse())
        resampler.SetInterpolator(sitk.sitkNearestNeighbor)
        resampler.SetOutputPixelType(sitk.sitkFloat32)
        return resampler.Execute(mask)

    assert c.carry_mask.run(by_filter).passed


def test_an_array_or_a_misplaced_image_gets_a_hint_for_the_mask() -> None:
    import SimpleITK as sitk

    def as_array(mask, flair, to_flair):
        carried = sitk.Resample(mask, flair, to_flair.GetInverse(), sitk.sitkNearestNeighbor, 0)
        return sitk.GetArrayFromImage(carried)

    result = c.carry_mask.run(as_array)
    assert result.status == "fail" and "SimpleITK image" in result.message, result.message

    def moved_origin(mask, flair, to_flair):
        carried = sitk.Resample(mask, flair, to_flair.GetInverse(), sitk.sitkNearestNeighbor, 0)
        carried.SetOrigin([x + 5 for x in carried.GetOrigin()])
        return carried

    result = c.carry_mask.run(moved_origin)
    assert result.status == "fail" and "place in space" in result.message, result.message


def test_the_stroke_case_is_a_copy() -> None:
    case = c.stroke_case()
    case["to_flair"].SetTranslation([50.0, 0.0, 0.0])
    case["flair_affine"][:] = 0
    fresh = c.stroke_case()
    assert np.abs(fresh["to_flair"].GetTranslation()).max() < 5 and fresh["flair_affine"][3, 3] == 1
    assert set(np.unique(_array_of(fresh["mask"]))) == {0, 1}


def _array_of(image: object) -> np.ndarray:
    import SimpleITK as sitk

    return sitk.GetArrayFromImage(image)


def test_a_time_read_without_its_fraction_of_a_second_or_a_typed_half_life_passes_and_a_near_miss_says_how_near() -> (
    None
):
    """A relative 1e-3 is below what a dose calibrator resolves; a miss of 0.5 % is told its size and its usual cause,
    a miss of 5 % its size only."""
    from medlearn.check.registration._suv import _suv, seconds_of_day

    def whole_seconds(dataset, stored):
        drug = dataset.RadiopharmaceuticalInformationSequence[0]
        seconds = [int(float(x)) for x in (dataset.SeriesTime, drug.RadiopharmaceuticalStartTime)]  # no fraction
        t = sum((s // 10000 * 3600 + s // 100 % 100 * 60 + s % 100) * sign for s, sign in zip(seconds, (1, -1)))
        decayed = float(drug.RadionuclideTotalDose) * 2 ** (-t / float(drug.RadionuclideHalfLife))
        return stored * float(dataset.RescaleSlope) * float(dataset.PatientWeight) * 1000 / decayed

    def typed_half_life(dataset, stored):  # fluorine-18's 109.8 min, typed instead of read (the header: 6586.2 s)
        drug = dataset.RadiopharmaceuticalInformationSequence[0]
        t = seconds_of_day(dataset.SeriesTime) - seconds_of_day(drug.RadiopharmaceuticalStartTime)
        decayed = float(drug.RadionuclideTotalDose) * 2 ** (-t / (109.8 * 60))
        return stored * float(dataset.RescaleSlope) * float(dataset.PatientWeight) * 1000 / decayed

    assert c.suv_from_header.run(whole_seconds).passed
    assert c.suv_from_header.run(typed_half_life).passed
    # The header built by hand holds pixels of its own: an answer that reads them prints another largest SUV.
    own = c.suv_from_header.run(lambda d, s: _suv(d, d.pixel_array))
    assert own.mistake == "the header's pixels" and "largest SUV is 12.32; yours is 6.159" in own.message, own.message
    near = c.suv_from_header.run(lambda d, s: _suv(d, s) * 1.005)
    assert near.status == "fail" and "by up to 0.5 %" in near.message and "typed by hand" in near.message, near.message
    assert "Multiply the Bq/mL" not in near.message  # no recipe: the method is right, one number is off
    far = c.suv_from_header.run(lambda d, s: _suv(d, s) * 1.05)
    assert far.status == "fail" and "by up to 5 %" in far.message and "typed by hand" not in far.message, far.message


def test_a_mask_with_two_mistakes_or_swapped_arguments_gets_a_targeted_hint() -> None:
    import SimpleITK as sitk

    naive = c.carry_mask.run(lambda m, f, t: sitk.Resample(m, f, t))  # the forward transform and linear
    assert naive.mistake == "the transform's direction" and "interpolates linearly" in naive.message, naive.message
    ones = c.carry_mask.run(lambda m, f, t: sitk.Resample(m, f, t, sitk.sitkNearestNeighbor, 1))  # forward, 1 outside
    assert ones.mistake == "the transform's direction", ones.message
    assert "also 1 outside" in ones.message and "interpolates linearly" not in ones.message, ones.message
    swapped = c.carry_mask.run(lambda m, f, t: sitk.Resample(f, m, t.GetInverse(), sitk.sitkNearestNeighbor, 0))
    assert swapped.mistake == "DWI grid", swapped.message
    gaussian = c.carry_mask.run(lambda m, f, t: sitk.Resample(m, f, t.GetInverse(), sitk.sitkLabelGaussian, 0))
    assert gaussian.mistake == "another label method", gaussian.message


@pytest.mark.parametrize("minutes", [109.77, 109.8, 110.0])
def test_a_half_life_typed_in_minutes_with_the_time_in_seconds_gets_the_unit_hint(minutes: float) -> None:
    from medlearn.check.registration._suv import seconds_of_day

    def typed(dataset, stored):
        drug = dataset.RadiopharmaceuticalInformationSequence[0]
        t = seconds_of_day(dataset.SeriesTime) - seconds_of_day(drug.RadiopharmaceuticalStartTime)
        decayed = float(drug.RadionuclideTotalDose) * 2 ** (-t / minutes)  # t in seconds, the half-life in minutes
        return stored * float(dataset.RescaleSlope) * float(dataset.PatientWeight) * 1000 / decayed

    result = c.suv_from_header.run(typed)
    assert result.mistake == "half-life in minutes", result.message
