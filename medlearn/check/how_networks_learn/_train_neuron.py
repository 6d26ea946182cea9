"""The how_networks_learn chapter's train_neuron task: one neuron trained by hand, and its table of mistakes.

Constant rescalings of the gradient reach the same minimum, so the first steps tell them apart.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._messages import tr
from ..core import Mistake, Wrong, as_array, as_number, call, task
from . import _data
from ._training import neuron, neuron_steps

_TWO_THINGS = Mistake(
    "weights only",
    lambda x, y, rate, steps: neuron(x, y, rate, steps)[0],
    tr("return two things: the weights w (an array of 2) and the bias b (a number), as (w, b)."),
)
_NO_BIAS = Mistake(
    "bias never updated",
    lambda x, y, rate, steps: neuron(x, y, rate, steps, bias=False),
    tr("your bias stayed at 0: update b too, by its own gradient mean(p - y)."),
)
_DIVERGED = Mistake(
    "steps that overflow",
    lambda x, y, rate, steps: neuron(x, y, rate, steps, weight_scale=np.inf),
    tr(
        "your weights ran to infinity or NaN. Through the sigmoid, p - y stays between -1 and 1, so the steps stay "
        "small: check that p = sigmoid(X @ w + b), and that the error is p - y."
    ),
)
_SUMMED = Mistake(
    "sum",
    lambda x, y, rate, steps: neuron(x, y, rate, steps, weight_scale=len(y), bias_scale=len(y)),
    lambda n: tr(
        "you summed the gradient over the {n} masses: your first step is {n} times the right one. The loss is "
        "the mean over the masses, so its gradient is a mean too: divide X.T @ (p - y) by len(y), and use "
        "mean(p - y) for b.",
        n=n,
    ),
)
_SQUARED_ERROR = Mistake(
    "squared error through the sigmoid",
    lambda x, y, rate, steps: neuron(x, y, rate, steps, error="squared error"),
    tr(
        "your error at the logit is (p - y) * p * (1 - p): that is the slope of the squared error through the "
        "sigmoid. The cross-entropy's slope in the logit is just p - y: the factor p (1 - p) cancels. Use p - y."
    ),
)
_NO_SIGMOID = Mistake(
    "no sigmoid",
    lambda x, y, rate, steps: neuron(x, y, rate, steps, error="no sigmoid"),
    tr(
        "your error is (X @ w + b) - y: the sigmoid is missing. The probability is p = sigmoid(X @ w + b), and the "
        "error is p - y."
    ),
)
_NEAR = Mistake(
    "a third of the steps",
    lambda x, y, rate, steps: neuron(x, y, rate, steps // 3),
    lambda gap: tr(
        "your weights and bias are near the minimum but not at it (largest difference {gap:.1e}, more than "
        "1e-4): take all `steps` steps, each with the given learning_rate.",
        gap=gap,
    ),
)
_UP_THE_SLOPE = Mistake(
    "up the slope",
    lambda x, y, rate, steps: neuron(x, y, rate, steps, sign=-1.0),
    lambda w, b, reference: tr(
        "your weights {w} and bias {b:.3f} are not at the minimum that scikit-learn's LogisticRegression(C=np.inf) "
        "finds ({want_w}, {want_b:.3f}). Check the sign of the step and the gradient X.T @ (p - y) / n.",
        w=np.round(w, 3).tolist(),
        b=b,
        want_w=np.round(reference.coef_[0], 3).tolist(),
        want_b=reference.intercept_[0],
    ),
)


def _rescaled(name: str, weight_scale: float, bias_scale: float, message: str) -> Mistake:
    return Mistake(
        name,
        lambda x, y, rate, steps: neuron(x, y, rate, steps, weight_scale=weight_scale, bias_scale=bias_scale),
        tr("you reach the minimum, but {message}", message=message),
    )


_RESCALED = {
    (2.0, 2.0): _rescaled(
        "factor 2",
        2.0,
        2.0,
        tr(
            "your steps are twice the right ones: the cross-entropy's gradient has no factor 2 (that 2 belonged to "
            "the squared error of task 1); it is X.T @ (p - y) / n for w and mean(p - y) for b."
        ),
    ),
    (2.0, 1.0): _rescaled(
        "factor 2 on the weights",
        2.0,
        1.0,
        tr(
            "your weight steps are twice the right ones: drop the factor 2 from X.T @ (p - y) / n (the 2 belongs to "
            "the squared error of task 1, not to the cross-entropy)."
        ),
    ),
    (0.5, 1.0): _rescaled(
        "weights over X.size",
        0.5,
        1.0,
        tr(
            "your weight steps are half the right ones: divide X.T @ (p - y) by the number of cases, len(y), not by "
            "X.size (cases times measurements)."
        ),
    ),
    (0.5, 0.5): _rescaled(
        "over X.size",
        0.5,
        0.5,
        tr(
            "your steps are half the right ones: divide by the number of cases, len(y), not by X.size (cases times "
            "measurements)."
        ),
    ),
    (1.0, 0.5): _rescaled(
        "half the bias step",
        1.0,
        0.5,
        tr("your bias steps are half the right ones: the bias's gradient is the full mean(p - y)."),
    ),
    (1.0, 2.0): _rescaled(
        "factor 2 on the bias",
        1.0,
        2.0,
        tr("your bias steps are twice the right ones: the bias's gradient is mean(p - y), with no factor 2."),
    ),
}
_FEWER_STEPS = Mistake(
    "half the steps",
    lambda x, y, rate, steps: neuron(x, y, rate, steps // 2),
    lambda steps, fewer: tr(
        "with steps={steps} you took {fewer} steps: take exactly `steps` steps.", steps=steps, fewer=fewer
    ),
)


def _weights_and_bias(result: Any) -> np.ndarray:
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise _TWO_THINGS.wrong()
    return np.append(as_array(result[0], tr("your weights"), shape=(2,)), as_number(result[1], tr("your bias")))


@task(
    tr("Start from w = zeros and b = 0. Each step: p = sigmoid(X @ w + b); the error is p - y."),
    tr("The gradients are X.T @ (p - y) / n for w and mean(p - y) for b; step against both with the learning rate."),
    tr(
        "for _ in range(steps): p = 1 / (1 + np.exp(-(X @ w + b))); w = w - learning_rate * X.T @ (p - y) / len(y); "
        "b = b - learning_rate * np.mean(p - y)"
    ),
    mistakes=[
        _TWO_THINGS,
        _NO_BIAS,
        _DIVERGED,
        _SUMMED,
        _SQUARED_ERROR,
        _NO_SIGMOID,
        _NEAR,
        _UP_THE_SLOPE,
        *_RESCALED.values(),
        _FEWER_STEPS,
    ],
    reference=neuron,
)
def train_neuron(function: Any) -> None:
    from sklearn.linear_model import LogisticRegression

    x, y = _data.two_measurements()
    got = _weights_and_bias(call(function, x.copy(), y.copy(), 0.5, 3000))
    w, b = got[:2], got[2]
    # fitted to convergence: 3,000 steps at rate 0.5 reach its minimum to about 1e-8, a third of them only to 7e-4;
    # a gradient off by a constant factor reaches it too, which the first steps then catch
    reference = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(x, y)
    gap = max(float(np.abs(w - reference.coef_[0]).max()), abs(b - float(reference.intercept_[0])))
    if gap < 1e-4:
        _check_first_steps(function, x, y)
        return
    if abs(b) < 1e-12:
        raise _NO_BIAS.wrong()
    if not np.all(np.isfinite(w)):
        raise _DIVERGED.wrong()
    if _summed(function, x, y):
        raise _SUMMED.wrong(len(y))
    for mistake, error in ((_SQUARED_ERROR, "squared error"), (_NO_SIGMOID, "no sigmoid")):
        if _first_steps_are(function, x, y, error=error):
            raise mistake.wrong()
    if gap < 0.1:
        raise _NEAR.wrong(gap)
    raise _UP_THE_SLOPE.wrong(w, b, reference)


def _summed(function: Any, x: np.ndarray, y: np.ndarray) -> bool:
    """True when the first step is len(y) times the right one for the weights (the bias's step summed or not)."""
    n = float(len(y))
    return any(_first_steps_are(function, x, y, steps=1, weight_scale=n, bias_scale=scale) for scale in (n, 1.0))


def _first_steps_are(function: Any, x: np.ndarray, y: np.ndarray, steps: int = 3, **kind: Any) -> bool:
    """True when the learner's first ``steps`` steps at rate 0.5 are the steps of that kind of mistake."""
    got = _weights_and_bias(call(function, x.copy(), y.copy(), 0.5, steps))
    return bool(np.allclose(got, neuron_steps(x, y, 0.5, steps, **kind), rtol=1e-9, atol=1e-9))


def _check_first_steps(function: Any, x: np.ndarray, y: np.ndarray) -> None:
    """After 5 steps at rate 0.5 the weights must match the right steps' (any constant rescaling differs there)."""
    steps = 5
    got = _weights_and_bias(call(function, x.copy(), y.copy(), 0.5, steps))
    right = neuron_steps(x, y, 0.5, steps)
    if np.allclose(got, right, rtol=0, atol=1e-9):
        return
    for (weight_scale, bias_scale), mistake in _RESCALED.items():
        if np.allclose(
            got, neuron_steps(x, y, 0.5, steps, weight_scale=weight_scale, bias_scale=bias_scale), rtol=0, atol=1e-9
        ):
            raise mistake.wrong()
    for fewer in range(steps):
        if np.allclose(got, neuron_steps(x, y, 0.5, fewer), rtol=0, atol=1e-9):
            raise _FEWER_STEPS.wrong(steps, fewer)
    raise Wrong(
        tr(
            "you reach the minimum, but after {steps} steps at rate 0.5 your weights and bias are {got}, the right "
            "steps give {want}: each step is learning_rate times the gradient, X.T @ (p - y) / len(y) for w and "
            "mean(p - y) for b.",
            steps=steps,
            got=np.round(got, 3).tolist(),
            want=np.round(right, 3).tolist(),
        )
    )
