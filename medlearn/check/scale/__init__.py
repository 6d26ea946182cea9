"""Checks for the exercises of the scale chapter.

In the exercise notebook::

    from medlearn.check import scale as check
    check.dataset_bytes(dataset_bytes)

The answers are compared with the arithmetic the chapter teaches, with Dask's own computation (``map_blocks``
against NumPy) and with scikit-learn's ``partial_fit``.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from ..core import Mistake, Wrong, as_number, call, compared, task
from . import _data

__all__ = ["chunk_length", "chunks_read", "dataset_bytes", "fit_in_batches", "image_means", "which_chunk"]


@compared(
    "Bytes = number of images x pixels per image x channels x bytes per value.",
    "A 224 x 224 colour image in 8 bits is 224 * 224 * 3 * 1 bytes; multiply by the number of images.",
    cases=lambda: [(112_120, 28, 28, 1, 1), (1_000, 224, 224, 3, 1), (300, 512, 512, 1, 2)],
    read=lambda value, *_: as_number(value, "your number of bytes"),
    same=operator.eq,
    mistakes=[
        Mistake(
            "no channels",
            lambda n, h, w, c, b: n * h * w * b,
            "the channels are missing: a colour pixel has three values.",
        ),
        Mistake(
            "bits",
            lambda n, h, w, c, b: n * h * w * c * b * 8,
            "that is bits, not bytes: a byte holds 8 bits, and bytes_per_value is already in bytes.",
        ),
        Mistake(
            "no bytes per value",
            lambda n, h, w, c, b: n * h * w * c,
            "bytes_per_value is missing: a 16-bit CT value takes 2 bytes.",
        ),
    ],
    otherwise=lambda got, want, n, h, w, c, b: (
        f"for {n} images of {h} x {w} x {c} at {b} byte(s) expected {want:,}; you returned {got:,.0f}."
    ),
)
def dataset_bytes(n: int, h: int, w: int, c: int, b: int) -> int:
    return n * h * w * c * b


def _per_chunk(limit: float, shape: tuple[int, ...], b: int, copies: int) -> float:
    return limit / (copies * math.prod(shape) * b)


@compared(
    "One image takes prod(image_shape) * bytes_per_value bytes; a chunk of k images takes k times that.",
    "copies_in_memory chunks must fit in memory_limit: k = memory_limit // (copies_in_memory * image bytes), "
    "a whole number, rounded down. (In practice leave headroom: Dask workers start spilling to disk at 70 % "
    "of their limit.)",
    cases=lambda: [
        (400e6, (28, 28), 1, 4),
        (2 * 2**30, (512, 512), 2, 8),
        (1e6, (224, 224, 3), 1, 2),
        (2e6, (224, 224, 3), 1, 2),
    ],
    read=lambda value, *_: as_number(value, "your chunk length"),
    same=operator.eq,
    mistakes=[
        Mistake(
            "one chunk",
            lambda limit, shape, b, copies: int(limit // (math.prod(shape) * b)),
            "that fills the memory with a single chunk: copies_in_memory chunks must fit at once.",
        ),
        Mistake(
            "not rounded",
            _per_chunk,
            "round down to a whole number of images: a chunk cannot hold part of an image.",
            spot=lambda got, want, *case: math.isclose(got, _per_chunk(*case)),
        ),
        Mistake(
            "rounded to the nearest",
            lambda *case: round(_per_chunk(*case)),
            "round down, not up or to the nearest: one more image would go over the limit.",
            spot=lambda got, want, *_: got == want + 1,
        ),
    ],
    otherwise=lambda got, want, limit, shape, b, copies: (
        f"for a {limit:,.0f}-byte limit, images {shape} of {b} byte(s) and {copies} chunks in memory, "
        f"expected {want:,}; you returned {got:,.0f}."
    ),
)
def chunk_length(limit: float, shape: tuple[int, ...], b: int, copies: int) -> int:
    return int(limit // (copies * math.prod(shape) * b))


def _pair(value: Any) -> tuple[float, float]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise Wrong("return two numbers: (chunk, position).")
    return as_number(value[0], "your chunk"), as_number(value[1], "your position")


@compared(
    "Chunk k holds images k * chunk_size to (k + 1) * chunk_size - 1.",
    "Return divmod(i, chunk_size): the chunk is i // chunk_size and the position within it i % chunk_size.",
    cases=lambda: [(0, 512), (511, 512), (512, 512), (3000, 512), (99, 10)],
    read=lambda value, *_: _pair(value),
    same=operator.eq,
    mistakes=[
        Mistake(
            "swapped",
            lambda i, size: divmod(i, size)[::-1],
            "chunk and position are swapped: return (chunk, position).",
        ),
        Mistake(
            "counted from 1",
            lambda i, size: (i // size + 1, i % size),
            lambda got, i, size: (
                f"off by one for image {i}: chunks count from 0, so image {size} is the first of chunk 1."
            ),
            spot=lambda got, want, i, size: got[0] == want[0] + 1 or got[0] == -(-i // size),
        ),
    ],
    otherwise=lambda got, want, i, size: f"image {i} with chunks of {size}: expected {want}; you returned {got}.",
)
def which_chunk(i: int, size: int) -> tuple[int, int]:
    return divmod(i, size)


def _means(images: Any) -> Any:
    return images.map_blocks(lambda block: block.mean(axis=(1, 2)), drop_axis=[1, 2], dtype=float)


_COMPUTED = Mistake(
    "computed",
    lambda images: images.mean(axis=(1, 2)).compute(),
    "that is a NumPy array: return the lazy Dask array, without .compute().",
)
_NOT_DASK = Mistake(
    "a list",
    lambda images: list(images.mean(axis=(1, 2)).compute()),
    lambda got: f"return a Dask array (from map_blocks), not {type(got).__name__}.",
)
_RECHUNKED = Mistake(
    "rechunked",
    lambda images: images.mean(axis=(1, 2)).rechunk(25),
    "the result should keep one chunk per chunk of images: map each block, do not rechunk.",
)
_SHAPE = Mistake(
    "one mean per row",
    lambda images: images.map_blocks(lambda block: block.mean(axis=2), drop_axis=[2], dtype=float),
    lambda want, values: f"expected one mean per image, shape {want.shape}; yours has shape {values.shape}.",
)
_OTHER_MEANS = Mistake(
    "means plus one",
    lambda images: images.map_blocks(lambda block: block.mean(axis=(1, 2)) + 1, drop_axis=[1, 2]),
    "the means differ from NumPy's: average over the pixels of each image, axis=(1, 2).",
)


@task(
    "images.map_blocks(f, drop_axis=[1, 2], dtype=float) applies f to each chunk (n, H, W); f must return "
    "one mean per image, shape (n,).",
    "f = lambda block: block.mean(axis=(1, 2)). Return the lazy result (no .compute()): the check computes it.",
    mistakes=[_COMPUTED, _NOT_DASK, _RECHUNKED, _SHAPE, _OTHER_MEANS],
    reference=_means,
)
def image_means(function: Any) -> None:
    import dask.array as da

    lazy, stack = _data.lazy_images()
    got = call(function, lazy)
    if isinstance(got, np.ndarray):
        raise _COMPUTED.wrong()
    if not isinstance(got, da.Array):
        raise _NOT_DASK.wrong(got)
    if got.chunks[:1] != lazy.chunks[:1]:
        raise _RECHUNKED.wrong()
    try:
        values = np.asarray(got.compute(scheduler="synchronous"), dtype=float)
    except Exception as err:  # the learner's graph can fail in any way
        raise Wrong(f"computing your result failed: {type(err).__name__}: {err}") from None
    want = stack.mean(axis=(1, 2))
    if values.shape != want.shape:
        raise _SHAPE.wrong(want, values)
    if not np.allclose(values, want):
        raise _OTHER_MEANS.wrong()


def _fit(model: Any, batches: Any) -> Any:
    for X, y in batches:
        model.partial_fit(X, y, classes=[0, 1])
    return model


def _fit_each(model: Any, batches: Any) -> Any:
    for X, y in batches:
        model = type(model)(random_state=0).partial_fit(X, y, classes=[0, 1])  # starts over every batch
    return model


_NO_MODEL = Mistake(
    "the coefficients", lambda model, batches: _fit(model, batches).coef_, "return the model after the last batch."
)
_NOT_FITTED = Mistake(
    "never fitted", lambda model, batches: model, "the model was never fitted: call partial_fit on every batch."
)
_LAST_BATCH = Mistake(
    "only the last batch",
    _fit_each,
    "only the last batch was learnt: fit() starts over each time; partial_fit() continues.",
)
_OTHER_ORDER = Mistake(
    "batches reversed",
    lambda model, batches: _fit(model, list(batches)[::-1]),
    "the coefficients differ from partial_fit over the six batches in order.",
)


@task(
    "Call model.partial_fit(X, y, classes=...) once per batch; the first call must name every class.",
    "for X, y in batches: model.partial_fit(X, y, classes=[0, 1]); then return the model.",
    mistakes=[_NO_MODEL, _NOT_FITTED, _LAST_BATCH, _OTHER_ORDER],
    reference=_fit,
)
def fit_in_batches(function: Any) -> None:
    from sklearn.linear_model import SGDClassifier

    batches = _data.batches()
    want = _fit(SGDClassifier(random_state=0), batches)
    got = call(function, SGDClassifier(random_state=0), iter(batches))
    if not isinstance(got, SGDClassifier):
        raise _NO_MODEL.wrong()
    if not hasattr(got, "coef_"):
        raise _NOT_FITTED.wrong()
    if np.allclose(got.coef_, want.coef_):
        return
    last = SGDClassifier(random_state=0).partial_fit(*batches[-1], classes=[0, 1])
    if np.allclose(got.coef_, last.coef_):
        raise _LAST_BATCH.wrong()
    raise _OTHER_ORDER.wrong()


@compared(
    "Image i is in chunk i // chunk_size; a batch reads every chunk that one of its images is in.",
    "Return len({i // chunk_size for i in indices}): the number of distinct chunks.",
    cases=lambda: [
        (list(range(64)), 512),
        (list(range(500, 564)), 512),
        (list(np.random.default_rng(0).permutation(4708)[:64]), 512),
        ([0, 2000, 4000], 512),  # far apart: 3 chunks, not the 8 between the first and the last
    ],
    read=lambda value, *_: as_number(value, "your number of chunks"),
    same=operator.eq,
    mistakes=[
        Mistake(
            "images",
            lambda indices, size: len(indices),
            "that counts images, not chunks: several images of a batch can share a chunk.",
        ),
        Mistake(
            "next to each other",
            lambda indices, size: math.ceil(len(indices) / size),
            "that assumes the images are next to each other: count the distinct chunks they fall in.",
        ),
        Mistake(
            "first to last",
            lambda indices, size: max(indices) // size - min(indices) // size + 1,
            "that counts every chunk from the first to the last: count only those an image falls in.",
        ),
    ],
    otherwise=lambda got, want, indices, size: (
        f"for {len(indices)} images and chunks of {size}: expected {want}; you returned {got:.0f}."
    ),
)
def chunks_read(indices: list[int], size: int) -> int:
    return len({i // size for i in indices})
