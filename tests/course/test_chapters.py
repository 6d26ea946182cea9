"""One list of chapters (authoring/chapters.json) and every table of them: README, START_HERE, the handout's
README (and the site's home, which is the README) and the instructor guide agree, and drift is found."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import REPO

from authoring import chapters, sections


def _rows(page: str) -> list[str]:
    text = (REPO / page).read_text(encoding="utf-8")
    inner = text[text.index(chapters.START) : text.index(chapters.END)]
    return re.findall(r"^\| \[(\d\d · [^\]]+)\]", inner, re.MULTILINE)


def test_every_page_lists_every_chapter_in_order_from_the_one_list() -> None:
    listed = [f"{c.number} · {c.title}" for c in chapters.load()]
    assert len(listed) == len(list((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    for page in (*chapters.LEARNER_PAGES, chapters.GUIDE):
        assert _rows(page) == listed, page


def test_the_tables_are_up_to_date_with_the_list_the_times_and_the_exercises() -> None:
    assert sections.run(check=True) == [], "run: python -m authoring.sections"


def test_a_row_edited_by_hand_or_a_missing_chapter_is_found(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for folder in ("notebooks", "exercises", "instructors", "handout", "authoring"):
        (repo / folder).mkdir(parents=True)
    for page in (*chapters.LEARNER_PAGES, chapters.GUIDE):
        shutil.copy(REPO / page, repo / page)
    shutil.copy(chapters.LIST, repo / "authoring" / "chapters.json")  # the one list, which the tables are made from
    first = chapters.load()[0]
    shutil.copy(REPO / "notebooks" / f"{first.stem}.ipynb", repo / "notebooks")
    shutil.copy(REPO / "exercises" / f"{first.stem}.ipynb", repo / "exercises")
    minutes = {first.number: (60, 90)}
    chapters.write_tables(minutes, repo)
    assert chapters.write_tables(minutes, repo, check=True) == []
    assert "| [6 tasks](exercises/" in (repo / "README.md").read_text(encoding="utf-8")
    page = repo / "START_HERE.md"
    page.write_text(page.read_text(encoding="utf-8").replace("60 min core", "45 min core"), encoding="utf-8")
    assert chapters.write_tables(minutes, repo, check=True) == ["START_HERE.md"]
    (repo / "notebooks" / "99_unlisted.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="missing: \\['99_unlisted'\\]"):
        chapters.load(repo=repo)


def test_a_summary_that_would_break_a_table_is_refused(tmp_path: Path) -> None:
    data = json.loads(chapters.LIST.read_text(encoding="utf-8"))
    data["chapters"][0]["summary"] = "blur as 1/|f|"
    bad = tmp_path / "chapters.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="summary must be one line without a bare"):
        chapters.load(bad)
    data["chapters"][0]["summary"] = "blur as 1/\\|f\\|"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert chapters.load(bad)[0].summary == "blur as 1/\\|f\\|"
