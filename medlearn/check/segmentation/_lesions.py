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
_NEIGHBOURS = np.ones((3, 3, 3), bool)  # the 26-neighbourhood: voxels that share a face, an edge or a corner


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
    overlapping = int(np.count_nonzero(np.unique(pred_labels[overlap])))  # the pieces that overlap a lesion
    # A piece next to a lesion, even at a corner, counted as overlapping it: both masks grown ("adjacent"), or one.
    if rule.get("adjacent") or rule.get("adjacent found"):  # y_pred grown, to find lesions
        grown_pred = ndimage.binary_dilation(pred_labels > 0, structure=_NEIGHBOURS)
        found = int(np.count_nonzero(np.unique(truth_labels[grown_pred])))
    if rule.get("adjacent") or rule.get("adjacent pieces"):  # y_true grown, to find the pieces on lesions
        grown_truth = ndimage.binary_dilation(truth_labels > 0, structure=_NEIGHBOURS)
        overlapping = int(np.count_nonzero(np.unique(pred_labels[grown_truth])))
    if rule.get("label 0 in found"):  # np.unique(truth_labels[y_pred]): the background 0 comes too
        found = len(np.unique(truth_labels[pred_labels > 0]))
    if rule.get("label 0 in pieces"):  # np.unique(pred_labels[y_true]), the same slip
        overlapping = len(np.unique(pred_labels[truth_labels > 0]))
    if rule.get("pieces found"):
        found = overlapping
    missed = n_truth - found
    false_alarms = n_pred - found if rule.get("pieces minus found") else n_pred - overlapping
    if rule.get("count difference"):
        false_alarms = abs(n_pred - n_truth)
    if rule.get("precision and recall"):
        precision, recall = overlapping / n_pred, found / n_truth
        return _counts(found, missed, false_alarms, 2 * precision * recall / (precision + recall))
    if rule.get("not halved"):
        return _counts(found, missed, false_alarms, found / (found + missed + false_alarms))
    return _counts(found, missed, false_alarms, _isles_f1(found, missed, false_alarms))


def _joined(truth: np.ndarray, pred: np.ndarray) -> dict:
    """The counts when both masks are labelled together (y_true | y_pred): a piece next to a lesion joins it."""
    joint, _ = ndimage.label(truth | pred, structure=_NEIGHBOURS)
    truth_labels, n_truth = ndimage.label(truth, structure=_NEIGHBOURS)
    pred_labels, n_pred = ndimage.label(pred, structure=_NEIGHBOURS)
    hit = set(np.unique(joint[pred]).tolist())
    found = sum(joint[truth_labels == k][0] in hit for k in range(1, n_truth + 1))
    with_truth = set(np.unique(joint[truth]).tolist())
    false_alarms = sum(joint[pred_labels == k][0] not in with_truth for k in range(1, n_pred + 1))
    missed = n_truth - found
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


def _with(structure: np.ndarray = _NEIGHBOURS, pred_structure: np.ndarray | None = None, **rule: bool) -> Any:
    """The counts with labels made with ``structure`` (``pred_structure`` for y_pred when given), and the mistake
    ``rule`` names."""
    pred_structure = structure if pred_structure is None else pred_structure
    return lambda truth, pred: _count(
        *ndimage.label(truth, structure=structure), *ndimage.label(pred, structure=pred_structure), **rule
    )


def _fewer() -> list[np.ndarray]:
    """The 6- and the 18-neighbourhood, the structures that join fewer voxels than ISLES'22's 26."""
    return [ndimage.generate_binary_structure(3, joins) for joins in (1, 2)]


def _voxels(truth: np.ndarray, pred: np.ndarray) -> dict:
    overlap, missed, false_alarms = np.sum(truth & pred), np.sum(truth & ~pred), np.sum(pred & ~truth)
    return _counts(int(overlap), int(missed), int(false_alarms), _isles_f1(overlap, missed, false_alarms))


def _cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """(expert's mask, mask scored): small 3-D masks of 10 x 10 x 4 voxels, each built to separate mistakes.

    1. Counting: one piece overlaps two expert lesions, four pieces overlap one lesion, one false alarm lies next
       to that lesion (sharing a face) and one next to the missed lesion (sharing a corner), without sharing a
       voxel. The pieces minus the lesions (7 - 4) is not the number of false alarms, and the pieces that overlap
       a lesion (5) are not the lesions found plus one (4), as they would be with the background label 0 counted.
       Every lesion and piece is joined through faces only.
    2. Joins: an expert lesion of three voxels joined through their edges in one slice, one joined only through a
       corner across two slices, one that spans two slices (in z) and one that spans two rows (in x), each
       overlapped by the mask at one voxel; and a piece of the mask joined only through a corner.
    """
    counting = [np.zeros((10, 10, 4), bool) for _ in range(2)]
    truth, pred = counting
    truth[1, 1, 1] = truth[1, 4, 1] = True  # two lesions, one piece overlaps both
    pred[0:2, 1:5, 1] = True
    truth[5:7, 1:8, 1] = True  # one lesion, four pieces overlap it
    pred[5, 1, 1] = pred[5, 3, 1] = pred[5, 5, 1] = pred[5, 7, 1] = True
    pred[7, 1, 1] = True  # a false alarm that shares a face with that lesion, and no voxel
    truth[8, 8, 1] = True  # missed: a false alarm shares only a corner with it
    pred[7, 9, 2] = True
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


#: The masks grown before the overlap is looked for: both, y_pred only (to find lesions), y_true only (to find pieces).
_GROWN = ("adjacent", "adjacent found", "adjacent pieces")
_LABEL_0 = (
    {"label 0 in found": True, "label 0 in pieces": True},
    {"label 0 in found": True},
    {"label 0 in pieces": True},
)

_MISTAKES = [
    Mistake(
        "six neighbours",
        _six,
        tr(
            "voxels that share only an edge or a corner belong to one lesion too: ISLES'22 uses the 26-neighbourhood. "
            "Your labels joined fewer neighbours (6 or 18). With ndimage.label, pass structure=np.ones((3, 3, 3)) "
            "(its default joins only voxels that share a face); with skimage.measure.label, pass connectivity=3."
        ),
        spot=lambda got, want, truth, pred: any(_same(got, _with(structure=fewer)(truth, pred)) for fewer in _fewer()),
    ),
    Mistake(
        "one mask only",
        _with(pred_structure=ndimage.generate_binary_structure(3, 1)),
        tr(
            "label both masks with the 26-neighbourhood: you gave structure=np.ones((3, 3, 3)) (or connectivity=3) "
            "to only one of the two label calls."
        ),
        spot=lambda got, want, truth, pred: any(
            _same(got, _with(*pair)(truth, pred))
            for fewer in _fewer()
            for pair in ((fewer, _NEIGHBOURS), (_NEIGHBOURS, fewer))
        ),
    ),
    Mistake(
        "slice by slice",
        _sliced,
        tr(
            "you cut the lesions slice by slice, so a lesion that spans two slices counts twice. Label the whole 3-D "
            "mask at once, with the 26-neighbourhood."
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
        tr("the two masks are swapped: the first argument is the expert's mask, the second the mask to be scored."),
    ),
    Mistake(
        "next to counted as overlap",
        _with(adjacent=True),
        tr(
            "a piece that lies next to a lesion, but shares no voxel with it, does not find it: the piece is a false "
            "alarm, and the lesion is missed. Do not grow the masks, and do not label y_true | y_pred together: a "
            "piece must overlap the lesion."
        ),
        spot=lambda got, want, truth, pred: (
            any(_same(got, _with(**{grown: True})(truth, pred)) for grown in _GROWN) or _same(got, _joined(truth, pred))
        ),
    ),
    Mistake(
        "label 0 counted",
        _with(**_LABEL_0[0]),
        tr(
            "np.unique also lists 0, the background: indexed with a whole mask (truth_labels[y_pred]), it reaches "
            "voxels outside every lesion. Index with y_true & y_pred, or count with np.count_nonzero(np.unique(...))."
        ),
        spot=lambda got, want, truth, pred: any(_same(got, _with(**rule)(truth, pred)) for rule in _LABEL_0),
    ),
    Mistake(
        "pieces found",
        _with(**{"pieces found": True}),
        tr(
            "you counted the pieces of your mask that overlap a lesion. 'found' counts the expert's lesions that "
            "your mask overlaps: one piece can overlap two lesions, and two pieces can overlap one lesion."
        ),
    ),
    Mistake(
        "pieces minus found",
        _with(**{"pieces minus found": True}),
        tr(
            "false alarms are not the pieces minus the lesions found: one piece can overlap two lesions, and two "
            "pieces can overlap one. Count the pieces of your mask that share no voxel with the expert's mask."
        ),
    ),
    Mistake(
        "count difference",
        _with(**{"count difference": True}),
        tr(
            "false alarms are not the difference between the number of pieces and the number of lesions (that is "
            "|ΔN|, another of ISLES'22's measures). Count the pieces of your mask that share no voxel with the "
            "expert's mask. A piece that overlaps a lesion is no false alarm, even when part of it lies outside."
        ),
    ),
    Mistake(
        "precision and recall",
        _with(**{"precision and recall": True}),
        tr(
            "your counts are right, but not your F1. Precision from pieces and recall from lesions give another "
            "number whenever the pieces that overlap lesions do not pair one to one with the lesions found (one "
            "piece on two lesions, or two pieces on one). That pooled F1 is another definition, used elsewhere. "
            "This task, like ISLES'22, uses found / (found + (missed + false alarms) / 2)."
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
            "you counted voxels. Count lesions: label each mask first (ndimage.label), then count the expert's "
            "lesions found and missed, and the pieces of your mask that are false alarms."
        ),
    ),
]


@compared(
    tr(
        "Label each mask with ndimage.label and structure=np.ones((3, 3, 3)): voxels that share only an edge or a "
        "corner are neighbours too (the 26-neighbourhood)."
    ),
    tr(
        "A lesion is found when it overlaps y_pred. np.unique(truth_labels[y_true & y_pred]) lists the found "
        "lesions. It holds no 0, because each of these voxels lies in a lesion. In the same way, "
        "np.unique(pred_labels[y_true & y_pred]) lists the pieces that overlap a lesion. The other pieces are false "
        "alarms."
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
