"""The how_networks_learn chapter's best_capacity task: the capacity to keep, read from a curve of training and
validation error, and its table of mistakes.

The first case is the chapter's own trees (depth 1 to 12 on two Wisconsin measurements), whose depths start at 1, so
a position counted from 1 passes it; the other two have capacities that are not positions (hidden neurons, epochs),
the second has a validation error that rises for one step and then falls lower, which names an answer that stops at
the first rise; the last has two capacities tied at the lowest validation error, and the rule keeps the smaller.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._messages import tr
from ..core import Mistake, as_number, compared
from . import _data


def _cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    depths, train_error, val_error = _data.tree_errors()
    return [
        (depths, train_error, val_error),
        (  # hidden neurons of a network; the validation error rises once, then falls lower over a broad bottom
            np.array([2, 4, 8, 16, 32, 64, 128]),
            np.array([0.30, 0.22, 0.15, 0.09, 0.04, 0.02, 0.01]),
            np.array([0.33, 0.26, 0.24, 0.25, 0.20, 0.19, 0.21]),
        ),
        (  # epochs of training
            np.array([10, 20, 30, 40, 50, 60]),
            np.array([0.50, 0.40, 0.33, 0.28, 0.24, 0.21]),
            np.array([0.52, 0.45, 0.41, 0.43, 0.47, 0.55]),
        ),
        (  # epochs again; two are tied at the lowest validation error, and the rule keeps the smaller
            np.array([5, 10, 15, 20, 25, 30]),
            np.array([0.40, 0.30, 0.22, 0.16, 0.12, 0.09]),
            np.array([0.42, 0.33, 0.28, 0.30, 0.28, 0.34]),
        ),
    ]


def _first_rise(capacities: np.ndarray, train_error: np.ndarray, val_error: np.ndarray) -> Any:
    """The capacity just before the validation error first rises (the last one if it never does)."""
    rises = np.flatnonzero(np.diff(val_error) > 0)
    return capacities[rises[0] if len(rises) else len(val_error) - 1]


def _otherwise(got: float, want: Any, capacities: np.ndarray, train_error: np.ndarray, val_error: np.ndarray) -> str:
    tried = ", ".join(f"{c:g}" for c in capacities)
    if got not in list(capacities):
        return tr(
            "you returned {got:g}, which is not one of the capacities tried ({tried}). Return one of them.",
            got=got,
            tried=tried,
        )
    at = list(capacities).index(got)
    return tr(
        "you returned capacity {got:g}, whose validation error is {error:.3f}. That is not the lowest validation "
        "error of the capacities {tried}. The task's rule is the simplest: the lowest validation error, and on a tie "
        "the smaller capacity. (Another rule, the one-standard-error rule, keeps the simplest model within one "
        "standard error of the lowest; this task does not use it.)",
        got=got,
        error=val_error[at],
        tried=tried,
    )


@compared(
    tr("Which of the two errors tells you how a model does on cases it has not seen? Find where that error is lowest."),
    tr(
        "np.argmin(val_error) is the position of the lowest validation error in the list; on a tie it gives the "
        "first one, the smaller capacity. The capacity is the value of capacities at that position."
    ),
    tr("return capacities[np.argmin(val_error)]"),
    cases=_cases,
    read=lambda value, *case: as_number(value, tr("your capacity")),
    same=lambda got, want: got == want,
    mistakes=[
        Mistake(
            "lowest training error",
            lambda capacities, train_error, val_error: capacities[np.argmin(train_error)],
            lambda got, *case: tr(
                "you returned {got:g}, the capacity with the lowest training error. The training error keeps "
                "falling as the capacity grows, so it always points at the largest model: the one that over-fits "
                "most. Choose by the validation error.",
                got=got,
            ),
        ),
        Mistake(
            "the error, not the capacity",
            lambda capacities, train_error, val_error: val_error.min(),
            lambda got, *case: tr(
                "you returned {got:g}: the lowest validation error itself. Return the capacity at which it occurs.",
                got=got,
            ),
        ),
        Mistake(
            "position, not capacity",
            lambda capacities, train_error, val_error: int(np.argmin(val_error)),
            lambda got, *case: tr(
                "you returned {got:g}: the position of the lowest validation error in the list, counted from 0. "
                "Return the capacity at that position: capacities[position].",
                got=got,
            ),
        ),
        Mistake(
            "position counted from 1",
            lambda capacities, train_error, val_error: int(np.argmin(val_error)) + 1,
            lambda got, capacities, *_: tr(
                "you returned {got:g}: the position of the lowest validation error, counted from 1. It is the "
                "capacity only when the capacities are 1, 2, 3, ...; here they are {capacities}. Return "
                "capacities[position].",
                got=got,
                capacities=", ".join(f"{c:g}" for c in capacities),
            ),
        ),
        Mistake(
            "smallest gap",
            lambda capacities, train_error, val_error: capacities[np.argmin(np.abs(val_error - train_error))],
            lambda got, *case: tr(
                "you returned {got:g}, where the training and the validation error are closest. But two close "
                "errors can both be high: that model is too simple, so it under-fits. Choose the capacity with the "
                "lowest validation error.",
                got=got,
            ),
        ),
        Mistake(
            "highest validation error",
            lambda capacities, train_error, val_error: capacities[np.argmax(val_error)],
            lambda got, *case: tr(
                "you returned {got:g}, the capacity with the highest validation error. Keep the one with the "
                "lowest: np.argmin, not np.argmax.",
                got=got,
            ),
        ),
        Mistake(
            "last tied minimum",
            lambda capacities, train_error, val_error: capacities[len(val_error) - 1 - np.argmin(val_error[::-1])],
            lambda got, *case: tr(
                "you returned {got:g}, the larger of two capacities tied at the lowest validation error. On a tie, "
                "keep the smaller: it is the simpler model.",
                got=got,
            ),
        ),
        Mistake(
            "stopped at the first rise",
            _first_rise,
            lambda got, *case: tr(
                "you returned {got:g}, the capacity just before the validation error first rose. It can rise for "
                "one step and then fall lower, by chance or not. Look at every capacity, and take the one with the "
                "lowest validation error.",
                got=got,
            ),
        ),
    ],
    otherwise=_otherwise,
)
def best_capacity(capacities: np.ndarray, train_error: np.ndarray, val_error: np.ndarray) -> Any:
    return capacities[np.argmin(val_error)]
