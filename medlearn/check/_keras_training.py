"""What the checks of a task that trains a Keras model share: the fits a learner's function ran, a model's AUC
scored again, a network's layers as a table, and a hint for the errors training raises.

A check that asks a learner to train a model compares the learner's numbers with the learner's own model, scored
again here on the same images: never with stored digits, which move with the processor.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from .._messages import tr
from .core import Wrong, as_result, call

#: How far a reported AUC may be from the one scored again: Keras' AUC metric (200 thresholds) differs from the
#: exact one in the third decimal.
AUC_TOLERANCE = 0.005


@dataclass(frozen=True)
class Fit:
    """One call of ``model.fit`` made by a learner's function: how many images, how many epochs, their scale.

    Example:
        >>> Fit(n=600, epochs=5, largest=1.0, per_image_min_max=False).n
        600
    """

    n: int | None
    epochs: int
    largest: float | None
    per_image_min_max: bool


def _describe(x: Any, epochs: Any) -> Fit:
    try:
        array = np.asarray(x, dtype=np.float64)
    except Exception:  # a tf.data.Dataset or a generator: nothing to measure
        return Fit(None, int(epochs) if isinstance(epochs, int) else 1, None, False)
    if array.ndim < 2 or not len(array):
        return Fit(len(array) if array.ndim else None, int(epochs) if isinstance(epochs, int) else 1, None, False)
    rows = array.reshape(len(array), -1)
    lows, highs = rows.min(axis=1), rows.max(axis=1)
    spread = highs > lows  # a constant image cannot span 0 to 1
    min_max = bool(
        spread.any() and np.allclose(lows[spread], 0, atol=1e-5) and np.allclose(highs[spread], 1, atol=1e-5)
    )
    return Fit(len(array), int(epochs) if isinstance(epochs, int) else 1, float(highs.max()), min_max)


@contextmanager
def recorded_fits() -> Iterator[list[Fit]]:
    """Record every ``keras.Model.fit`` call made inside the block (the training still runs as usual).

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(loss="mse")
        >>> with recorded_fits() as fits:
        ...     _ = model.fit(np.zeros((4, 2)), np.zeros(4), epochs=2, verbose=0)
        >>> fits[0].n, fits[0].epochs
        (4, 2)
    """
    import keras

    fits: list[Fit] = []
    inherited = keras.Model.fit
    own = keras.Model.__dict__.get("fit")

    def fit(self: Any, x: Any = None, y: Any = None, *args: Any, **kwargs: Any) -> Any:
        epochs = args[1] if len(args) > 1 else kwargs.get("epochs", 1)
        fits.append(_describe(x, epochs))
        return inherited(self, x, y, *args, **kwargs)

    keras.Model.fit = fit
    try:
        yield fits
    finally:
        if own is None:
            del keras.Model.fit
        else:
            keras.Model.fit = own


def scored_auc(model: Any, X: np.ndarray, y_true: np.ndarray) -> float:
    """The exact AUC of a model's predictions (dropout off: ``model.predict``) on ``X``.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="ones")])
        >>> scored_auc(model, np.array([[0.0], [1.0], [2.0]]), np.array([0, 0, 1]))
        1.0
    """
    return float(
        roc_auc_score(y_true, np.asarray(model.predict(X, verbose=0, batch_size=256)).reshape(len(X), -1)[:, 0])
    )


def auc_in_training_mode(model: Any, X: np.ndarray, y_true: np.ndarray, draws: int = 5) -> tuple[float, float]:
    """The lowest and highest AUC of ``draws`` scorings with the network in training mode (dropout on, batch
    statistics in batch normalisation): the range a training AUC taken that way falls in.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="ones")])
        >>> auc_in_training_mode(model, np.array([[0.0], [1.0], [2.0]]), np.array([0, 0, 1]))
        (1.0, 1.0)
    """
    values = [
        roc_auc_score(y_true, np.asarray(model(X, training=True)).reshape(len(X), -1)[:, 0]) for _ in range(draws)
    ]
    return float(min(values)), float(max(values))


def training_error_hint(wrong: Wrong) -> Wrong:
    """A hint for the error a learner's training function raised, when it is one of the usual ones.

    Example:
        >>> str(training_error_hint(Wrong("your function raised ValueError: continuous format is not supported")))[:40]
        'roc_auc_score(y_true, y_score) takes the'
    """
    message = str(wrong)
    if "continuous format is not supported" in message:
        return Wrong(
            tr(
                "roc_auc_score(y_true, y_score) takes the labels first, then the scores; the scores came first. "
                "({message})",
                message=wrong.message,
            )
        )
    if "target.shape" in message or "must have the same shape" in message:
        return Wrong(
            tr(
                "the labels' shape does not fit the output: one sigmoid unit wants labels 0 and 1 of shape (N,) "
                "or (N, 1), not one-hot labels of shape (N, 2). ({message})",
                message=wrong.message,
            )
        )
    if "cardinality" in message.lower():
        return Wrong(
            tr("images and labels must come in the same number and the same order. ({message})", message=wrong.message)
        )
    return wrong


def as_auc(value: Any, what: str) -> float:
    """A reported AUC as a float in [0, 1], with a hint when it is something else.

    Example:
        >>> as_auc(np.float32(0.75), "the validation AUC")
        0.75
    """
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise Wrong(tr("{what} should be a number, not {value!r}.", what=what, value=value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Wrong(
            tr(
                "{what} should be one number (for example from sklearn.metrics.roc_auc_score), not a {kind}.",
                what=what,
                kind=type(value).__name__,
            )
        ) from None
    if not 0 <= number <= 1:
        raise Wrong(tr("{what} is {number:g}: an AUC lies between 0 and 1.", what=what, number=number))
    return number


def near(a: float, b: float) -> bool:
    """Whether a reported AUC agrees with the one scored again (see :data:`AUC_TOLERANCE`).

    Example:
        >>> near(0.912, 0.915), near(0.90, 0.92)
        (True, False)
    """
    return abs(a - b) <= AUC_TOLERANCE


def trained_model(
    function: Any,
    data: Sequence[Any],
    *,
    keys: Sequence[str],
    fit: str,
    validation: tuple[int, str],
    brief: str,
    max_epochs: int = 10,
) -> tuple[dict, Any, list[Fit]]:
    """Run a learner's training function on ``data`` and check what every training task asks first: a dict with
    ``keys`` (``'model'`` among them), a ``keras.Model`` there, trained (``fit`` shows the call, for one epoch or
    more), never on the validation split (``validation``: its size and a hint), for at most ``max_epochs``
    (``brief``: the hint).
    Returns the dict, the model and the fits.

    Example:
        >>> trained_model(lambda x: 0.5, [1], keys=("model",), fit="model.fit(x, y)", validation=(2, "v"), brief="b")
        Traceback (most recent call last):
        ...
        medlearn.check.core.Wrong: return a dict with the keys 'model'.
    """
    import keras

    try:
        with recorded_fits() as fits:
            result = as_result(call(function, *data), keys)
    except Wrong as wrong:
        raise training_error_hint(wrong) from None
    model = result["model"]
    if not isinstance(model, keras.Model):
        raise Wrong(tr("'model' should be the trained keras.Model, not {kind}.", kind=type(model).__name__))
    if not fits:
        raise Wrong(tr("the network was never trained: call {fit}.", fit=fit))
    if all(f.epochs < 1 for f in fits):
        raise Wrong(
            tr(
                "fit ran for {epochs} epochs: the network was never trained; call {fit} with epochs=1 or more.",
                epochs=max(f.epochs for f in fits),
                fit=fit,
            )
        )
    if any(f.n == validation[0] for f in fits):
        raise Wrong(validation[1])
    if max(f.epochs for f in fits) > max_epochs:
        raise Wrong(brief)
    return result, model, fits
