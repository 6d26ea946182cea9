"""The how_networks_learn chapter's tasks on the loss of one weight: a gradient step, a finite difference and the
largest stable learning rate, with their tables of mistakes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..._messages import tr
from ..core import Mistake, as_number, compared
from . import _data


def _within(tolerance: float) -> Callable[[Any, Any], bool]:
    return lambda got, want: abs(got - want) < tolerance


def _step(w: float, x: np.ndarray, y: np.ndarray, rate: float, factor: float = 2.0) -> float:
    return float(w - rate * factor * np.mean((w * x - y) * x))


def _where_step(got: float, w: float, x: np.ndarray, y: np.ndarray, rate: float) -> str:
    return tr(
        "gradient_step(w={w}, learning_rate={rate}) returned {got:.4f}, expected {want:.4f}.",
        w=w,
        rate=rate,
        got=got,
        want=_step(w, x, y, rate),
    )


def _step_cases() -> list[tuple[float, np.ndarray, np.ndarray, float]]:
    x, y = _data.diabetes_bmi()
    return [(w, x, y, rate) for w, rate in ((0.0, 0.2), (1.5, 0.05), (-0.7, 0.5))]


@compared(
    tr(
        "First find the slope of the loss in w. Take the slope of one patient's (w x - y)^2 in w by the chain rule, "
        "then average it over the patients."
    ),
    tr(
        "The slope is 2 * mean((w * x - y) * x). Step against it: w - learning_rate * slope. A positive slope means "
        "a smaller w lowers the loss."
    ),
    tr("return w - learning_rate * 2 * np.mean((w * x - y) * x)"),
    cases=_step_cases,
    read=lambda value, w, x, y, rate: as_number(value, f"gradient_step({w}, x, y, {rate})"),
    same=_within(1e-9),
    mistakes=[
        Mistake(
            "up the slope",
            lambda w, x, y, rate: w + rate * 2 * np.mean((w * x - y) * x),
            lambda *case: tr(
                "{where} You stepped up the slope: subtract learning_rate * gradient, do not add it.",
                where=_where_step(*case),
            ),
        ),
        Mistake(
            "no factor 2",
            lambda w, x, y, rate: _step(w, x, y, rate, factor=1.0),
            lambda *case: tr(
                "{where} The factor 2 is missing: the slope of (w x - y)^2 in w is 2 (w x - y) x.",
                where=_where_step(*case),
            ),
        ),
        Mistake(
            "sum",
            lambda w, x, y, rate: w - rate * 2 * np.sum((w * x - y) * x),
            lambda *case: tr(
                "{where} You summed over the patients; the loss is a mean, so its slope is a mean too.",
                where=_where_step(*case),
            ),
            spot=lambda got, want, w, x, y, rate: abs(got - (w - rate * 2 * np.sum((w * x - y) * x))) < 1e-6,
        ),
        Mistake(
            "no learning rate",
            lambda w, x, y, rate: w - 2 * np.mean((w * x - y) * x),
            lambda *case: tr(
                "{where} The learning rate is missing: the step is learning_rate times the slope.",
                where=_where_step(*case),
            ),
        ),
        Mistake(
            "no factor x",
            lambda w, x, y, rate: w - rate * 2 * np.mean(w * x - y),
            lambda *case: tr(
                "{where} The slope needs the factor x: d/dw (w x - y)^2 = 2 (w x - y) x, by the chain rule.",
                where=_where_step(*case),
            ),
        ),
    ],
    otherwise=lambda got, want, *case: tr(
        "{where} One step is w - learning_rate * 2 * mean((w x - y) x).", where=_where_step(got, *case)
    ),
)
def gradient_step(w: float, x: np.ndarray, y: np.ndarray, rate: float) -> float:
    return _step(w, x, y, rate)


def _slope_cases() -> list[tuple[Callable[[float], float], float, float]]:
    x, y = _data.diabetes_bmi()

    def mse(w: float) -> float:
        return float(np.mean((w * x - y) ** 2))

    def curved(w: float) -> float:
        return float(np.exp(3 * w))

    # Each loss is a plain function, as a learner expects, that carries its slope: the checks' answer.
    mse.slope = lambda w: 2 * np.mean((w * x - y) * x)
    curved.slope = lambda w: 3 * np.exp(3 * w)
    return [(mse, 0.3, 1e-3), (curved, 1.0, 1e-3)]


def _relative(got: float, want: float, tolerance: float) -> bool:
    return abs(got - want) <= tolerance * max(1.0, abs(want))


def _where_slope(got: float, loss: Callable[[float], float], w: float, eps: float) -> str:
    return tr("at w = {w} you returned {got:.6g}; the slope is {want:.6g}.", w=w, got=got, want=loss.slope(w))


@compared(
    tr("Nudge the weight up by eps and down by eps, and compare the two losses."),
    tr("The slope is (loss(w + eps) - loss(w - eps)) / (2 * eps): the two points are 2 * eps apart."),
    tr("return (loss(w + eps) - loss(w - eps)) / (2 * eps)"),
    cases=_slope_cases,
    read=lambda value, *_: as_number(value, tr("your slope")),
    same=lambda got, want: _relative(got, want, 1e-5),
    mistakes=[
        Mistake(
            "not halved",
            lambda loss, w, eps: (loss(w + eps) - loss(w - eps)) / eps,
            lambda *case: tr(
                "{where} Divide by 2 * eps: loss(w + eps) and loss(w - eps) are 2 * eps apart.",
                where=_where_slope(*case),
            ),
            spot=lambda got, want, *_: _relative(got, 2 * want, 1e-4),
        ),
        Mistake(
            "one-sided",
            lambda loss, w, eps: (loss(w + eps) - loss(w)) / eps,
            lambda *case: tr(
                "{where} That is a one-sided difference, (loss(w + eps) - loss(w)) / eps: its error shrinks only "
                "like eps. The central difference, (loss(w + eps) - loss(w - eps)) / (2 eps), errs like eps squared.",
                where=_where_slope(*case),
            ),
            spot=lambda got, want, loss, w, eps: _relative(got, (loss(w + 1e-3) - loss(w)) / 1e-3, 1e-9),
        ),
    ],
    otherwise=lambda got, want, *case: tr(
        "{where} The central difference is (loss(w + eps) - loss(w - eps)) / (2 * eps).",
        where=_where_slope(got, *case),
    ),
)
def finite_difference(loss: Callable[[float], float], w: float, eps: float) -> float:
    return loss.slope(w)


def _rate_cases() -> list[tuple[float, float, np.ndarray]]:
    x, _ = _data.diabetes_bmi()
    return [(scale, shift, x * scale + shift) for scale, shift in ((1.0, 0.0), (3.0, 0.0), (0.5, 0.0), (1.0, 1.0))]


def _where_rate(got: float, scale: float, shift: float, values: np.ndarray) -> str:
    want = 1 / np.mean(values**2)
    return tr(
        "for x scaled by {scale} and shifted by {shift} you returned {got:.4g}; the boundary is {want:.4g}.",
        scale=scale,
        shift=shift,
        got=got,
        want=want,
    )


def _near_rate(got: float, other: float, want: float) -> bool:
    return abs(got - other) <= 1e-9 * want


@compared(
    tr("For the loss mean((w x - y)^2) the curvature (second derivative) is 2 * mean(x ** 2), the same everywhere."),
    tr("Gradient descent on a parabola of curvature c converges when the learning rate is below 2 / c."),
    tr("return 2 / (2 * np.mean(x ** 2)), that is 1 / mean(x ** 2)"),
    cases=_rate_cases,
    arguments=lambda scale, shift, values: (values,),
    read=lambda value, scale, shift, values: as_number(value, f"largest_stable_rate(x * {scale} + {shift})"),
    same=lambda got, want: abs(got - want) <= 1e-9 * want,
    mistakes=[
        Mistake(
            "1 / variance",
            lambda values: 1 / np.var(values),
            lambda *case: tr(
                "{where} That is 1 / variance, which equals 1 / mean(x ** 2) only for centred x. The model has no "
                "intercept, so the curvature is 2 * mean(x ** 2) whatever the mean of x.",
                where=_where_rate(*case),
            ),
            spot=lambda got, want, scale, shift, values: bool(shift) and _near_rate(got, 1 / np.var(values), want),
        ),
        Mistake(
            "one step",
            lambda values: 1 / (2 * np.mean(values**2)),
            lambda *case: tr(
                "{where} 1 / curvature is the rate that lands on the bottom in one step; steps up to twice that still "
                "converge, zig-zagging.",
                where=_where_rate(*case),
            ),
            spot=lambda got, want, scale, shift, values: _near_rate(got, 1 / (2 * np.mean(values**2)), want),
        ),
        Mistake(
            "no factor 2",
            lambda values: 2 / np.mean(values**2),
            lambda *case: tr(
                "{where} The curvature of mean((w x - y)^2) is 2 * mean(x^2): the factor 2 is missing.",
                where=_where_rate(*case),
            ),
            spot=lambda got, want, scale, shift, values: _near_rate(got, 2 / np.mean(values**2), want),
        ),
    ],
    otherwise=lambda got, want, *case: tr(
        "{where} Converges for rates below 2 / curvature, and the curvature is 2 * mean(x ** 2).",
        where=_where_rate(got, *case),
    ),
)
def largest_stable_rate(values: np.ndarray) -> float:
    return 2 / (2 * np.mean(values**2))
