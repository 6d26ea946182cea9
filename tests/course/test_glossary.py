"""The glossary, and the order of ideas: every term taught before a chapter uses it, or linked where it is used."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from helpers import REPO

from authoring import glossary
from medlearn.quiz import section_anchor

TEXT = glossary.GLOSSARY.read_text(encoding="utf-8")
ENTRIES = glossary.entries(TEXT)
CHAPTERS = glossary.chapters()
#: Terms the course relies on that the glossary must hold (issue 50), by the start of their heading.
REQUIRED = (
    "Accuracy", "AUC", "ROC curve", "Sensitivity (recall)", "Specificity", "PPV (precision)", "NPV", "Prevalence",
    "Decision threshold", "Confusion matrix", "Logit", "Sigmoid", "Softmax", "ReLU", "Loss", "Cross-entropy",
    "Gradient", "Gradient descent", "Learning rate", "Epoch", "Mini-batch", "Optimiser", "SGD", "Momentum", "Adam",
    "Backpropagation", "Parameter (weight)", "Convolution", "Kernel", "Padding", "Stride", "Receptive field",
    "Batch normalisation", "Pooling", "Global average pooling", "Dropout", "Augmentation", "Over-fitting",
    "Early stopping", "Training, validation and test splits", "Cross-validation", "Leakage", "Bootstrap",
    "Confidence interval", "Calibration", "Platt scaling", "Logistic regression", "Support vector machine",
    "Random forest", "Hounsfield unit", "Window and level", "DICOM", "Segmentation", "Dice", "IoU", "U-Net", "NMS",
    "FROC", "Average precision", "Censoring", "Hazard", "Kaplan-Meier", "Cox model", "C-index", "De-identification",
    "Pseudonymisation",
)  # fmt: skip
# Early uses in chapters this branch does not edit, each with the change that clears it. The lead clears them
# after merging; the test below fails on a use not listed here and on a listed one that is gone, so the list
# cannot go stale silently.
KNOWN: dict[tuple[str, str], str] = {}


def _chapter_links(path: Path) -> list[str]:
    return [t for cell in glossary.markdown_cells(path) for _, t in glossary.LINK.findall(cell)]


def test_the_glossary_holds_the_terms_the_course_relies_on() -> None:
    terms = [entry.term for entry in ENTRIES]
    missing = [name for name in REQUIRED if not any(term.startswith(name) for term in terms)]
    assert missing == [] and len(terms) >= 80, missing
    assert terms == sorted(terms, key=str.lower), "entries in alphabetical order"


def test_every_entry_has_a_meaning_and_its_forms_belong_to_it_alone() -> None:
    owners: dict[str, str] = {}
    for entry in ENTRIES:
        body = TEXT.split(f"### {entry.term}\n", 1)[1].split("\n### ", 1)[0]
        meaning = re.sub(r"<!--.*?-->", "", body, flags=re.S).split("Taught in")[0]
        assert 5 <= len(meaning.split()) <= 80, f"{entry.term}: a line or two of meaning"
        for form in entry.forms:
            assert form.lower() not in owners, f"{form!r} is a form of {owners.get(form.lower())} and {entry.term}"
            owners[form.lower()] = entry.term


def test_every_link_of_the_glossary_leads_to_an_existing_heading() -> None:
    anchors = {path.name: glossary.notebook_anchors(path) for path in sorted((REPO / "notebooks").glob("*.ipynb"))}
    targets = [t for _, t in glossary.LINK.findall(TEXT)]
    assert len(targets) >= len(ENTRIES)
    for target in targets:
        assert target.startswith("../notebooks/") and "#" in target, target
        name, anchor = target[len("../notebooks/") :].split("#", 1)
        assert name in anchors, f"no chapter {name}"
        assert anchor in anchors[name], f"{name} has no heading #{anchor}"


def test_an_entry_links_its_teaching_section_first_and_deeper_ones_after() -> None:
    for entry in ENTRIES:
        body = TEXT.split(f"### {entry.term}\n", 1)[1].split("\n### ", 1)[0]
        chapters = [int(t[len("../notebooks/") :][:2]) for _, t in glossary.LINK.findall(body)]
        assert chapters[0] == min(chapters), f"{entry.term}: the first link is the chapter that teaches it"


def test_every_link_from_a_page_into_the_glossary_names_an_entry() -> None:
    slugs = set(glossary.anchors([TEXT]))
    pages = [*CHAPTERS, *(REPO / "exercises").glob("*.ipynb")]
    links = [t for path in pages for t in _chapter_links(path) if "glossary.md" in t]
    links += [t for name in ("README.md", "START_HERE.md") for _, t in glossary.LINK.findall((REPO / name).read_text())]
    assert any("glossary.md#" in t for t in links)
    for target in links:
        if "glossary.md" in target:
            assert target.split("#", 1)[0] in ("../docs/glossary.md", "docs/glossary.md"), target
            assert "#" not in target or target.split("#", 1)[1] in slugs, f"no glossary entry for {target}"


def test_slugs_are_the_sites() -> None:
    base = pytest.importorskip("myst_parser.mdit_to_docutils.base", reason="the site's extra is not installed")
    headings = [h for path in CHAPTERS for h in glossary.notebook_anchors(path).values()]
    headings += list(glossary.anchors([TEXT]).values())
    assert len(headings) > 200
    for heading in headings:
        assert section_anchor(heading) == base.default_slugify(heading), heading


def test_no_term_is_used_before_the_chapter_that_teaches_it() -> None:
    found = {(use.notebook, use.term): str(use) for use in glossary.early_uses(CHAPTERS, ENTRIES)}
    unexpected = [text for key, text in found.items() if key not in KNOWN]
    assert unexpected == [], "link the term to its glossary entry or define it there:\n" + "\n".join(unexpected)
    cleared = [f"{key}: {change}" for key, change in KNOWN.items() if key not in found]
    assert cleared == [], "cleared, take them off KNOWN:\n" + "\n".join(cleared)


PLANTED = """# Glossary

## E

### Epoch
<!-- forms: epoch -->
One pass through the training cases. Taught in [02 · § 1 · Training](../notebooks/02_b.ipynb#1--training).

### Recall
<!-- forms: recall; sensitivity | not: by recall -->
The share of the diseased found. Taught in [02 · § 1 · Training](../notebooks/02_b.ipynb#1--training).

### SGD
<!-- forms: SGD; stochastic gradient descent -->
Steps on mini-batches. Taught in [02 · § 1 · Training](../notebooks/02_b.ipynb#1--training).
"""


def _chapter(folder: Path, name: str, *cells: str) -> Path:
    path = folder / name
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells]), path)
    return path


def _early(tmp_path: Path, *cells: str) -> list[tuple[str, str, int]]:
    first = _chapter(tmp_path, "01_a.ipynb", *cells)
    second = _chapter(tmp_path, "02_b.ipynb", "## 1 · Training\n\nAn epoch, SGD, recall.")
    uses = glossary.early_uses([first, second], glossary.entries(PLANTED))
    return [(use.term, use.text, use.cell) for use in uses]


def test_a_planted_early_use_is_found(tmp_path: Path) -> None:
    assert _early(tmp_path, "## 1 · Intro\n\nWe trained for ten Epochs.") == [("Epoch", "Epochs", 0)]
    # Capitals: an all-capital form is matched as written, so "sgd" in a word or lower case is no use of SGD.
    assert _early(tmp_path, "The sgd folder; `SGD` in code; $SGD$ in maths; an SGDish word.") == []
    assert _early(tmp_path, "Plain SGD, then stochastic\ngradient descent.") == [("SGD", "SGD", 0)]
    # Whole words only: "epochal" is not "epoch"; another sense is left alone.
    assert _early(tmp_path, "An epochal change, scored by recall of the training images.") == []
    # Only the first use in a chapter is reported, in the cell where it stands.
    assert _early(tmp_path, "Nothing here.", "A sensitivity. Then recall.") == [("Recall", "sensitivity", 1)]


def test_a_link_to_the_entry_or_the_teaching_section_covers_the_use(tmp_path: Path) -> None:
    glossary_link = "[epoch](../docs/glossary.md#epoch)"
    section = "[§ 1 · Training](02_b.ipynb#1--training)"
    assert _early(tmp_path, f"One {glossary_link} is a pass; later epochs.") == []
    assert _early(tmp_path, f"Ten epochs (see {section}).") == []
    assert _early(tmp_path, "See the [glossary](../docs/glossary.md#epoch).", "Ten epochs.") == []
    # A link in a later sentence, to another entry, or to the glossary's top does not cover it.
    assert _early(tmp_path, f"Ten epochs. Then {glossary_link}.") == [("Epoch", "epochs", 0)]
    assert _early(tmp_path, "Ten epochs ([SGD](../docs/glossary.md#sgd)).") == [("Epoch", "epochs", 0)]
    assert _early(tmp_path, "Ten epochs ([glossary](../docs/glossary.md)).") == [("Epoch", "epochs", 0)]


def test_a_glossary_without_a_teaching_link_is_refused() -> None:
    with pytest.raises(ValueError, match="Epoch"):
        glossary.entries("### Epoch\n<!-- forms: epoch -->\nA pass, taught somewhere.\n")


def test_the_tool_prints_each_early_use_and_fails_on_one(capsys: pytest.CaptureFixture[str]) -> None:
    status = glossary.main([])
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == len(KNOWN) and status == (1 if KNOWN else 0)
