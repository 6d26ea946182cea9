"""medlearn.check.scale: right answers pass and typical mistakes get their hint
(tests/course/test_exercises.py checks that odd answers never raise)."""

from __future__ import annotations

import math

import pytest
from helpers import right_answers_test

from medlearn.check import scale


def _fit(model, batches):
    for X, y in batches:
        model.partial_fit(X, y, classes=[0, 1])
    return model


def _fit_each(model, batches):
    for X, y in batches:
        model = type(model)(random_state=0).partial_fit(X, y, classes=[0, 1])  # starts over every batch
    return model


RIGHT = {
    scale.dataset_bytes: lambda n, h, w, c, b: n * h * w * c * b,
    scale.chunk_length: lambda limit, shape, b, copies: int(limit // (copies * math.prod(shape) * b)),
    scale.which_chunk: divmod,
    scale.chunks_read: lambda indices, size: len({i // size for i in indices}),
    scale.image_means: lambda images: images.map_blocks(lambda b: b.mean(axis=(1, 2)), drop_axis=[1, 2], dtype=float),
    scale.fit_in_batches: _fit,
}


test_right_answers_pass = right_answers_test(RIGHT)


@pytest.mark.parametrize(
    ("task", "answer", "hint"),
    [
        (scale.dataset_bytes, lambda n, h, w, c, b: n * h * w * b, "channels"),
        (scale.dataset_bytes, lambda n, h, w, c, b: n * h * w * c * b * 8, "bits"),
        (scale.dataset_bytes, lambda n, h, w, c, b: n * h * w * c, "bytes_per_value"),
        (scale.chunk_length, lambda limit, shape, b, copies: int(limit // (math.prod(shape) * b)), "single chunk"),
        (scale.chunk_length, lambda limit, shape, b, copies: limit / (copies * math.prod(shape) * b), "round down"),
        (scale.which_chunk, lambda i, size: divmod(i, size)[::-1], "swapped"),
        (scale.which_chunk, lambda i, size: (i // size + 1, i % size), "off by one"),
        (scale.chunks_read, lambda indices, size: len(indices), "counts images"),
        (scale.chunks_read, lambda indices, size: math.ceil(len(indices) / size), "next to each other"),
        (scale.chunks_read, lambda indices, size: max(indices) // size - min(indices) // size + 1, "first to the last"),
        (scale.chunk_length, lambda limit, shape, b, copies: round(limit / (copies * math.prod(shape) * b)), "nearest"),
        (scale.image_means, lambda images: images.mean(axis=(1, 2)).compute(), "NumPy array"),
        (scale.image_means, lambda images: images.mean(axis=(1, 2)).rechunk(25), "one chunk per chunk"),
        (
            scale.image_means,
            lambda images: images.map_blocks(lambda b: b.mean(axis=(1, 2)) + 1, drop_axis=[1, 2]),
            "differ",
        ),
        (scale.fit_in_batches, _fit_each, "only the last batch"),
        (scale.fit_in_batches, lambda model, batches: model, "never fitted"),
    ],
)
def test_typical_mistakes_get_their_hint(task, answer, hint) -> None:
    result = task.run(answer)
    assert not result.passed and hint in result.message, result.message
