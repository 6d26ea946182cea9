"""Exercise checks of the detection chapter: the detector task's mistakes, replayed, and what a table cannot say (the
other tasks' typical mistakes are tested from the checks' own tables, in test_mistakes.py)."""

from __future__ import annotations

import functools

import numpy as np
from helpers import placeholders_test, right_answers_test, typical_mistakes_test

from medlearn.check import detection


def test_a_letter_that_is_no_choice_asks_for_one() -> None:
    result = detection.report_with_missing_labels.run(lambda: "e")
    assert result.status == "fail" and "one letter" in result.message, result.message


@functools.cache
def _trained_centernet():
    import keras

    from medlearn.data import load_bccd
    from medlearn.detection import four_flips
    from medlearn.models import centernet_loss, centernet_targets, small_centernet

    train = load_bccd("train", downscale=4)
    keras.utils.set_random_seed(0)
    model = small_centernet(train.images.shape[1:], n_classes=3)  # the solution's: its AP tells the mistakes apart
    model.compile(keras.optimizers.Adam(3e-3), centernet_loss(3), jit_compile=False)
    images, targets = four_flips(train.images, train.targets)
    model.fit(images, centernet_targets(targets, (120, 160), 4, 3), batch_size=16, epochs=2, verbose=0)
    return model


def _tiny_fit(x, epochs=1):
    import keras

    tiny = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.Conv2D(1, 1)])
    tiny.compile(loss="mse")
    tiny.fit(x, np.zeros((*x.shape[:3], 1)), epochs=epochs, batch_size=len(x), verbose=0)


def _detector_answer(how, fit_on="train", epochs=1):
    def answer(train_images, train_targets, val_images, val_targets):
        from medlearn.detection import mean_average_precision
        from medlearn.models import decode_centernet

        _tiny_fit(train_images if fit_on == "train" else val_images, epochs)
        model = _trained_centernet()
        images, targets = (train_images, train_targets) if how == "training" else (val_images, val_targets)
        detections = decode_centernet(model.predict(images, verbose=0), n_classes=3, stride=4)
        result = mean_average_precision(targets, detections, iou_thresholds=None if how == "coco" else [0.5])
        ap = result["ap_per_class"][1] if how == "one class" else result["map"]
        return {"model": model, "val_ap50": ap}

    return answer


DETECTOR_MISTAKES = [
    (detection.train_detector, _detector_answer("coco"), "COCO's mAP"),
    (detection.train_detector, _detector_answer("one class"), "one class's AP"),
    (detection.train_detector, _detector_answer("training"), "training smears"),
    (detection.train_detector, _detector_answer("right", fit_on="val"), "validation smears went into training"),
    (detection.train_detector, _detector_answer("right", epochs=20), "train briefly"),
    (detection.train_detector, lambda *d: {"model": _trained_centernet(), "val_ap50": 0.5}, "never trained"),
    (detection.train_detector, lambda *d: {"model": "a model", "val_ap50": 0.5}, "keras.Model"),
    (detection.train_detector, lambda *d: 0.5, "return a dict"),
]
test_detector_right_answer_passes = right_answers_test({detection.train_detector: _detector_answer("right")})
test_detector_mistakes_fail_with_their_hint = typical_mistakes_test(DETECTOR_MISTAKES)
test_detector_placeholder_is_todo = placeholders_test({detection.train_detector: _detector_answer("right")})
