"""Checks for the exercises of the how_networks_learn chapter, how a network learns.

In the exercise notebook::

    from medlearn.check import how_networks_learn as check
    check.gradient_step.hint()            # a hint, before or after trying
    check.gradient_step(gradient_step)    # pass, a targeted hint, or "not done yet"

The checks run the learner's functions on the chapter's real data (scikit-learn's diabetes and Wisconsin
breast-cancer tables, which ship with it) and on random inputs, and name the usual mistakes: a step up the slope
instead of down, a sum where a mean belongs, a missing bias, a one-sided difference, an overflowing exponential, a
capacity chosen by the training error (or by the smallest gap, or at the first rise of the validation error), and
in backpropagation a missing ReLU slope (or ReLU's value in its place), a flipped or doubled output slope, a
transposed gradient, the one-mass code run on a batch (delta2 * w2, np.outer(X, delta1)) and a mean taken twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..._messages import tr
from ..core import Mistake, as_array, as_number, close, compared
from ._backprop import backprop
from ._capacity import best_capacity
from ._one_weight import finite_difference, gradient_step, largest_stable_rate
from ._train_neuron import train_neuron

__all__ = [
    "backprop",
    "best_capacity",
    "cross_entropy",
    "dense_parameters",
    "finite_difference",
    "gradient_step",
    "largest_stable_rate",
    "logit",
    "softmax",
    "train_neuron",
]


def _within(tolerance: float) -> Callable[[Any, Any], bool]:
    return lambda got, want: abs(got - want) < tolerance


def _terms(y_true: np.ndarray, p: np.ndarray) -> np.ndarray:
    return -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))


def _where_entropy(got: float, y_true: np.ndarray, p: np.ndarray) -> str:
    return tr(
        "for {count} case(s) you returned {got:.4f}, expected {want:.4f}.",
        count=len(y_true),
        got=got,
        want=float(np.mean(_terms(y_true, p))),
    )


def _entropy_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(5)
    return [
        (np.array([1.0]), np.array([0.8])),
        (np.array([0.0]), np.array([0.8])),
        (rng.integers(0, 2, 50).astype(float), rng.uniform(0.02, 0.98, 50)),
    ]


@compared(
    tr("For one case: -(y * log(p) + (1 - y) * log(1 - p)). Average over the cases."),
    tr("np.log is the natural logarithm, as the cross-entropy uses. Keep the minus sign: log(p) is negative."),
    tr("return float(np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))))"),
    cases=_entropy_cases,
    read=lambda value, *_: as_number(value, tr("your cross-entropy")),
    same=_within(1e-9),
    mistakes=[
        Mistake(
            "sign flipped",
            lambda y_true, p: -float(np.mean(_terms(y_true, p))),
            lambda *case: tr(
                "{where} The sign is flipped: log(p) is negative, so the loss is minus the log.",
                where=_where_entropy(*case),
            ),
        ),
        Mistake(
            "sum",
            lambda y_true, p: float(np.sum(_terms(y_true, p))),
            lambda *case: tr("{where} You summed over the cases; the loss is their mean.", where=_where_entropy(*case)),
        ),
        Mistake(
            "labels swapped",
            lambda y_true, p: float(np.mean(-(y_true * np.log(1 - p) + (1 - y_true) * np.log(p)))),
            lambda *case: tr(
                "{where} log(p) goes with y = 1 (the probability of the label 1), log(1 - p) with y = 0.",
                where=_where_entropy(*case),
            ),
        ),
        Mistake(
            "base 10",
            lambda y_true, p: float(np.mean(_terms(y_true, p) / np.log(10))),
            lambda *case: tr(
                "{where} That is log base 10; the cross-entropy uses the natural logarithm, np.log.",
                where=_where_entropy(*case),
            ),
        ),
    ],
    otherwise=lambda got, want, *case: tr(
        "{where} The cross-entropy is mean(-(y log p + (1 - y) log(1 - p))).", where=_where_entropy(got, *case)
    ),
)
def cross_entropy(y_true: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean(_terms(y_true, p)))


@compared(
    tr("The logit is the log of the odds: the odds are p / (1 - p)."),
    tr("It is the inverse of the sigmoid: sigmoid(logit(p)) must give p back."),
    tr("return np.log(p / (1 - p))"),
    cases=lambda: [(np.array([0.5, 0.8, 0.1, 0.999, 0.3]),)],
    read=lambda value, p: as_array(value, tr("your logits"), shape=p.shape),
    same=lambda got, want: close(got, want, atol=1e-9),
    mistakes=[
        Mistake(
            "odds inverted",
            lambda p: np.log((1 - p) / p),
            tr("your logits have the wrong sign: the odds are p / (1 - p), not (1 - p) / p."),
        ),
        Mistake(
            "log of p",
            lambda p: np.log(p),
            tr("that is log(p); the logit is the log of the odds, log(p / (1 - p)). logit(0.5) must be 0."),
        ),
        Mistake(
            "base 10",
            lambda p: np.log10(p / (1 - p)),
            tr("that is log base 10 of the odds; use the natural logarithm, np.log."),
        ),
    ],
    otherwise=lambda *_: tr("logit(0.5) must be 0 and logit(0.8) = log(4) = 1.386: the log of p / (1 - p)."),
)
def logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _softmax(logits: np.ndarray) -> np.ndarray:
    return np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()


def _large(logits: np.ndarray) -> bool:
    """True for the logits that overflow np.exp (the second half of softmax's cases)."""
    return bool(np.abs(logits).max() >= 1000)


def _near(got: Any, want: Any) -> bool:
    return close(got, want, atol=1e-9)


@compared(
    tr("Exponentiate each logit and divide by the sum of the exponentials: the results add up to 1."),
    tr("np.exp(1000) overflows to infinity. Subtract the largest logit first: it changes nothing in the result."),
    tr("shifted = np.exp(logits - np.max(logits)); return shifted / shifted.sum()"),
    cases=lambda: [
        (np.array(logits),)
        for logits in (
            [2.0, 1.0, 0.1],
            [0.0, 0.0],
            [-3.0, 4.0, 0.5, 2.5],
            [1000.0, 999.0],
            [-1000.0, 1000.0],
            [1000.0, 0.0],
        )
    ],
    read=lambda value, logits: as_array(value, tr("your probabilities"), shape=logits.shape),
    same=_near,
    mistakes=[
        Mistake(
            "not divided",
            lambda logits: np.exp(logits),
            tr("you exponentiated but did not divide by the sum: the probabilities must add up to 1."),
            spot=lambda got, want, logits: not _large(logits) and _near(got, np.exp(logits)),
        ),
        Mistake(
            "not exponentiated",
            lambda logits: logits / logits.sum(),
            tr("you divided the logits by their sum; exponentiate them first (logits can be negative)."),
            spot=lambda got, want, logits: not _large(logits) and _near(got, logits / logits.sum()),
        ),
        Mistake(
            "overflow",
            lambda logits: np.exp(logits - logits.min()) / np.exp(logits - logits.min()).sum(),
            lambda got, logits: tr(
                "correct on small logits, but softmax({logits}) gave NaN or infinity: np.exp(1000) overflows. "
                "Subtract the largest logit (not another one) before exponentiating.",
                logits=logits.tolist(),
            ),
            spot=lambda got, want, logits: _large(logits) and not np.all(np.isfinite(got)),
        ),
        Mistake(
            "clipped logits",
            lambda logits: np.exp(np.clip(logits, -50, 50)) / np.exp(np.clip(logits, -50, 50)).sum(),
            lambda got, logits: tr(
                "softmax({logits}) should be {want}: only the differences between logits matter.",
                logits=logits.tolist(),
                want=_softmax(logits).tolist(),
            ),
            spot=lambda got, want, logits: _large(logits),
        ),
    ],
    otherwise=lambda got, want, logits: tr(
        "softmax({logits}) should be {want}, not {got}.",
        logits=logits.tolist(),
        want=np.round(want, 3).tolist(),
        got=np.round(got, 3).tolist(),
    ),
)
def softmax(logits: np.ndarray) -> np.ndarray:
    return _softmax(logits)


def _layer_sizes(inputs: int, layers: list[int]) -> list[tuple[int, int]]:
    sizes = [inputs, *layers]
    return list(zip(sizes[:-1], sizes[1:], strict=True))


def _where_dense(got: float, inputs: int, layers: list[int]) -> str:
    want = sum(a * b + b for a, b in _layer_sizes(inputs, layers))
    return tr(
        "dense_parameters({inputs}, {layers}) returned {got:g}, expected {want}.",
        inputs=inputs,
        layers=layers,
        got=got,
        want=want,
    )


@compared(
    tr("A dense layer with k inputs and m neurons has a weight for every (input, neuron) pair and a bias per neuron."),
    tr(
        "Go through the layers in turn: each layer's inputs are the previous layer's neurons (the first layer's are "
        "the inputs)."
    ),
    tr("total = 0; for m in layers: total += inputs * m + m; inputs = m"),
    cases=lambda: [(30, [32, 1]), (784, [64, 32, 1]), (4, [3]), (10, [5, 5, 5, 3])],
    read=lambda value, inputs, layers: as_number(value, f"dense_parameters({inputs}, {layers})"),
    same=lambda got, want: got == want,
    mistakes=[
        Mistake(
            "no biases",
            lambda inputs, layers: sum(a * b for a, b in _layer_sizes(inputs, layers)),
            lambda *case: tr(
                "{where} The biases are missing: each neuron has one, so add m for a layer of m neurons.",
                where=_where_dense(*case),
            ),
        ),
        Mistake(
            "every layer on the inputs",
            lambda inputs, layers: sum(inputs * m + m for m in layers),
            lambda *case: tr(
                "{where} Each layer's inputs are the previous layer's neurons, not the network's inputs.",
                where=_where_dense(*case),
            ),
        ),
    ],
    otherwise=lambda got, want, *case: tr(
        "{where} A layer of m neurons on k inputs has k * m weights and m biases.", where=_where_dense(got, *case)
    ),
)
def dense_parameters(inputs: int, layers: list[int]) -> int:
    return sum(a * b + b for a, b in _layer_sizes(inputs, layers))
