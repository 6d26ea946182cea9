"""Exercise checks of the reconstruction chapter: the denoiser task's mistakes, replayed, and what a
table cannot say (the other tasks' typical mistakes are tested from the checks' own tables, in test_mistakes.py)."""

from __future__ import annotations

import functools

import numpy as np
from helpers import placeholders_test, right_answers_test, typical_mistakes_test

from medlearn.check import reconstruction as checks


def test_a_letter_that_is_no_choice_asks_for_one() -> None:
    result = checks.judge_learned_reconstruction.run(lambda: "e")
    assert result.status == "fail" and "one letter" in result.message, result.message


# The denoiser task: one network is trained once; each typical mistake hands it back with its PSNR computed the
# wrong way, after a fit of a separate tiny network that the check records.


@functools.cache
def _trained_denoiser():
    import keras

    noisy_train, clean_train, _, _ = checks.noisy_pairs()
    keras.utils.set_random_seed(0)
    image = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(image)
    model = keras.Model(image, keras.layers.Add()([image, keras.layers.Conv2D(1, 3, padding="same")(h)]))
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="mse")
    model.fit(noisy_train, clean_train, epochs=3, batch_size=32, verbose=0)
    return model


def _psnr(reference, images, peak=1.0):
    return np.mean(10 * np.log10(peak**2 / ((reference - images) ** 2).mean(axis=(1, 2, 3))))


def _denoiser_answer(how="right", fit_n=None, epochs=1):
    def answer(noisy_train, clean_train, noisy_val, clean_val):
        import keras

        n = fit_n or len(noisy_train)
        tiny = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        tiny.compile(loss="mse")
        tiny.fit(np.zeros((n, 4)), np.zeros(n), epochs=epochs, batch_size=n, verbose=0)
        model = _trained_denoiser()
        out_val, out_train = model.predict(noisy_val, verbose=0), model.predict(noisy_train, verbose=0)
        noisy, cleaned = _psnr(clean_val, noisy_val), _psnr(clean_val, out_val)
        if how == "peak 255":
            noisy, cleaned = _psnr(clean_val, noisy_val, 255.0), _psnr(clean_val, out_val, 255.0)
        if how == "against noisy":
            cleaned = _psnr(noisy_val, out_val)
        if how == "training":
            cleaned = _psnr(clean_train, out_train)
        if how == "pooled":
            cleaned = 10 * np.log10(1 / np.mean((clean_val - out_val) ** 2))
        return {"model": model, "psnr_noisy": noisy, "psnr_cleaned": cleaned}

    return answer


DENOISER_MISTAKES = [
    (checks.train_denoiser, _denoiser_answer("peak 255"), "not 255"),
    (checks.train_denoiser, _denoiser_answer("against noisy"), "with the noisy input"),
    (checks.train_denoiser, _denoiser_answer("training"), "training pairs"),
    (checks.train_denoiser, _denoiser_answer("pooled"), "pooled"),
    (checks.train_denoiser, _denoiser_answer(fit_n=100), "validation images went into training"),
    (checks.train_denoiser, _denoiser_answer(epochs=40), "train briefly"),
    (checks.train_denoiser, lambda *d: {"model": _trained_denoiser(), "psnr_noisy": 1, "psnr_cleaned": 2}, "never"),
    (checks.train_denoiser, lambda *d: 3.0, "return a dict"),
]
test_denoiser_right_answer_passes = right_answers_test({checks.train_denoiser: _denoiser_answer()})
test_denoiser_mistakes_fail_with_their_hint = typical_mistakes_test(DENOISER_MISTAKES)
test_denoiser_placeholder_is_todo = placeholders_test({checks.train_denoiser: _denoiser_answer()})
