"""Checks for the exercises of the transfer chapter, pretraining and transfer.

In the exercise notebook::

    from medlearn.check import transfer as check
    check.frozen_layers(frozen_layers)

The answers are compared with ``medlearn.models.freeze_blocks``.
"""

from __future__ import annotations

from typing import Any

from .._comparing import built_once
from ..core import Mistake, Wrong, call, task
from . import _answers as _ans

__all__ = ["frozen_layers"]


_NO_NAMES = Mistake("nothing returned", lambda names, depth: None, "return the list of names.")
_WEIGHTLESS = Mistake(
    "ReLU and pooling",
    lambda names, depth: _ans.frozen(names, depth, with_free=True),
    "ReLU and pooling layers have no weights: list only the layers that do (conv, bn).",
)
_NO_BN = Mistake(
    "no batch normalisation",
    lambda names, depth: _ans.frozen(names, depth, skip_bn=True),
    "batch normalisation layers have weights too (a scale, a shift, and moving statistics).",
)
_ONE_TOO_MANY = Mistake(
    "one block too many",
    lambda names, depth: _ans.frozen(names, depth, extra=1),
    lambda depth: f"depth {depth} freezes {depth} blocks: you froze one block too many.",
)
_HEAD = Mistake(
    "the head",
    lambda names, depth: _ans.frozen(names, depth, head=True),
    "the head ('probability') stays trainable: it must learn the new task.",
)


@task(
    "Walk through the names in order and count the convolutions ('conv1', 'conv2', ...). "
    "Every layer before the (depth + 1)-th convolution that has weights is frozen.",
    "In small_cnn, the layers with weights are the convolutions and the batch normalisations ('bn1', ...); "
    "ReLU and pooling layers have none. The head ('probability') is never frozen.",
    mistakes=[_NO_NAMES, _WEIGHTLESS, _NO_BN, _ONE_TOO_MANY, _HEAD],
    reference=_ans.frozen,
)
def frozen_layers(function: Any) -> None:
    for names, depth, want, deeper in _frozen_cases():
        got = call(function, list(names), depth)
        if got is None:
            raise _NO_NAMES.wrong()
        got = list(got)
        if got == want:
            continue
        if [n for n in got if not n.startswith(("relu", "pool"))] == want:
            raise _WEIGHTLESS.wrong()
        if want and got == [n for n in want if n.startswith("conv")]:
            raise _NO_BN.wrong()
        if deeper is not None and got == deeper:
            raise _ONE_TOO_MANY.wrong(depth)
        if "probability" in got:
            raise _HEAD.wrong()
        raise Wrong(f"for depth {depth} the frozen layers are {want}, yours are {got}.")


@built_once
def _frozen_cases() -> list[tuple[list[str], int, list[str], list[str] | None]]:
    """frozen_layers' cases: small_cnn's layer names with widths (4, 8, 16) and (4, 8), each depth, the layers
    freeze_blocks freezes at that depth and at the next (None past the last block)."""
    from ...models import freeze_blocks, small_cnn

    cases = []
    for widths in ((4, 8, 16), (4, 8)):
        model = small_cnn((16, 16, 1), n_classes=2, widths=widths)
        names = [layer.name for layer in model.layers]
        frozen = [freeze_blocks(model, depth) for depth in range(len(widths) + 1)]
        cases += [(names, depth, frozen[depth], (frozen + [None])[depth + 1]) for depth in range(len(widths) + 1)]
    return cases
