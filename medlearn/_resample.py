"""The percentile bootstrap that every interval of medlearn is made with (private).

The three public intervals are thin wrappers of :func:`bootstrap`, with one order of arguments (the truth, then
the scores, then an optional second model's scores for a paired difference, then keyword-only ``metric``,
``n_boot``, ``level``, ``seed``) and one return type, :class:`Interval`: :func:`medlearn.metrics.bootstrap_ci`
(binary labels, resampled within each class), :func:`medlearn.grading.grade_bootstrap_ci` (grades, within each
grade) and :func:`medlearn.survival.survival_bootstrap_ci` (patients, not stratified). Given the second scores
(``y_score_b``, or ``y_pred_b`` for grades), each scores both models on the same resamples and gives the interval
of ``metric(first) - metric(second)``. They share one policy for a resample
on which the statistic is undefined (``nan``): it counts at the most extreme defined value on each side (leaving
it out would narrow the interval, since undefined resamples are the ones with too few cases of some kind), and
when more than :data:`MAX_UNDEFINED` of the resamples are undefined, the interval is refused with a
``ValueError``: the data are too few for it.

``scipy.stats.bootstrap`` is not used because it cannot resample within strata.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np

from ._validation import check_int, check_number

#: The largest share of resamples that may leave the statistic undefined before the interval is refused.
MAX_UNDEFINED = 0.05


class Interval(NamedTuple):
    """A statistic on the cases given and its interval (percentile bootstrap, or a t interval): ``value, low, high``.

    Example:
        >>> Interval(0.8, 0.7, 0.9).low
        0.7
    """

    value: float
    low: float
    high: float


def check_bootstrap(
    metric: object, signature: str, n_boot: object, level: object, seed: object
) -> tuple[int, float, int]:
    """The checked ``n_boot`` (at least 100), ``level`` (in (0, 1)) and ``seed``; ``metric`` must be callable.

    Example:
        >>> check_bootstrap(len, "metric(x)", 200, 0.9, 0)
        (200, 0.9, 0)
    """
    if not callable(metric):
        raise ValueError(f"metric must be a function {signature}, not {metric!r}")
    n_boot = check_int(n_boot, "n_boot", min_value=100)
    level = check_number(level, "level", low=0, high=1, low_open=True, high_open=True)
    seed = check_int(seed, "seed", min_value=0)
    return n_boot, level, seed


def resamples(n_cases: int, n_boot: int, seed: int, strata: np.ndarray | None = None) -> Iterator[np.ndarray]:
    """Indices of ``n_boot`` resamples drawn with replacement: of all cases, or within each stratum (the strata
    taken from the highest value down: for labels 0 and 1, the positives first).

    Example:
        >>> [sample.tolist() for sample in resamples(3, 2, seed=0)]
        [[2, 1, 1], [0, 0, 0]]
    """
    rng = np.random.default_rng(seed)
    if strata is None:
        for _ in range(n_boot):
            yield rng.integers(0, n_cases, n_cases)
        return
    groups = [np.flatnonzero(strata == value) for value in np.unique(strata)[::-1]]
    for _ in range(n_boot):
        yield np.concatenate([rng.choice(group, len(group)) for group in groups])


#: Resamples per block for a statistic that takes blocks: few enough that a block of scores stays small.
BLOCK = 64


def _blocks(samples: Iterator[np.ndarray], size: int) -> Iterator[list[np.ndarray]]:
    """The resamples in lists of ``size`` (the last may be shorter), in their order."""
    while block := list(itertools.islice(samples, size)):
        yield block


def bootstrap(
    statistic: Callable[[np.ndarray], float] | Callable[[np.ndarray], np.ndarray],
    n_cases: int,
    *,
    n_boot: int,
    level: float,
    seed: int,
    strata: np.ndarray | None = None,
    exact: Callable[[np.ndarray], float] | None = None,
    blocks: bool = False,
) -> Interval:
    """``statistic`` on all cases and the percentile interval of its values on resamples of the cases.

    Args:
        statistic: ``statistic(indices) -> float`` on the cases at ``indices``; ``nan`` where it is undefined.
        n_cases: the number of cases.
        n_boot, level, seed: checked already (:func:`check_bootstrap`).
        strata: one value per case; resamples are drawn within each (None: from all cases).
        exact: the statistic for the value on all cases, when ``statistic`` is a faster twin of it.
        blocks: ``statistic`` takes a block of resamples, ``(B, n_cases)`` indices, and gives their ``B`` values
            at once (the same resamples, in the same order; ``exact`` is then needed for the value).

    Example:
        >>> y = np.arange(10.0)
        >>> value, low, high = bootstrap(lambda i: float(y[i].mean()), 10, n_boot=200, level=0.9, seed=0)
        >>> value, bool(low < value < high)
        (4.5, True)
    """
    if blocks and exact is None:
        raise ValueError("exact is needed when the statistic takes blocks of resamples")
    samples = resamples(n_cases, n_boot, seed, strata)
    if blocks:
        values = np.concatenate(
            [np.asarray(statistic(np.stack(block)), dtype=float) for block in _blocks(samples, BLOCK)]
        )
    else:
        values = np.array([statistic(sample) for sample in samples], dtype=float)
    defined = values[np.isfinite(values)]
    undefined = n_boot - len(defined)
    if undefined > MAX_UNDEFINED * n_boot:
        raise ValueError(
            f"the metric was undefined on {undefined} of {n_boot} resamples: too few cases of some kind for an interval"
        )
    tail = (1 - level) / 2 * 100
    # An undefined resample is not a random one (in survival, it is one with too few events, where the metric
    # spreads most): leaving it out would narrow the interval. Counted at the most extreme defined value on
    # each side instead, it can only widen it.
    low = np.percentile(np.r_[defined, np.full(undefined, defined.min())], tail)
    high = np.percentile(np.r_[defined, np.full(undefined, defined.max())], 100 - tail)
    value = (exact or statistic)(np.arange(n_cases))
    return Interval(float(value), float(low), float(high))
