"""Registration: similarity measures, a transform applied in world coordinates, and how to score the result.

Registration finds the transform that brings one image (the **moving** image) onto another (the **fixed** image).
This module holds what a learner should not retype: three similarity measures (sum of squared differences,
normalised cross-correlation, mutual information from a joint histogram), a 4 x 4 rigid transform from angles
and a translation, a transform applied to a volume in world coordinates (by resampling with the inverse map),
the conversion of a NIfTI volume (RAS+) to a SimpleITK image (LPS+), the target registration error at landmarks,
the Jacobian determinant of a displacement field, and the two **simulated** images the chapter registers a real
T1 template against: a T2-like contrast and an FDG-PET-like image, made from real tissue probability maps.

Conventions: ``affine`` is a volume's 4 x 4 voxel-to-world matrix (NIfTI, RAS+, millimetres); ``transform`` is
a 4 x 4 matrix acting on world points, ``x -> transform @ x``, that **moves** the content: what sat at ``x``
appears at ``transform @ x``. Resampling therefore reads each output point ``y`` at ``inv(transform) @ y``.
SimpleITK's ``Resample`` takes that inverse map (output point to input point), in LPS+ coordinates.

Example:
    >>> import numpy as np
    >>> a = np.arange(64.0).reshape(4, 4, 4)
    >>> round(normalised_cross_correlation(a, 2 * a + 1), 6)
    1.0
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ._validation import check_array, check_choice, check_int, check_mask, check_number, check_spacing

__all__ = [
    "apply_transform",
    "jacobian_determinant",
    "mutual_information",
    "normalised_cross_correlation",
    "rigid_matrix",
    "simulate_fdg_pet",
    "simulate_t2",
    "sum_of_squared_differences",
    "target_registration_error",
    "to_simpleitk",
]

#: RAS+ (NIfTI) and LPS+ (DICOM, ITK) differ by the sign of x and y; this matrix converts either way.
RAS_TO_LPS = np.diag([-1.0, -1.0, 1.0, 1.0])

#: A Gaussian's full width at half maximum is this many standard deviations: 2 sqrt(2 ln 2).
FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))


def _pair(image_a: object, image_b: object, mask: object) -> tuple[np.ndarray, np.ndarray]:
    """Two images of one shape as float arrays, restricted to ``mask`` (flattened)."""
    a = check_array(image_a, "image_a", kinds="iuf").astype(float)
    b = check_array(image_b, "image_b", kinds="iuf").astype(float)
    if a.shape != b.shape:
        raise ValueError(f"image_b must have the shape of image_a {a.shape}, not {b.shape}")
    if mask is None:
        return a.ravel(), b.ravel()
    inside = check_mask(mask, "mask", shape=a.shape, like="image_a")
    if not inside.any():
        raise ValueError("mask must select at least one voxel, not none")
    return a[inside], b[inside]


def _matrix(value: object, name: str) -> np.ndarray:
    """A 4 x 4 homogeneous matrix (last row 0 0 0 1) as floats."""
    matrix = check_array(value, name, ndim=2, kinds="iuf").astype(float)
    if matrix.shape != (4, 4) or not np.allclose(matrix[3], [0, 0, 0, 1]):
        raise ValueError(f"{name} must be a 4 x 4 matrix whose last row is 0 0 0 1, not of shape {matrix.shape}")
    if abs(np.linalg.det(matrix[:3, :3])) < 1e-12:
        raise ValueError(f"{name} must be invertible, not singular")
    return matrix


def sum_of_squared_differences(image_a: object, image_b: object, *, mask: object = None, mean: bool = True) -> float:
    """The sum (or, with ``mean=True``, the mean) of squared voxel differences: 0 for identical images.

    It assumes that one tissue has one intensity in both images, so it suits a pair of one modality only.

    Example:
        >>> sum_of_squared_differences([1.0, 2.0, 3.0], [1.0, 2.0, 5.0], mean=False)
        4.0
    """
    a, b = _pair(image_a, image_b, mask)
    squared = (a - b) ** 2
    return float(squared.mean() if mean else squared.sum())


def normalised_cross_correlation(image_a: object, image_b: object, *, mask: object = None) -> float:
    """Pearson's correlation of the voxel intensities, in [-1, 1]: 1 when ``image_b`` is ``image_a`` scaled and shifted.

    It assumes a linear relation between the two images' intensities. A constant image has no correlation and
    is refused.

    Example:
        >>> normalised_cross_correlation([1, 2, 3, 4], [4, 3, 2, 1])
        -1.0
    """
    a, b = _pair(image_a, image_b, mask)
    a, b = a - a.mean(), b - b.mean()
    norm = np.sqrt((a**2).sum() * (b**2).sum())
    if norm == 0:
        raise ValueError("image_a and image_b must each vary inside the mask, not be constant")
    return float(np.clip((a * b).sum() / norm, -1.0, 1.0))


def _bin(values: np.ndarray, bins: int) -> np.ndarray:
    """Each value's bin among ``bins`` equal bins from the minimum to the maximum (the last bin closed)."""
    low, high = values.min(), values.max()
    if high == low:
        return np.zeros(values.shape, dtype=np.intp)
    edges = np.linspace(low, high, bins + 1)  # np.histogram's edges
    index = np.clip(((values - low) * (bins / (high - low))).astype(np.intp), 0, bins - 1)
    index -= values < edges[index]  # arithmetic rounding moved a value at an edge: put it where the edges say
    index += (values >= edges[index + 1]) & (index < bins - 1)
    return index


def mutual_information(image_a: object, image_b: object, *, bins: int = 32, mask: object = None) -> float:
    """Mutual information (nats) of the two images' intensities, from their joint histogram of ``bins`` x ``bins``.

    Each image's intensity range is cut into ``bins`` equal bins (those of ``np.histogram``); with ``p`` the joint
    histogram divided by its total and ``p_a``, ``p_b`` its margins, MI = sum of ``p log(p / (p_a p_b))`` over the
    filled cells. It is high when one image's intensity predicts the other's, through any relation, which is why
    it works across modalities. The same number as ``sklearn.metrics.mutual_info_score`` on the two images' bin
    labels; counted with ``np.bincount``, about twice as fast as ``np.histogram2d``.

    Example:
        >>> a = np.repeat([0.0, 1.0], 50)
        >>> round(mutual_information(a, 1 - a, bins=2), 4)  # one bit = log(2) nats
        0.6931
    """
    a, b = _pair(image_a, image_b, mask)
    bins = check_int(bins, "bins", min_value=2)
    joint = np.bincount(_bin(a, bins) * bins + _bin(b, bins), minlength=bins * bins).reshape(bins, bins)
    p = joint / joint.sum()
    p_a, p_b = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    filled = p > 0
    return float(np.sum(p[filled] * np.log(p[filled] / (p_a @ p_b)[filled])))


def rigid_matrix(angles_deg: object, translation_mm: object, *, centre_mm: object = (0.0, 0.0, 0.0)) -> np.ndarray:
    """A 4 x 4 rigid transform: rotations about x, then y, then z (degrees) around ``centre_mm``, then a shift.

    The rotation is ``Rz @ Ry @ Rx``, as SimpleITK's ``Euler3DTransform`` with ``SetComputeZYX(True)`` in the same
    frame (the same rotation in LPS+ has the angles about x and y negated); a point ``x`` goes to
    ``R (x - c) + c + t``.

    Example:
        >>> rigid_matrix([0, 0, 90], [1, 0, 0]).round(6)[:3]
        array([[ 0., -1.,  0.,  1.],
               [ 1.,  0.,  0.,  0.],
               [ 0.,  0.,  1.,  0.]])
    """
    angles = np.radians(check_array(angles_deg, "angles_deg", ndim=1, kinds="iuf").astype(float))
    shift = check_array(translation_mm, "translation_mm", ndim=1, kinds="iuf").astype(float)
    centre = check_array(centre_mm, "centre_mm", ndim=1, kinds="iuf").astype(float)
    for name, values in (("angles_deg", angles), ("translation_mm", shift), ("centre_mm", centre)):
        if values.shape != (3,):
            raise ValueError(f"{name} must be 3 numbers (x, y, z), not {values.shape[0]}")
    (cx, cy, cz), (sx, sy, sz) = np.cos(angles), np.sin(angles)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    matrix = np.eye(4)
    matrix[:3, :3] = rz @ ry @ rx
    matrix[:3, 3] = centre + shift - matrix[:3, :3] @ centre
    return matrix


def apply_transform(
    volume: object,
    affine: object,
    transform: object,
    *,
    order: int = 1,
    output_affine: object = None,
    output_shape: tuple[int, int, int] | None = None,
    fill: float = 0.0,
) -> np.ndarray:
    """The volume moved by ``transform`` (world, mm), resampled on a grid (by default its own).

    Each output voxel's world point ``y`` takes the input's value at ``inv(transform) @ y`` (the **inverse map**,
    a pull: every output voxel gets exactly one value, with no holes). ``order=0`` (nearest neighbour) keeps the
    values and the type of a label map; ``order=1`` (trilinear) suits display and registration, returns floats, and
    would invent labels between two neighbours; ``order=3`` (cubic spline) overshoots at edges and can give negative
    values. Interpolation changes peaks: measure quantitative values (PET uptake) on the native grid. Points that
    fall outside the input get ``fill``. The same as SimpleITK's ``Resample`` given ``inv(transform)`` in LPS+
    coordinates (the tests compare them).

    Args:
        volume: a 3-D array, indexed ``[i, j, k]`` as ``affine`` expects.
        affine: its 4 x 4 voxel-to-world matrix.
        transform: a 4 x 4 world transform that moves the content.
        order: the interpolation order: 0, 1 or 3.
        output_affine, output_shape: the output grid (both, or neither for the input's grid).
        fill: the value outside the input.

    Example:
        >>> labels = np.zeros((5, 5, 5), dtype=np.uint8); labels[1, 2, 2] = 7
        >>> moved = apply_transform(labels, np.eye(4), rigid_matrix([0, 0, 0], [2, 0, 0]), order=0)
        >>> [int(i) for i in np.argwhere(moved == 7)[0]], moved.dtype
        ([3, 2, 2], dtype('uint8'))
    """
    data = check_array(volume, "volume", ndim=3, kinds="biuf")
    source = _matrix(affine, "affine")
    move = _matrix(transform, "transform")
    order = check_choice(order, "order", (0, 1, 3))
    fill = check_number(fill, "fill")
    if (output_affine is None) != (output_shape is None):
        raise ValueError("output_affine and output_shape must be given together, or neither")
    target = source if output_affine is None else _matrix(output_affine, "output_affine")
    shape = (
        data.shape if output_shape is None else tuple(check_int(n, "output_shape", min_value=1) for n in output_shape)
    )
    if len(shape) != 3:
        raise ValueError(f"output_shape must be 3 integers, not {output_shape!r}")
    # output index -> world -> moved back -> input index, as one matrix
    voxel_map = np.linalg.inv(source) @ np.linalg.inv(move) @ target
    values = data if order == 0 and data.dtype.kind != "b" else data.astype(float)
    out = ndimage.affine_transform(
        values, voxel_map[:3, :3], voxel_map[:3, 3], output_shape=shape, order=order, mode="constant", cval=fill
    )
    return out.astype(data.dtype) if order == 0 else out  # labels keep their type; interpolated values are floats


def to_simpleitk(volume: object, affine: object) -> object:
    """A SimpleITK image of a NIfTI-style volume: axes reversed (ITK's arrays are ``[k, j, i]``), geometry in LPS+.

    NIfTI's world is RAS+ and ITK's is LPS+: the same point has x and y of opposite signs, so the affine is
    multiplied by ``RAS_TO_LPS`` before its spacing, direction cosines and origin are read. Forgetting this negates
    x and y, which turns the head 180 degrees about its long axis; one sign wrong would mirror it left to right.

    Example:
        >>> image = to_simpleitk(np.zeros((2, 3, 4)), np.diag([2.0, 2.0, 2.0, 1.0]))
        >>> image.GetSize(), image.GetSpacing(), image.GetDirection()[0]
        ((2, 3, 4), (2.0, 2.0, 2.0), -1.0)
    """
    import SimpleITK as sitk

    data = check_array(volume, "volume", ndim=3, kinds="biuf")
    lps = RAS_TO_LPS @ _matrix(affine, "affine")
    spacing = np.linalg.norm(lps[:3, :3], axis=0)
    image = sitk.GetImageFromArray(np.ascontiguousarray(data.transpose(2, 1, 0)))
    image.SetSpacing(spacing.tolist())
    image.SetDirection((lps[:3, :3] / spacing).ravel().tolist())
    image.SetOrigin(lps[:3, 3].tolist())
    return image


def target_registration_error(points_mm: object, transform_true: object, transform_found: object) -> np.ndarray:
    """Distances (mm) between where each landmark truly goes and where the found transform puts it.

    ``points_mm`` is ``(N, 3)`` world points; the result is ``|transform_found @ p - transform_true @ p|`` per
    point. Unlike an image similarity, it measures the error that matters, at the places that matter.

    Example:
        >>> target_registration_error([[0, 0, 0], [10, 0, 0]], np.eye(4), rigid_matrix([0, 0, 0], [0, 3, 4]))
        array([5., 5.])
    """
    points = check_array(points_mm, "points_mm", ndim=(1, 2), kinds="iuf").astype(float)
    points = np.atleast_2d(points)
    if points.shape[1] != 3:
        raise ValueError(f"points_mm must be (N, 3) world points, not of shape {points.shape}")
    true, found = _matrix(transform_true, "transform_true"), _matrix(transform_found, "transform_found")
    homogeneous = np.c_[points, np.ones(len(points))]
    return np.linalg.norm(homogeneous @ (found - true).T, axis=1)


def jacobian_determinant(displacement_mm: object, spacing: object = 1.0, direction: object = None) -> np.ndarray:
    """The Jacobian determinant of ``x -> x + u(x)`` at every voxel, for a displacement field ``u`` (mm).

    ``displacement_mm`` is ``(X, Y, Z, 3)`` on a grid with ``spacing`` mm between voxels. The determinant
    ``det(I + du/dx)`` (central differences inside, one-sided at the edges, as ``np.gradient``) is the local change
    of volume: above 1 a small region around x corresponds to a larger one at x + u(x), below 1 to a smaller one,
    and at or below 0 the map folds (two points land on one), which no real anatomy does.

    The derivatives are taken along the array's axes, so the vectors must be along those axes too. A SimpleITK
    displacement field holds its vectors in physical (LPS) axes instead. Give that image's ``direction`` (its
    ``GetDirection()``, 9 numbers or a 3 x 3 matrix whose columns are the array axes' directions) and the vectors
    are turned into array axes first (``u @ direction``). Without it, a field on an image whose direction is not
    the identity (every image ``to_simpleitk`` makes from a NIfTI) gives wrong determinants and misses folds.
    SimpleITK's ``DisplacementFieldJacobianDeterminant`` has that fault (ITK issue 5358, fixed by ITK pull request
    5390 in 2025, after ITK 5.4, on which SimpleITK 2.5 is built): it agrees with this function away from the edges
    only on an image whose direction is the identity.

    Example:
        >>> grid = np.stack(np.meshgrid(*[np.arange(4.0)] * 3, indexing="ij"), axis=-1)
        >>> float(jacobian_determinant(0.1 * grid).mean().round(6))  # every axis stretched by 1.1
        1.331
        >>> flip = np.diag([-1.0, -1.0, 1.0])  # to_simpleitk's direction for a RAS+ NIfTI
        >>> physical = 0.1 * grid @ flip  # the same stretch, its vectors in physical axes
        >>> [float(jacobian_determinant(physical, direction=d).mean().round(6)) for d in (flip, None)]
        [1.331, 0.891]
    """
    field = check_array(displacement_mm, "displacement_mm", ndim=4, kinds="iuf").astype(float)
    if field.shape[-1] != 3 or min(field.shape[:3]) < 2:
        raise ValueError(f"displacement_mm must be (X, Y, Z, 3) with at least 2 voxels per axis, not {field.shape}")
    step = check_spacing(spacing, "spacing", 3)
    if direction is not None:
        field = field @ _direction(direction)
    gradient = np.empty(field.shape[:3] + (3, 3))
    for component in range(3):
        for axis, derivative in enumerate(np.gradient(field[..., component], *step)):
            gradient[..., component, axis] = derivative
    return np.linalg.det(gradient + np.eye(3))


def _direction(direction: object) -> np.ndarray:
    """A direction matrix, 3 x 3 from 9 numbers (SimpleITK's row-major order), refused unless orthonormal."""
    matrix = check_array(direction, "direction", ndim=(1, 2), kinds="iuf").astype(float)
    if matrix.size != 9 or matrix.shape not in ((9,), (3, 3)):
        raise ValueError(f"direction must be 9 numbers or a 3 x 3 matrix, not of shape {matrix.shape}")
    matrix = matrix.reshape(3, 3)
    if not np.all(np.isfinite(matrix)) or not np.allclose(matrix.T @ matrix, np.eye(3), atol=1e-6):
        raise ValueError("direction must be orthonormal (unit columns at right angles), as an image's direction is")
    return matrix


def _maps(grey: object, white: object, csf: object | None) -> list[np.ndarray]:
    maps = []
    for name, value in (("grey", grey), ("white", white), ("csf", csf)):
        if value is None:
            continue
        array = check_array(value, name, ndim=3, kinds="iuf").astype(float)
        if array.min() < 0 or array.max() > 1:
            raise ValueError(f"{name} must be probabilities in [0, 1], not values from {array.min()} to {array.max()}")
        if maps and array.shape != maps[0].shape:
            raise ValueError(f"{name} must have the shape of grey {maps[0].shape}, not {array.shape}")
        maps.append(array)
    return maps


def simulate_t2(grey: object, white: object, csf: object) -> np.ndarray:
    """A **simulated** T2-weighted-like image from tissue probability maps: CSF 1.0, grey matter 0.6, white 0.35.

    Each voxel is the tissue intensities weighted by the tissues' probabilities (partial volume), so the contrast
    is a T2-like ordering (CSF brightest, grey above white), not a physical simulation of relaxation. It has the
    same geometry as the maps, so it lies exactly on the T1 image they came with: any misalignment is one we add.

    Example:
        >>> simulate_t2(np.full((1, 1, 2), 0.5), np.zeros((1, 1, 2)), np.full((1, 1, 2), 0.5)).ravel()
        array([0.8, 0.8])
    """
    g, w, c = _maps(grey, white, csf)
    return 0.6 * g + 0.35 * w + 1.0 * c


def simulate_fdg_pet(
    grey: object,
    white: object,
    spacing: object,
    *,
    fwhm_mm: float = 7.0,
    grey_to_white: float = 3.0,
    mean_counts: float = 20.0,
    seed: int = 0,
) -> np.ndarray:
    """A **simulated** FDG-PET-like image: grey-matter uptake ``grey_to_white`` times white matter's, blurred, noisy.

    The uptake map (grey ``grey_to_white``, white 1, elsewhere 0) is blurred by a Gaussian of ``fwhm_mm`` full
    width at half maximum (a PET scanner's resolution, about 4 to 8 mm), scaled so that the mean over voxels
    with any uptake is ``mean_counts``, and replaced by Poisson counts (``numpy.random.default_rng(seed)``). It
    ignores attenuation, scatter and reconstruction: a teaching simulation, not a PET model.

    Example:
        >>> pet = simulate_fdg_pet(np.ones((8, 8, 8)), np.zeros((8, 8, 8)), 2.0, seed=0)
        >>> pet.shape, bool(abs(pet.mean() - 20) < 1)
        ((8, 8, 8), True)
    """
    g, w = _maps(grey, white, None)
    step = check_spacing(spacing, "spacing", 3)
    fwhm = check_number(fwhm_mm, "fwhm_mm", low=0, low_open=True)
    ratio = check_number(grey_to_white, "grey_to_white", low=0, low_open=True)
    counts = check_number(mean_counts, "mean_counts", low=0, low_open=True)
    seed = check_int(seed, "seed", min_value=0)
    uptake = ndimage.gaussian_filter(ratio * g + w, sigma=fwhm / FWHM_PER_SIGMA / step, mode="constant")
    active = uptake > 1e-3 * uptake.max()
    if not active.any():
        raise ValueError("grey and white must hold some tissue, not be all zero")
    expected = uptake * (counts / uptake[active].mean())
    return np.random.default_rng(seed).poisson(expected).astype(float)
