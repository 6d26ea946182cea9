"""medlearn.filters against scipy (property tests), against Keras Conv2D, and on bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage, signal

from medlearn.filters import (
    box_kernel,
    convolve2d,
    correlate2d,
    correlate2d_loops,
    gaussian_kernel,
    gradient_magnitude,
    laplacian_kernel,
    sharpen_kernel,
    sobel_kernel,
)

MODES = ["reflect", "constant", "nearest", "mirror", "wrap"]
finite = st.floats(-100, 100, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def image_and_kernel(draw: st.DrawFn, valid: bool = False) -> tuple[np.ndarray, np.ndarray]:
    kh, kw = draw(st.integers(1, 6)), draw(st.integers(1, 6))  # odd and even sizes
    low_h, low_w = (kh, kw) if valid else (1, 1)
    h, w = draw(st.integers(low_h, 12)), draw(st.integers(low_w, 12))
    image = draw(arrays(np.float64, (h, w), elements=finite))
    kernel = draw(arrays(np.float64, (kh, kw), elements=finite))
    return image, kernel


@settings(max_examples=200, deadline=None)
@given(data=image_and_kernel(), mode=st.sampled_from(MODES), cval=finite)
def test_correlate_equals_scipy_ndimage(data: tuple[np.ndarray, np.ndarray], mode: str, cval: float) -> None:
    image, kernel = data
    expected = ndimage.correlate(image, kernel, mode=mode, cval=cval)
    np.testing.assert_allclose(correlate2d(image, kernel, mode=mode, cval=cval), expected, rtol=1e-9, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(data=image_and_kernel(), mode=st.sampled_from(MODES), cval=finite)
def test_convolve_equals_scipy_ndimage(data: tuple[np.ndarray, np.ndarray], mode: str, cval: float) -> None:
    image, kernel = data
    expected = ndimage.convolve(image, kernel, mode=mode, cval=cval)
    np.testing.assert_allclose(convolve2d(image, kernel, mode=mode, cval=cval), expected, rtol=1e-9, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(data=image_and_kernel(valid=True))
def test_valid_equals_scipy_signal(data: tuple[np.ndarray, np.ndarray]) -> None:
    image, kernel = data
    np.testing.assert_allclose(
        correlate2d(image, kernel, output="valid"),
        signal.correlate2d(image, kernel, mode="valid"),
        rtol=1e-9,
        atol=1e-6,
    )
    np.testing.assert_allclose(
        convolve2d(image, kernel, output="valid"), signal.convolve2d(image, kernel, mode="valid"), rtol=1e-9, atol=1e-6
    )


@settings(max_examples=50, deadline=None)
@given(data=image_and_kernel(valid=True))
def test_loops_equal_the_vectorised_version(data: tuple[np.ndarray, np.ndarray]) -> None:
    image, kernel = data
    np.testing.assert_allclose(
        correlate2d_loops(image, kernel), correlate2d(image, kernel, output="valid"), rtol=1e-9, atol=1e-6
    )


@settings(max_examples=100, deadline=None)
@given(data=image_and_kernel(), other=st.data(), a=finite, b=finite, mode=st.sampled_from(MODES))
def test_linearity(data, other, a: float, b: float, mode: str) -> None:
    image, kernel = data
    second = other.draw(arrays(np.float64, image.shape, elements=finite))
    left = correlate2d(a * image + b * second, kernel, mode=mode)
    right = a * correlate2d(image, kernel, mode=mode) + b * correlate2d(second, kernel, mode=mode)
    np.testing.assert_allclose(left, right, rtol=1e-7, atol=1e-4)


@settings(max_examples=100, deadline=None)
@given(data=image_and_kernel(), dy=st.integers(-5, 5), dx=st.integers(-5, 5))
def test_shift_equivariance(data, dy: int, dx: int) -> None:
    """With periodic borders, shifting the image shifts the output by the same amount."""
    image, kernel = data
    shifted = np.roll(image, (dy, dx), axis=(0, 1))
    np.testing.assert_allclose(
        correlate2d(shifted, kernel, mode="wrap"),
        np.roll(correlate2d(image, kernel, mode="wrap"), (dy, dx), axis=(0, 1)),
        rtol=1e-9,
        atol=1e-6,
    )


def test_correlation_and_convolution_differ_by_a_flip() -> None:
    rng = np.random.default_rng(0)
    image, kernel = rng.random((9, 11)), rng.random((3, 3))
    np.testing.assert_allclose(convolve2d(image, kernel), correlate2d(image, kernel[::-1, ::-1]))
    assert not np.allclose(convolve2d(image, kernel), correlate2d(image, kernel))


def test_kernels() -> None:
    assert box_kernel(5).shape == (5, 5) and np.isclose(box_kernel(5).sum(), 1)
    assert np.isclose(gaussian_kernel(7, 2.0).sum(), 1) and np.allclose(
        gaussian_kernel(7, 2.0), gaussian_kernel(7, 2.0).T
    )
    assert sharpen_kernel().sum() == 1  # keeps flat regions unchanged
    assert laplacian_kernel().sum() == 0 and sobel_kernel("x").sum() == 0 and sobel_kernel("y").sum() == 0
    np.testing.assert_array_equal(sobel_kernel("y"), sobel_kernel("x").T)


def test_gaussian_kernel_equals_scipy_gaussian_filter() -> None:
    image = np.random.default_rng(1).random((20, 24))
    for size, sigma in ((3, 0.8), (5, 1.0), (9, 2.0)):
        expected = ndimage.gaussian_filter(image, sigma, mode="reflect", radius=size // 2)
        np.testing.assert_allclose(correlate2d(image, gaussian_kernel(size, sigma)), expected, atol=1e-12)


def test_sobel_and_gradient_magnitude_equal_scipy() -> None:
    image = np.random.default_rng(2).random((16, 20))
    np.testing.assert_allclose(correlate2d(image, sobel_kernel("x")), ndimage.sobel(image, axis=1), atol=1e-12)
    np.testing.assert_allclose(correlate2d(image, sobel_kernel("y")), ndimage.sobel(image, axis=0), atol=1e-12)
    expected = np.hypot(ndimage.sobel(image, axis=0), ndimage.sobel(image, axis=1))
    np.testing.assert_allclose(gradient_magnitude(image), expected, atol=1e-12)


def test_laplacian_equals_scipy() -> None:
    image = np.random.default_rng(3).random((10, 10))
    np.testing.assert_allclose(correlate2d(image, laplacian_kernel()), ndimage.laplace(image), atol=1e-12)


def test_integer_images_give_float_output() -> None:
    out = correlate2d(np.arange(25, dtype=np.uint8).reshape(5, 5), box_kernel(3))
    assert out.dtype == np.float64 and np.isclose(out[2, 2], 12.0)


@pytest.mark.parametrize(
    ("image", "kernel", "kwargs", "message"),
    [
        (np.zeros(5), np.ones((3, 3)), {}, "image must be a 2-D array"),
        (np.zeros((2, 3, 3)), np.ones((3, 3)), {}, "image must be a 2-D array"),
        (np.zeros((0, 4)), np.ones((3, 3)), {}, "image must not be empty"),
        (np.array([["a", "b"]]), np.ones((1, 1)), {}, "image must hold numbers"),
        (np.array([[1.0, np.nan]]), np.ones((1, 1)), {}, "image must hold finite values"),
        (np.array([[1.0, np.inf]]), np.ones((1, 1)), {}, r"image must hold finite values \(found NaN or infinity\)"),
        (np.zeros((4, 4)), np.ones(3), {}, "kernel must be a 2-D array"),
        (np.zeros((4, 4)), np.ones((0, 0)), {}, "kernel must not be empty"),
        (np.zeros((4, 4)), np.array([[np.nan]]), {}, "kernel must hold finite values"),
        (np.zeros((4, 4)), np.ones((5, 3)), {"output": "valid"}, "larger than the image"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"mode": "periodic"}, "mode must be one of .*, not 'periodic'"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"output": "full"}, "output must be one of 'same', 'valid', not 'full'"),
        (np.zeros((4, 4)), np.ones((3, 3)), {"cval": np.nan}, "cval"),
    ],
)
@pytest.mark.parametrize("function", [correlate2d, convolve2d])
def test_bad_input(function, image, kernel, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        function(image, kernel, **kwargs)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: box_kernel(0), "size"),
        (lambda: box_kernel(2.5), "size"),
        (lambda: gaussian_kernel(5, 0), "sigma"),
        (lambda: gaussian_kernel(-1, 1), "size"),
        (lambda: sobel_kernel("z"), "direction"),
        (lambda: correlate2d_loops(np.ones((2, 2)), np.ones((3, 3))), "larger"),
        (lambda: gradient_magnitude(np.ones(4)), "image must be a 2-D array"),
    ],
)
def test_bad_kernel_arguments(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@pytest.fixture(scope="module")
def keras():
    import keras  # a dependency of the course: a failed import must fail the test

    return keras


@pytest.mark.parametrize("kernel_size", [3, 5])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_keras_conv2d_computes_correlation(keras, kernel_size: int, padding: str) -> None:
    """A Conv2D layer with our kernel as its weights gives our output: a CNN learns kernels."""
    rng = np.random.default_rng(kernel_size)
    image = rng.random((20, 17)).astype(np.float32)
    kernel = rng.normal(size=(kernel_size, kernel_size)).astype(np.float32)
    layer = keras.layers.Conv2D(1, kernel_size, padding=padding, use_bias=False)
    layer.build((1, 20, 17, 1))
    layer.set_weights([kernel[:, :, np.newaxis, np.newaxis]])
    result = keras.ops.convert_to_numpy(layer(image[np.newaxis, :, :, np.newaxis]))[0, :, :, 0]
    if padding == "valid":
        expected = correlate2d(image, kernel, output="valid")
    else:  # Keras "same" pads with zeros
        expected = correlate2d(image, kernel, mode="constant", cval=0.0)
    np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-4)
