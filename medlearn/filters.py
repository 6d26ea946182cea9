"""2-D correlation and convolution written out in NumPy, and the classic kernels.

The functions follow ``scipy.ndimage.correlate`` and ``scipy.ndimage.convolve``
(border modes, kernel centre) and, with ``output="valid"``,
``scipy.signal.correlate2d`` and ``scipy.signal.convolve2d``. The test suite
checks that they give the same numbers. Use scipy in real work; these exist so
that the computation can be read.

Border modes, for a row ``a b c d`` padded by three on each side:

========== =======================
mode       padded row
========== =======================
reflect    ``c b a | a b c d | d c b``
mirror     ``d c b | a b c d | c b a``
nearest    ``a a a | a b c d | d d d``
wrap       ``b c d | a b c d | a b c``
constant   ``k k k | a b c d | k k k`` (``k = cval``)
========== =======================
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from medlearn._validation import check_array, check_choice, check_int, check_number

Mode = Literal["reflect", "constant", "nearest", "mirror", "wrap"]
Output = Literal["same", "valid"]

#: scipy.ndimage's border modes and the numpy.pad modes that produce them.
_NUMPY_PAD_MODE = {
    "reflect": "symmetric",
    "mirror": "reflect",
    "nearest": "edge",
    "wrap": "wrap",
    "constant": "constant",
}


def _check_array(values: object, name: str) -> np.ndarray:
    return check_array(values, name, ndim=2).astype(np.float64)


def _check_options(mode: str, output: str, cval: float) -> None:
    check_choice(mode, "mode", tuple(_NUMPY_PAD_MODE))
    check_choice(output, "output", ("same", "valid"))
    check_number(cval, "cval")


def _prepare(
    image: object, kernel: object, mode: str, output: str, cval: float, flip: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Check the arguments; return the padded image and the kernel to slide over it."""
    image = _check_array(image, "image")
    kernel = _check_array(kernel, "kernel")
    _check_options(mode, output, cval)
    if output == "valid":
        if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
            raise ValueError(
                f"kernel of shape {kernel.shape} is larger than the image {image.shape}: output='valid' would be empty"
            )
        return image, (kernel[::-1, ::-1] if flip else kernel)
    # "same": pad so that the kernel's centre visits every pixel. The centre of
    # a kernel of size k is at index k // 2; convolution flips the kernel, and
    # for even sizes scipy then puts the centre one place earlier.
    widths = []
    for size in kernel.shape:
        before = (size - 1) // 2 if flip else size // 2
        widths.append((before, size - 1 - before))
    pad_mode = _NUMPY_PAD_MODE[mode]
    extra = {"constant_values": cval} if mode == "constant" else {}
    padded = np.pad(image, widths, mode=pad_mode, **extra)
    return padded, (kernel[::-1, ::-1] if flip else kernel)


def _slide(padded: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Vectorised: the output is a weighted sum of shifted copies of the image.

    Kernel entry (i, j) multiplies the image shifted by (i, j); adding these
    kh x kw shifted, weighted images gives every output pixel at once.
    """
    kh, kw = kernel.shape
    out_h, out_w = padded.shape[0] - kh + 1, padded.shape[1] - kw + 1
    out = np.zeros((out_h, out_w))
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * padded[i : i + out_h, j : j + out_w]
    return out


def correlate2d(
    image: np.ndarray,
    kernel: np.ndarray,
    mode: Mode = "reflect",
    output: Output = "same",
    cval: float = 0.0,
) -> np.ndarray:
    """2-D cross-correlation: slide the kernel over the image, multiply and add.

    ``out[r, c] = sum over (i, j) of kernel[i, j] * image[r + i - ci, c + j - cj]``
    with the kernel's centre ``(ci, cj) = (kh // 2, kw // 2)``. This is what
    a CNN's ``Conv2D`` layer computes.

    Args:
        image: 2-D array of numbers.
        kernel: 2-D array of weights, any size (odd sizes have a true centre).
        mode: how to fill the border: ``"reflect"``, ``"constant"``,
            ``"nearest"``, ``"mirror"`` or ``"wrap"`` (as in ``scipy.ndimage``).
        output: ``"same"`` (the image's shape, with padding) or ``"valid"``
            (only where the kernel fits inside the image; no padding).
        cval: the fill value for ``mode="constant"``.

    Returns:
        float64 array: the image's shape for ``"same"``, ``(H - kh + 1, W - kw + 1)``
        for ``"valid"``.

    Raises:
        ValueError: an argument is not 2-D, empty, not numeric, holds NaN or
            infinity, or the mode or output is unknown, or a ``"valid"`` kernel
            is larger than the image.

    Example:
        >>> image = np.arange(16.0).reshape(4, 4)
        >>> correlate2d(image, np.array([[0, 0, 0], [0, 0, 1], [0, 0, 0]]))[0]
        array([1., 2., 3., 3.])
    """
    padded, weights = _prepare(image, kernel, mode, output, cval, flip=False)
    return _slide(padded, weights)


def convolve2d(
    image: np.ndarray,
    kernel: np.ndarray,
    mode: Mode = "reflect",
    output: Output = "same",
    cval: float = 0.0,
) -> np.ndarray:
    """2-D convolution: correlation with the kernel flipped on both axes.

    Same arguments as :func:`correlate2d`; the result equals
    ``scipy.ndimage.convolve`` (``"same"``) and ``scipy.signal.convolve2d``
    (``"valid"``). For a symmetric kernel (box, Gaussian, Laplacian) the two
    operations agree.

    Example:
        >>> image = np.arange(16.0).reshape(4, 4)
        >>> convolve2d(image, np.array([[0, 0, 0], [0, 0, 1], [0, 0, 0]]))[0]
        array([0., 0., 1., 2.])
    """
    padded, weights = _prepare(image, kernel, mode, output, cval, flip=True)
    return _slide(padded, weights)


def correlate2d_loops(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """The same correlation as :func:`correlate2d` with ``output="valid"``, as plain loops.

    Four nested loops, one multiplication at a time: easy to follow, and about
    a thousand times slower than the vectorised version. For tiny inputs only.

    Example:
        >>> correlate2d_loops(np.arange(9.0).reshape(3, 3), np.ones((2, 2)))
        array([[ 8., 12.],
               [20., 24.]])
    """
    image = _check_array(image, "image")
    kernel = _check_array(kernel, "kernel")
    kh, kw = kernel.shape
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(f"kernel of shape {kernel.shape} is larger than the image {image.shape}")
    out = np.zeros((out_h, out_w))
    for r in range(out_h):
        for c in range(out_w):
            total = 0.0
            for i in range(kh):
                for j in range(kw):
                    total += kernel[i, j] * image[r + i, c + j]
            out[r, c] = total
    return out


def box_kernel(size: int = 3) -> np.ndarray:
    """A ``size x size`` mean filter: every weight ``1 / size**2``.

    Example:
        >>> box_kernel(3).sum()
        np.float64(1.0)
    """
    size = check_int(size, "size", min_value=1)
    return np.full((size, size), 1.0 / size**2)


def gaussian_kernel(size: int = 5, sigma: float = 1.0) -> np.ndarray:
    """A ``size x size`` Gaussian blur, normalised to sum to 1.

    It is the outer product of two 1-D Gaussians (a separable kernel), so it
    equals ``scipy.ndimage.gaussian_filter`` with ``radius = size // 2`` for
    odd sizes.

    Example:
        >>> k = gaussian_kernel(5, sigma=1.0)
        >>> k.shape, round(float(k.sum()), 6), bool(k[2, 2] == k.max())
        ((5, 5), 1.0, True)
    """
    size = check_int(size, "size", min_value=1)
    sigma = check_number(sigma, "sigma", low=0, low_open=True)
    x = np.arange(size) - (size - 1) / 2
    g = np.exp(-(x**2) / (2 * sigma**2))
    g /= g.sum()
    return np.outer(g, g)


def sharpen_kernel() -> np.ndarray:
    """The classic 3 x 3 sharpening kernel: the image plus its negative Laplacian.

    Example:
        >>> sharpen_kernel()
        array([[ 0., -1.,  0.],
               [-1.,  5., -1.],
               [ 0., -1.,  0.]])
    """
    return np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]])


def sobel_kernel(direction: Literal["x", "y"] = "x") -> np.ndarray:
    """The 3 x 3 Sobel kernel for correlation: a smoothed derivative.

    ``"x"`` responds to intensity that increases from left to right (vertical
    edges); ``"y"`` to intensity that increases from top to bottom (horizontal
    edges). Used with :func:`convolve2d` the sign flips.

    Example:
        >>> sobel_kernel("x")
        array([[-1.,  0.,  1.],
               [-2.,  0.,  2.],
               [-1.,  0.,  1.]])
    """
    check_choice(direction, "direction", ("x", "y"))
    kernel = np.outer([1.0, 2.0, 1.0], [-1.0, 0.0, 1.0])
    return kernel if direction == "x" else kernel.T.copy()


def laplacian_kernel() -> np.ndarray:
    """The 3 x 3 Laplacian (4-neighbour): a second derivative that finds spots and fine texture.

    Example:
        >>> laplacian_kernel()
        array([[ 0.,  1.,  0.],
               [ 1., -4.,  1.],
               [ 0.,  1.,  0.]])
    """
    return np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


def gradient_magnitude(image: np.ndarray, mode: Mode = "reflect") -> np.ndarray:
    """Edge strength: ``sqrt(gx**2 + gy**2)`` from the two Sobel derivatives.

    Equals ``numpy.hypot(scipy.ndimage.sobel(image, 0), scipy.ndimage.sobel(image, 1))``.

    Example:
        >>> step = np.repeat([[0.0, 0.0, 1.0, 1.0]], 4, axis=0)
        >>> gradient_magnitude(step)[0]
        array([0., 4., 4., 0.])
    """
    gx = correlate2d(image, sobel_kernel("x"), mode=mode)
    gy = correlate2d(image, sobel_kernel("y"), mode=mode)
    return np.hypot(gx, gy)
