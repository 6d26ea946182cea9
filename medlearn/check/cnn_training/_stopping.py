"""The cnn_training chapter's tasks on stopping a training: the best epoch of a history, and an EarlyStopping callback,
with their tables of mistakes."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..._messages import tr
from ..core import Mistake, call, compared, task
from ._read import as_int

_HISTORY = {
    "loss": [0.69, 0.52, 0.41, 0.35, 0.30, 0.24, 0.26],
    "val_loss": [0.66, 0.55, 0.47, 0.49, 0.45, 0.51, 0.58],
    "auc": [0.70, 0.83, 0.90, 0.93, 0.95, 0.97, 0.96],
    "val_auc": [0.74, 0.86, 0.91, 0.92, 0.91, 0.90, 0.89],
}


def _best(values: list[float], mode: str, reverse: bool = False) -> int:
    """The 1-based epoch of the lowest value for 'min', the highest for 'max' (the other way round, ``reverse``)."""
    lowest = (mode == "min") != reverse
    return int((np.argmin if lowest else np.argmax)(values)) + 1


@compared(
    tr("history[monitor] is a list with one value per epoch; find the best one (lowest for 'min', highest for 'max')."),
    tr("int(np.argmin(values)) + 1 for 'min' (np.argmax for 'max'): epochs are counted from 1."),
    cases=lambda: [(_HISTORY, "val_loss", "min"), (_HISTORY, "val_auc", "max")],
    read=lambda value, *_: as_int(value, tr("the epoch")),
    same=operator.eq,
    mistakes=[
        Mistake(
            "0-based",
            lambda history, monitor, mode: _best(history[monitor], mode) - 1,
            tr("Keras counts epochs from 1 (the first epoch is epoch 1); your answer looks 0-based."),
        ),
        Mistake(
            "last epoch",
            lambda history, monitor, mode: len(history[monitor]),
            tr("that is the last epoch; restore_best_weights keeps the epoch with the best monitored value."),
        ),
        Mistake(
            "mode reversed",
            lambda history, monitor, mode: _best(history[monitor], mode, reverse=True),
            lambda got, history, monitor, mode: (
                tr("mode '{mode}': for {monitor} lower is better.", mode=mode, monitor=monitor)
                if mode == "min"
                else tr("mode '{mode}': for {monitor} higher is better.", mode=mode, monitor=monitor)
            ),
        ),
        Mistake(
            "training curve",
            lambda history, monitor, mode: _best(history[monitor.removeprefix("val_")], mode),
            lambda got, history, monitor, mode: tr(
                "you used the training curve; early stopping watches the validation curve {monitor}.", monitor=monitor
            ),
        ),
    ],
    otherwise=lambda got, want, history, monitor, mode: tr(
        "for {monitor} ({mode}) the best epoch is {want}; you returned {got}.",
        monitor=monitor,
        mode=mode,
        want=want,
        got=got,
    ),
)
def best_epoch(history: dict[str, list[float]], monitor: str, mode: str) -> int:
    return _best(history[monitor], mode)


def _early_stopping(**options: Any) -> Any:
    import keras

    return keras.callbacks.EarlyStopping(**options)


def _stopping(**change: Any) -> Any:
    options = {"monitor": "val_auc", "mode": "max", "patience": 5, "restore_best_weights": True}
    return lambda: _early_stopping(**(options | change))


_NOT_A_CALLBACK = Mistake(
    "the class",
    lambda: __import__("keras").callbacks.EarlyStopping,
    lambda callback: tr("return a keras.callbacks.EarlyStopping, not {kind}.", kind=type(callback).__name__),
)
_TRAINING_AUC = Mistake(
    "training AUC",
    _stopping(monitor="auc"),
    tr("'auc' is the training AUC, which keeps rising as the model memorises: monitor 'val_auc'."),
)
_OTHER_MONITOR = Mistake(
    "validation loss",
    _stopping(monitor="val_loss", mode="auto"),
    lambda monitor: tr("monitor 'val_auc', the validation AUC; yours monitors {monitor!r}.", monitor=monitor),
)
_MODE_MIN = Mistake(
    "mode min",
    _stopping(mode="min"),
    tr("mode='min' would stop when the AUC stops falling; a higher AUC is better: mode='max'."),
)
_NOT_RESTORED = Mistake(
    "last weights kept",
    _stopping(restore_best_weights=False),
    tr("without restore_best_weights=True the model keeps the weights of the last epoch, which are past the best one."),
)
_PATIENCE = Mistake(
    "patience 50",
    _stopping(patience=50),
    lambda patience: tr(
        "patience {patience}: choose from 3 to 10 epochs; fewer stops at the first noisy epoch, more wastes time.",
        patience=patience,
    ),
)


@task(
    tr("keras.callbacks.EarlyStopping takes monitor, mode, patience and restore_best_weights."),
    tr("EarlyStopping(monitor='val_auc', mode='max', patience=5, restore_best_weights=True)"),
    mistakes=[_NOT_A_CALLBACK, _TRAINING_AUC, _OTHER_MONITOR, _MODE_MIN, _NOT_RESTORED, _PATIENCE],
    reference=_stopping(),
)
def early_stopping(function: Any) -> None:
    import keras

    callback = call(function)
    if not isinstance(callback, keras.callbacks.EarlyStopping):
        raise _NOT_A_CALLBACK.wrong(callback)
    if callback.monitor == "auc":
        raise _TRAINING_AUC.wrong()
    if callback.monitor != "val_auc":
        raise _OTHER_MONITOR.wrong(callback.monitor)
    if getattr(callback, "mode", "auto") == "min":
        raise _MODE_MIN.wrong()
    if not callback.restore_best_weights:
        raise _NOT_RESTORED.wrong()
    if not 3 <= callback.patience <= 10:
        raise _PATIENCE.wrong(callback.patience)
