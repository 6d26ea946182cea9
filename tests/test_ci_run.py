"""CI's second strict pass covers every chapter and exercise solution that trains a network: a compared cell that
printed a trained network's own digits would pass on the machine that stored it and fail on another CPU."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def trains_a_network(notebook: Path) -> bool:
    """Whether a notebook's code uses Keras or TensorFlow and fits or differentiates a model."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    return bool(re.search(r"\bkeras\b|tensorflow", code) and re.search(r"\.fit\(|GradientTape|train_step", code))


def perturbed_notebooks(script: str) -> set[str]:
    """The notebooks a CI script runs again under a perturbed summation order (oneDNN off, or one thread)."""
    commands = script.replace("\\\n", " ").splitlines()
    perturbed = [line for line in commands if re.match(r"\s*(TF_ENABLE_ONEDNN_OPTS=0|TF_NUM_INTRAOP_THREADS=1)", line)]
    return {name for line in perturbed for name in re.findall(r"((?:notebooks|exercises/solutions)/\w+)\.ipynb", line)}


def test_every_chapter_that_trains_runs_again_with_another_summation_order() -> None:
    notebooks = [*(REPO / "notebooks").glob("*.ipynb"), *(REPO / "exercises" / "solutions").glob("*.ipynb")]
    training = {path.relative_to(REPO).with_suffix("").as_posix() for path in notebooks if trains_a_network(path)}
    assert {"notebooks/06_cnn_training", "exercises/solutions/13_detection"} <= training
    assert "notebooks/00_medical_images" not in training  # the detector sees both kinds
    assert training - perturbed_notebooks((REPO / ".ci" / "run").read_text(encoding="utf-8")) == set()


def test_the_perturbed_pass_is_read_from_the_script() -> None:
    script = "TF_ENABLE_ONEDNN_OPTS=0 python3 course.py test notebooks/05_a.ipynb \\\n    notebooks/06_b.ipynb\n"
    script += "python3 course.py test notebooks/07_c.ipynb\n"
    assert perturbed_notebooks(script) == {"notebooks/05_a", "notebooks/06_b"}
