"""The task of the detection chapter's exercises that trains a small CenterNet: :mod:`medlearn.check.detection` gives it
to the learner as ``check.train_detector``, with the chapter's other tasks. The learner's AP is compared with the
learner's own network, decoded and scored again on the same smears, never with stored digits."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._keras_training import trained_model
from ..core import Wrong, as_number, task

__all__ = ["train_detector"]

#: The classes of BCCD, in its label order.
N_CLASSES = 3
#: How far a reported AP may be from the one scored again: the same network decoded the same way gives the same AP.
AP_TOLERANCE = 1e-4


def _ap(targets: list[dict[str, Any]], detections: list[dict[str, Any]], thresholds: Any) -> dict[str, Any]:
    from ...detection import mean_average_precision

    return mean_average_precision(targets, detections, iou_thresholds=thresholds)


@task(
    "images, targets = four_flips(train_images, train_targets); y = centernet_targets(targets, (120, 160), "
    "stride=4, n_classes=3); model = small_centernet((120, 160, 3), n_classes=3); compile with Adam and "
    "centernet_loss(3); fit on the flipped training smears only, for 2 epochs.",
    "detections = decode_centernet(model.predict(val_images, verbose=0), n_classes=3, stride=4), then "
    "mean_average_precision(val_targets, detections, iou_thresholds=[0.5])['map']: the mean of the three "
    "classes' AP at IoU 0.5.",
)
def train_detector(function: Any) -> None:
    from ...data import load_bccd
    from ...models import decode_centernet

    train, val = load_bccd("train", downscale=4), load_bccd("val", downscale=4)
    result, model, _ = trained_model(
        function,
        (train.images.copy(), list(train.targets), val.images.copy(), list(val.targets)),
        keys=("model", "val_ap50"),
        fit="model.fit(train_images, y, ...)",
        validation=(len(val.images), "the validation smears went into training: fit on the training smears only."),
        brief="train briefly: 2 epochs are enough here, and run in seconds.",
        max_epochs=6,
    )
    reported = as_number(result["val_ap50"], "'val_ap50'")

    def scored(images: np.ndarray) -> list[dict[str, Any]]:
        outputs = np.asarray(model.predict(images, verbose=0))  # as the learner predicts: the same batches
        if outputs.ndim != 4 or outputs.shape[-1] != N_CLASSES + 4:
            raise Wrong(f"the network's output should be (N, rows, cols, 7), a CenterNet's; it is {outputs.shape}.")
        return decode_centernet(outputs, n_classes=N_CLASSES, stride=images.shape[1] // outputs.shape[1])

    val_detections = scored(val.images)
    at_50 = _ap(list(val.targets), val_detections, [0.5])
    want = at_50["map"]
    if np.isclose(reported, want, atol=AP_TOLERANCE):
        return
    if np.isclose(reported, _ap(list(val.targets), val_detections, None)["map"], atol=AP_TOLERANCE):
        raise Wrong("that is COCO's mAP, averaged over IoU 0.50 to 0.95: pass iou_thresholds=[0.5] for AP50.")
    per_class = at_50["ap_per_class"]
    if any(np.isclose(reported, per_class[label], atol=AP_TOLERANCE) for label in per_class):
        raise Wrong("that is one class's AP: report the mean over the three classes (the result's 'map').")
    if np.isclose(reported, _ap(list(train.targets), scored(train.images), [0.5])["map"], atol=AP_TOLERANCE):
        raise Wrong("that AP was measured on the training smears: decode and score the validation smears.")
    raise Wrong(f"your network's AP50 on the validation smears is {want:.4f}; you returned {reported:.4f}.")
