"""What every training task's check asks first (medlearn.check._keras_training.trained_model)."""

from __future__ import annotations

import numpy as np
import pytest

from medlearn.check._keras_training import trained_model
from medlearn.check.core import Wrong


def _answer(epochs: int, fit_on_validation: bool = False):
    def function(x_train, x_val):
        import keras

        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(loss="mse")
        x = x_val if fit_on_validation else x_train
        model.fit(x, np.zeros(len(x)), epochs=epochs, verbose=0)
        return {"model": model}

    return function


def _check(function):
    return trained_model(
        function,
        (np.ones((6, 2)), np.ones((4, 2))),
        keys=("model",),
        fit="model.fit(x_train, y_train)",
        validation=(4, "fit on the training split only"),
        brief="train briefly",
        max_epochs=3,
    )


def test_a_model_fit_for_some_epochs_on_the_training_split_passes() -> None:
    _, _, fits = _check(_answer(epochs=2))
    assert [(f.n, f.epochs) for f in fits] == [(6, 2)]


@pytest.mark.parametrize(
    ("function", "hint"),
    [
        (_answer(epochs=0), "fit ran for 0 epochs"),
        (_answer(epochs=5), "train briefly"),
        (_answer(epochs=1, fit_on_validation=True), "training split only"),
        (lambda x_train, x_val: {"model": "a model"}, "keras.Model"),
    ],
    ids=["zero epochs", "too long", "on validation", "not a model"],
)
def test_an_untrained_or_wrongly_trained_model_fails_with_its_hint(function, hint: str) -> None:
    with pytest.raises(Wrong, match=hint):
        _check(function)
