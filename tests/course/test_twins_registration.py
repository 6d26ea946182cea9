"""The registration chapter's code against the library's twins: its Dice of one label equals
``medlearn.segmentation.dice``, its smooth random deformation fields are the ones its exercises make
(``medlearn.check.registration._data``), its DICOM times in seconds are the SUV task's (``_suv``), and its rigid
registration of the real stroke finds the transform the mask task carries the mask with (``_stroke``).

The chapter writes a one-line ``dice(a, b, label)`` to score the atlas labels it carries onto a subject (section 7);
the library's ``dice`` takes two masks. That the two agree is a check of code, not a finding about data, so it
lives here rather than in the learner's reading path. The function is read from the stored notebook (only its
``def``, not the rest of its cell, which runs a registration), so an edit to the chapter that the library does not
follow fails here.
"""

from __future__ import annotations

import ast

import numpy as np
import pytest
from helpers import REPO, one_code_cell

from authoring.chapters import by_name
from medlearn.segmentation import dice

CHAPTER = REPO / by_name("registration").notebook


def _cell(start: str) -> str:
    """The source of the chapter's one code cell that contains ``start``."""
    return one_code_cell(CHAPTER, start)


def _function(source: str, name: str) -> str:
    """The source of the top-level function ``name`` defined in ``source``."""
    (node,) = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name]
    return ast.get_source_segment(source, node)


@pytest.mark.parametrize("seed", range(5))
def test_the_chapters_dice_of_one_label_is_the_librarys_dice(seed: int) -> None:
    namespace = {"np": np}
    exec(_function(_cell("def dice("), "dice"), namespace)
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 4, (2, 9, 10, 11), dtype=np.uint8)  # label maps: background, CSF, grey, white
    for label in (1, 2, 3):
        assert namespace["dice"](a, b, label) == pytest.approx(dice(a == label, b == label), abs=1e-12)


@pytest.mark.parametrize(("largest", "seed"), [(16, 1), (32, 1), (8, 3)])
def test_the_chapters_smooth_field_is_the_one_the_exercises_use(largest: float, seed: int) -> None:
    """The chapter's exercises make their deformation fields with the library's ``smooth_field``: the chapter's,
    field for field."""
    from scipy import ndimage

    from medlearn.check.registration._data import _template, smooth_field

    namespace = {"np": np, "ndimage": ndimage, "t1": _template()["t1"]}
    exec(_function(_cell("def smooth_field("), "smooth_field"), namespace)
    np.testing.assert_array_equal(namespace["smooth_field"](largest, seed), smooth_field(largest, seed))


@pytest.mark.parametrize("value", ["141700.000000", "111959.109", "081500", "235959.999999", "000000"])
def test_the_chapters_seconds_of_day_is_the_suv_tasks(value: str) -> None:
    from medlearn.check.registration._suv import seconds_of_day

    namespace: dict = {}
    exec(_function(_cell("def seconds_of_day("), "seconds_of_day"), namespace)
    assert namespace["seconds_of_day"](value) == seconds_of_day(value)


def test_the_chapters_registration_of_the_stroke_is_the_mask_tasks() -> None:
    """The exercise's ``check.stroke_case()`` registers the stroke itself, with the chapter's ``register_rigid``
    settings: the two transforms are the same, parameter for parameter (within 1e-6: ITK's threads sum the metric in
    an order that moves the last digits from run to run; another setting moves them by far more)."""
    import SimpleITK as sitk

    from medlearn.check.registration._stroke import _stroke
    from medlearn.data import load_isles22
    from medlearn.registration import RAS_TO_LPS, to_simpleitk

    namespace = {"np": np, "sitk": sitk, "RAS_TO_LPS": RAS_TO_LPS}
    exec(_function(_cell("def register_rigid("), "register_rigid"), namespace)
    case = load_isles22()
    dwi = np.asarray(case.dwi.dataobj, dtype=np.float32)
    fixed = to_simpleitk(dwi, case.dwi.affine)
    moving = to_simpleitk(np.asarray(case.flair.dataobj, dtype=np.float32), case.flair.affine)
    brain = to_simpleitk((dwi > 0).astype(np.uint8), case.dwi.affine)
    found, _, _ = namespace["register_rigid"](fixed, moving, brain, 0.2)
    ours = _stroke()["to_flair"]
    np.testing.assert_allclose(ours.GetParameters(), found.GetParameters(), rtol=0, atol=1e-6)  # radians, mm
    np.testing.assert_allclose(ours.GetFixedParameters(), found.GetFixedParameters(), rtol=0, atol=1e-6)
