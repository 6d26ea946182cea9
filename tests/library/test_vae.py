"""medlearn.models.vae: the sampling layer's draws and KL term, the model's parts, a short fit, and generation."""

from __future__ import annotations

import numpy as np
import pytest

from medlearn.models import conditional_vae, generate, kl_divergence, reparameterised_sample


def test_kl_divergence_matches_the_closed_form_and_a_monte_carlo_estimate() -> None:
    rng = np.random.default_rng(0)
    mean, log_var = rng.normal(0, 1, (3, 4)), rng.normal(0, 0.5, (3, 4))
    by_hand = [
        sum(0.5 * (np.exp(v) + m**2 - 1 - v) for m, v in zip(mu_row, lv_row)) for mu_row, lv_row in zip(mean, log_var)
    ]
    np.testing.assert_allclose(kl_divergence(mean, log_var), by_hand)
    # Monte Carlo: E_q[log q(z) - log p(z)] for the first sample
    sd = np.exp(0.5 * log_var[0])
    z = mean[0] + sd * rng.standard_normal((200_000, 4))
    log_q = -0.5 * (((z - mean[0]) / sd) ** 2 + log_var[0] + np.log(2 * np.pi)).sum(axis=1)
    log_p = -0.5 * (z**2 + np.log(2 * np.pi)).sum(axis=1)
    assert np.mean(log_q - log_p) == pytest.approx(kl_divergence(mean, log_var)[0], rel=0.02)
    assert kl_divergence(np.zeros((1, 5)), np.zeros((1, 5)))[0] == 0.0


def test_the_sampling_layer_draws_around_the_mean_and_adds_its_kl_term() -> None:
    import keras

    keras.utils.set_random_seed(0)
    layer = reparameterised_sample(beta=0.5, seed=1)
    mean = np.full((20_000, 2), [1.0, -2.0], "float32")
    log_var = np.full((20_000, 2), [0.0, np.log(4.0)], "float32")
    z = np.asarray(layer([mean, log_var], training=True))
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(z.std(axis=0), [1.0, 2.0], rtol=0.03)
    np.testing.assert_array_equal(np.asarray(layer([mean, log_var], training=False)), mean)
    added = float(np.asarray(layer.losses[-1]))
    assert added == pytest.approx(0.5 * kl_divergence(mean, log_var).mean(), rel=1e-5)


def test_conditional_vae_parts_a_short_fit_and_generation_per_class() -> None:
    import keras

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    labels = np.arange(128) % 2
    images = np.zeros((128, 8, 8, 1), "float32")
    images[labels == 0, 2:6, 1:3] = 1.0  # class 0: a bar on the left
    images[labels == 1, 2:6, 5:7] = 1.0  # class 1: a bar on the right
    images = np.clip(images + rng.normal(0, 0.05, images.shape), 0, 1).astype("float32")
    one_hot = np.eye(2, dtype="float32")[labels]
    model = conditional_vae((8, 8, 1), n_classes=2, latent_dim=2, widths=(8,), beta=0.5)
    assert model.get_layer("encoder").output_shape == [(None, 2), (None, 2)]
    assert model.output_shape == (None, 8, 8, 1)
    model.compile(keras.optimizers.Adam(1e-2), "binary_crossentropy", jit_compile=False)
    history = model.fit([images, one_hot], images, epochs=40, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    made = generate(model, [0] * 20 + [1] * 20, seed=3)
    assert made.shape == (40, 8, 8, 1) and made.min() >= 0 and made.max() <= 1
    left, right = made[..., 1:3, 0].mean(axis=(1, 2)), made[..., 5:7, 0].mean(axis=(1, 2))
    assert np.all(left[:20] > right[:20]) and np.all(right[20:] > left[20:])  # the condition is obeyed
    np.testing.assert_array_equal(generate(model, [0, 1], seed=3), generate(model, [0, 1], seed=3))


def test_generate_decodes_in_batches_what_one_call_of_the_decoder_gives() -> None:
    model = conditional_vae((8, 8, 1), n_classes=3, latent_dim=4, widths=(4,), seed=1)
    labels = np.arange(600) % 3
    made = generate(model, labels, seed=5)  # more than two batches of 256
    z = np.random.default_rng(5).standard_normal((600, 4)).astype("float32")
    whole = np.asarray(model.get_layer("decoder")([z, np.eye(3, dtype="float32")[labels]], training=False))
    np.testing.assert_allclose(made, whole, atol=1e-6)
    np.testing.assert_allclose(generate(model, labels[:10], seed=5), made[:10], atol=1e-6)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: kl_divergence(np.zeros((2, 3)), np.zeros((2, 4))), "same shape"),
        (lambda: kl_divergence(np.zeros(3), np.zeros(3)), "mean"),
        (lambda: reparameterised_sample(beta=0), "beta"),
        (lambda: reparameterised_sample(seed=-1), "seed"),
        (lambda: conditional_vae((30, 28, 1), 2), "divisible by 4"),
        (lambda: conditional_vae((28, 28, 1), 1), "n_classes"),
        (lambda: conditional_vae((28, 28, 1), 2, latent_dim=0), "latent_dim"),
        (lambda: conditional_vae((28, 28, 1), 2, beta=-1.0), "beta"),
        (lambda: generate("model", [0]), "model must be a Keras model"),
        (lambda: generate(conditional_vae((8, 8, 1), 2, widths=(4,)), [2]), "labels must lie"),
        (lambda: generate(conditional_vae((8, 8, 1), 2, widths=(4,)), [0.5]), "labels"),
    ],
)
def test_bad_input_names_the_argument(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_generate_refuses_a_model_without_a_decoder() -> None:
    import keras

    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="dense")])
    with pytest.raises(ValueError, match="'decoder' sub-model"):
        generate(plain, [0])
