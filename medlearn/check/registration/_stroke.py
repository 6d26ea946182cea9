"""The real stroke of the registration chapter's § 10 for its exercise: the ISLES'22 FLAIR, the expert's mask on the
DWI's grid, and the rigid transform that the chapter's registration finds (cached: registered once per kernel).

The registration repeats the chapter's ``register_rigid`` (§ 10) with its settings: the FLAIR moving, the DWI fixed,
Mattes mutual information with 32 bins, 20 % of the DWI's brain voxels drawn as samples with seed 42, regular step
gradient descent, two pyramid levels, the identity as the start, turning about the brain's centre. It takes about a
second, so the exercise runs it rather than storing its numbers.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

__all__ = ["stroke_case"]


def _register_rigid(fixed: Any, moving: Any, fixed_brain: Any, percentage: float) -> Any:
    """The chapter's rigid registration (§ 10): a SimpleITK Euler3DTransform from fixed points to moving points."""
    import SimpleITK as sitk

    method = sitk.ImageRegistrationMethod()
    method.SetMetricAsMattesMutualInformation(numberOfHistogramBins=32)
    method.SetMetricFixedMask(fixed_brain)
    method.SetMetricSamplingStrategy(method.RANDOM)
    method.SetMetricSamplingPercentage(percentage, seed=42)
    method.SetMetricUseMovingImageGradientFilter(False)
    method.SetInterpolator(sitk.sitkLinear)
    method.SetOptimizerAsRegularStepGradientDescent(1.0, 1e-4, 200, relaxationFactor=0.5)
    method.SetOptimizerScalesFromPhysicalShift()
    inside = np.argwhere(sitk.GetArrayViewFromImage(fixed_brain))[:, ::-1]  # ITK's index order (i, j, k)
    start = sitk.Euler3DTransform()
    start.SetCenter(fixed_brain.TransformContinuousIndexToPhysicalPoint(inside.mean(axis=0).tolist()))
    method.SetInitialTransform(start, inPlace=False)
    method.SetShrinkFactorsPerLevel([2, 1])
    method.SetSmoothingSigmasPerLevel([1.0, 0.0])
    method.SmoothingSigmasAreSpecifiedInPhysicalUnitsOn()
    return sitk.Euler3DTransform(sitk.CompositeTransform(method.Execute(fixed, moving)).GetNthTransform(0))


@cache
def _stroke() -> dict[str, Any]:
    from ...data import load_isles22
    from ...registration import to_simpleitk

    case = load_isles22()
    dwi = np.asarray(case.dwi.dataobj, dtype=np.float32)
    flair = np.asarray(case.flair.dataobj, dtype=np.float32)
    fixed, moving = to_simpleitk(dwi, case.dwi.affine), to_simpleitk(flair, case.flair.affine)
    brain = to_simpleitk((dwi > 0).astype(np.uint8), case.dwi.affine)
    mask = to_simpleitk((np.asarray(case.mask.dataobj) > 0).astype(np.uint8), case.dwi.affine)
    found = _register_rigid(fixed, moving, brain, 0.2)
    return {"flair": moving, "mask": mask, "to_flair": found, "flair_affine": case.flair.affine}


def stroke_case() -> dict[str, Any]:
    """The registration chapter's real stroke (§ 10): ISLES'22 case 0009, CC BY-SA 4.0 (Hernandez Petzsche et al. 2022).

    Keys: ``flair`` (the FLAIR, a SimpleITK image, float32), ``mask`` (the expert's lesion mask on the DWI's grid, a
    SimpleITK image of 0 and 1, 8-bit), ``to_flair`` (the rigid SimpleITK transform that the chapter's registration
    finds, under the chapter's name: it sends DWI points to FLAIR points, LPS+ mm) and ``flair_affine`` (the FLAIR's
    NIfTI affine, RAS+; the task does not need it). Fresh copies on every call: changing one changes nothing for the
    checks.

    Example:
        >>> case = stroke_case()
        >>> case["flair"].GetSize(), case["mask"].GetSize(), case["to_flair"].GetName()
        ((512, 512, 29), (112, 112, 73), 'Euler3DTransform')
    """
    import SimpleITK as sitk

    stroke = _stroke()
    return {
        "flair": sitk.Image(stroke["flair"]),
        "mask": sitk.Image(stroke["mask"]),
        "to_flair": sitk.Euler3DTransform(stroke["to_flair"]),
        "flair_affine": stroke["flair_affine"].copy(),
    }
