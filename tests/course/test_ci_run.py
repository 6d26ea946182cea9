"""CI's second strict pass covers every chapter and exercise solution that trains a network: a compared cell that
printed a trained network's own digits would pass on the machine that stored it and fail on another CPU."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from authoring import chapters
from authoring._paths import REPO
from medlearn.data import ARCHIVE_DATASETS, ISLES22_CASE, PET_SLICES

#: The calls that train a Keras network (``fit``, a custom loop's ``train_step`` or ``apply_gradients``).
TRAINING_CALLS = {"fit", "train_step", "apply_gradients"}


def training_functions(package: Path = REPO / "medlearn") -> set[str]:
    """The public functions of a package that train a network: those that make a training call in a module that
    imports Keras or TensorFlow, and those that call one of them (``fit_small_cnn`` calls ``train_binary``)."""
    calls: dict[str, set[str]] = {}
    trains: set[str] = set()
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        keras = re.search(r"^\s*(?:import|from)\s+(?:keras|tensorflow)\b", text, re.MULTILINE) is not None
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name in TRAINING_CALLS:
                continue
            called = {
                call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
                for call in ast.walk(node)
                if isinstance(call, ast.Call) and isinstance(call.func, (ast.Attribute, ast.Name))
            }
            calls.setdefault(node.name, set()).update(called)
            if keras and called & TRAINING_CALLS:
                trains.add(node.name)
    while more := {name for name, called in calls.items() if called & trains} - trains:
        trains |= more
    return {name for name in trains if not name.startswith("_")}


def trains_a_network(notebook: Path, trainers: set[str] | None = None) -> bool:
    """Whether a notebook's code uses Keras or TensorFlow and fits or differentiates a model, or calls a function
    of ``medlearn`` that trains one (:func:`training_functions`)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    if re.search(r"\bkeras\b|tensorflow", code) and re.search(r"\.fit\(|GradientTape|train_step", code):
        return True
    names = training_functions() if trainers is None else trainers
    return any(re.search(rf"\b{re.escape(name)}\s*\(", code) for name in names)


def perturbed_notebooks(path: Path = chapters.LIST) -> set[str]:
    """The notebooks that CI runs again under a perturbed summation order: the ``trains`` of every chapter in the
    chapter list (``.ci/run`` reads them with ``python -m authoring chapters --trains ...``)."""
    return {
        notebook.removesuffix(".ipynb") for chapter in chapters.read(path) for notebook in chapter.training_notebooks()
    }


def test_every_chapter_that_trains_runs_again_with_another_summation_order() -> None:
    notebooks = [*(REPO / "notebooks").glob("*.ipynb"), *(REPO / "exercises" / "solutions").glob("*.ipynb")]
    trainers = training_functions()
    training = {
        path.relative_to(REPO).with_suffix("").as_posix() for path in notebooks if trains_a_network(path, trainers)
    }
    assert {chapters.by_name("cnn_training").notebook.removesuffix(".ipynb")} <= training
    assert chapters.by_name("detection").solution.removesuffix(".ipynb") in training
    assert chapters.by_name("medical_images").notebook.removesuffix(".ipynb") not in training  # sees both kinds
    listed = perturbed_notebooks()
    assert training - listed == set(), "add these to their chapter's 'trains' in authoring/chapters.json"
    assert listed - training == set(), "these train nothing: take them out of 'trains' in authoring/chapters.json"


def test_the_ci_script_runs_both_perturbations_from_the_chapter_list() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    for perturbation in chapters.PERTURBATIONS:
        assert f"python3 -m authoring chapters --trains {perturbation})" in script
    assert not re.search(r"notebooks/\d\d_", script), "name no notebook in .ci/run: mark it in authoring/chapters.json"


def test_the_perturbed_notebooks_are_read_from_the_chapter_list(tmp_path: Path) -> None:
    listed = tmp_path / "chapters.json"
    entries = [
        {"name": "a", "title": "A", "summary": "s", "topics": "t"},
        {"name": "b", "title": "B", "summary": "s", "topics": "t", "trains": ["chapter", "solution"]},
        {"name": "c", "title": "C", "summary": "s", "topics": "t", "trains": ["chapter"], "perturbation": "threads"},
    ]
    listed.write_text(json.dumps({"chapters": entries}), encoding="utf-8")
    assert perturbed_notebooks(listed) == {"notebooks/01_b", "exercises/solutions/01_b", "notebooks/02_c"}
    out = subprocess.run(
        [sys.executable, "-m", "authoring", "chapters", "--trains", "threads"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == chapters.by_name("volumes").training_notebooks()


def test_the_library_functions_that_train_are_found_by_what_they_call() -> None:
    trainers = training_functions()
    assert {"fit_small_cnn", "train_binary"} <= trainers
    assert not trainers & {"grad_cam", "small_cnn", "pool_learning_curve", "fit"}  # a gradient, a builder, sklearn


def _notebook(folder: Path, *cells: tuple[str, str]) -> Path:
    path = folder / "made_up.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": kind, "source": [text]} for kind, text in cells]}))
    return path


def test_the_detector_sees_a_notebook_that_trains_only_through_the_library(tmp_path: Path) -> None:
    trainers = {"fit_small_cnn", "train_binary"}
    library = ("code", "from medlearn.models import fit_small_cnn\nmodel, history = fit_small_cnn(X, y, X, y, seed=0)")
    keras = ("code", "import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\nmodel.fit(X, y, epochs=1)")
    sklearn = ("code", "from sklearn.linear_model import LogisticRegression\nLogisticRegression().fit(X, y)")
    words = ("markdown", "The CNN chapter trained it with `fit_small_cnn(...)`; here we load the stored weights.")
    named = ("code", "from medlearn.models import fit_small_cnn\nhelp(fit_small_cnn)")
    assert trains_a_network(_notebook(tmp_path, library), trainers)
    assert trains_a_network(_notebook(tmp_path, keras), trainers)
    assert not trains_a_network(_notebook(tmp_path, sklearn, words, named), trainers)
    assert trains_a_network(_notebook(tmp_path, library), None)  # the library's own list, read from medlearn/


SHARED_DATA = REPO.parent / "shared" / "data"


def test_both_ci_jobs_take_their_data_from_one_script() -> None:
    """The two jobs link the same files: a data set added to one job only is what made an earlier CI run fail
    (the Colab job lacked the PET slices and the stroke case)."""
    for script in (".ci/run", ".ci/colab"):
        text = (REPO / script).read_text(encoding="utf-8")
        assert ".ci/link_data" in text, f"{script}: fill the data folder with .ci/link_data"
        assert "ln -s" not in text, f"{script}: link data files in .ci/link_data, not here"


def test_the_link_script_gives_every_file_the_library_pins(tmp_path: Path) -> None:
    """Every file of the PET slices, the stroke case and the archives is linked (MedMNIST: its 28-pixel files)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"no shared data folder at {SHARED_DATA} (CI and the course's machines have one)")
    subprocess.run([str(REPO / ".ci" / "link_data"), str(tmp_path)], check=True)
    linked = {path.name for path in tmp_path.iterdir()}
    wanted = {*PET_SLICES.files, *ISLES22_CASE.files, *(dataset.filename for dataset in ARCHIVE_DATASETS.values())}
    wanted |= {"breastmnist.npz", "pneumoniamnist.npz", "retinamnist.npz", "adrenalmnist3d.npz", "vesselmnist3d.npz"}
    assert wanted <= linked, f"not linked: {sorted(wanted - linked)}"
    assert all(path.resolve().is_file() for path in tmp_path.iterdir())
