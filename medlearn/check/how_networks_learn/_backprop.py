"""The how_networks_learn chapter's backprop task: the gradients of a tiny 2-2-1 network's loss, written by hand,
and its table of mistakes.

The network is the chapter's § 3 one in small: two inputs, two hidden ReLU neurons, one sigmoid output, and the
mean binary cross-entropy. Its weight matrix W1 is 2 × 2, so a transposed gradient has the right shape and only
its values give it away. The one-mass case passes code that works for one mass only (delta2 * w2, np.outer(X,
delta1)); the batches then name it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._messages import tr
from ..core import Mistake, Wrong, as_result, close, compared
from . import _data

_KEYS = ("W1", "b1", "w2", "b2")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _gradients(
    params: dict,
    X: np.ndarray,
    y: np.ndarray,
    *,
    mask: bool = True,
    error: str = "p - y",
    transposed: bool = False,
    mean: bool = True,
    relu: str = "slope",
    output_product: str = "outer",
    hidden_product: str = "X.T @",
    averaged_again: bool = False,
) -> dict[str, Any]:
    """The gradients of the mean cross-entropy in each parameter, or one of the usual ways of getting them wrong."""
    z1 = X @ params["W1"] + params["b1"]
    h = np.maximum(z1, 0)
    p = _sigmoid(h @ params["w2"] + params["b2"])
    slope = {
        "p - y": p - y,
        "y - p": y - p,
        "times the sigmoid's slope": (p - y) * p * (1 - p),
        "slope in p": (p - y) / (p * (1 - p)),
    }[error]
    delta2 = slope / len(y) if mean else slope
    # "times": the one-mass code's delta2 * w2, which cannot broadcast on a batch of more than 2 masses
    dh = np.outer(delta2, params["w2"]) if output_product == "outer" else delta2 * params["w2"]
    delta1 = dh * ({"slope": z1 > 0, "value": h}[relu] if mask else 1.0)  # "value": ReLU's value h, not its slope
    W1 = {"X.T @": X.T @ delta1, "transposed": delta1.T @ X, "outer": np.outer(X, delta1)}[
        "transposed" if transposed else hidden_product
    ]
    grads = {"W1": W1, "b1": delta1.sum(axis=0), "w2": h.T @ delta2, "b2": float(delta2.sum())}
    if averaged_again:  # a mean taken again after delta2 already held the 1/n
        grads = {"W1": W1 / len(y), "b1": delta1.mean(axis=0), "w2": h.T @ delta2 / len(y), "b2": float(delta2.mean())}
    return grads


def _cases() -> list[tuple[dict, np.ndarray, np.ndarray]]:
    """Real masses (two standardised measurements, 1 = malignant) and three sets of weights.

    The first case is one mass, with one hidden neuron on and one off. In every case at least one hidden neuron is
    off (z1 < 0) for some mass, so a missing ReLU slope shows, and W1 is not symmetric, so a transposed gradient
    shows.
    """
    x, y = _data.two_measurements()
    first = {
        "W1": np.array([[0.5, -0.3], [0.2, 0.8]]),
        "b1": np.array([0.1, -0.2]),
        "w2": np.array([1.0, -0.7]),
        "b2": 0.05,
    }
    second = {
        "W1": np.array([[-0.6, 0.4], [0.9, 0.3]]),
        "b1": np.array([0.2, 0.0]),
        "w2": np.array([-0.5, 1.2]),
        "b2": -0.1,
    }
    third = {
        "W1": np.array([[1.1, -0.2], [-0.4, 0.7]]),
        "b1": np.array([-0.3, 0.1]),
        "w2": np.array([0.8, 0.6]),
        "b2": 0.2,
    }
    return [
        (first, x[7:8], y[7:8]),  # a malignant mass: hidden neuron 1 on, hidden neuron 2 off
        (first, x[:8], y[:8]),
        (second, x[20:45], y[20:45]),
        (third, x[100:160], y[100:160]),
    ]


def _shape(key: str, params: dict) -> tuple[int, ...]:
    return np.shape(params[key])


class _Raised:
    """What the learner's function raised, kept for ``_read`` to name (a broadcast error is a typical mistake)."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _guarded(function: Any) -> Any:
    """The learner's function, returning a ValueError it raises instead of raising it."""
    if not callable(function):
        return function

    def run(*args: Any) -> Any:
        try:
            return function(*args)
        except ValueError as error:
            return _Raised(error)

    return run


def _read(value: Any, params: dict, X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    if isinstance(value, _Raised):
        if "broadcast" in str(value.error) and len(y) > 1:
            raise _ONE_MASS_PRODUCT.wrong(value, params, X, y)
        raise Wrong(tr("your function raised {error}: {message}", error="ValueError", message=str(value.error)))
    result = as_result(value, _KEYS)
    read = {}
    for key in _KEYS:
        try:
            array = np.asarray(result[key], dtype=np.float64)
        except (TypeError, ValueError):
            raise Wrong(tr("your gradient {key!r} should hold numbers.", key=key)) from None
        want = _shape(key, params)
        if key == "b2" and array.size == 1:
            array = array.reshape(())
        if key == "W1" and array.shape == (X.size, X.size) and len(y) > 1:
            raise _OUTER_X.wrong(array, params, X, y)
        if array.shape != want:
            raise Wrong(
                tr(
                    "your gradient {key!r} has shape {shape}; it must have the shape of params[{key!r}], {want}. "
                    "A parameter's gradient has one slope per number of the parameter.",
                    key=key,
                    shape=array.shape,
                    want=want,
                )
            )
        read[key] = array
    return read


def _same(got: dict, want: dict) -> bool:
    return all(close(np.ravel(got[key]), np.ravel(want[key]), rtol=1e-6, atol=1e-10) for key in _KEYS)


def _where(got: dict, params: dict, X: np.ndarray, y: np.ndarray) -> str:
    want = _gradients(params, X, y)
    wrong = [key for key in _KEYS if not close(np.ravel(got[key]), np.ravel(want[key]), rtol=1e-6, atol=1e-10)]
    n, keys = len(y), ", ".join(wrong)
    if len(wrong) == 1 and n == 1:
        return tr("on 1 mass, your gradient of {keys} is wrong.", keys=keys)
    if len(wrong) == 1:
        return tr("on {n} masses, your gradient of {keys} is wrong.", n=n, keys=keys)
    if n == 1:
        return tr("on 1 mass, your gradients of {keys} are wrong.", keys=keys)
    return tr("on {n} masses, your gradients of {keys} are wrong.", n=n, keys=keys)


def _averaged_again(got: dict, want: dict, params: dict, X: np.ndarray, y: np.ndarray) -> bool:
    """True when each gradient is right or n times too small, and at least one is too small (n > 1)."""
    n = len(y)
    small = [close(np.ravel(got[key]), np.ravel(want[key]) / n, rtol=1e-6, atol=1e-12) for key in _KEYS]
    right = [close(np.ravel(got[key]), np.ravel(want[key]), rtol=1e-6, atol=1e-12) for key in _KEYS]
    return n > 1 and any(small) and all(s or r for s, r in zip(small, right))


_ONE_MASS_PRODUCT = Mistake(
    "delta2 * w2 on a batch",
    lambda params, X, y: _gradients(params, X, y, output_product="times"),
    lambda got, params, X, y: tr(
        "on {n} masses, your function raised a ValueError: shapes that cannot broadcast. delta2 * params['w2'] "
        "works for one mass only. On a batch, delta2 has one value per mass and w2 one per hidden neuron. Each mass "
        "needs its own row: np.outer(delta2, params['w2']) is the table of every delta2[i] * w2[j], one row per mass.",
        n=len(y),
    ),
)
_OUTER_X = Mistake(
    "np.outer(X, delta1)",
    lambda params, X, y: _gradients(params, X, y, hidden_product="outer"),
    lambda got, params, X, y: tr(
        "on {n} masses, your gradient 'W1' has shape {shape}; it must have the shape of params['W1'], {want}. "
        "np.outer flattens its arguments, so np.outer(X, delta1) works for one mass only. For a batch, W1's "
        "gradient multiplies each mass's x by its delta1 and adds over the masses: X.T @ delta1.",
        n=len(y),
        shape=got.shape,
        want=np.shape(params["W1"]),
    ),
)


@compared(
    tr(
        "Work backwards from the loss, one layer at a time. At the output's logit the slope of one mass's loss is "
        "p - y (§ 2); the loss is a mean over the masses, so divide by their number."
    ),
    tr(
        "For one mass the slope in w2 is (p - y) * h. For n masses, add these up and divide by n; h.T @ delta2 does "
        "the adding."
    ),
    tr(
        "A weight's slope is the slope at the weighted sum it feeds, times the value it multiplies. Back through w2 "
        "you reach the hidden values h; back through ReLU, keep the slope only where z1 > 0."
    ),
    tr(
        "delta2 = (p - y) / len(y); w2: h.T @ delta2; b2: delta2.sum(); delta1 = np.outer(delta2, params['w2']) * "
        "(z1 > 0); W1: X.T @ delta1; b1: delta1.sum(axis=0)"
    ),
    cases=_cases,
    read=_read,
    same=_same,
    prepare=_guarded,  # a broadcast error on a batch earns its hint
    mistakes=[
        Mistake(
            "no ReLU slope",
            lambda params, X, y: _gradients(params, X, y, mask=False),
            lambda got, *case: tr(
                "{where} Your W1 and b1 get a slope from hidden neurons that were off. Where z1 < 0, ReLU's slope is "
                "0, so nothing flows back: multiply by (z1 > 0).",
                where=_where(got, *case),
            ),
        ),
        Mistake(
            "y - p",
            lambda params, X, y: _gradients(params, X, y, error="y - p"),
            lambda got, *case: tr(
                "{where} Every slope has the wrong sign. At the output's logit the slope is p - y, not y - p: a "
                "malignant mass (y = 1) with p below 1 must pull its logit up, so the slope is negative.",
                where=_where(got, *case),
            ),
        ),
        Mistake(
            "times the sigmoid's slope",
            lambda params, X, y: _gradients(params, X, y, error="times the sigmoid's slope"),
            lambda got, *case: tr(
                "{where} You multiplied p - y by the sigmoid's slope p (1 - p). But p - y is already the slope at the "
                "logit: the cross-entropy's slope in p, times p (1 - p), simplifies to p - y. Use p - y alone.",
                where=_where(got, *case),
            ),
        ),
        Mistake(
            "slope in p",
            lambda params, X, y: _gradients(params, X, y, error="slope in p"),
            lambda got, *case: tr(
                "{where} You started from the loss's slope in p, (p - y) / (p (1 - p)), and stopped there. Go one "
                "step further, through the sigmoid: times p (1 - p), which leaves p - y at the logit.",
                where=_where(got, *case),
            ),
        ),
        Mistake(
            "W1 transposed",
            lambda params, X, y: _gradients(params, X, y, transposed=True),
            lambda got, *case: tr(
                "{where} Your W1 gradient is transposed. W1[k, j] joins input k to hidden neuron j, so its gradient "
                "has one row per input: X.T @ delta1, not delta1.T @ X. (Here W1 is 2 × 2, so the shape cannot tell.)",
                where=_where(got, *case),
            ),
        ),
        Mistake(
            "ReLU's value, not its slope",
            lambda params, X, y: _gradients(params, X, y, relu="value"),
            lambda got, *case: tr(
                "{where} You multiplied by ReLU's value h, not by its slope. ReLU's slope is 1 where z1 > 0 and 0 "
                "elsewhere: multiply by (z1 > 0).",
                where=_where(got, *case),
            ),
        ),
        _ONE_MASS_PRODUCT,
        _OUTER_X,
        Mistake(
            "averaged twice",
            lambda params, X, y: _gradients(params, X, y, averaged_again=True),
            lambda got, *case: tr(
                "{where} Some of your gradients are {n} times too small: you divided by the number of masses twice. "
                "delta2 = (p - y) / n already makes each slope a mean. After it, add over the masses (h.T @ delta2, "
                "delta2.sum()); do not take .mean() again.",
                where=_where(got, *case),
                n=len(case[2]),
            ),
            spot=_averaged_again,
        ),
        Mistake(
            "sum",
            lambda params, X, y: _gradients(params, X, y, mean=False),
            lambda got, *case: tr(
                "{where} Your gradients are {n} times too large: you summed over the masses. The loss is the mean "
                "over the masses, so divide p - y by len(y).",
                where=_where(got, *case),
                n=len(case[2]),
            ),
        ),
    ],
    otherwise=lambda got, want, *case: tr(
        "{where} Compare each array with the five steps of the chapter's § 3: delta2 = (p - y) / n, then w2 and b2, "
        "then back through w2 and ReLU to delta1, then W1 and b1.",
        where=_where(got, *case),
    ),
)
def backprop(params: dict, X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    return _gradients(params, X, y)
