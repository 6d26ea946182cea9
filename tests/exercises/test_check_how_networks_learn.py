"""Exercise checks of chapter 05 (how a network learns): typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import numpy as np
from helpers import typical_mistakes_test

from medlearn.check import how_networks_learn as c


def _sizes(inputs: int, layers: list[int]) -> list[tuple[int, int]]:
    sizes = [inputs, *layers]
    return list(zip(sizes[:-1], sizes[1:], strict=True))


def _neuron(
    x: np.ndarray,
    y: np.ndarray,
    rate: float,
    steps: int,
    bias: bool = True,
    sign: float = 1.0,
    denominator: str = "cases",
    factor: float = 1.0,
    bias_factor: float = 1.0,
):
    n = x.size if denominator == "size" else len(y)
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        w = w - sign * rate * factor * x.T @ (p - y) / n
        b = b - rate * bias_factor * np.mean(p - y) if bias else 0.0
    return w, b


MISTAKES = [
    (c.gradient_step, lambda w, x, y, r: w + r * 2 * np.mean((w * x - y) * x), "stepped up the slope"),
    (c.gradient_step, lambda w, x, y, r: w - r * np.mean((w * x - y) * x), "factor 2 is missing"),
    (c.gradient_step, lambda w, x, y, r: w - r * 2 * np.sum((w * x - y) * x), "summed over the patients"),
    (c.gradient_step, lambda w, x, y, r: w - 2 * np.mean((w * x - y) * x), "learning rate is missing"),
    (c.gradient_step, lambda w, x, y, r: w - r * 2 * np.mean(w * x - y), "needs the factor x"),
    (c.cross_entropy, lambda y, p: float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))), "sign is flipped"),
    (c.cross_entropy, lambda y, p: float(np.sum(-(y * np.log(p) + (1 - y) * np.log(1 - p)))), "summed over"),
    (c.cross_entropy, lambda y, p: float(np.mean(-(y * np.log(1 - p) + (1 - y) * np.log(p)))), "log(p) goes with"),
    (c.cross_entropy, lambda y, p: float(np.mean(-(y * np.log10(p) + (1 - y) * np.log10(1 - p)))), "base 10"),
    (c.logit, lambda p: np.log((1 - p) / p), "wrong sign"),
    (c.logit, lambda p: np.log(p), "that is log(p)"),
    (c.logit, lambda p: np.log10(p / (1 - p)), "base 10"),
    (c.softmax, lambda z: np.exp(z), "did not divide"),
    (c.softmax, lambda z: z / z.sum(), "exponentiate them first"),
    (c.softmax, lambda z: np.exp(z) / np.exp(z).sum(), "overflows"),
    (c.dense_parameters, lambda i, layers: sum(a * b for a, b in _sizes(i, layers)), "biases are missing"),
    (c.dense_parameters, lambda i, layers: sum(i * m + m for m in layers), "previous layer's neurons"),
    (c.finite_difference, lambda f, w, e: (f(w + e) - f(w - e)) / e, "Divide by 2 * eps"),
    (c.finite_difference, lambda f, w, e: (f(w + e) - f(w)) / e, "one-sided"),
    (c.largest_stable_rate, lambda x: 1 / (2 * np.mean(x**2)), "one step"),
    (c.largest_stable_rate, lambda x: 2 / np.mean(x**2), "factor 2 is missing"),
    (c.softmax, lambda z: np.exp(z - z.min()) / np.exp(z - z.min()).sum(), "not another one"),
    (c.largest_stable_rate, lambda x: 1 / np.var(x), "1 / variance"),
    (c.train_neuron, lambda x, y, r, n: _neuron(x, y, r, n, bias=False), "bias stayed at 0"),
    (c.train_neuron, lambda x, y, r, n: _neuron(x, y, r, n, sign=-1.0), "not at the minimum"),
    (c.train_neuron, lambda x, y, r, n: _neuron(x, y, r, n)[0], "return two things"),
    (c.train_neuron, lambda x, y, r, n: _neuron(x, y, r, n // 3), "take all `steps` steps"),
    # constant rescalings of the gradient reach the same minimum; the first five steps tell them apart
    (c.train_neuron, lambda x, y, r, n: _neuron(x, y, r, n, denominator="size"), "not by X.size"),
    (c.train_neuron, lambda x, y, r, n: _neuron(x, y, r, n, factor=2.0, bias_factor=2.0), "no factor 2"),
    (c.train_neuron, lambda x, y, r, n: _neuron(x, y, r, n, factor=2.0), "drop the factor 2"),
    (c.train_neuron, lambda x, y, r, n: _neuron(x, y, r, n, bias_factor=0.5), "the full mean(p - y)"),
    (c.train_neuron, lambda x, y, r, n: _neuron(x, y, r, n // 2), "take exactly `steps` steps"),
    (c.train_neuron, lambda x, y, r, n: _neuron(x, y, r, 2 * n // 3), "take exactly `steps` steps"),
]


test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)


def test_the_right_answers_pass() -> None:
    assert c.train_neuron.run(_neuron).passed
    assert c.logit.run(lambda p: np.log(p) - np.log1p(-p)).passed
    assert c.cross_entropy.run(lambda y, p: -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))).passed
    assert c.finite_difference.run(lambda f, w, e: (f(w + 1e-5) - f(w - 1e-5)) / 2e-5).passed
    assert c.dense_parameters.run(lambda i, layers: np.int64(sum(a * b + b for a, b in _sizes(i, layers)))).passed
    assert c.largest_stable_rate.run(lambda x: 1 / np.mean(x**2)).passed
    assert c.gradient_step.run(lambda w, x, y, r: w - r * 2 * np.mean((w * x - y) * x)).passed
    assert c.softmax.run(lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()).passed
