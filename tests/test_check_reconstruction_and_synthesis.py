"""Exercise checks of chapter 15 (reconstruction and synthesis): right answers pass, typical mistakes fail with
their hint."""

from __future__ import annotations

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
