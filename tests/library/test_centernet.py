"""medlearn.models.centernet: targets that decode back to their boxes, the loss, the network, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from medlearn.detection import box_iou
from medlearn.models import centernet_loss, centernet_targets, decode_centernet, small_centernet


def _targets():
    return [
        {"boxes": np.array([[8.0, 8.0, 24.0, 16.0], [33.0, 40.0, 45.0, 58.0]]), "labels": np.array([0, 1])},
        {"boxes": np.zeros((0, 4)), "labels": np.array([], int)},
        {"boxes": np.array([[50.0, 2.0, 61.0, 9.0]]), "labels": np.array([1])},
    ]


def test_targets_decode_back_to_their_boxes() -> None:
    y = centernet_targets(_targets(), (64, 64), 4, 2)
    assert y.shape == (3, 16, 16, 7) and y.dtype == np.float32
    # one peak of exactly 1 per object, in its class's map, and the centre mask marks the same cells
    assert [int((y[i, ..., :2] == 1).sum()) for i in range(3)] == [2, 0, 1]
    assert np.array_equal(y[..., 6] == 1, (y[..., :2] == 1).any(axis=-1))
    decoded = decode_centernet(y[..., :6], 2, 4, min_score=0.99)  # the targets as a perfect network's output
    for got, want in zip(decoded, _targets()):
        assert len(got["boxes"]) == len(want["boxes"])
        if len(want["boxes"]):
            iou = box_iou(got["boxes"], want["boxes"])
            assert np.allclose(iou.max(axis=1), 1.0)
            assert sorted(got["labels"].tolist()) == sorted(want["labels"].tolist())


def test_decoding_keeps_local_maxima_best_first() -> None:
    out = np.zeros((1, 8, 8, 5), np.float32)
    out[0, 2, 2, 0], out[0, 2, 3, 0], out[0, 6, 6, 0] = 0.9, 0.5, 0.7  # (2, 3) is next to a higher peak
    found = decode_centernet(out, 1, 4)[0]
    assert found["scores"].tolist() == pytest.approx([0.9, 0.7])
    assert decode_centernet(out, 1, 4, max_detections=1)[0]["scores"].tolist() == pytest.approx([0.9])
    # a huge log size is bounded, not an overflow
    out[0, 2, 2, 1] = 1e6
    assert np.isfinite(decode_centernet(out, 1, 4)[0]["boxes"]).all()


def test_the_loss_is_small_for_the_targets_and_large_for_a_flat_guess() -> None:
    y = centernet_targets(_targets(), (64, 64), 4, 2)
    loss = centernet_loss(2)
    perfect = np.concatenate([np.clip(y[..., :2], 1e-4, 1 - 1e-4), y[..., 2:6]], axis=-1)
    flat = np.concatenate([np.full(y[..., :2].shape, 0.5, np.float32), np.zeros(y[..., 2:6].shape, np.float32)], -1)
    assert float(loss(y, perfect)) < 0.05 < 1.0 < float(loss(y, flat))
    wrong_size = perfect.copy()
    wrong_size[..., 2:4] += 1.0
    assert float(centernet_loss(2, size_weight=0.0)(y, wrong_size)) == pytest.approx(float(loss(y, perfect)), abs=1e-6)
    assert float(loss(y, wrong_size)) > float(loss(y, perfect))


def test_network_shape_and_a_short_fit_lowers_the_loss() -> None:
    import keras

    keras.utils.set_random_seed(0)
    model = small_centernet((32, 48, 3), 2, width=4)
    assert model.output_shape == (None, 8, 12, 6)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 255, (8, 32, 48, 3)).astype("uint8")
    targets = [{"boxes": np.array([[4.0, 4.0, 20.0, 20.0]]), "labels": np.array([i % 2])} for i in range(8)]
    for image in x:
        image[4:20, 4:20] = 0  # a dark square where the box is
    y = centernet_targets(targets, (32, 48), 4, 2)
    model.compile(keras.optimizers.Adam(1e-2), centernet_loss(2), jit_compile=False)
    history = model.fit(x, y, epochs=15, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: centernet_targets(_targets(), (62, 64), 4, 2), "divisible by stride"),
        (lambda: centernet_targets(_targets(), (64, 64), 0, 2), "stride must be"),
        (lambda: centernet_targets(_targets(), (64, 64), 4, 1), r"labels'\] must lie in 0..0"),
        (lambda: centernet_targets([{"boxes": [[0, 0, 1]], "labels": [0]}], (8, 8), 4, 1), r"\(N, 4\) array"),
        (lambda: centernet_loss(0), "n_classes must be"),
        (lambda: centernet_loss(2, size_weight=-1), "size_weight must be"),
        (lambda: small_centernet((30, 40, 3), 2), "divisible by 8"),
        (lambda: small_centernet((32, 40), 2), "divisible by 8"),
        (lambda: small_centernet((32, 40, 3), 0), "n_classes must be"),
        (lambda: decode_centernet(np.zeros((1, 4, 4, 5)), 2, 4), "n_classes \\+ 4 = 6 channels"),
        (lambda: decode_centernet(np.zeros((4, 4, 5)), 1, 4), "4-D"),
        (lambda: decode_centernet(np.zeros((1, 4, 4, 5)), 1, 4, min_score=2), "min_score must be"),
    ],
)
def test_bad_input_names_the_argument(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
