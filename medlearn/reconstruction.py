"""Images from measurements: CT's filtered back-projection and low-dose noise, and MR's k-space and its undersampling.

A CT scanner measures line integrals of attenuation (the sinogram, scikit-image's ``radon``); an MR
scanner measures the image's spatial frequencies (k-space). This module holds what chapter 14 builds
by hand and later chapters reuse:

- :func:`ramp_filter`, :func:`filter_sinogram` and :func:`back_project`: back-projection, plain or
  filtered, equal to ``skimage.transform.iradon`` (linear interpolation) in the tests;
- :func:`attenuation_per_pixel` and :func:`simulate_low_dose`: Hounsfield units to attenuation, and
  Poisson noise on photon counts at an incident count ``I0``, through the log transform;
- :func:`to_kspace`, :func:`from_kspace` and :func:`undersampling_mask`: centred Fourier transforms and
  the line masks of accelerated MR (regular, random, variable density);
- :func:`paired_patches` and :func:`tile_scores`: training patches for a learned reconstruction step,
  and squared error and SSIM per tile of a test image, for intervals by resampling tiles.

Example:
    >>> import numpy as np
    >>> from skimage.transform import radon
    >>> image = np.zeros((32, 32)); image[12:20, 12:20] = 1.0
    >>> theta = np.linspace(0.0, 180.0, 64, endpoint=False)
    >>> sinogram = radon(image, theta)
    >>> rebuilt = back_project(sinogram, theta, window="ramp")
    >>> bool(abs(rebuilt[16, 16] - 1.0) < 0.1)
    True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validation import check_array, check_choice, check_int, check_mask, check_number

__all__ = [
    "PATTERNS",
    "WINDOWS",
    "attenuation_per_pixel",
    "back_project",
    "filter_sinogram",
    "from_kspace",
    "paired_patches",
    "ramp_filter",
    "simulate_low_dose",
    "tile_scores",
    "to_kspace",
    "undersampling_mask",
]

#: Windows that :func:`ramp_filter` multiplies the ramp by (scikit-image's names).
WINDOWS = ("ramp", "shepp-logan", "cosine", "hamming", "hann")

#: Sampling patterns of :func:`undersampling_mask`.
PATTERNS = ("regular", "random", "variable")


def ramp_filter(size: int, window: str = "ramp") -> np.ndarray:
    """The frequency response of filtered back-projection's filter, in FFT order (zero frequency first).

    The ramp ``|f|`` undoes back-projection's blur, which weights each frequency by ``1 / |f|``. It is
    built as Kak and Slaney do (*Principles of Computerized Tomographic Imaging*, IEEE Press 1988,
    chapter 3, equation 61): from the band-limited ramp's samples in space, so that its value at zero
    frequency is not exactly 0. A window (``"shepp-logan"``, ``"cosine"``, ``"hamming"``, ``"hann"``)
    lowers the highest frequencies, trading sharpness for less noise.

    Args:
        size: the number of frequencies, even and at least 2 (the padded projection's length).
        window: one of :data:`WINDOWS`.

    Returns:
        ``(size,)`` float array, close to ``2 |f|`` for ``f`` in cycles per sample (near 1 at the Nyquist frequency).

    Example:
        >>> response = ramp_filter(64)  # zero frequency first, the Nyquist frequency at index 32
        >>> round(float(response[0]), 3), round(float(response[32]), 3), bool(np.all(np.diff(response[:33]) > 0))
        (0.006, 0.994, True)
    """
    size = check_int(size, "size", min_value=2)
    if size % 2:
        raise ValueError(f"size must be even, not {size}")
    window = check_choice(window, "window", WINDOWS)
    n = np.concatenate((np.arange(1, size // 2 + 1, 2), np.arange(size // 2 - 1, 0, -2)))
    spatial = np.zeros(size)
    spatial[0] = 0.25
    spatial[1::2] = -1 / (np.pi * n) ** 2
    response = 2 * np.real(np.fft.fft(spatial))
    if window == "shepp-logan":
        omega = np.pi * np.fft.fftfreq(size)[1:]
        response[1:] *= np.sin(omega) / omega
    elif window == "cosine":
        response *= np.fft.fftshift(np.sin(np.linspace(0, np.pi, size, endpoint=False)))
    elif window == "hamming":
        response *= np.fft.fftshift(np.hamming(size))
    elif window == "hann":
        response *= np.fft.fftshift(np.hanning(size))
    return response


def _sinogram(sinogram: object, name: str = "sinogram") -> np.ndarray:
    array = check_array(sinogram, name, ndim=2).astype(float)
    if array.shape[0] < 2 or array.shape[1] < 1:
        raise ValueError(f"{name} must have at least 2 detector positions (rows) and 1 angle (column)")
    return array


def filter_sinogram(sinogram: object, window: str = "ramp") -> np.ndarray:
    """Each projection (column) of ``sinogram`` filtered with :func:`ramp_filter`, zero-padded to a power of two.

    The padding (to at least twice the projection's length, and at least 64) stops the filter from
    wrapping one edge of the projection onto the other, as ``skimage.transform.iradon`` does.

    Args:
        sinogram: ``(detector positions, angles)``, as ``skimage.transform.radon`` returns it.
        window: one of :data:`WINDOWS`.

    Returns:
        The filtered sinogram, same shape, float.

    Example:
        >>> filtered = filter_sinogram(np.ones((16, 3)))
        >>> filtered.shape, bool(abs(filtered[8, 0]) < 0.1)  # a flat projection has almost no high frequencies
        ((16, 3), True)
    """
    array = _sinogram(sinogram)
    length = array.shape[0]
    padded = max(64, int(2 ** np.ceil(np.log2(2 * length))))
    spectrum = np.fft.fft(np.pad(array, ((0, padded - length), (0, 0))), axis=0)
    return np.real(np.fft.ifft(spectrum * ramp_filter(padded, window)[:, None], axis=0)[:length])


def back_project(
    sinogram: object,
    theta: object,
    *,
    window: str | None = None,
    output_size: int | None = None,
    circle: bool = True,
) -> np.ndarray:
    """Smear each projection back across the image along its angle, and add them up (linear interpolation).

    Unfiltered (``window=None``), this blurs: a point comes back as a ``1 / r`` halo, its spectrum
    weighted by ``1 / |f|``. With a ``window``, each projection is first filtered by
    :func:`filter_sinogram` and the result is filtered back-projection, equal to
    ``skimage.transform.iradon`` with that filter and linear interpolation. The sum is scaled by
    ``pi / (2 * number of angles)``, the angular step of the integral over 180 degrees.

    Args:
        sinogram: ``(detector positions, angles)``.
        theta: the angles in degrees, one per column.
        window: None for plain back-projection, or one of :data:`WINDOWS` for filtered back-projection
            (with ``circle=True`` the sinogram is padded to the image's diagonal before it is filtered,
            as ``iradon`` does: the filtered projections reach beyond the object).
        output_size: side of the square image; default: the number of detector positions with
            ``circle=True``, else ``floor(positions / sqrt(2))`` (as ``iradon``).
        circle: the sinogram was made with ``radon(..., circle=True)`` (the object inside the inscribed
            circle); values outside the circle are then set to 0.

    Returns:
        ``(output_size, output_size)`` float image.

    Example:
        >>> from skimage.transform import radon
        >>> point = np.zeros((33, 33)); point[16, 16] = 1.0
        >>> theta = np.linspace(0.0, 180.0, 90, endpoint=False)
        >>> blurred = back_project(radon(point, theta), theta)
        >>> bool(blurred[16, 20] > 0.05 * blurred[16, 16])  # unfiltered: a halo around the point
        True
    """
    array = _sinogram(sinogram)
    angles = check_array(theta, "theta", ndim=1).astype(float)
    if len(angles) != array.shape[1]:
        raise ValueError(f"theta must have one angle per sinogram column ({array.shape[1]}), not {len(angles)}")
    positions = array.shape[0]
    if output_size is None:
        output_size = positions if circle else int(np.floor(np.sqrt(positions**2 / 2.0)))
    output_size = check_int(output_size, "output_size", min_value=1)
    if circle:
        diagonal = int(np.ceil(np.sqrt(2) * positions))
        before = diagonal // 2 - positions // 2
        array = np.pad(array, ((before, diagonal - positions - before), (0, 0)))
        positions = diagonal
    if window is not None:
        array = filter_sinogram(array, window)
    radius = output_size // 2
    xpr, ypr = np.mgrid[:output_size, :output_size] - radius
    detector = np.arange(positions) - positions // 2
    image = np.zeros((output_size, output_size))
    for column, angle in zip(array.T, np.deg2rad(angles)):
        image += np.interp(ypr * np.cos(angle) - xpr * np.sin(angle), detector, column, left=0, right=0)
    if circle:
        image[xpr**2 + ypr**2 > radius**2] = 0.0
    return image * np.pi / (2 * len(angles))


def attenuation_per_pixel(hounsfield: object, pixel_size_mm: float, *, mu_water_per_cm: float = 0.19) -> np.ndarray:
    """Linear attenuation times the pixel's width, from Hounsfield units: what ``radon`` should integrate.

    ``HU = 1000 (mu - mu_water) / mu_water``, so ``mu = mu_water (1 + HU / 1000)``, clipped at 0 (air
    and below). ``mu_water`` depends on the beam's energy: about 0.19 per cm at an effective energy near
    70 keV (a round value for teaching; the tabulated value is 0.194 per cm at 70 keV in NIST's XCOM).
    Multiplying by the pixel's width in cm makes ``radon``'s sum over pixels a line integral without units.

    Args:
        hounsfield: an image in Hounsfield units.
        pixel_size_mm: the width of a pixel in millimetres (DICOM's Pixel Spacing).
        mu_water_per_cm: water's linear attenuation coefficient, per cm.

    Returns:
        ``mu * pixel width``, float, same shape, never negative.

    Example:
        >>> attenuation_per_pixel(np.array([-1000.0, 0.0, 1000.0]), 5.0).round(3)  # air, water, dense bone
        array([0.   , 0.095, 0.19 ])
    """
    hu = check_array(hounsfield, "hounsfield").astype(float)
    size = check_number(pixel_size_mm, "pixel_size_mm", low=0, low_open=True)
    mu_water = check_number(mu_water_per_cm, "mu_water_per_cm", low=0, low_open=True)
    return np.clip(mu_water * (1 + hu / 1000.0), 0, None) * size / 10.0


def simulate_low_dose(line_integrals: object, incident_photons: float, *, seed: int = 0) -> np.ndarray:
    """Line integrals as a scanner at ``incident_photons`` per detector reading would measure them.

    Each reading counts photons: ``N ~ Poisson(I0 exp(-p))`` for a line integral ``p``; the scanner
    reports ``-log(N / I0)``. A reading with no photon at all (``N = 0``, possible behind dense material at
    low dose) is set to one photon, so that the log stays finite (real scanners correct such readings
    too). The noise in ``p`` is then about ``sqrt(exp(p) / I0)``: it grows as ``1 / sqrt(dose)`` and is
    largest along the most attenuating lines, which is why low-dose streaks run through bone and along
    the body's long axis, unlike Gaussian noise added to the image.

    Args:
        line_integrals: the noise-free sinogram, ``p`` without units (see :func:`attenuation_per_pixel`).
        incident_photons: ``I0``, photons per reading without the patient (more than 0); the dose is
            proportional to it.
        seed: seeds the Poisson draws.

    Returns:
        The noisy line integrals, same shape, float.

    Example:
        >>> p = np.full((200, 200), 2.0)
        >>> noisy = simulate_low_dose(p, 1e4, seed=0)
        >>> round(float(noisy.std()), 3), round(float(np.sqrt(np.exp(2.0) / 1e4)), 3)
        (0.027, 0.027)
    """
    p = check_array(line_integrals, "line_integrals").astype(float)
    if np.any(p < 0):
        raise ValueError("line_integrals must not be negative (attenuation only removes photons)")
    i0 = check_number(incident_photons, "incident_photons", low=0, low_open=True)
    rng = np.random.default_rng(check_int(seed, "seed", min_value=0))
    counts = np.maximum(rng.poisson(i0 * np.exp(-p)), 1)
    return -np.log(counts / i0)


def to_kspace(image: object) -> np.ndarray:
    """The image's centred 2-D Fourier transform (k-space, zero frequency in the middle), orthonormal.

    Example:
        >>> k = to_kspace(np.ones((4, 4)))
        >>> float(k[2, 2].real), bool(np.allclose(np.delete(k.ravel(), 10), 0))  # a flat image: one frequency
        (4.0, True)
    """
    array = check_array(image, "image", ndim=2, kinds="biufc")
    return np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(array), norm="ortho"))


def from_kspace(kspace: object) -> np.ndarray:
    """The complex image back from centred k-space (the inverse of :func:`to_kspace`); take ``abs`` to view it.

    Example:
        >>> image = np.arange(16.0).reshape(4, 4)
        >>> bool(np.allclose(from_kspace(to_kspace(image)).real, image))
        True
    """
    array = check_array(kspace, "kspace", ndim=2, kinds="biufc")
    return np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(array), norm="ortho"))


def undersampling_mask(
    shape: tuple[int, int],
    acceleration: float,
    *,
    pattern: str = "random",
    centre_fraction: float = 0.08,
    seed: int = 0,
) -> np.ndarray:
    """Which k-space lines an accelerated MR acquisition measures: whole columns (phase-encoding lines).

    About ``width / acceleration`` columns are kept, the central ``centre_fraction`` of them always (the
    low frequencies that hold contrast, as fastMRI's masks do: Zbontar et al., arXiv:1811.08839). The
    rest are ``"regular"`` (every ``acceleration``-th column across the whole width, counted from the
    centre, so a few more than ``width / acceleration`` in all: coherent aliasing, the folded copies that
    parallel imaging unfolds), ``"random"`` (uniform: incoherent, noise-like aliasing, what compressed
    sensing needs; Lustig, Donoho and Pauly, *Magn. Reson. Med.* 58(6), 1182-1195, 2007) or
    ``"variable"`` (random, denser near the centre).

    Args:
        shape: ``(height, width)`` of k-space; columns are the phase-encoding direction.
        acceleration: the reduction factor, at least 1 (1 keeps every column).
        pattern: one of :data:`PATTERNS`.
        centre_fraction: share of the columns, around the centre, that are always kept, in [0, 1].
        seed: seeds the random patterns.

    Returns:
        ``(height, width)`` bool mask, the same for every row.

    Example:
        >>> mask = undersampling_mask((8, 32), 4, pattern="random", centre_fraction=0.125)
        >>> int(mask[0].sum()), bool(mask[:, 14:18].all())  # 32 / 4 columns, the central 4 among them
        (8, True)
    """
    try:
        height, width = (check_int(v, "shape", min_value=1) for v in shape)
    except (TypeError, ValueError):
        raise ValueError(f"shape must be (height, width) with positive integers, not {shape!r}") from None
    acceleration = check_number(acceleration, "acceleration", low=1)
    pattern = check_choice(pattern, "pattern", PATTERNS)
    centre_fraction = check_number(centre_fraction, "centre_fraction", low=0, high=1)
    rng = np.random.default_rng(check_int(seed, "seed", min_value=0))
    wanted = max(1, int(round(width / acceleration)))
    n_centre = min(wanted, int(round(width * centre_fraction)))
    columns = np.zeros(width, bool)
    start = width // 2 - n_centre // 2
    columns[start : start + n_centre] = True
    if pattern == "regular":
        step = max(1, int(round(acceleration)))
        columns[np.arange(width // 2 % step, width, step)] = True
    elif wanted > columns.sum():
        free = np.flatnonzero(~columns)
        weights = np.ones(len(free))
        if pattern == "variable":
            weights = np.exp(-0.5 * ((free - width / 2) / (width / 6)) ** 2)
        chosen = rng.choice(free, size=wanted - int(columns.sum()), replace=False, p=weights / weights.sum())
        columns[chosen] = True
    return np.broadcast_to(columns, (height, width)).copy()


def paired_patches(
    sources: Sequence[object], targets: Sequence[object], *, size: int = 64, per_image: int = 96, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Random square patches cut at the same place from each source image and its target, turned alike.

    Each patch pair gets the same random quarter turn and, half the time, the same left-right flip, so
    that a network learning to map a reconstruction to its reference sees streaks in every direction.

    Args:
        sources: 2-D images (for example FBP reconstructions), each at least ``size`` a side.
        targets: the reference images, one per source, each of its source's shape.
        size: the patches' side.
        per_image: patches cut from each image.
        seed: seeds the positions, turns and flips.

    Returns:
        ``(inputs, targets)``, each float32 of shape ``(len(sources) * per_image, size, size, 1)``.

    Example:
        >>> image = np.arange(100.0).reshape(10, 10)
        >>> x, y = paired_patches([image], [2 * image], size=4, per_image=3)
        >>> x.shape, bool(np.allclose(y, 2 * x))
        ((3, 4, 4, 1), True)
    """
    size = check_int(size, "size", min_value=1)
    per_image = check_int(per_image, "per_image", min_value=1)
    rng = np.random.default_rng(check_int(seed, "seed", min_value=0))
    if len(sources) != len(targets) or not len(sources):
        raise ValueError(
            f"sources and targets must be lists of one length (not empty), not {len(sources)} and {len(targets)}"
        )
    inputs, outputs = [], []
    for i, (source, target) in enumerate(zip(sources, targets)):
        a = check_array(source, f"sources[{i}]", ndim=2)
        b = check_array(target, f"targets[{i}]", ndim=2)
        if a.shape != b.shape:
            raise ValueError(f"targets[{i}] must have the shape of sources[{i}] {a.shape}, not {b.shape}")
        if min(a.shape) < size:
            raise ValueError(f"size must be at most the images' smallest side ({min(a.shape)}), not {size}")
        for _ in range(per_image):
            r, c = rng.integers(0, a.shape[0] - size + 1), rng.integers(0, a.shape[1] - size + 1)
            turns, flip = int(rng.integers(0, 4)), bool(rng.random() < 0.5)
            pa, pb = np.rot90(a[r : r + size, c : c + size], turns), np.rot90(b[r : r + size, c : c + size], turns)
            inputs.append(pa[:, ::-1] if flip else pa)
            outputs.append(pb[:, ::-1] if flip else pb)
    return np.array(inputs, "float32")[..., None], np.array(outputs, "float32")[..., None]


def tile_scores(
    reference: object, image: object, inside: object, *, tile: int = 32, data_range: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Mean squared error and mean SSIM in each ``tile x tile`` tile that lies wholly inside a mask.

    Resampling the tiles gives an interval for PSNR or SSIM over one test image. Tiles of one image are
    not independent cases, so such an interval shows the spread within that image, not across patients.
    SSIM is scikit-image's ``structural_similarity`` map, computed on the whole image and averaged per tile.

    Args:
        reference: the 2-D reference image.
        image: the 2-D image to score, of the same shape.
        inside: boolean mask of the same shape (for example the scanner's circle of view).
        tile: the tiles' side, at least 7 (SSIM's window).
        data_range: the images' value range, for SSIM.

    Returns:
        ``(errors, ssims)``, one value per tile, row by row.

    Example:
        >>> reference = np.zeros((64, 64)); noisy = reference + 0.1
        >>> errors, ssims = tile_scores(reference, noisy, np.ones((64, 64), bool))
        >>> len(errors), round(float(errors[0]), 3)
        (4, 0.01)
    """
    from skimage.metrics import structural_similarity

    truth = check_array(reference, "reference", ndim=2).astype(float)
    test = check_array(image, "image", ndim=2).astype(float)
    if test.shape != truth.shape:
        raise ValueError(f"image must have the shape of reference {truth.shape}, not {test.shape}")
    mask = check_mask(inside, "inside", shape=truth.shape, like="reference")
    tile = check_int(tile, "tile", min_value=7)
    value_range = check_number(data_range, "data_range", low=0, low_open=True)
    ssim_map = structural_similarity(truth, test, data_range=value_range, full=True)[1]
    errors, ssims = [], []
    for r in range(0, truth.shape[0] - tile + 1, tile):
        for c in range(0, truth.shape[1] - tile + 1, tile):
            if mask[r : r + tile, c : c + tile].all():
                errors.append(np.mean((truth[r : r + tile, c : c + tile] - test[r : r + tile, c : c + tile]) ** 2))
                ssims.append(ssim_map[r : r + tile, c : c + tile].mean())
    if not errors:
        raise ValueError(f"inside must hold at least one whole {tile} x {tile} tile")
    return np.array(errors), np.array(ssims)
