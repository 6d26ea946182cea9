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
    assert c.best_capacity.run(lambda caps, train, val: min(zip(val, caps))[1]).passed
    assert c.best_capacity.run(lambda caps, train, val: list(caps)[list(val).index(min(val))]).passed


def test_best_capacity_names_a_capacity_that_was_not_tried() -> None:
    result = c.best_capacity.run(lambda caps, train, val: 99)
    assert result.status == "fail" and result.mistake is None and "not one of the capacities tried" in result.message


def test_best_capacity_on_the_chapters_trees_is_depth_4() -> None:
    from medlearn.check.how_networks_learn import _data

    depths, train_error, val_error = _data.tree_errors()
    assert int(depths[np.argmin(val_error)]) == 4 and np.all(np.diff(train_error) < 0)


def _backprop_by_loops(params: dict, X: np.ndarray, y: np.ndarray) -> dict:
    """The gradients summed mass by mass and neuron by neuron, then averaged: no matrix products."""
    grads = {"W1": np.zeros((2, 2)), "b1": np.zeros(2), "w2": np.zeros(2), "b2": np.zeros(1)}
    for x, label in zip(X, y, strict=True):
        sums = [x[0] * params["W1"][0, j] + x[1] * params["W1"][1, j] + params["b1"][j] for j in range(2)]
        hidden = [max(s, 0.0) for s in sums]
        p = 1 / (1 + np.exp(-(hidden[0] * params["w2"][0] + hidden[1] * params["w2"][1] + params["b2"])))
        error = (p - label) / len(y)
        grads["b2"] += error
        for j in range(2):
            grads["w2"][j] += error * hidden[j]
            at_sum = error * params["w2"][j] * (1.0 if sums[j] > 0 else 0.0)
            grads["b1"][j] += at_sum
            for k in range(2):
                grads["W1"][k, j] += at_sum * x[k]
    return grads


def test_backprop_written_with_loops_passes() -> None:
    assert c.backprop.run(_backprop_by_loops).passed


def test_backprop_with_a_wrong_shape_names_the_array() -> None:
    def flat_w1(params: dict, X: np.ndarray, y: np.ndarray) -> dict:
        return {**_backprop_by_loops(params, X, y), "W1": np.zeros(4)}

    result = c.backprop.run(flat_w1)
    assert result.status == "fail" and "'W1' has shape (4,)" in result.message


def test_a_gradient_summed_for_the_weights_only_gets_the_sum_hint() -> None:
    def summed_weights(X: np.ndarray, y: np.ndarray, rate: float, steps: int) -> tuple:
        w, b = np.zeros(X.shape[1]), 0.0
        for _ in range(steps):
            p = 1 / (1 + np.exp(-(X @ w + b)))
            w = w - rate * X.T @ (p - y)
            b = b - rate * np.mean(p - y)
        return w, b

    result = c.train_neuron.run(summed_weights)
    assert result.status == "fail" and result.mistake == "sum", result.message


def test_best_capacity_keeps_the_smaller_of_two_tied_capacities() -> None:
    first = c.best_capacity.run(lambda caps, train, val: caps[np.argmin(val)])
    last = c.best_capacity.run(lambda caps, train, val: caps[len(val) - 1 - np.argmin(val[::-1])])
    assert first.passed
    assert last.status == "fail" and last.mistake == "last tied minimum"
