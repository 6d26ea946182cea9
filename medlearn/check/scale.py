"""Checks for the exercises of chapter 13, scale.

In the exercise notebook::

    from medlearn.check import scale as check
    check.dataset_bytes(dataset_bytes)

The answers are compared with the arithmetic the chapter teaches, with Dask's own
computation (``map_blocks`` against NumPy) and with scikit-learn's ``partial_fit``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .core import Wrong, as_number, call, task

__all__ = ["chunk_length", "chunks_read", "dataset_bytes", "fit_in_batches", "image_means", "which_chunk"]


@task(
    hints=[
        "Bytes = number of images x pixels per image x channels x bytes per value.",
        "A 224 x 224 colour image in 8 bits is 224 * 224 * 3 * 1 bytes; multiply by the number of images.",
    ]
)
def dataset_bytes(function: Any) -> None:
    for n, h, w, c, b in ((112_120, 28, 28, 1, 1), (1_000, 224, 224, 3, 1), (300, 512, 512, 1, 2)):
        want = n * h * w * c * b
        got = as_number(call(function, n, h, w, c, b), "your number of bytes")
        if got == want:
            continue
        if got == n * h * w * b:
            raise Wrong("the channels are missing: a colour pixel has three values.")
        if got == n * h * w * c * b * 8:
            raise Wrong("that is bits, not bytes: a byte holds 8 bits, and bytes_per_value is already in bytes.")
        if got == n * h * w * c:
            raise Wrong("bytes_per_value is missing: a 16-bit CT value takes 2 bytes.")
        raise Wrong(f"for {n} images of {h} x {w} x {c} at {b} byte(s) expected {want:,}; you returned {got:,.0f}.")


@task(
    hints=[
        "One image takes prod(image_shape) * bytes_per_value bytes; a chunk of k images takes k times that.",
        "copies_in_memory chunks must fit in memory_limit: k = memory_limit // (copies_in_memory * image bytes), "
        "a whole number, rounded down. (In practice leave headroom: Dask workers start spilling to disk at 70 % "
        "of their limit.)",
    ]
)
def chunk_length(function: Any) -> None:
    cases = (
        (400e6, (28, 28), 1, 4),
        (2 * 2**30, (512, 512), 2, 8),
        (1e6, (224, 224, 3), 1, 2),
        (2e6, (224, 224, 3), 1, 2),
    )
    for limit, shape, b, copies in cases:
        one = math.prod(shape) * b
        want = int(limit // (copies * one))
        got = as_number(call(function, limit, shape, b, copies), "your chunk length")
        if got == want:
            continue
        if got == int(limit // one):
            raise Wrong("that fills the memory with a single chunk: copies_in_memory chunks must fit at once.")
        if math.isclose(got, limit / (copies * one)):
            raise Wrong("round down to a whole number of images: a chunk cannot hold part of an image.")
        if got == want + 1:
            raise Wrong("round down, not up or to the nearest: one more image would go over the limit.")
        raise Wrong(
            f"for a {limit:,.0f}-byte limit, images {shape} of {b} byte(s) and {copies} chunks in memory, "
            f"expected {want:,}; you returned {got:,.0f}."
        )


@task(
    hints=[
        "Chunk k holds images k * chunk_size to (k + 1) * chunk_size - 1.",
        "Return divmod(i, chunk_size): the chunk is i // chunk_size and the position within it i % chunk_size.",
    ]
)
def which_chunk(function: Any) -> None:
    for i, size in ((0, 512), (511, 512), (512, 512), (3000, 512), (99, 10)):
        want = divmod(i, size)
        got = call(function, i, size)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise Wrong("return two numbers: (chunk, position).")
        got = (as_number(got[0], "your chunk"), as_number(got[1], "your position"))
        if got == want:
            continue
        if got == (want[1], want[0]):
            raise Wrong("chunk and position are swapped: return (chunk, position).")
        if got[0] == want[0] + 1 or got[0] == -(-i // size):
            raise Wrong(f"off by one for image {i}: chunks count from 0, so image {size} is the first of chunk 1.")
        raise Wrong(f"image {i} with chunks of {size}: expected {want}; you returned {got}.")


def _lazy_images() -> tuple[Any, np.ndarray]:
    import dask.array as da

    stack = np.random.default_rng(0).integers(0, 256, (50, 12, 12), dtype=np.uint8)
    return da.from_array(stack, chunks=(16, 12, 12)), stack


@task(
    hints=[
        "images.map_blocks(f, drop_axis=[1, 2], dtype=float) applies f to each chunk (n, H, W); f must return "
        "one mean per image, shape (n,).",
        "f = lambda block: block.mean(axis=(1, 2)). Return the lazy result (no .compute()): the check computes it.",
    ]
)
def image_means(function: Any) -> None:
    import dask.array as da

    lazy, stack = _lazy_images()
    got = call(function, lazy)
    if isinstance(got, np.ndarray):
        raise Wrong("that is a NumPy array: return the lazy Dask array, without .compute().")
    if not isinstance(got, da.Array):
        raise Wrong(f"return a Dask array (from map_blocks), not {type(got).__name__}.")
    if got.chunks[:1] != lazy.chunks[:1]:
        raise Wrong("the result should keep one chunk per chunk of images: map each block, do not rechunk.")
    try:
        values = np.asarray(got.compute(scheduler="synchronous"), dtype=float)
    except Exception as err:  # the learner's graph can fail in any way
        raise Wrong(f"computing your result failed: {type(err).__name__}: {err}") from None
    want = stack.mean(axis=(1, 2))
    if values.shape != want.shape:
        raise Wrong(f"expected one mean per image, shape {want.shape}; yours has shape {values.shape}.")
    if not np.allclose(values, want):
        raise Wrong("the means differ from NumPy's: average over the pixels of each image, axis=(1, 2).")


@task(
    hints=[
        "Call model.partial_fit(X, y, classes=...) once per batch; the first call must name every class.",
        "for X, y in batches: model.partial_fit(X, y, classes=[0, 1]); then return the model.",
    ]
)
def fit_in_batches(function: Any) -> None:
    from sklearn.linear_model import SGDClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    batches = [(X[i : i + 50], y[i : i + 50]) for i in range(0, 300, 50)]
    want = SGDClassifier(random_state=0)
    for Xb, yb in batches:
        want.partial_fit(Xb, yb, classes=[0, 1])
    got = call(function, SGDClassifier(random_state=0), iter(batches))
    if not isinstance(got, SGDClassifier):
        raise Wrong("return the model after the last batch.")
    if not hasattr(got, "coef_"):
        raise Wrong("the model was never fitted: call partial_fit on every batch.")
    if np.allclose(got.coef_, want.coef_):
        return
    last = SGDClassifier(random_state=0).partial_fit(*batches[-1], classes=[0, 1])
    if np.allclose(got.coef_, last.coef_):
        raise Wrong("only the last batch was learnt: fit() starts over each time; partial_fit() continues.")
    raise Wrong("the coefficients differ from partial_fit over the six batches in order.")


@task(
    hints=[
        "Image i is in chunk i // chunk_size; a batch reads every chunk that one of its images is in.",
        "Return len({i // chunk_size for i in indices}): the number of distinct chunks.",
    ]
)
def chunks_read(function: Any) -> None:
    rng = np.random.default_rng(0)
    cases = [
        (list(range(64)), 512),
        (list(range(500, 564)), 512),
        (list(rng.permutation(4708)[:64]), 512),
        ([0, 2000, 4000], 512),  # far apart: 3 chunks, not the 8 between the first and the last
    ]
    for indices, size in cases:
        want = len({i // size for i in indices})
        got = as_number(call(function, list(indices), size), "your number of chunks")
        if got == want:
            continue
        if got == len(indices):
            raise Wrong("that counts images, not chunks: several images of a batch can share a chunk.")
        if got == math.ceil(len(indices) / size):
            raise Wrong("that assumes the images are next to each other: count the distinct chunks they fall in.")
        if got == max(indices) // size - min(indices) // size + 1:
            raise Wrong("that counts every chunk from the first to the last: count only those an image falls in.")
        raise Wrong(f"for {len(indices)} images and chunks of {size}: expected {want}; you returned {got:.0f}.")
