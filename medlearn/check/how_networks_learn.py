"""Checks for the exercises of chapter 05, how a network learns.

In the exercise notebook::

    from medlearn.check import how_networks_learn as check
    check.gradient_step.hint()            # a hint, before or after trying
    check.gradient_step(gradient_step)    # pass, a targeted hint, or "not done yet"

The checks run the learner's functions on the chapter's real data (scikit-learn's diabetes and Wisconsin
breast-cancer tables, which ship with it) and on random inputs, and name the usual mistakes: a step up the slope
instead of down, a sum where a mean belongs, a missing bias, a one-sided difference, an overflowing exponential.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import Wrong, as_array, as_number, call, task

__all__ = [
    "cross_entropy",
    "dense_parameters",
    "finite_difference",
    "gradient_step",
    "largest_stable_rate",
    "logit",
    "softmax",
    "train_neuron",
]


def _diabetes_bmi() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_diabetes

    data = load_diabetes()
    bmi = data.data[:, data.feature_names.index("bmi")]
    return (bmi - bmi.mean()) / bmi.std(), (data.target - data.target.mean()) / data.target.std()


def _step(w: float, x: np.ndarray, y: np.ndarray, rate: float, factor: float = 2.0) -> float:
    return float(w - rate * factor * np.mean((w * x - y) * x))


@task(
    hints=[
        "The loss is mean((w * x - y) ** 2). Its slope in w is 2 * mean((w * x - y) * x).",
        "Step against the slope: w - learning_rate * slope. A positive slope means a smaller w lowers the loss.",
        "return w - learning_rate * 2 * np.mean((w * x - y) * x)",
    ]
)
def gradient_step(function: Any) -> None:
    x, y = _diabetes_bmi()
    for w, rate in ((0.0, 0.2), (1.5, 0.05), (-0.7, 0.5)):
        got = as_number(call(function, w, x.copy(), y.copy(), rate), f"gradient_step({w}, x, y, {rate})")
        want = _step(w, x, y, rate)
        if abs(got - want) < 1e-9:
            continue
        where = f"gradient_step(w={w}, learning_rate={rate}) returned {got:.4f}, expected {want:.4f}."
        if abs(got - (2 * w - want)) < 1e-9:
            raise Wrong(f"{where} You stepped up the slope: subtract learning_rate * gradient, do not add it.")
        if abs(got - _step(w, x, y, rate, factor=1.0)) < 1e-9:
            raise Wrong(f"{where} The factor 2 is missing: the slope of (w x - y)^2 in w is 2 (w x - y) x.")
        if abs(got - (w - rate * 2 * np.sum((w * x - y) * x))) < 1e-6:
            raise Wrong(f"{where} You summed over the patients; the loss is a mean, so its slope is a mean too.")
        if abs(got - (w - 2 * np.mean((w * x - y) * x))) < 1e-9:
            raise Wrong(f"{where} The learning rate is missing: the step is learning_rate times the slope.")
        if abs(got - (w - rate * 2 * np.mean(w * x - y))) < 1e-9:
            raise Wrong(f"{where} The slope needs the factor x: d/dw (w x - y)^2 = 2 (w x - y) x, by the chain rule.")
        raise Wrong(f"{where} One step is w - learning_rate * 2 * mean((w x - y) x).")


@task(
    hints=[
        "For one case: -(y * log(p) + (1 - y) * log(1 - p)). Average over the cases.",
        "np.log is the natural logarithm, as the cross-entropy uses. Keep the minus sign: log(p) is negative.",
        "return float(np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))))",
    ]
)
def cross_entropy(function: Any) -> None:
    rng = np.random.default_rng(5)
    cases = [
        (np.array([1.0]), np.array([0.8])),
        (np.array([0.0]), np.array([0.8])),
        (rng.integers(0, 2, 50).astype(float), rng.uniform(0.02, 0.98, 50)),
    ]
    for y_true, p in cases:
        got = as_number(call(function, y_true.copy(), p.copy()), "your cross-entropy")
        terms = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
        want = float(np.mean(terms))
        if abs(got - want) < 1e-9:
            continue
        where = f"for {len(y_true)} case(s) you returned {got:.4f}, expected {want:.4f}."
        if abs(got + want) < 1e-9:
            raise Wrong(f"{where} The sign is flipped: log(p) is negative, so the loss is minus the log.")
        if abs(got - float(np.sum(terms))) < 1e-9:
            raise Wrong(f"{where} You summed over the cases; the loss is their mean.")
        swapped = float(np.mean(-(y_true * np.log(1 - p) + (1 - y_true) * np.log(p))))
        if abs(got - swapped) < 1e-9:
            raise Wrong(f"{where} log(p) goes with y = 1 (the probability of the label 1), log(1 - p) with y = 0.")
        if abs(got - float(np.mean(terms / np.log(10)))) < 1e-9:
            raise Wrong(f"{where} That is log base 10; the cross-entropy uses the natural logarithm, np.log.")
        raise Wrong(f"{where} The cross-entropy is mean(-(y log p + (1 - y) log(1 - p))).")


@task(
    hints=[
        "The logit is the log of the odds: the odds are p / (1 - p).",
        "It is the inverse of the sigmoid: sigmoid(logit(p)) must give p back.",
        "return np.log(p / (1 - p))",
    ]
)
def logit(function: Any) -> None:
    p = np.array([0.5, 0.8, 0.1, 0.999, 0.3])
    got = as_array(call(function, p.copy()), "your logits", shape=p.shape)
    want = np.log(p / (1 - p))
    if np.allclose(got, want, atol=1e-9):
        return
    if np.allclose(got, -want, atol=1e-9):
        raise Wrong("your logits have the wrong sign: the odds are p / (1 - p), not (1 - p) / p.")
    if np.allclose(got, np.log(p), atol=1e-9):
        raise Wrong("that is log(p); the logit is the log of the odds, log(p / (1 - p)). logit(0.5) must be 0.")
    if np.allclose(got, want / np.log(10), atol=1e-9):
        raise Wrong("that is log base 10 of the odds; use the natural logarithm, np.log.")
    raise Wrong("logit(0.5) must be 0 and logit(0.8) = log(4) = 1.386: the log of p / (1 - p).")


@task(
    hints=[
        "Exponentiate each logit and divide by the sum of the exponentials: the results add up to 1.",
        "np.exp(1000) overflows to infinity. Subtract the largest logit first: it changes nothing in the result.",
        "shifted = np.exp(logits - np.max(logits)); return shifted / shifted.sum()",
    ]
)
def softmax(function: Any) -> None:
    for logits in (np.array([2.0, 1.0, 0.1]), np.array([0.0, 0.0]), np.array([-3.0, 4.0, 0.5, 2.5])):
        want = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
        got = as_array(call(function, logits.copy()), "your probabilities", shape=logits.shape)
        if np.allclose(got, want, atol=1e-9):
            continue
        if np.allclose(got, np.exp(logits), atol=1e-9):
            raise Wrong("you exponentiated but did not divide by the sum: the probabilities must add up to 1.")
        if np.allclose(got, logits / logits.sum(), atol=1e-9):
            raise Wrong("you divided the logits by their sum; exponentiate them first (logits can be negative).")
        raise Wrong(
            f"softmax({logits.tolist()}) should be {np.round(want, 3).tolist()}, not {np.round(got, 3).tolist()}."
        )
    for large in (np.array([1000.0, 999.0]), np.array([-1000.0, 1000.0]), np.array([1000.0, 0.0])):
        got = as_array(call(function, large.copy()), "your probabilities", shape=(2,))
        want = np.exp(large - large.max()) / np.exp(large - large.max()).sum()
        if not np.all(np.isfinite(got)):
            raise Wrong(
                f"correct on small logits, but softmax({large.tolist()}) gave NaN or infinity: np.exp(1000) "
                "overflows. Subtract the largest logit (not another one) before exponentiating."
            )
        if not np.allclose(got, want, atol=1e-9):
            raise Wrong(
                f"softmax({large.tolist()}) should be {want.tolist()}: only the differences between logits matter."
            )


@task(
    hints=[
        "A dense layer with k inputs and m neurons has a weight for every (input, neuron) pair and a bias per neuron.",
        "Go through the layers in turn: each layer's inputs are the previous layer's neurons (the first layer's are "
        "the inputs).",
        "total = 0; for m in layers: total += inputs * m + m; inputs = m",
    ]
)
def dense_parameters(function: Any) -> None:
    cases = [(30, [32, 1]), (784, [64, 32, 1]), (4, [3]), (10, [5, 5, 5, 3])]
    for inputs, layers in cases:
        got = as_number(call(function, inputs, list(layers)), f"dense_parameters({inputs}, {layers})")
        sizes = [inputs, *layers]
        want = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
        if got == want:
            continue
        where = f"dense_parameters({inputs}, {layers}) returned {got:g}, expected {want}."
        if got == sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)):
            raise Wrong(f"{where} The biases are missing: each neuron has one, so add m for a layer of m neurons.")
        if got == sum(inputs * m + m for m in layers):
            raise Wrong(f"{where} Each layer's inputs are the previous layer's neurons, not the network's inputs.")
        raise Wrong(f"{where} A layer of m neurons on k inputs has k * m weights and m biases.")


@task(
    hints=[
        "Nudge the weight up by eps and down by eps, and compare the two losses.",
        "The slope is (loss(w + eps) - loss(w - eps)) / (2 * eps): the two points are 2 * eps apart.",
        "return (loss(w + eps) - loss(w - eps)) / (2 * eps)",
    ]
)
def finite_difference(function: Any) -> None:
    x, y = _diabetes_bmi()

    def mse(w: float) -> float:
        return float(np.mean((w * x - y) ** 2))

    def curved(w: float) -> float:
        return float(np.exp(3 * w))

    for loss, w, want in ((mse, 0.3, 2 * np.mean((0.3 * x - y) * x)), (curved, 1.0, 3 * np.exp(3.0))):
        got = as_number(call(function, loss, w, 1e-3), "your slope")
        if abs(got - want) <= 1e-5 * max(1.0, abs(want)):
            continue
        where = f"at w = {w} you returned {got:.6g}; the slope is {want:.6g}."
        if abs(got - 2 * want) <= 1e-4 * max(1.0, abs(want)):
            raise Wrong(f"{where} Divide by 2 * eps: loss(w + eps) and loss(w - eps) are 2 * eps apart.")
        forward = (loss(w + 1e-3) - loss(w)) / 1e-3
        if abs(got - forward) <= 1e-9 * max(1.0, abs(forward)):
            raise Wrong(
                f"{where} That is a one-sided difference, (loss(w + eps) - loss(w)) / eps: its error shrinks only "
                "like eps. The central difference, (loss(w + eps) - loss(w - eps)) / (2 eps), errs like eps squared."
            )
        raise Wrong(f"{where} The central difference is (loss(w + eps) - loss(w - eps)) / (2 * eps).")


@task(
    hints=[
        "For the loss mean((w x - y)^2) the curvature (second derivative) is 2 * mean(x ** 2), the same everywhere.",
        "Gradient descent on a parabola of curvature c converges when the learning rate is below 2 / c.",
        "return 2 / (2 * np.mean(x ** 2)), that is 1 / mean(x ** 2)",
    ]
)
def largest_stable_rate(function: Any) -> None:
    x, _ = _diabetes_bmi()
    for scale, shift in ((1.0, 0.0), (3.0, 0.0), (0.5, 0.0), (1.0, 1.0)):
        values = x * scale + shift
        got = as_number(call(function, values.copy()), f"largest_stable_rate(x * {scale} + {shift})")
        curvature = 2 * np.mean(values**2)
        want = 2 / curvature
        if abs(got - want) <= 1e-9 * want:
            continue
        where = f"for x scaled by {scale} and shifted by {shift} you returned {got:.4g}; the boundary is {want:.4g}."
        if shift and abs(got - 1 / np.var(values)) <= 1e-9 * want:
            raise Wrong(
                f"{where} That is 1 / variance, which equals 1 / mean(x ** 2) only for centred x. The model has no "
                "intercept, so the curvature is 2 * mean(x ** 2) whatever the mean of x."
            )
        if abs(got - 1 / curvature) <= 1e-9 * want:
            raise Wrong(
                f"{where} 1 / curvature is the rate that lands on the bottom in one step; steps up to twice that "
                "still converge, zig-zagging."
            )
        if abs(got - 2 / np.mean(values**2)) <= 1e-9 * want:
            raise Wrong(f"{where} The curvature of mean((w x - y)^2) is 2 * mean(x^2): the factor 2 is missing.")
        raise Wrong(f"{where} Converges for rates below 2 / curvature, and the curvature is 2 * mean(x ** 2).")


def _two_measurements() -> tuple[np.ndarray, np.ndarray]:
    """Mean radius and mean texture of the 426 Wisconsin masses outside chapter 05's test split, standardised;
    1 = malignant."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer()
    label = (data.target == 0).astype(float)
    columns = [list(data.feature_names).index(name) for name in ("mean radius", "mean texture")]
    x_train, _, y_train, _ = train_test_split(
        data.data[:, columns], label, test_size=0.25, stratify=label, random_state=0
    )
    return (x_train - x_train.mean(axis=0)) / x_train.std(axis=0), y_train


def _neuron_steps(
    x: np.ndarray, y: np.ndarray, rate: float, steps: int, weight_scale: float = 1.0, bias_scale: float = 1.0
) -> np.ndarray:
    """Weights and bias (as one array) after `steps` full-batch steps from zero, gradients scaled as given."""
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        error = 1 / (1 + np.exp(-(x @ w + b))) - y
        w = w - rate * weight_scale * x.T @ error / len(y)
        b = b - rate * bias_scale * float(np.mean(error))
    return np.append(w, b)


# constant rescalings of the gradient reach the same minimum, so the first steps tell them apart
_RESCALED = [
    (
        2.0,
        2.0,
        "your steps are twice the right ones: the cross-entropy's gradient has no factor 2 (that 2 belonged to "
        "the squared error of task 1); it is X.T @ (p - y) / n for w and mean(p - y) for b.",
    ),
    (
        2.0,
        1.0,
        "your weight steps are twice the right ones: drop the factor 2 from X.T @ (p - y) / n (the 2 belongs to "
        "the squared error of task 1, not to the cross-entropy).",
    ),
    (
        0.5,
        1.0,
        "your weight steps are half the right ones: divide X.T @ (p - y) by the number of cases, len(y), not by "
        "X.size (cases times measurements).",
    ),
    (
        0.5,
        0.5,
        "your steps are half the right ones: divide by the number of cases, len(y), not by X.size (cases times "
        "measurements).",
    ),
    (1.0, 0.5, "your bias steps are half the right ones: the bias's gradient is the full mean(p - y)."),
    (1.0, 2.0, "your bias steps are twice the right ones: the bias's gradient is mean(p - y), with no factor 2."),
]


@task(
    hints=[
        "Start from w = zeros and b = 0. Each step: p = sigmoid(X @ w + b); the error is p - y.",
        "The gradients are X.T @ (p - y) / n for w and mean(p - y) for b; step against both with the learning rate.",
        "for _ in range(steps): p = 1 / (1 + np.exp(-(X @ w + b))); w = w - learning_rate * X.T @ (p - y) / len(y); "
        "b = b - learning_rate * np.mean(p - y)",
    ]
)
def train_neuron(function: Any) -> None:
    from sklearn.linear_model import LogisticRegression

    x, y = _two_measurements()
    result = call(function, x.copy(), y.copy(), 0.5, 3000)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Wrong("return two things: the weights w (an array of 2) and the bias b (a number), as (w, b).")
    w = as_array(result[0], "your weights", shape=(2,))
    b = as_number(result[1], "your bias")
    # fitted to convergence: 3,000 steps at rate 0.5 reach its minimum to about 1e-8, a third of them only to 7e-4;
    # a gradient off by a constant factor reaches it too, which the first steps then catch
    reference = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(x, y)
    gap = max(float(np.abs(w - reference.coef_[0]).max()), abs(b - float(reference.intercept_[0])))
    if gap < 1e-4:
        _check_first_steps(function, x, y)
        return
    if abs(b) < 1e-12:
        raise Wrong("your bias stayed at 0: update b too, by its own gradient mean(p - y).")
    if not np.all(np.isfinite(w)):
        raise Wrong("your weights ran to infinity or NaN: divide the gradient by the number of cases (a mean).")
    if gap < 0.1:
        raise Wrong(
            f"your weights and bias are near the minimum but not at it (largest difference {gap:.1e}, more than 1e-4): "
            "take all `steps` steps, each with the given learning_rate."
        )
    raise Wrong(
        f"your weights {np.round(w, 3).tolist()} and bias {b:.3f} are not at the minimum that scikit-learn's "
        f"LogisticRegression(C=np.inf) finds ({np.round(reference.coef_[0], 3).tolist()}, "
        f"{reference.intercept_[0]:.3f}). Check the sign of the step and the gradient X.T @ (p - y) / n."
    )


def _check_first_steps(function: Any, x: np.ndarray, y: np.ndarray) -> None:
    """After 5 steps at rate 0.5 the weights must match the right steps' (any constant rescaling differs there)."""
    steps = 5
    result = call(function, x.copy(), y.copy(), 0.5, steps)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Wrong("return two things: the weights w (an array of 2) and the bias b (a number), as (w, b).")
    got = np.append(as_array(result[0], "your weights", shape=(2,)), as_number(result[1], "your bias"))
    right = _neuron_steps(x, y, 0.5, steps)
    if np.allclose(got, right, rtol=0, atol=1e-9):
        return
    for weight_scale, bias_scale, message in _RESCALED:
        if np.allclose(got, _neuron_steps(x, y, 0.5, steps, weight_scale, bias_scale), rtol=0, atol=1e-9):
            raise Wrong(f"you reach the minimum, but {message}")
    for fewer in range(steps):
        if np.allclose(got, _neuron_steps(x, y, 0.5, fewer), rtol=0, atol=1e-9):
            raise Wrong(f"with steps={steps} you took {fewer} steps: take exactly `steps` steps.")
    raise Wrong(
        f"you reach the minimum, but after {steps} steps at rate 0.5 your weights and bias are "
        f"{np.round(got, 3).tolist()}, the right steps give {np.round(right, 3).tolist()}: each step is "
        "learning_rate times the gradient, X.T @ (p - y) / len(y) for w and mean(p - y) for b."
    )
