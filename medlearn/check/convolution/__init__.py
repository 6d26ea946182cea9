"""Checks for the exercises of the convolution chapter.

In the exercise notebook::

    from medlearn.check import convolution as check
    check.output_size.hint()          # a hint, before or after trying
    check.output_size(output_size)    # pass, a targeted hint, or "not done yet"

The checks test the learner's functions on random arrays and on a real CT slice (from pydicom, so no download is
needed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import ndimage, signal
from skimage.metrics import peak_signal_noise_ratio

from ..._messages import tr
from ..core import Mistake, as_array, call, close, compared, task
from . import _data
from ._data import salt_and_pepper_ct
from ._output_size import output_size

__all__ = [
    "convolve_valid",
    "correlate_same_zero",
    "horizontal_edge_kernel",
    "mean_filter_3x3",
    "output_size",
    "remove_salt_and_pepper",
    "salt_and_pepper_ct",
]


def _near(got: Any, want: Any) -> bool:
    return close(got, want, atol=1e-6)


def _largest_difference(what: str) -> Any:
    return lambda got, want, *_: tr(
        "the values differ from {what} (largest difference {difference:.3g}).",
        what=what,
        difference=np.max(np.abs(got - want)),
    )


def _shifted_by_one(got: np.ndarray, want: np.ndarray, margin: int) -> bool:
    """True when ``got`` equals ``want`` moved by one pixel in some direction (away from the border)."""
    if got.shape != want.shape:
        return False
    inside = (slice(margin, -margin), slice(margin, -margin))
    shifts = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)]
    return any(np.allclose(got[inside], np.roll(want, shift, axis=(0, 1))[inside], atol=1e-6) for shift in shifts)


def _mean_3x3(image: np.ndarray) -> np.ndarray:
    return signal.correlate2d(image.astype(np.float64), np.full((3, 3), 1 / 9), mode="valid")


@compared(
    tr(
        "The output pixel (r, c) is the mean of the 3 x 3 window image[r:r+3, c:c+3]. No padding: the output has shape "
        "(H - 2, W - 2)."
    ),
    tr(
        "Loop over r in range(H - 2) and c in range(W - 2), or add the nine shifted slices image[i:i+H-2, j:j+W-2] and "
        "divide by 9."
    ),
    tr("Convert to float first (image = image.astype(float)): uint8 values wrap around above 255."),
    cases=lambda: [(image,) for image in _data.mean_filter_images()],
    same=_near,
    mistakes=[
        Mistake(
            "same shape",
            lambda image: ndimage.uniform_filter(image.astype(float), 3),
            lambda got, image: tr(
                "your result has the input's shape {shape}; this task asks for 'valid' output (no padding), of shape "
                "{want}: the centre of the 3 x 3 window cannot sit on the border.",
                shape=image.shape,
                want=_mean_3x3(image).shape,
            ),
            spot=lambda got, want, image: got.shape == image.shape,
        ),
        Mistake(
            "wrong shape",
            lambda image: ndimage.uniform_filter(image.astype(float), 3)[1:, 1:],
            lambda got, image: tr(
                "your result has shape {shape}; for an input of shape {input} it should be {want}.",
                shape=got.shape,
                input=image.shape,
                want=_mean_3x3(image).shape,
            ),
            spot=lambda got, want, image: got.shape != want.shape,
        ),
        Mistake(
            "sum",
            lambda image: 9 * _mean_3x3(image),
            tr("your values are 9 times too large: you summed the 3 x 3 window; a mean divides by 9."),
        ),
        Mistake(
            "uint8",
            lambda image: ndimage.uniform_filter(image, 3)[1:-1, 1:-1],
            tr(
                "correct on float images but wrong on uint8 ones: uint8 arithmetic wraps around above 255. "
                "Convert first: image = image.astype(float)."
            ),
            spot=lambda got, want, image: image.dtype == np.uint8,
        ),
        Mistake(
            "shifted",
            lambda image: np.roll(_mean_3x3(image), 1, axis=1),
            tr("your result is shifted by one pixel: check the index ranges of your window (r to r + 3)."),
            spot=lambda got, want, image: _shifted_by_one(got, want, margin=1),
        ),
    ],
    otherwise=_largest_difference(tr("the 3 x 3 mean")),
)
def mean_filter_3x3(image: np.ndarray) -> np.ndarray:
    return _mean_3x3(image)


def _valid_shape(image: np.ndarray, kernel: np.ndarray) -> tuple[int, int]:
    return image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1


@compared(
    tr("Convolution is correlation with the kernel turned by 180 degrees."),
    tr("Turning by 180 degrees flips both axes: kernel[::-1, ::-1]. Then use correlate2d(..., output='valid')."),
    cases=lambda: [_data.convolve_case()],
    read=lambda value, image, kernel: as_array(value, tr("your result"), shape=_valid_shape(image, kernel)),
    same=_near,
    mistakes=[
        Mistake(
            "correlation",
            lambda image, kernel: signal.correlate2d(image, kernel, mode="valid"),
            tr("you computed correlation. Convolution flips the kernel on both axes first: kernel[::-1, ::-1]."),
        ),
        Mistake(
            "rows flipped only",
            lambda image, kernel: signal.correlate2d(image, kernel[::-1, :], mode="valid"),
            tr("you flipped the kernel's rows only; convolution flips both axes: kernel[::-1, ::-1]."),
        ),
        Mistake(
            "columns flipped only",
            lambda image, kernel: signal.correlate2d(image, kernel[:, ::-1], mode="valid"),
            tr("you flipped the kernel's columns only; convolution flips both axes: kernel[::-1, ::-1]."),
        ),
    ],
    otherwise=_largest_difference(tr("the convolution")),
)
def convolve_valid(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    return signal.convolve2d(image, kernel, mode="valid")


_NOT_FINITE = Mistake("NaN", lambda: np.full((3, 3), np.nan), tr("your kernel contains NaN or infinite values."))
_ZEROS = Mistake("all zeros", lambda: np.zeros((3, 3)), tr("your kernel is all zeros: it responds to nothing."))
_FLAT_RESPONSE = Mistake(
    "weights do not add up to 0",
    lambda: np.ones((3, 3)),
    lambda total: tr(
        "your weights add up to {total:.3g}, so a flat region (no edge) gives a response. Make them add up to 0.",
        total=total,
    ),
)
_VERTICAL = Mistake(
    "vertical edges",
    lambda: np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    tr(
        "your kernel also responds to vertical edges (left-right changes): "
        "the weights in each column must add up to 0, as in [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]."
    ),
)
_NO_RESPONSE = Mistake(
    "no response",
    lambda: np.array([[1, -1, 0], [-1, 1, 0], [0, 0, 0]]),
    tr("your kernel gives no response to a horizontal edge: the top row and the bottom row need different weights."),
)
_NEGATIVE = Mistake(
    "upside down",
    lambda: np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),
    tr(
        "your kernel gives a negative response where the image turns from dark (top) to bright (bottom). "
        "Put the positive weights in the bottom row."
    ),
)


@task(
    tr("A horizontal edge is a change from top to bottom. Compare the row below each pixel with the row above it."),
    tr(
        "A flat region must give no response, and neither may a left-right change: "
        "the weights in each column must add up to 0."
    ),
    tr(
        "The Sobel y kernel does it: [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]; "
        "[[-1, -1, -1], [0, 0, 0], [1, 1, 1]] works too."
    ),
    mistakes=[_NOT_FINITE, _ZEROS, _FLAT_RESPONSE, _VERTICAL, _NO_RESPONSE, _NEGATIVE],
)
def horizontal_edge_kernel(function: Any) -> None:
    kernel = as_array(call(function), tr("your kernel"), shape=(3, 3))
    if not np.all(np.isfinite(kernel)):
        raise _NOT_FINITE.wrong()
    scale = np.abs(kernel).sum()
    if scale == 0:
        raise _ZEROS.wrong()
    if abs(kernel.sum()) > 1e-6 * scale:
        raise _FLAT_RESPONSE.wrong(kernel.sum())
    horizontal = ndimage.correlate(_data.edge(horizontal=True), kernel, mode="nearest")[4, 4]
    vertical = ndimage.correlate(_data.edge(horizontal=False), kernel, mode="nearest")
    if np.max(np.abs(vertical)) > 1e-6 * scale:
        raise _VERTICAL.wrong()
    if abs(horizontal) < 1e-6 * scale:
        raise _NO_RESPONSE.wrong()
    if horizontal < 0:
        raise _NEGATIVE.wrong()


#: Gain in peak signal-to-noise ratio (dB) that remove_salt_and_pepper must reach.
MIN_PSNR_GAIN_DB = 10.0

_OUT_OF_SCALE = Mistake(
    "0 to 255",
    lambda noisy: 255 * ndimage.median_filter(noisy, size=3),
    tr("your image has values above 1; keep the scale of the input (0 to 1)."),
)
_AVERAGED = Mistake(
    "a weighted average",
    lambda noisy: ndimage.gaussian_filter(noisy, 1),
    lambda gain: tr(
        "PSNR improved by only {gain:.1f} dB (needed: {needed:g} dB). A mean or Gaussian filter "
        "spreads each white or black speck over its neighbours. Which filter ignores outliers?",
        gain=gain,
        needed=MIN_PSNR_GAIN_DB,
    ),
)
_NOT_FILTERED = Mistake(
    "not filtered",
    lambda noisy: noisy,
    lambda gain: tr(
        "PSNR changed by {gain:+.1f} dB (needed: +{needed:g} dB). Did you return the filtered image?",
        gain=gain,
        needed=MIN_PSNR_GAIN_DB,
    ),
)
_NOT_FINITE_IMAGE = Mistake(
    "NaN in the image",
    lambda noisy: np.where(noisy == 1, np.nan, noisy),
    tr("your denoised image contains NaN or infinite values."),
)


@task(
    tr(
        "Salt-and-pepper noise sets a few pixels to pure white or black. A weighted average keeps part of every such "
        "outlier."
    ),
    tr("The median of a small window ignores a few extreme values: it is not a convolution at all."),
    tr("scipy.ndimage.median_filter(image, size=3)"),
    mistakes=[_NOT_FINITE_IMAGE, _OUT_OF_SCALE, _AVERAGED, _NOT_FILTERED],
)
def remove_salt_and_pepper(function: Any) -> str:
    clean, noisy = salt_and_pepper_ct()
    result = as_array(call(function, noisy.copy()), tr("your denoised image"), shape=noisy.shape)
    if not np.all(np.isfinite(result)):
        raise _NOT_FINITE_IMAGE.wrong()
    before = peak_signal_noise_ratio(clean, noisy, data_range=1.0)
    after = peak_signal_noise_ratio(clean, np.clip(result, 0, 1), data_range=1.0)
    gain = after - before
    if gain >= MIN_PSNR_GAIN_DB:
        return tr(
            "PSNR went from {before:.1f} dB to {after:.1f} dB (+{gain:.1f} dB).", before=before, after=after, gain=gain
        )
    if result.max() > 2:
        raise _OUT_OF_SCALE.wrong()
    if gain > 3:
        raise _AVERAGED.wrong(gain)
    raise _NOT_FILTERED.wrong(gain)


@compared(
    tr(
        "Pad the image with zeros so that the kernel's centre can visit every pixel, "
        "then compute a 'valid' correlation."
    ),
    tr(
        "For a kernel of shape (kh, kw) pad kh // 2 rows above and below and kw // 2 columns left and right: "
        "np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)))."
    ),
    tr("Then out[r, c] = (padded[r:r+kh, c:c+kw] * kernel).sum() for every r, c of the original image."),
    cases=_data.correlate_cases,
    same=_near,
    mistakes=[
        Mistake(
            "valid shape",
            lambda image, kernel: signal.correlate2d(image, kernel, mode="valid"),
            lambda got, image, kernel: tr(
                "your result has the 'valid' shape {valid}; 'same' keeps the image's shape {shape}: pad k // 2 zeros "
                "on each side first.",
                valid=_valid_shape(image, kernel),
                shape=image.shape,
            ),
            spot=lambda got, want, image, kernel: got.shape == _valid_shape(image, kernel),
        ),
        Mistake(
            "full shape",
            lambda image, kernel: signal.correlate2d(image, kernel, mode="full"),
            lambda got, image, kernel: tr(
                "your result has shape {shape}; 'same' output keeps the image's shape {want}.",
                shape=got.shape,
                want=image.shape,
            ),
            spot=lambda got, want, image, kernel: got.shape != image.shape,
        ),
        Mistake(
            "convolution",
            lambda image, kernel: ndimage.convolve(image, kernel, mode="constant"),
            tr("you computed convolution (the kernel is flipped). Correlation uses the kernel as it is."),
        ),
        Mistake(
            "border",
            lambda image, kernel: ndimage.correlate(image, kernel, mode="reflect"),
            tr("the inside is right but the border is not: this task pads with zeros (np.pad's default mode)."),
            spot=lambda got, want, *_: _near(got[2:-2, 2:-2], want[2:-2, 2:-2]),
        ),
        Mistake(
            "shifted",
            lambda image, kernel: np.roll(ndimage.correlate(image, kernel, mode="constant"), 1, axis=1),
            tr(
                "your result is shifted by one pixel: pad by k // 2 on each side (for a 5-row kernel, 2 rows "
                "above and 2 below) and check where your window starts."
            ),
            spot=lambda got, want, *_: _shifted_by_one(got, want, margin=3),
        ),
    ],
    otherwise=_largest_difference(tr("correlation with zero padding")),
)
def correlate_same_zero(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    return ndimage.correlate(image, kernel, mode="constant", cval=0.0)
