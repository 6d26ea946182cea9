"""Exercise checks of the how_networks_learn chapter: right answers written differently from the reference pass.

The typical mistakes are tested from the checks' own tables (``test_mistakes.py``), with the reference answers.
"""

from __future__ import annotations

import numpy as np

from medlearn.check import how_networks_learn as c


def _sizes(inputs: int, layers: list[int]) -> list[tuple[int, int]]:
    sizes = [inputs, *layers]
    return list(zip(sizes[:-1], sizes[1:], strict=True))


def test_the_right_answers_pass() -> None:
    assert c.logit.run(lambda p: np.log(p) - np.log1p(-p)).passed
    assert c.cross_entropy.run(lambda y, p: -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))).passed
    assert c.finite_difference.run(lambda f, w, e: (f(w + 1e-5) - f(w - 1e-5)) / 2e-5).passed
    assert c.dense_parameters.run(lambda i, layers: np.int64(sum(a * b + b for a, b in _sizes(i, layers)))).passed
    assert c.largest_stable_rate.run(lambda x: 1 / np.mean(x**2)).passed
    assert c.gradient_step.run(lambda w, x, y, r: w - r * 2 * np.mean((w * x - y) * x)).passed
    assert c.softmax.run(lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()).passed
