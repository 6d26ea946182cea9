"""Exercise checks of chapter 16 (reconstruction and synthesis): right answers pass, typical mistakes fail with
their hint."""

from __future__ import annotations

import functools

import numpy as np
from helpers import placeholders_test, right_answers_test, typical_mistakes_test

from medlearn.check import reconstruction_and_synthesis as checks


def _correlations(synthetic, training, centre=True, scale=True, reduce=np.max, guard=True):
    s = synthetic.reshape(len(synthetic), -1).astype(float)
    t = training.reshape(len(training), -1).astype(float)
    if centre:
        s, t = s - s.mean(1, keepdims=True), t - t.mean(1, keepdims=True)
    if scale:
        with np.errstate(invalid="ignore", divide="ignore"):
            ns, nt = np.linalg.norm(s, axis=1, keepdims=True), np.linalg.norm(t, axis=1, keepdims=True)
            s = np.where(ns > 0, s / np.where(ns > 0, ns, 1), 0) if guard else s / ns
            t = t / nt
    return reduce(s @ t.T, axis=1)


RIGHT = {
    checks.sinogram_shape: lambda side, views: (side, views),
    checks.ramp_response: lambda size: np.abs(np.fft.fftfreq(size)),
    checks.noise_at_dose: lambda p, photons: np.sqrt(np.exp(p) / photons),
    checks.acceleration: lambda mask: mask.size / mask.sum(),
    checks.reparameterise: lambda mean, log_var, eps: mean + np.exp(0.5 * log_var) * eps,
    checks.memorisation_scores: lambda synthetic, training: _correlations(synthetic, training),
    checks.judge_learned_reconstruction: lambda: "b",
}

MISTAKES = [
    (checks.sinogram_shape, lambda side, views: (views, side), "swapped"),
    (checks.sinogram_shape, lambda side, views: (int(np.ceil(side * np.sqrt(2))), views), "diagonal"),
    (checks.sinogram_shape, lambda side, views: side * views, "tuple of two integers"),
    (checks.ramp_response, lambda size: np.fft.fftshift(np.abs(np.fft.fftfreq(size))), "do not fftshift"),
    (checks.ramp_response, lambda size: np.fft.fftfreq(size), "absolute value"),
    (checks.ramp_response, lambda size: np.abs(np.fft.fftfreq(size, d=1 / size)), "cycles per sample"),
    (checks.ramp_response, lambda size: 2 * np.abs(np.fft.fftfreq(size)), "2|f|"),
    (checks.ramp_response, lambda size: np.abs(np.fft.rfftfreq(size)), "one gain per frequency"),
    (checks.noise_at_dose, lambda p, photons: np.sqrt(np.exp(-p) / photons), "GROWS"),
    (checks.noise_at_dose, lambda p, photons: np.exp(p) / photons, "variance"),
    (checks.noise_at_dose, lambda p, photons: 1 / np.sqrt(photons), "ARRIVE"),
    (checks.acceleration, lambda mask: mask.sum() / mask.size, "share of k-space kept"),
    (checks.acceleration, lambda mask: float(mask.sum()), "divide"),
    (checks.reparameterise, lambda mean, log_var, eps: mean + np.exp(log_var) * eps, "variance"),
    (checks.reparameterise, lambda mean, log_var, eps: mean + log_var * eps, "logarithm"),
    (checks.reparameterise, lambda mean, log_var, eps: mean, "NOT training"),
    (checks.reparameterise, lambda mean, log_var, eps: mean[:1], "one z per mean"),
    (checks.memorisation_scores, lambda s, t: _correlations(s, t, centre=False), "mean first"),
    (checks.memorisation_scores, lambda s, t: _correlations(s, t, scale=False), "norms"),
    (checks.memorisation_scores, lambda s, t: _correlations(s, t, reduce=np.min), "HIGHEST"),
    (checks.memorisation_scores, lambda s, t: _correlations(s, t, reduce=np.mean), "HIGHEST"),
    (checks.memorisation_scores, lambda s, t: _correlations(s, t)[:2], "one score per synthetic image"),
    (checks.memorisation_scores, lambda s, t: _correlations(s, t, guard=False), "constant"),
    (checks.judge_learned_reconstruction, lambda: "a", "more slices"),
    (checks.judge_learned_reconstruction, lambda: "c", "SSIM"),
    (checks.judge_learned_reconstruction, lambda: "d", "preference"),
    (checks.judge_learned_reconstruction, lambda: "e", "one letter"),
]

test_right_answers_pass = right_answers_test(RIGHT)
test_typical_mistakes_fail_with_their_hint = typical_mistakes_test(MISTAKES)
test_placeholders_are_todo_and_odd_input_never_crashes = placeholders_test(RIGHT)


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
