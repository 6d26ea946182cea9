"""CT images from measurements: the ramp filter, filtered back-projection, and low-dose noise.

A CT scanner measures line integrals of attenuation (the sinogram, scikit-image's ``radon``). The
reconstruction chapter builds these by hand and later cells reuse them:

- :func:`ramp_filter`, :func:`filter_sinogram` and :func:`back_project`: back-projection, plain or
  filtered, equal to ``skimage.transform.iradon`` (linear interpolation) in the tests;
- :func:`attenuation_per_pixel` and :func:`simulate_low_dose`: Hounsfield units to attenuation, and
  Poisson noise on photon counts at an incident count ``I0``, through the log transform.

Example:
    >>> from skimage.transform import radon
    >>> image = np.zeros((32, 32)); image[12:20, 12:20] = 1.0
    >>> theta = np.linspace(0.0, 180.0, 64, endpoint=False)
    >>> sinogram = radon(image, theta)
    >>> rebuilt = back_project(sinogram, theta, window="ramp")
    >>> bool(abs(rebuilt[16, 16] - 1.0) < 0.1)
    True
"""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_choice, check_int, check_number

__all__ = ["WINDOWS", "attenuation_per_pixel", "back_project", "filter_sinogram", "ramp_filter", "simulate_low_dose"]

#: Windows that :func:`ramp_filter` multiplies the ramp by (scikit-image's names).
WINDOWS = ("ramp", "shepp-logan", "cosine", "hamming", "hann")


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
