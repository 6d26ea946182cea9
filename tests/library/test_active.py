"""medlearn.active: the query rule by hand, the pool loop against a loop written out, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from medlearn.active import pool_learning_curve, query


def _model():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def test_uncertainty_takes_the_closest_to_a_half_and_skips_the_labelled() -> None:
    p = np.array([0.9, 0.52, 0.1, 0.45, 0.5, 0.7])
    assert query(p, 3).tolist() == [4, 1, 3]
    assert query(p, 2, labelled=[False, False, False, False, True, False]).tolist() == [1, 3]
    assert query([0.4, 0.6, 0.5], 2).tolist() == [2, 0]  # ties keep the pool's order


def test_random_is_seeded_and_never_repeats_a_labelled_image() -> None:
    labelled = np.zeros(50, bool)
    labelled[:10] = True
    first = query(np.full(50, 0.5), 20, strategy="random", labelled=labelled, seed=3)
    assert np.array_equal(first, query(np.full(50, 0.5), 20, strategy="random", labelled=labelled, seed=3))
    assert len(set(first.tolist())) == 20 and first.min() >= 10
    assert not np.array_equal(first, query(np.full(50, 0.5), 20, strategy="random", labelled=labelled, seed=4))


def test_pool_loop_equals_the_loop_written_out() -> None:
    x, y = load_breast_cancer(return_X_y=True)
    pool, test = slice(0, 400), slice(400, None)
    curve = pool_learning_curve(_model, x[pool], y[pool], x[test], y[test], initial=10, step=5, rounds=4, seed=1)
    assert curve.n_labels.tolist() == [10, 15, 20, 25, 30] and len(curve.chosen) == 30
    assert len(set(curve.chosen.tolist())) == 30 and set(y[pool][curve.chosen[:10]]) == {0, 1}
    # the same loop by hand, from the same first 10 images
    labelled = np.zeros(400, bool)
    labelled[curve.chosen[:10]] = True
    for r in range(5):
        model = _model().fit(x[pool][labelled], y[pool][labelled])
        assert roc_auc_score(y[test], model.predict_proba(x[test])[:, 1]) == pytest.approx(curve.auc[r])
        if r < 4:
            p = model.predict_proba(x[pool])[:, 1]
            candidates = np.flatnonzero(~labelled)
            picked = candidates[np.argsort(np.abs(p[candidates] - 0.5), kind="stable")[:5]]
            assert picked.tolist() == curve.chosen[10 + 5 * r : 15 + 5 * r].tolist()
            labelled[picked] = True
    random = pool_learning_curve(
        _model, x[pool], y[pool], x[test], y[test], initial=10, step=5, rounds=4, strategy="random", seed=1
    )
    assert random.chosen[:10].tolist() == curve.chosen[:10].tolist()  # the same start, other picks
    assert random.chosen[10:].tolist() != curve.chosen[10:].tolist()
    # the random rounds by hand: each round draws from its own stream, spawned from the seed
    labelled = np.zeros(400, bool)
    labelled[random.chosen[:10]] = True
    streams = np.random.SeedSequence(1).spawn(5)
    for r in range(4):
        candidates = np.flatnonzero(~labelled)
        picked = np.sort(np.random.default_rng(int(streams[r + 1].generate_state(1)[0])).choice(candidates, 5, False))
        assert picked.tolist() == random.chosen[10 + 5 * r : 15 + 5 * r].tolist()
        labelled[picked] = True


def test_no_two_rounds_or_seeds_share_a_random_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    import medlearn.active as active

    seeds = []
    real_query = active.query

    def recording_query(*args, seed, **kwargs):
        seeds.append(seed)
        return real_query(*args, seed=seed, **kwargs)

    monkeypatch.setattr(active, "query", recording_query)
    x, y = load_breast_cancer(return_X_y=True)
    for s in (0, 1):
        pool_learning_curve(
            _model, x[:400], y[:400], x[400:], y[400:], initial=10, step=5, rounds=3, strategy="random", seed=s
        )
    # with seed + r, seed 0's rounds drew with 0, 1, 2 and seed 1's with 1, 2, 3: three streams in common
    assert len(seeds) == 6 and len(set(seeds)) == 6 and not set(seeds) & {0, 1, 2, 3}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: query([0.2, 1.5], 1), r"y_prob must lie in \[0, 1\]"),
        (lambda: query([0.2, 0.3], 3), "n must be"),
        (lambda: query([0.2, 0.3], 1, strategy="entropy"), "strategy must be one of"),
        (lambda: query([0.2, 0.3], 1, labelled=[True]), "labelled must have one value per image"),
        (lambda: query([[0.2, 0.3]], 1), "y_prob must be a 1-D array"),
        (
            lambda: pool_learning_curve(
                _model, np.ones((5, 2)), [0, 1, 0, 1, 0], np.ones((2, 2)), [0, 1], initial=2, step=2, rounds=3
            ),  # fmt: skip
            "must not exceed the pool",
        ),
        (
            lambda: pool_learning_curve(
                _model, np.ones((4, 2)), [0, 0, 0, 0], np.ones((2, 2)), [0, 1], initial=2, step=1, rounds=1
            ),  # fmt: skip
            "both classes",
        ),
        (
            lambda: pool_learning_curve(
                "model", np.ones((4, 2)), [0, 1, 0, 1], np.ones((2, 2)), [0, 1], initial=2, step=1, rounds=1
            ),  # fmt: skip
            "make_model must be a function",
        ),
        (
            lambda: pool_learning_curve(
                _model, np.ones((4, 2)), [0, 1, 0], np.ones((2, 2)), [0, 1], initial=2, step=1, rounds=1
            ),  # fmt: skip
            "one row per label",
        ),
    ],
)
def test_bad_input_names_the_argument(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
