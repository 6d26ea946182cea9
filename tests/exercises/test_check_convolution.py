"""Exercise checks of chapter 01 (convolution): typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import numpy as np
from helpers import typical_mistakes_test
from scipy import ndimage, signal

from medlearn.check import convolution

MISTAKES = [
    (convolution.output_size, lambda n, k, p, s: (n + 2 * p - k) // s, "Off by one"),
    (convolution.output_size, lambda n, k, p, s: (n + p - k) // s + 1, "both sides"),
    (convolution.output_size, lambda n, k, p, s: (n + 2 * p - k + 1) // s, "belongs after the division"),
    (convolution.output_size, lambda n, k, p, s: (n + 2 * p - k) / s + 1, "whole number"),
    (convolution.mean_filter_3x3, lambda im: ndimage.uniform_filter(im.astype(float), 3), "'valid' output"),
    (convolution.mean_filter_3x3, lambda im: 9 * ndimage.uniform_filter(im.astype(float), 3)[1:-1, 1:-1], "9 times"),
    (convolution.mean_filter_3x3, lambda im: ndimage.uniform_filter(im, 3)[1:-1, 1:-1], "uint8"),
    (convolution.convolve_valid, lambda im, k: signal.correlate2d(im, k, mode="valid"), "computed correlation"),
    (
        convolution.convolve_valid,
        lambda im, k: signal.correlate2d(im, k[::-1, :], mode="valid"),
        "flipped the kernel's rows only",
    ),
    (convolution.horizontal_edge_kernel, lambda: np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]), "negative response"),
    (convolution.horizontal_edge_kernel, lambda: np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]), "vertical edges"),
    (convolution.horizontal_edge_kernel, lambda: np.ones((3, 3)), "add up to"),
    (convolution.remove_salt_and_pepper, lambda im: ndimage.gaussian_filter(im, 1), "improved by only"),
    (convolution.correlate_same_zero, lambda im, k: ndimage.correlate(im, k, mode="reflect"), "border"),
    (convolution.correlate_same_zero, lambda im, k: ndimage.convolve(im, k, mode="constant"), "convolution"),
    (convolution.correlate_same_zero, lambda im, k: signal.correlate2d(im, k, mode="valid"), "'valid' shape"),
]


test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)
