"""The instructor guide: notes for every chapter, an answer to every discussion prompt, and lab plans that fit."""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import pytest

from authoring import sections

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "instructors"
CHAPTERS = sections.chapters()
PARTS = (
    "Objectives",
    "Prerequisites",
    "Timing",
    "Where learners stumble",
    "Discussion prompts and answers",
    "Exercise notes",
)
DISCUSS = "> **Discuss.** "


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _sections(path: Path) -> dict[str, str]:
    """A notebook's ## sections: heading -> the markdown of the section."""
    nb = nbformat.read(path, as_version=4)
    found, current = {}, None
    for cell in nb.cells:
        heading = sections._heading(cell)
        if heading is not None:
            current = heading
            found[current] = ""
        if current is not None and cell.cell_type == "markdown":
            found[current] += cell.source + "\n\n"
    return found


def _guide_prompts(text: str) -> list[tuple[str, str, str]]:
    """(section, prompt, model answer) for every ### entry of the guide's discussion part."""
    part = text.split("## Discussion prompts and answers", 1)[1].split("\n## ", 1)[0]
    entries = []
    for block in part.split("\n### ")[1:]:
        section, body = block.split("\n", 1)
        prompt = next(line for line in body.split("\n") if line.startswith(DISCUSS))
        answer = body.split("**Model answer.**", 1)[1] if "**Model answer.**" in body else ""
        entries.append((section.strip(), prompt[len(DISCUSS) :], answer))
    return entries


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_has_notes_with_every_part(path: Path) -> None:
    text = (GUIDE / f"{path.stem}.md").read_text(encoding="utf-8")
    assert text.startswith(f"# {path.stem[:2]} · ")
    heads = re.findall(r"^## (.+)$", text, flags=re.M)
    assert heads == list(PARTS), heads
    stumbles = text.split("## Where learners stumble", 1)[1].split("\n## ", 1)[0]
    assert stumbles.count("\n- ") >= 5


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_discussion_prompt_has_a_model_answer(path: Path) -> None:
    notebook = _sections(path)
    entries = _guide_prompts((GUIDE / f"{path.stem}.md").read_text(encoding="utf-8"))
    answered = {_norm(prompt) for _, prompt, _ in entries}
    asked = [
        line[len(DISCUSS) :] for text in notebook.values() for line in text.split("\n") if line.startswith(DISCUSS)
    ]
    assert len(asked) >= 2, "each chapter has at least two discussion prompts"
    for prompt in asked:
        assert _norm(prompt) in answered, f"no model answer for: {prompt[:80]}"
    for section, prompt, answer in entries:
        assert section in notebook, f"the guide names a section the notebook does not have: {section}"
        assert _norm(prompt) in _norm(notebook[section]), f"not in section {section!r}: {prompt[:80]}"
        assert len(answer.split()) >= 60, f"a model answer of {len(answer.split())} words for {section!r}"


def _plan_rows(text: str) -> dict[str, list[list[str]]]:
    plans, current = {}, None
    for line in text.split("\n"):
        if line.startswith("## "):
            current = line[3:]
            plans[current] = []
        elif current and line.startswith("| ") and not line.startswith(("| minutes", "|---")):
            plans[current].append([cell.strip() for cell in line.strip("|").split("|")])
    return plans


def test_the_two_labs_fit_in_two_hours_and_name_real_sections() -> None:
    plans = _plan_rows((GUIDE / "labs.md").read_text(encoding="utf-8"))
    judgement = (GUIDE / "judgement.md").read_text(encoding="utf-8")
    assert len(plans) == 2
    for title, rows in plans.items():
        total = sum(int(row[0]) for row in rows)
        assert 110 <= total <= 120, f"{title}: {total} minutes"
        for minutes, chapter, section, _ in rows:
            if chapter == "—":
                number = re.fullmatch(r"Judgement (\d)", section)
                assert number is None or f"\n## {number.group(1)} · " in judgement, section
                continue
            (path,) = [p for p in CHAPTERS if p.name.startswith(chapter + "_")]
            nb = nbformat.read(path, as_version=4)
            marked = {s.heading: s for s in sections.sections(nb, path.name)}
            if section.startswith("Discuss: "):
                heading = section[len("Discuss: ") :]
                assert DISCUSS in _sections(path)[heading], f"{title}: no prompt in {chapter} {heading}"
                continue
            assert section in marked, f"{title}: {chapter} has no section {section!r}"
            need = marked[section].reading_minutes + math.ceil(marked[section].cell_seconds / 60)
            assert int(minutes) >= need, f"{title}: {chapter} {section!r} needs at least {need} minutes"
            assert marked[section].level == "core", f"{title}: {section!r} is optional"


def _numbers(text: str) -> set[int]:
    found: set[int] = set()
    for low, high in re.findall(r"(\d+) to (\d+)", text):
        found |= set(range(int(low), int(high) + 1))
    text = re.sub(r"\d+ to \d+", "", text)
    return found | {int(n) for n in re.findall(r"\d+", text)}


def test_the_semester_plan_covers_every_chapter_and_names_its_optional_sections() -> None:
    text = (GUIDE / "semester.md").read_text(encoding="utf-8")
    rows = [line.strip("|").split("|") for line in text.split("\n") if re.match(r"\| \d+ \| \d\d · ", line)]
    assert [row[1].strip()[:2] for row in rows] == [p.name[:2] for p in CHAPTERS]
    for row, path in zip(rows, CHAPTERS):
        homework = row[3].split(";", 1)[1] if ";" in row[3] else ""
        nb = nbformat.read(path, as_version=4)
        optional = {int(s.heading.split(" ·")[0]) for s in sections.sections(nb, path.name) if s.level == "optional"}
        assert _numbers(homework) == optional, f"{path.name}: the plan names {homework!r}, optional are {optional}"
    for n in range(1, 5):
        assert f"Judgement {n}" in text


def test_the_readme_states_prerequisites_and_has_a_section_for_instructors() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "## For instructors" in readme and "Python and NumPy" in readme
    for command in ("course.py check", "course.py handout", "course.py site"):
        assert command in readme
    guide = (GUIDE / "README.md").read_text(encoding="utf-8")
    for page in [*(p.stem for p in CHAPTERS), "labs", "semester", "judgement"]:
        assert f"]({page}.md)" in guide, page


def test_the_start_page_links_every_chapter_and_exercise_and_no_solution() -> None:
    start = (REPO / "START_HERE.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)]+)\)", start)
    assert all((REPO / link).exists() for link in links)
    for path in CHAPTERS:
        assert f"notebooks/{path.name}" in links and f"exercises/{path.name}" in links
    assert not any("solutions" in link or "instructors" in link for link in links)


def test_judgement_exercise_one_uses_the_checks_it_names() -> None:
    from medlearn.check import judgement

    text = (GUIDE / "judgement.md").read_text(encoding="utf-8")
    for name in re.findall(r"check\.(\w+)\(", text):
        assert hasattr(judgement, name), name
