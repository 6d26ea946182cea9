"""Active learning from a pool: ask for the labels a model is least sure of, and compare with random picks.

A radiologist's hour is the scarce thing; active learning spends it on the images the current
model finds hardest. :func:`query` picks the next images from scores (uncertainty sampling, or
random); :func:`pool_learning_curve` runs the whole loop for a scikit-learn classifier, revealing
the pool's labels only when asked, and records the test AUC after each round.

Example:
    >>> query([0.1, 0.48, 0.9, 0.55], 2).tolist()  # the two closest to 0.5
    [1, 3]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ._validation import check_array, check_choice, check_int

__all__ = ["STRATEGIES", "LearningCurve", "pool_learning_curve", "query"]

#: How :func:`query` ranks the unlabelled images.
STRATEGIES = ("uncertainty", "random")


def query(
    y_prob: object,
    n: int,
    *,
    strategy: str = "uncertainty",
    labelled: object | None = None,
    seed: int = 0,
) -> np.ndarray:
    """The indices of the ``n`` images to label next.

    ``"uncertainty"`` takes the images whose probability of the positive class is closest to 0.5
    (for two classes, least confidence, margin and entropy sampling rank alike); ties keep the
    pool's order. ``"random"`` draws them uniformly with ``seed``. Images already labelled are
    never chosen again.

    Args:
        y_prob: (N,) probability of the positive class for every image of the pool.
        n: how many to ask for (at most the number not yet labelled).
        strategy: one of :data:`STRATEGIES`.
        labelled: (N,) bool, True for images already labelled; None means none.
        seed: for ``"random"``.

    Example:
        >>> query([0.1, 0.48, 0.9, 0.55], 1, labelled=[False, True, False, False]).tolist()
        [3]
    """
    p = check_array(y_prob, "y_prob", ndim=1).astype(float)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("y_prob must lie in [0, 1]")
    strategy = check_choice(strategy, "strategy", STRATEGIES)
    done = np.zeros(len(p), bool) if labelled is None else check_array(labelled, "labelled", ndim=1, kinds="b")
    if len(done) != len(p):
        raise ValueError(f"labelled must have one value per image ({len(p)}), not {len(done)}")
    n = check_int(n, "n", min_value=1, max_value=int((~done).sum()))
    seed = check_int(seed, "seed", min_value=0)
    candidates = np.flatnonzero(~done)
    if strategy == "random":
        return np.sort(np.random.default_rng(seed).choice(candidates, size=n, replace=False))
    order = np.argsort(np.abs(p[candidates] - 0.5), kind="stable")
    return candidates[order[:n]]


class LearningCurve(NamedTuple):
    """Test AUC after each round of a pool-based loop."""

    n_labels: np.ndarray  #: (rounds + 1,) labels used when the model was fitted
    auc: np.ndarray  #: (rounds + 1,) its test AUC
    chosen: np.ndarray  #: indices into the pool, in the order they were labelled


def pool_learning_curve(
    make_model: Callable[[], Any],
    X_pool: object,
    y_pool: object,
    X_test: object,
    y_test: object,
    *,
    initial: int,
    step: int,
    rounds: int,
    strategy: str = "uncertainty",
    seed: int = 0,
) -> LearningCurve:
    """Run pool-based active learning with a scikit-learn classifier; return the test AUC per round.

    Start from ``initial`` images drawn at random (both classes guaranteed), fit a fresh model from
    ``make_model()``, then in each round ask :func:`query` for ``step`` more labels, add them, refit,
    and score on the test set. Apart from the initial draw (which looks at the labels only to be sure
    both classes are in it), ``y_pool`` is read only for the images asked for.

    Args:
        make_model: returns an unfitted classifier with ``fit`` and ``predict_proba``.
        X_pool, y_pool: the pool's features (N, D) and binary labels (N,).
        X_test, y_test: a held-out test set.
        initial: labels to start from (at least 2).
        step: labels asked for per round.
        rounds: rounds after the first fit.
        strategy: one of :data:`STRATEGIES`.
        seed: for the initial draw and for ``"random"``; the draw and each round get their own stream,
            spawned from ``seed`` (``numpy.random.SeedSequence``), so no two draws, of one seed or of two,
            use one stream.

    Example:
        >>> from sklearn.datasets import load_breast_cancer
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> x, y = load_breast_cancer(return_X_y=True)
        >>> curve = pool_learning_curve(lambda: make_pipeline(StandardScaler(), LogisticRegression()),
        ...                             x[:400], y[:400], x[400:], y[400:], initial=10, step=10, rounds=3)
        >>> curve.n_labels.tolist(), bool(curve.auc[-1] > 0.9)
        ([10, 20, 30, 40], True)
    """
    from .metrics import _rank_auc  # roc_auc_score's value, without its input checks: 2 ms a round otherwise

    xp = check_array(X_pool, "X_pool", ndim=2)
    yp = check_array(y_pool, "y_pool", ndim=1, kinds="biu").astype(int)
    xt = check_array(X_test, "X_test", ndim=2)
    yt = check_array(y_test, "y_test", ndim=1, kinds="biu").astype(int)
    if len(xp) != len(yp) or len(xt) != len(yt):
        raise ValueError("X_pool and y_pool, and X_test and y_test, must have one row per label")
    if set(np.unique(yp)) != {0, 1} or set(np.unique(yt)) != {0, 1}:
        raise ValueError("y_pool and y_test must hold both classes, 0 and 1")
    if not callable(make_model):
        raise ValueError(f"make_model must be a function that returns a new classifier, not {make_model!r}")
    initial = check_int(initial, "initial", min_value=2, max_value=len(yp))
    step = check_int(step, "step", min_value=1)
    rounds = check_int(rounds, "rounds", min_value=0)
    if initial + step * rounds > len(yp):
        raise ValueError(f"initial + step * rounds ({initial + step * rounds}) must not exceed the pool ({len(yp)})")
    strategy = check_choice(strategy, "strategy", STRATEGIES)
    # One stream for the initial draw and one per round, spawned from seed: no two draws, and no two seeds'
    # curves, share a stream (seed + r would give seed 0's second round the stream of seed 1's first).
    streams = np.random.SeedSequence(check_int(seed, "seed", min_value=0)).spawn(rounds + 1)
    rng = np.random.default_rng(streams[0])
    first = [int(rng.choice(np.flatnonzero(yp == c))) for c in (0, 1)]
    rest = rng.permutation(np.setdiff1d(np.arange(len(yp)), first))[: initial - 2]
    chosen = [*first, *rest.tolist()]
    labelled = np.zeros(len(yp), bool)
    labelled[chosen] = True
    sizes, aucs = [], []
    for r in range(rounds + 1):
        model = make_model()
        model.fit(xp[labelled], yp[labelled])
        sizes.append(int(labelled.sum()))
        aucs.append(_rank_auc(yt, model.predict_proba(xt)[:, 1]))
        if r == rounds:
            break
        round_seed = int(streams[r + 1].generate_state(1)[0])
        picked = query(model.predict_proba(xp)[:, 1], step, strategy=strategy, labelled=labelled, seed=round_seed)
        labelled[picked] = True
        chosen += picked.tolist()
    return LearningCurve(np.array(sizes), np.array(aucs), np.array(chosen))
