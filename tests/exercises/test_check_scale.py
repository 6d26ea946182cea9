"""medlearn.check.scale: right answers written otherwise pass (tests/course/test_exercises.py checks that odd answers
never raise; the typical mistakes are tested from the checks' own tables, in test_mistakes.py)."""

from __future__ import annotations

import math

from helpers import right_answers_test

from medlearn.check import scale


def _fit(model, batches):
    for X, y in batches:
        model.partial_fit(X, y, classes=[0, 1])
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
