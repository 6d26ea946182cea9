"""Checks for the exercises of chapter 01, convolution.

In the exercise notebook::

    from medlearn.check import convolution as check
    check.output_size.hint()          # a hint, before or after trying
    check.output_size(output_size)    # pass, a targeted hint, or "not done yet"

The checks test the learner's functions on random arrays and on a real CT
slice (from pydicom, so no download is needed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import ndimage, signal
from skimage.metrics import peak_signal_noise_ratio
from skimage.util import random_noise

from ..data import ct_soft_tissue
from .core import Wrong, as_array, as_number, call, task

__all__ = [
    "convolve_valid",
    "correlate_same_zero",
    "horizontal_edge_kernel",
    "mean_filter_3x3",
    "output_size",
    "remove_salt_and_pepper",
    "salt_and_pepper_ct",
]


def salt_and_pepper_ct(amount: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The CT slice (soft-tissue window) and a copy with salt-and-pepper noise.

    Example:
        >>> clean, noisy = salt_and_pepper_ct()
        >>> clean.shape, round(float(np.mean(clean != noisy)), 2)
        ((128, 128), 0.09)
    """
    clean = ct_soft_tissue()
    return clean, random_noise(clean, mode="s&p", amount=amount, rng=seed)


def _shifted_by_one(got: np.ndarray, want: np.ndarray, margin: int) -> bool:
    """True when ``got`` equals ``want`` moved by one pixel in some direction (away from the border)."""
    inside = (slice(margin, -margin), slice(margin, -margin))
    shifts = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)]
    return any(np.allclose(got[inside], np.roll(want, shift, axis=(0, 1))[inside], atol=1e-6) for shift in shifts)


def _formula(n: int, k: int, p: int, s: int) -> int:
    return (n + 2 * p - k) // s + 1


@task(
    hints=[
        "Start with no padding and stride 1: in how many positions does a kernel of size k fit into n pixels?",
        "Padding p adds p pixels on each side. A stride s moves the kernel s pixels at a time; "
        "count whole steps with //.",
        "output = (n + 2 * padding - k) // stride + 1",
    ]
)
def output_size(function: Any) -> None:
    cases = [(28, 3, 0, 1), (28, 3, 1, 1), (28, 5, 2, 2), (512, 7, 3, 2), (10, 4, 0, 3), (7, 7, 0, 1), (224, 11, 2, 4)]
    for n, k, p, s in cases:
        got = as_number(call(function, n, k, p, s), f"output_size({n}, {k}, {p}, {s})")
        want = _formula(n, k, p, s)
        if not got.is_integer():
            raise Wrong(
                f"output_size({n}, {k}, {p}, {s}) returned {got}, not a whole number: use // (integer division), "
                "because the kernel only counts whole steps."
            )
        if got == want:
            continue
        where = f"output_size(n={n}, k={k}, padding={p}, stride={s}) returned {got:g}, expected {want}."
        # The specific mistakes first: with padding 1, "padding on one side" also looks like an off-by-one.
        if p and got == _formula(n, k, 0, s):
            raise Wrong(f"{where} Padding is missing: it adds p pixels on each side, so the length becomes n + 2p.")
        if p and got == (n + p - k) // s + 1:
            raise Wrong(f"{where} Padding goes on both sides of the image: n + 2p, not n + p.")
        if s > 1 and got == _formula(n, k, p, 1):
            raise Wrong(f"{where} The stride is missing: the kernel jumps s pixels at a time, so divide by s.")
        # Only a function that passed the stride-1 cases (which come first) gets here with this value.
        if s > 1 and got == (n + 2 * p - k + 1) // s:
            raise Wrong(
                f"{where} The +1 is inside the division: (n + 2p - k + 1) // stride divides it by the stride too. "
                "It belongs after the division: (n + 2p - k) // stride + 1, the first position plus one for every "
                "whole step of the stride."
            )
        if got == want - 1 or got == (n + 2 * p - k) // s:
            raise Wrong(
                f"{where} Off by one: a kernel of size k fits n - k + 1 times in n pixels (count the first position)."
            )
        raise Wrong(
            f"{where} Count the positions where the kernel fits in the padded length n + 2p, moving s at a time."
        )


@task(
    hints=[
        "The output pixel (r, c) is the mean of the 3 x 3 window image[r:r+3, c:c+3]. No padding: the output has shape "
        "(H - 2, W - 2).",
        "Loop over r in range(H - 2) and c in range(W - 2), or add the nine shifted slices image[i:i+H-2, j:j+W-2] and "
        "divide by 9.",
        "Convert to float first (image = image.astype(float)): uint8 values wrap around above 255.",
    ]
)
def mean_filter_3x3(function: Any) -> None:
    rng = np.random.default_rng(1)
    images = [rng.random((6, 7)), ct_soft_tissue()[40:80, 30:90], rng.integers(200, 256, (5, 5)).astype(np.uint8)]
    for image in images:
        want = signal.correlate2d(image.astype(np.float64), np.full((3, 3), 1 / 9), mode="valid")
        got = as_array(call(function, image.copy()), "your result")
        if got.shape == image.shape:
            raise Wrong(
                f"your result has the input's shape {image.shape}; this task asks for 'valid' output "
                f"(no padding), of shape {want.shape}: the centre of the 3 x 3 window cannot sit on the border."
            )
        if got.shape != want.shape:
            raise Wrong(
                f"your result has shape {got.shape}; for an input of shape {image.shape} it should be {want.shape}."
            )
        if np.allclose(got, want, atol=1e-6):
            continue
        if np.allclose(got, 9 * want, atol=1e-5):
            raise Wrong("your values are 9 times too large: you summed the 3 x 3 window; a mean divides by 9.")
        if image.dtype == np.uint8:
            raise Wrong(
                "correct on float images but wrong on uint8 ones: uint8 arithmetic wraps around above 255. "
                "Convert first: image = image.astype(float)."
            )
        if _shifted_by_one(got, want, margin=1):
            raise Wrong("your result is shifted by one pixel: check the index ranges of your window (r to r + 3).")
        raise Wrong(f"the values differ from the 3 x 3 mean (largest difference {np.max(np.abs(got - want)):.3g}).")


@task(
    hints=[
        "Convolution is correlation with the kernel turned by 180 degrees.",
        "Turning by 180 degrees flips both axes: kernel[::-1, ::-1]. Then use correlate2d(..., output='valid').",
    ]
)
def convolve_valid(function: Any) -> None:
    rng = np.random.default_rng(2)
    image = ct_soft_tissue()[50:70, 40:65]
    kernel = rng.normal(size=(3, 4))  # asymmetric, so a missing flip shows
    want = signal.convolve2d(image, kernel, mode="valid")
    got = as_array(call(function, image.copy(), kernel.copy()), "your result", shape=want.shape)
    if np.allclose(got, want, atol=1e-6):
        return
    if np.allclose(got, signal.correlate2d(image, kernel, mode="valid"), atol=1e-6):
        raise Wrong("you computed correlation. Convolution flips the kernel on both axes first: kernel[::-1, ::-1].")
    for flipped, axis in ((kernel[::-1, :], "rows"), (kernel[:, ::-1], "columns")):
        if np.allclose(got, signal.correlate2d(image, flipped, mode="valid"), atol=1e-6):
            raise Wrong(f"you flipped the kernel's {axis} only; convolution flips both axes: kernel[::-1, ::-1].")
    raise Wrong(f"the values differ from the convolution (largest difference {np.max(np.abs(got - want)):.3g}).")


def _edge(horizontal: bool, bright_second: bool = True) -> np.ndarray:
    image = np.zeros((9, 9))
    if horizontal:
        image[5:, :] = 1.0  # dark on top, bright below
    else:
        image[:, 5:] = 1.0  # dark on the left, bright on the right
    return image if bright_second else 1.0 - image


@task(
    hints=[
        "A horizontal edge is a change from top to bottom. Compare the row below each pixel with the row above it.",
        "A flat region must give no response, and neither may a left-right change: "
        "the weights in each column must add up to 0.",
        "The Sobel y kernel does it: [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]; [[-1, -1, -1], [0, 0, 0], [1, 1, 1]] works "
        "too.",
    ]
)
def horizontal_edge_kernel(function: Any) -> None:
    kernel = as_array(call(function), "your kernel", shape=(3, 3))
    if not np.all(np.isfinite(kernel)):
        raise Wrong("your kernel contains NaN or infinite values.")
    scale = np.abs(kernel).sum()
    if scale == 0:
        raise Wrong("your kernel is all zeros: it responds to nothing.")
    if abs(kernel.sum()) > 1e-6 * scale:
        raise Wrong(
            f"your weights add up to {kernel.sum():.3g}, so a flat region (no edge) gives a response. "
            "Make them add up to 0."
        )
    horizontal = ndimage.correlate(_edge(horizontal=True), kernel, mode="nearest")[4, 4]
    vertical = ndimage.correlate(_edge(horizontal=False), kernel, mode="nearest")
    if np.max(np.abs(vertical)) > 1e-6 * scale:
        raise Wrong(
            "your kernel also responds to vertical edges (left-right changes): "
            "the weights in each column must add up to 0, as in [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]."
        )
    if abs(horizontal) < 1e-6 * scale:
        raise Wrong(
            "your kernel gives no response to a horizontal edge: the top row and the bottom row need different weights."
        )
    if horizontal < 0:
        raise Wrong(
            "your kernel gives a negative response where the image turns from dark (top) to bright (bottom). "
            "Put the positive weights in the bottom row."
        )


#: Gain in peak signal-to-noise ratio (dB) that remove_salt_and_pepper must reach.
MIN_PSNR_GAIN_DB = 10.0


@task(
    hints=[
        "Salt-and-pepper noise sets a few pixels to pure white or black. A weighted average keeps part of every such "
        "outlier.",
        "The median of a small window ignores a few extreme values: it is not a convolution at all.",
        "scipy.ndimage.median_filter(image, size=3)",
    ]
)
def remove_salt_and_pepper(function: Any) -> str:
    clean, noisy = salt_and_pepper_ct()
    result = as_array(call(function, noisy.copy()), "your denoised image", shape=noisy.shape)
    if not np.all(np.isfinite(result)):
        raise Wrong("your denoised image contains NaN or infinite values.")
    before = peak_signal_noise_ratio(clean, noisy, data_range=1.0)
    after = peak_signal_noise_ratio(clean, np.clip(result, 0, 1), data_range=1.0)
    gain = after - before
    if gain >= MIN_PSNR_GAIN_DB:
        return f"PSNR went from {before:.1f} dB to {after:.1f} dB (+{gain:.1f} dB)."
    if result.max() > 2:
        raise Wrong("your image has values above 1; keep the scale of the input (0 to 1).")
    if gain > 3:
        raise Wrong(
            f"PSNR improved by only {gain:.1f} dB (needed: {MIN_PSNR_GAIN_DB:g} dB). A mean or Gaussian filter "
            "spreads each white or black speck over its neighbours. Which filter ignores outliers?"
        )
    raise Wrong(
        f"PSNR changed by {gain:+.1f} dB (needed: +{MIN_PSNR_GAIN_DB:g} dB). Did you return the filtered image?"
    )


@task(
    hints=[
        "Pad the image with zeros so that the kernel's centre can visit every pixel, then compute a 'valid' "
        "correlation.",
        "For a kernel of shape (kh, kw) pad kh // 2 rows above and below and kw // 2 columns left and right: "
        "np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2))).",
        "Then out[r, c] = (padded[r:r+kh, c:c+kw] * kernel).sum() for every r, c of the original image.",
    ]
)
def correlate_same_zero(function: Any) -> None:
    rng = np.random.default_rng(3)
    image = ct_soft_tissue()[30:52, 40:69]
    for kernel in (rng.normal(size=(3, 3)), rng.normal(size=(5, 3))):
        want = ndimage.correlate(image, kernel, mode="constant", cval=0.0)
        got = as_array(call(function, image.copy(), kernel.copy()), "your result")
        valid_shape = (image.shape[0] - kernel.shape[0] + 1, image.shape[1] - kernel.shape[1] + 1)
        if got.shape == valid_shape:
            raise Wrong(
                f"your result has the 'valid' shape {valid_shape}; 'same' keeps the image's shape {image.shape}: "
                "pad k // 2 zeros on each side first."
            )
        if got.shape != image.shape:
            raise Wrong(f"your result has shape {got.shape}; 'same' output keeps the image's shape {image.shape}.")
        if np.allclose(got, want, atol=1e-6):
            continue
        if np.allclose(got, ndimage.convolve(image, kernel, mode="constant"), atol=1e-6):
            raise Wrong("you computed convolution (the kernel is flipped). Correlation uses the kernel as it is.")
        if np.allclose(got[2:-2, 2:-2], want[2:-2, 2:-2], atol=1e-6):
            raise Wrong("the inside is right but the border is not: this task pads with zeros (np.pad's default mode).")
        if _shifted_by_one(got, want, margin=3):
            raise Wrong(
                "your result is shifted by one pixel: pad by k // 2 on each side (for a 5-row kernel, 2 rows "
                "above and 2 below) and check where your window starts."
            )
        raise Wrong(
            f"the values differ from correlation with zero padding (largest difference "
            f"{np.max(np.abs(got - want)):.3g})."
        )
