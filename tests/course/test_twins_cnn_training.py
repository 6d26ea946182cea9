"""The CNN-training chapter's code against the library's twins: the chapter says so in a sentence, the test checks it.

The chapter builds its network (``build_cnn``) and trains it with a recipe written out in its cells; it then
says that ``medlearn.models.small_cnn`` builds the same network and that ``fit_small_cnn`` runs the same recipe
(class weights, learning rate, epochs, batch size, the patience of early stopping and of the schedule) and
that ``to_network_input`` prepares images as its section 2 does, which
later chapters and the exercises use. These are checks of code, not findings about data, so they live here
rather than in the learner's reading path. The chapter's cells are read from the stored notebook, so an edit
to the chapter that the library does not follow fails here.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
from helpers import REPO, one_code_cell

from authoring.chapters import by_name

CHAPTER = REPO / by_name("cnn_training").notebook


def _cell(start: str) -> str:
    """The source of the chapter's one code cell that contains ``start``."""
    return one_code_cell(CHAPTER, start)


def _describe(network) -> list[tuple]:
    return [
        (
            layer.name,
            type(layer).__name__,
            tuple(layer.output.shape),
            layer.count_params(),
            getattr(layer, "rate", None),
            getattr(layer, "momentum", None),
        )
        for layer in network.layers
    ]


def test_small_cnn_builds_the_chapters_network() -> None:
    import keras

    from medlearn.models import small_cnn

    namespace: dict = {"keras": keras}
    exec(_cell("def build_cnn("), namespace)
    chapter = namespace["build_cnn"]()
    assert _describe(chapter) == _describe(small_cnn((28, 28, 1), 2))
    assert chapter.count_params() == 23_697


def test_fit_small_cnn_runs_the_chapters_recipe() -> None:
    from medlearn.models import fit_small_cnn

    source = _cell("history = model.fit(")
    used = {
        "learning_rate": float(re.search(r"Adam\(learning_rate=([0-9.e-]+)\)", source).group(1)),
        "epochs": int(re.search(r"\bepochs=(\d+)", source).group(1)),
        "batch_size": int(re.search(r"\bbatch_size=(\d+)", source).group(1)),
        "patience": int(re.search(r"EarlyStopping\([^)]*\bpatience=(\d+)", source).group(1)),
        "lr_patience": int(re.search(r"ReduceLROnPlateau\([^)]*\bpatience=(\d+)", source).group(1)),
    }
    defaults = {k: p.default for k, p in inspect.signature(fit_small_cnn).parameters.items() if k in used}
    assert defaults == used
    assert "class_weight=class_weight" in source


def test_balanced_class_weight_is_the_chapters_formula(medmnist_dir) -> None:
    from medlearn.data import load_medmnist
    from medlearn.models import balanced_class_weight

    _, labels = load_medmnist("pneumoniamnist", "train", root=medmnist_dir)
    namespace: dict = {"np": np, "y": {"train": labels}}
    exec(_cell("class_weight = {"), namespace)
    chapter = namespace["class_weight"]
    library = balanced_class_weight(labels)
    assert chapter.keys() == library.keys() == {0, 1}
    assert all(np.isclose(chapter[k], library[k]) for k in chapter)


def test_to_network_input_is_the_chapters_function(medmnist_dir) -> None:
    from medlearn.data import load_medmnist
    from medlearn.models import to_network_input

    namespace: dict = {"np": np, "SPLITS": (), "load_medmnist": None}  # the cell also loads the splits: none here
    exec(_cell("def to_network_input("), namespace)
    chapter = namespace["to_network_input"]
    images, _ = load_medmnist("pneumoniamnist", "val", root=medmnist_dir)
    random = np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    for batch in (images, random):
        ours, library = chapter(batch), to_network_input(batch)
        assert ours.dtype == library.dtype == np.float32
        assert np.array_equal(ours, library)
