"""The registration chapter's task on carrying a mask across a registration (§ 10): the expert's mask, drawn on the
DWI's grid, resampled onto the FLAIR's grid with the inverse of the registration's transform, by nearest neighbour
and with 0 outside, and its table of mistakes.

Example:
    >>> import SimpleITK as sitk
    >>> carry_mask(lambda m, f, t: sitk.Resample(m, f, t.GetInverse(), sitk.sitkNearestNeighbor, 0))
    ✅ carry_mask: correct.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from ..._messages import tr
from ..core import Mistake, Wrong, compared
from ._stroke import stroke_case

__all__ = ["carry_mask"]


def _resample(mask: Any, reference: Any, transform: Any, nearest: bool = True, default: float = 0) -> Any:
    """The mask on ``reference``'s grid, read at ``transform(point)``: nearest neighbour or linear, ``default``
    outside, the mask's own pixel type."""
    import SimpleITK as sitk

    interpolator = sitk.sitkNearestNeighbor if nearest else sitk.sitkLinear
    return sitk.Resample(mask, reference, transform, interpolator, default)


def _linear_float(mask: Any, flair: Any, transform: Any) -> Any:
    import SimpleITK as sitk

    return sitk.Resample(mask, flair, transform.GetInverse(), sitk.sitkLinear, 0.0, sitk.sitkFloat32)


def _on_mask_grid(mask: Any, flair: Any, transform: Any) -> Any:
    import SimpleITK as sitk

    return sitk.Resample(mask, transform.GetInverse(), sitk.sitkNearestNeighbor, 0)


def _headers_only(mask: Any, flair: Any, transform: Any) -> Any:
    import SimpleITK as sitk

    return _resample(mask, flair, sitk.Transform())


def _voxels(image: Any) -> np.ndarray:
    """A SimpleITK image's voxels (ITK's [k, j, i] order), or the array itself."""
    import SimpleITK as sitk

    return sitk.GetArrayFromImage(image) if isinstance(image, sitk.Image) else np.asarray(image)


def _same(got: Any, want: Any) -> bool:
    a, b = _voxels(got), _voxels(want)
    return a.shape == b.shape and bool(np.array_equal(a.astype(np.float64), b.astype(np.float64)))


@cache
def _synthetic() -> tuple[Any, Any, Any]:
    """A small DWI-like grid (2 mm, stored LAS, tilted 12 degrees) with a mask of two blobs, a FLAIR-like grid (0.9 mm
    in the slice, 5 mm slices, the same tilt, a wider field) and a rigid transform that turns about the grids' common
    centre by about 11 degrees and shifts by about 8 mm."""
    import SimpleITK as sitk

    from ...registration import to_simpleitk

    tilt = np.radians(12.0)
    turn = np.array([[1, 0, 0], [0, np.cos(tilt), -np.sin(tilt)], [0, np.sin(tilt), np.cos(tilt)]])

    def affine(spacing: list[float], shape: tuple[int, ...]) -> np.ndarray:
        matrix = np.eye(4)
        matrix[:3, :3] = turn @ np.diag([-spacing[0], spacing[1], spacing[2]])  # LAS, tilted about x
        matrix[:3, 3] = -matrix[:3, :3] @ ((np.array(shape) - 1) / 2)  # the grid's centre at the origin
        return matrix

    shape = (24, 22, 14)
    i, j, k = np.indices(shape)
    blob = ((i - 10) / 5.0) ** 2 + ((j - 12) / 4.0) ** 2 + ((k - 7) / 3.0) ** 2 <= 1
    small = ((i - 18) / 2.0) ** 2 + ((j - 6) / 2.0) ** 2 + ((k - 5) / 1.5) ** 2 <= 1
    mask = to_simpleitk((blob | small).astype(np.uint8), affine([2.0, 2.0, 2.0], shape))
    flair_shape = (64, 60, 7)
    flair = to_simpleitk(np.zeros(flair_shape, np.float32), affine([0.9, 0.9, 5.0], flair_shape))
    transform = sitk.Euler3DTransform()
    transform.SetRotation(*np.radians([8.0, -4.0, 6.0]).tolist())
    transform.SetTranslation([6.0, -4.0, 3.0])
    return mask, flair, transform


def _cases() -> list[tuple[Any, ...]]:
    mask, flair, transform = _synthetic()
    case = stroke_case()
    return [
        (mask, flair, transform, tr("a small oblique grid, turned by about 11 degrees and shifted by about 8 mm")),
        (case["mask"], case["flair"], case["to_flair"], tr("the chapter's stroke (ISLES'22 case 0009)")),
    ]


def _where(got: Any, mask: Any, flair: Any, transform: Any, what: str) -> str:
    want = _voxels(_resample(mask, flair, transform.GetInverse()))
    values = _voxels(got)
    if values.shape != want.shape:
        return tr(
            "On {what}, your mask has {got} lesion voxels; the right one has {want}.",
            what=what,
            got=int(np.count_nonzero(values)),
            want=int(np.count_nonzero(want)),
        )
    return tr(
        "On {what}, your mask has {got} lesion voxels; the right one has {want}. They overlap with a Dice of "
        "{dice:.2f} (1 is a perfect match).",
        what=what,
        got=int(np.count_nonzero(values)),
        want=int(np.count_nonzero(want)),
        dice=_dice(values, want),
    )


def _fractions(got: Any, *_: Any) -> bool:
    values = _voxels(got)
    return values.dtype.kind == "f" and bool(np.any((values > 0) & (values < 1))) and values.max() <= 1


def _dice(a: np.ndarray, b: np.ndarray) -> float:
    """The overlap of two masks (> 0), 2 |A and B| / (|A| + |B|)."""
    a, b = a > 0, b > 0
    total = int(a.sum()) + int(b.sum())
    return 2 * int(np.sum(a & b)) / total if total else 1.0


def _closest(got: Any, mask: Any, flair: Any, transform: Any) -> str:
    """Where the learner's mask (on the FLAIR's grid) lies closest: "inverse", "forward" or "identity"."""
    import SimpleITK as sitk

    values = _voxels(got)
    candidates = {
        "inverse": transform.GetInverse(),
        "forward": transform,
        "identity": sitk.Transform(),
    }
    overlap = {name: _dice(values, _voxels(_resample(mask, flair, t))) for name, t in candidates.items()}
    return max(overlap, key=overlap.get)


def _on_flair_grid(got: Any, flair: Any) -> bool:
    return _voxels(got).shape == tuple(reversed(flair.GetSize()))


def _interpolation_too(got: Any, mask: Any, flair: Any, transform: Any, moved: Any) -> str:
    """A sentence on the interpolation when the learner's mask also differs from nearest neighbour's there."""
    values = _voxels(got).astype(np.float64)
    if np.array_equal(values, _voxels(_resample(mask, flair, moved)).astype(np.float64)):
        return ""
    if np.array_equal(values, _voxels(_resample(mask, flair, moved, default=1)).astype(np.float64)):
        return " " + tr("Your mask is also 1 outside the DWI's field of view: pass 0 as the default value.")
    return " " + tr(
        "Your mask also differs from nearest neighbour's. sitk.Resample interpolates linearly unless you name an "
        "interpolator: pass sitk.sitkNearestNeighbor too."
    )


def _no_reference(mask: Any, flair: Any, transform: Any) -> Any:
    """A ResampleImageFilter given no output grid: it returns an image of no voxels."""
    import SimpleITK as sitk

    resampler = sitk.ResampleImageFilter()
    resampler.SetTransform(transform.GetInverse())
    resampler.SetInterpolator(sitk.sitkNearestNeighbor)
    return resampler.Execute(mask)


def _label_like(got: Any, want: Any, mask: Any, flair: Any, transform: Any, *_: Any) -> bool:
    """A mask of 0 and 1 in the right place that is not nearest neighbour's (a thresholded fraction, say)."""
    values, right = _voxels(got), _voxels(want)
    return values.shape == right.shape and bool(np.isin(values, (0, 1)).all()) and _dice(values, right) >= 0.9


def _thresholded(mask: Any, flair: Any, transform: Any) -> Any:
    import SimpleITK as sitk

    return sitk.Cast(_linear_float(mask, flair, transform) >= 0.5, sitk.sitkUInt8)


_MISTAKES = [
    Mistake(
        "DWI grid",
        _on_mask_grid,
        lambda got, mask, flair, transform, what: tr(
            "On {what}, your result lies on a grid of {size} voxels, the DWI's, not on the FLAIR's {flair_size}. "
            "sitk.Resample takes the output's grid from its second argument, the reference image. The first "
            "argument is the image whose values move, the mask: sitk.Resample(mask, flair, ...).",
            what=what,
            size=" x ".join(str(n) for n in mask.GetSize()),
            flair_size=" x ".join(str(n) for n in flair.GetSize()),
        ),
        spot=lambda got, want, mask, *_: _voxels(got).shape == _voxels(mask).shape,
    ),
    Mistake(
        "no output grid",
        _no_reference,
        lambda got, mask, flair, transform, what: tr(
            "On {what}, your image has no voxels: the resampler was given no output grid. With "
            "sitk.ResampleImageFilter, call SetReferenceImage(flair); with sitk.Resample, pass the FLAIR as the "
            "second argument.",
            what=what,
        ),
        spot=lambda got, want, *case: _voxels(got).size == 0,
    ),
    Mistake(
        "default 1",
        lambda mask, flair, transform: _resample(mask, flair, transform.GetInverse(), default=1),
        lambda got, *case: tr(
            "{where} Your mask is 1 where the DWI has no data: the default value fills every FLAIR voxel outside "
            "the DWI's field of view. A mask must be 0 there: pass 0 as the default value.",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "no transform",
        _headers_only,
        lambda got, mask, flair, transform, what: (
            tr(
                "{where} Your mask sits where the images' headers alone put it: you resampled without the "
                "registration's transform. Pass its inverse, to_flair.GetInverse().",
                where=_where(got, mask, flair, transform, what),
            )
            + _interpolation_too(got, mask, flair, transform, _identity())
        ),
        spot=lambda got, want, mask, flair, transform, what: (
            _on_flair_grid(got, flair) and _closest(got, mask, flair, transform) == "identity"
        ),
    ),
    Mistake(
        "the transform's direction",
        lambda mask, flair, transform: _resample(mask, flair, transform),
        lambda got, mask, flair, transform, what: (
            tr(
                "{where} Your mask moved the wrong way: you passed the registration's transform as it is. It sends DWI "
                "points to FLAIR points. But resampling reads the input at transform(point) for each point of the "
                "output's grid, here the FLAIR's. So it needs FLAIR points sent to DWI points: to_flair.GetInverse().",
                where=_where(got, mask, flair, transform, what),
            )
            + _interpolation_too(got, mask, flair, transform, transform)
        ),
        spot=lambda got, want, mask, flair, transform, what: (
            _on_flair_grid(got, flair) and _closest(got, mask, flair, transform) == "forward"
        ),
    ),
    Mistake(
        "linear",
        lambda mask, flair, transform: _resample(mask, flair, transform.GetInverse(), nearest=False),
        lambda got, *case: tr(
            "{where} You used linear interpolation, sitk.Resample's default when you name no interpolator. Near the "
            "lesion's edge it blends the label's 0s and 1s, and the 8-bit image cuts each blend below 1 down to 0, "
            "so the mask shrinks. This task asks for the label, 0 or 1, by nearest neighbour as the chapter carries "
            "it: sitk.sitkNearestNeighbor.",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "fractions",
        _linear_float,
        lambda got, mask, flair, transform, what: tr(
            "On {what}, your mask holds values between 0 and 1: linear interpolation blends the 0s and 1s near the "
            "lesion's edge. Such a fraction is a different answer; the chapter uses one too, for a single piece. "
            "This task asks for the label, 0 or 1: use nearest neighbour, sitk.sitkNearestNeighbor.",
            what=what,
        ),
        spot=lambda got, want, *case: _fractions(got),
    ),
    Mistake(
        "another label method",
        _thresholded,
        lambda got, mask, flair, transform, what: tr(
            "On {what}, your mask is a label of 0 and 1 in the right place (Dice {dice:.2f} with the right one), "
            "but its edge differs from nearest neighbour's. A thresholded fraction or sitk.sitkLabelGaussian is a "
            "sound way to carry a label too. This task asks for nearest neighbour, the chapter's choice, so that the "
            "check can compare voxel by voxel: sitk.sitkNearestNeighbor, 0 outside.",
            what=what,
            dice=_dice(_voxels(got), _voxels(_resample(mask, flair, transform.GetInverse()))),
        ),
        spot=_label_like,
    ),
]


def _identity() -> Any:
    import SimpleITK as sitk

    return sitk.Transform()


def _read(value: Any, mask: Any, flair: Any, transform: Any, what: str) -> np.ndarray:
    import SimpleITK as sitk

    if not isinstance(value, sitk.Image):
        raise Wrong(
            tr(
                "Return the SimpleITK image that sitk.Resample gives, not a {kind}: it keeps the FLAIR's geometry.",
                kind=type(value).__name__,
            )
        )
    misplaced = value.GetSize() == flair.GetSize() and not all(
        np.allclose(getattr(value, part)(), getattr(flair, part)(), atol=1e-4)
        for part in ("GetOrigin", "GetSpacing", "GetDirection")
    )
    if misplaced:
        raise Wrong(
            tr(
                "On {what}, your image has the FLAIR's size but not its place in space (origin, spacing or "
                "direction). Pass the FLAIR as sitk.Resample's reference image: the output takes its geometry.",
                what=what,
            )
        )
    return _voxels(value)


@compared(
    tr(
        "sitk.Resample(image, reference, transform, interpolator, default) makes an image on the reference's grid. "
        "For each point of that grid it reads the input at transform(point). The mask must arrive on the FLAIR's "
        "grid, so the FLAIR is the reference, and the transform must send FLAIR points to DWI points."
    ),
    tr(
        "to_flair sends DWI points to FLAIR points: use its inverse, to_flair.GetInverse(). Carry the label by "
        "nearest neighbour, as the chapter does (sitk.sitkNearestNeighbor), with 0 outside the DWI."
    ),
    tr("return sitk.Resample(mask, flair, to_flair.GetInverse(), sitk.sitkNearestNeighbor, 0)"),
    cases=_cases,
    arguments=lambda mask, flair, transform, what: (mask, flair, transform),
    read=_read,
    same=_same,
    mistakes=_MISTAKES,
    otherwise=lambda got, want, *case: tr(
        "{where} Resample the mask onto the FLAIR's grid with the inverse of to_flair, by nearest neighbour, "
        "with 0 outside.",
        where=_where(got, *case),
    ),
)
def carry_mask(mask: Any, flair: Any, to_flair: Any) -> Any:
    import SimpleITK as sitk

    return sitk.Resample(mask, flair, to_flair.GetInverse(), sitk.sitkNearestNeighbor, 0)
