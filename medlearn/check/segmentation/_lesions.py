"""The segmentation chapter's lesion-wise task: found, missed and false alarms of a 3-D mask, as ISLES'22 counts
them, with its table of mistakes and the small hand-built masks that tell them apart."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import ndimage

from ..._messages import tr
from ...segmentation import lesion_counts as _lesion_counts
from .._comparing import close
from ..core import Mistake, Wrong, as_number, compared

KEYS = ("found", "missed", "false alarms", "lesion F1")
_TOUCHING = np.ones((3, 3, 3), bool)  # 26 neighbours: voxels that touch even at a corner


def _read(value: Any, *_: Any) -> dict[str, float]:
    """The learner's dict, its four values as numbers (a hint that names the keys when it is not one)."""
    if not isinstance(value, dict) or any(key not in value for key in KEYS):
        raise Wrong(tr("return a dict with the keys {keys}.", keys=", ".join(map(repr, KEYS))))
    return {key: as_number(value[key], tr("your value of {key!r}", key=key)) for key in KEYS}


def _same(got: dict, want: dict) -> bool:
    return close([got[key] for key in KEYS], [want[key] for key in KEYS])


def _counts(found: int, missed: int, false_alarms: int, f1: float) -> dict[str, float]:
    return {"found": found, "missed": missed, "false alarms": false_alarms, "lesion F1": f1}


def _isles_f1(found: int, missed: int, false_alarms: int) -> float:
    return found / (found + (missed + false_alarms) / 2)


def _count(truth_labels: np.ndarray, n_truth: int, pred_labels: np.ndarray, n_pred: int, **rule: bool) -> dict:
    """The four values from two label images; ``rule`` names a mistake in counting or in the F1."""
    overlap = (truth_labels > 0) & (pred_labels > 0)
    found = int(np.count_nonzero(np.unique(truth_labels[overlap])))
    touching = int(np.count_nonzero(np.unique(pred_labels[overlap])))  # the predicted pieces that touch a lesion
    if rule.get("pieces found"):
        found = touching
    missed = n_truth - found
    false_alarms = n_pred - found if rule.get("pieces minus found") else n_pred - touching
    if rule.get("precision and recall"):
        precision, recall = touching / n_pred, found / n_truth
        return _counts(found, missed, false_alarms, 2 * precision * recall / (precision + recall))
    if rule.get("not halved"):
        return _counts(found, missed, false_alarms, found / (found + missed + false_alarms))
    return _counts(found, missed, false_alarms, _isles_f1(found, missed, false_alarms))


def _by_slice(mask: np.ndarray, axis: int, plane: np.ndarray) -> tuple[np.ndarray, int]:
    """The pieces of a 3-D mask found slice by slice along ``axis``: a piece never crosses two slices."""
    labels, total = np.zeros(mask.shape, int), 0
    for k in range(mask.shape[axis]):
        index = [slice(None)] * 3
        index[axis] = k
        flat, n = ndimage.label(mask[tuple(index)], structure=plane)
        labels[tuple(index)] = np.where(flat > 0, flat + total, 0)
        total += n
    return labels, total


def _sliced(truth: np.ndarray, pred: np.ndarray, axis: int = 2, plane: np.ndarray | None = None) -> dict:
    plane = np.ones((3, 3), bool) if plane is None else plane
    return _count(*_by_slice(truth, axis, plane), *_by_slice(pred, axis, plane))


def _six(truth: np.ndarray, pred: np.ndarray) -> dict:
    return _count(*ndimage.label(truth), *ndimage.label(pred))


def _with(structure: np.ndarray = _TOUCHING, **rule: bool) -> Any:
    """The counts with labels made with ``structure``, and the mistake ``rule`` names."""
    return lambda truth, pred: _count(
        *ndimage.label(truth, structure=structure), *ndimage.label(pred, structure=structure), **rule
    )


def _voxels(truth: np.ndarray, pred: np.ndarray) -> dict:
    overlap, missed, false_alarms = np.sum(truth & pred), np.sum(truth & ~pred), np.sum(pred & ~truth)
    return _counts(int(overlap), int(missed), int(false_alarms), _isles_f1(overlap, missed, false_alarms))


def _cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """(expert's mask, mask scored): small 3-D masks of 10 x 10 x 4 voxels, each built to separate mistakes.

    1. Counting: one piece touches two expert lesions, three pieces touch one lesion, one lesion is missed and one
       piece is a false alarm; every lesion and piece lies in one slice (in z) and is joined through faces only.
    2. Joins: an expert lesion of three voxels joined through their edges in one slice, one joined only through a
       corner across two slices, one that spans two slices (in z) and one that spans two rows (in x), each touched
       by the mask at one voxel; and a piece of the mask joined only through a corner.
    """
    counting = [np.zeros((10, 10, 4), bool) for _ in range(2)]
    truth, pred = counting
    truth[1, 1, 1] = truth[1, 4, 1] = True  # two lesions, one piece touches both
    pred[0:2, 1:5, 1] = True
    truth[5:7, 1:8, 1] = True  # one lesion, three pieces touch it
    pred[5, 1, 1] = pred[5, 3, 1] = pred[5, 6, 1] = True
    truth[8, 8, 1] = True  # missed
    pred[8, 1, 1] = True  # a false alarm
    joins = [np.zeros((10, 10, 4), bool) for _ in range(2)]
    truth, pred = joins
    truth[1, 5, 1] = truth[2, 6, 1] = truth[3, 7, 1] = True  # joined through edges, in one slice
    pred[1, 5, 1] = True
    truth[6, 6, 1] = truth[7, 7, 2] = True  # joined only through a corner, across two slices
    pred[6, 6, 1] = True
    truth[5, 1, 1:3] = True  # two slices in z
    pred[5, 1, 1] = True
    truth[8:10, 2, 1] = True  # two rows in x
    pred[8, 2, 1] = True
    pred[2, 1, 2] = pred[3, 2, 3] = True  # one piece of the mask, joined only through a corner: a false alarm
    return [tuple(counting), tuple(joins)]


_MISTAKES = [
    Mistake(
        "six neighbours",
        _six,
        tr(
            "voxels that touch only at an edge or a corner belong to one lesion too: ISLES'22 uses all 26 neighbours. "
            "ndimage.label joins, by default, only voxels that share a face (6 neighbours); pass "
            "structure=np.ones((3, 3, 3))."
        ),
        spot=lambda got, want, truth, pred: any(
            _same(got, _with(structure=ndimage.generate_binary_structure(3, joins))(truth, pred)) for joins in (1, 2)
        ),
    ),
    Mistake(
        "slice by slice",
        _sliced,
        tr(
            "you cut the lesions slice by slice, so a lesion that spans two slices counts twice. Label the whole 3-D "
            "mask at once, with 26 neighbours."
        ),
        spot=lambda got, want, truth, pred: any(
            _same(got, _sliced(truth, pred, axis, plane))
            for axis in range(3)
            for plane in (np.ones((3, 3), bool), ndimage.generate_binary_structure(2, 1))
        ),
    ),
    Mistake(
        "masks swapped",
        lambda truth, pred: _with()(pred, truth),
        tr("the two masks are swapped: the first argument is the expert's mask, the second the mask you score."),
    ),
    Mistake(
        "pieces found",
        _with(**{"pieces found": True}),
        tr(
            "you counted the pieces of your mask that touch an expert lesion. 'found' counts the EXPERT's lesions "
            "that your mask touches: one piece can touch two lesions, and two pieces can touch one lesion."
        ),
    ),
    Mistake(
        "pieces minus found",
        _with(**{"pieces minus found": True}),
        tr(
            "false alarms are not the pieces minus the lesions found: one piece can touch two lesions, and two "
            "pieces can touch one. Count the pieces of your mask that share no voxel with the expert's mask."
        ),
    ),
    Mistake(
        "precision and recall",
        _with(**{"precision and recall": True}),
        tr(
            "your counts are right, but not your F1. Precision from pieces and recall from lesions give another "
            "number when a piece touches two lesions. ISLES'22 uses found / (found + (missed + false alarms) / 2)."
        ),
    ),
    Mistake(
        "not halved",
        _with(**{"not halved": True}),
        tr("the missed lesions and the false alarms count half each: found / (found + (missed + false alarms) / 2)."),
    ),
    Mistake(
        "voxels",
        _voxels,
        tr(
            "you counted voxels. Count lesions: cut each mask into its lesions first (ndimage.label), then count "
            "the expert's lesions found and missed, and the pieces of your mask that are false alarms."
        ),
    ),
]


@compared(
    tr(
        "Cut each mask into lesions with ndimage.label and structure=np.ones((3, 3, 3)): voxels that touch, even at "
        "a corner, belong to one lesion."
    ),
    tr(
        "An expert lesion is found when it shares a voxel with your mask: np.unique(truth_labels[y_true & y_pred]) "
        "lists them (without 0). A piece of your mask is a false alarm when it shares no voxel with y_true."
    ),
    tr("missed = expert lesions - found; lesion F1 = found / (found + (missed + false alarms) / 2)."),
    cases=_cases,
    read=_read,
    same=_same,
    mistakes=_MISTAKES,
    otherwise=lambda got, want, *_: tr(
        "expected found {found}, missed {missed}, false alarms {alarms}, lesion F1 {f1:.3f}; you returned found "
        "{got_found:g}, missed {got_missed:g}, false alarms {got_alarms:g}, lesion F1 {got_f1:.3f}.",
        found=want["found"],
        missed=want["missed"],
        alarms=want["false alarms"],
        f1=want["lesion F1"],
        got_found=got["found"],
        got_missed=got["missed"],
        got_alarms=got["false alarms"],
        got_f1=got["lesion F1"],
    ),
)
def lesion_counts(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    return _lesion_counts(y_true, y_pred)
