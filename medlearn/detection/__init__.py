"""Object detection: box geometry, non-maximum suppression, COCO's mAP, FROC and counts.

Two modules by job, whose public names this package re-exports (``from medlearn.detection import box_iou``):

- :mod:`medlearn.detection.boxes`: box geometry (IoU, corner and centre forms), non-maximum suppression, and
  the four flips of images with their boxes;
- :mod:`medlearn.detection.evaluation`: matching detections to ground truth, COCO's mAP (equal to pycocotools'
  ``COCOeval``), FROC (in the style of LUNA16) and counting objects.

Boxes are ``(xmin, ymin, xmax, ymax)`` in continuous pixel coordinates. Ground truth and predictions are lists
with one dict per image, ``{"boxes": (N, 4), "labels": (N,)}``, and predictions also ``"scores": (N,)``.

Example:
    >>> box_iou([[0, 0, 10, 10]], [[5, 0, 15, 10]]).round(3).tolist()
    [[0.333]]
"""

from .boxes import box_iou, centres_to_corners, corners_to_centres, four_flips, non_max_suppression
from .evaluation import (
    COCO_IOU_THRESHOLDS,
    COCO_RECALL_THRESHOLDS,
    FROC_RATES,
    choose_count_threshold,
    count_objects,
    froc,
    match_detections,
    mean_average_precision,
)

__all__ = [
    "COCO_IOU_THRESHOLDS",
    "COCO_RECALL_THRESHOLDS",
    "FROC_RATES",
    "box_iou",
    "centres_to_corners",
    "choose_count_threshold",
    "corners_to_centres",
    "count_objects",
    "four_flips",
    "froc",
    "match_detections",
    "mean_average_precision",
    "non_max_suppression",
]
