"""Tests for medlearn.data.near_duplicates: against np.corrcoef, on the real MedMNIST splits, and on bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medlearn.data import duplicates as duplicates_module
from medlearn.data import load_medmnist, near_duplicates


def _brute_force(query: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    q, r = query.reshape(len(query), -1), reference.reshape(len(reference), -1)
    corr = np.corrcoef(np.vstack([q, r]))[: len(q), len(q) :]
    return corr.argmax(axis=1), corr.max(axis=1)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_equals_numpy_corrcoef(n_query: int, n_reference: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    query, reference = rng.normal(size=(n_query, 6, 5)), rng.normal(size=(n_reference, 6, 5))
    found = near_duplicates(query, reference)
    index, correlation = _brute_force(query, reference)
    np.testing.assert_array_equal(found.index, index)
    np.testing.assert_allclose(found.correlation, correlation, atol=1e-12)
    np.testing.assert_array_equal(found.duplicate, correlation > 0.99)


def test_blocks_give_the_same_answer_as_one_product(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    query, reference = rng.integers(0, 256, (50, 8, 8)), rng.integers(0, 256, (30, 8, 8))
    whole = near_duplicates(query, reference)
    monkeypatch.setattr(duplicates_module, "_BLOCK", 7)
    blocked = near_duplicates(query, reference)
    np.testing.assert_array_equal(whole.index, blocked.index)
    np.testing.assert_allclose(whole.correlation, blocked.correlation)


def test_a_brighter_contrasted_noisy_copy_is_found_and_a_stranger_is_not() -> None:
    rng = np.random.default_rng(2)
    reference = rng.integers(0, 256, (20, 28, 28)).astype(float)
    copy = 0.7 * reference[13] + 40 + rng.normal(0, 2, (28, 28))
    stranger = rng.integers(0, 256, (28, 28))
    found = near_duplicates(np.stack([copy, stranger]), reference, threshold=0.99)
    assert found.index[0] == 13 and found.correlation[0] > 0.99
    assert found.duplicate.tolist() == [True, False]
    assert abs(found.correlation[1]) < 0.3


def test_a_constant_image_correlates_zero_and_is_never_a_duplicate() -> None:
    reference = np.stack([np.full((5, 5), 7.0), np.arange(25.0).reshape(5, 5)])
    found = near_duplicates(np.full((1, 5, 5), 7.0), reference, threshold=0.5)
    assert found.correlation[0] == 0.0 and not found.duplicate[0]


def test_threshold_decides_what_counts() -> None:
    rng = np.random.default_rng(3)
    reference = rng.normal(size=(4, 10, 10))
    query = reference + rng.normal(0, 0.3, reference.shape)
    correlation = near_duplicates(query, reference).correlation
    middle = float(np.median(correlation))
    assert 0 < near_duplicates(query, reference, threshold=middle).duplicate.sum() < len(query)
    assert near_duplicates(query, reference, threshold=1).duplicate.sum() == 0


def test_skip_self_finds_the_other_copy_within_one_set() -> None:
    rng = np.random.default_rng(4)
    images = rng.normal(size=(6, 7, 7))
    images[5] = images[2] * 2 + 1 + rng.normal(0, 0.05, (7, 7))
    found = near_duplicates(images, images, skip_self=True)
    assert found.index[2] == 5 and found.index[5] == 2
    assert np.all(found.index != np.arange(6))
    assert found.duplicate.tolist() == [False, False, True, False, False, True]
    assert np.all(near_duplicates(images, images).index == np.arange(6))  # without it, each image finds itself


def test_volumes_and_colour_images_are_accepted() -> None:
    rng = np.random.default_rng(5)
    volumes = rng.normal(size=(3, 4, 5, 6))
    assert near_duplicates(volumes[:1], volumes).index[0] == 0
    rgb = rng.integers(0, 256, (3, 8, 8, 3), dtype=np.uint8)
    assert near_duplicates(rgb[2:], rgb).index[0] == 2


@pytest.mark.parametrize(
    "query, reference, kwargs, word",
    [
        (np.zeros((0, 5, 5)), np.ones((2, 5, 5)), {}, "query"),
        (np.ones((2, 5, 5)), np.zeros((0, 5, 5)), {}, "reference"),
        (np.ones((2, 25)), np.ones((2, 25)), {}, "query"),
        (np.array([["a"] * 4] * 3).reshape(3, 2, 2), np.ones((2, 2, 2)), {}, "query"),
        (np.full((2, 3, 3), np.nan), np.ones((2, 3, 3)), {}, "query"),
        (np.ones((2, 3, 3)), np.full((2, 3, 3), np.inf), {}, "reference"),
        (np.ones((2, 5, 5)), np.ones((2, 4, 4)), {}, "shape"),
        (np.ones((2, 5, 5)), np.ones((2, 5, 5)), {"threshold": 1.5}, "threshold"),
        (np.ones((2, 5, 5)), np.ones((2, 5, 5)), {"threshold": -1}, "threshold"),
        (np.ones((2, 5, 5)), np.ones((2, 5, 5)), {"threshold": True}, "threshold"),
        (np.ones((2, 5, 5)), np.ones((2, 5, 5)), {"threshold": "0.99"}, "threshold"),
        (np.ones((2, 5, 5)), np.ones((3, 5, 5)), {"skip_self": True}, "skip_self"),
        (np.ones((1, 5, 5)), np.ones((1, 5, 5)), {"skip_self": True}, "skip_self"),
        (np.ones((2, 5, 5)), np.ones((2, 5, 5)), {"skip_self": 1}, "skip_self"),
    ],
)
def test_bad_input_names_the_argument(query: np.ndarray, reference: np.ndarray, kwargs: dict, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        near_duplicates(query, reference, **kwargs)


# The real data: the twins inside BreastMNIST's official split.
@pytest.mark.parametrize(
    "dataset, split, n_twins, n_strict",
    [
        ("breastmnist", "test", 39, 25),
        ("breastmnist", "val", 22, 17),
        ("pneumoniamnist", "test", 0, 0),
        ("pneumoniamnist", "val", 8, 8),
    ],
)
def test_twins_of_training_images_in_the_official_splits(
    medmnist_dir: object, dataset: str, split: str, n_twins: int, n_strict: int
) -> None:
    train, train_labels = load_medmnist(dataset, "train")
    images, labels = load_medmnist(dataset, split)
    found = near_duplicates(images, train)
    assert found.duplicate.sum() == n_twins
    assert (found.correlation > 0.995).sum() == n_strict
    if n_twins:
        index, _ = _brute_force(images[found.duplicate].astype(float), train.astype(float))
        np.testing.assert_array_equal(index, found.index[found.duplicate])
    if dataset == "breastmnist" and split == "test":
        assert (labels[found.duplicate] == train_labels[found.index[found.duplicate]]).sum() == 37
