"""The editions of the course's pages (``authoring.front_pages``): README.zh-CN.md and START_HERE.zh-CN.md beside the
English ones, the bilingual glossary in docs/zh_CN/; each current, its links resolving, and the gate failing when a
published page's English changes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import write_po
from helpers import REPO

from authoring import chapters, front_pages, sections, site, translations

LINK = re.compile(r"\]\(([^)\s]+)\)|(?:href|src)=\"([^\"]+)\"")
MARK = "【译】"


def relative_links(text: str) -> list[str]:
    """The relative link targets of a markdown page, without their anchors."""
    found = [a or b for a, b in LINK.findall(text)]
    return [t.split("#")[0] for t in found if not re.match(r"^[a-z][a-z+.-]*:", t) and not t.startswith("#")]


def publish(repo: Path, pages: list[str]) -> None:
    path = repo / "authoring" / "chapters.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["pages"] = {"zh_CN": pages}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def translate(repo: Path, domain: str, keep: int | None = None) -> None:
    """A fake translation of ``domain``: each unit's English behind a marker (only the first ``keep`` units)."""
    path = translations.catalog_path(domain, repo)
    catalog = translations.read_catalog(path)
    for index, message in enumerate(m for m in catalog if m.id):
        if keep is None or index < keep:
            heading = message.id.startswith("#")
            message.string = message.id.replace("\n", "\n" + MARK, 1) if heading else MARK + message.id
            message.flags.discard("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0)
    path.write_bytes(buffer.getvalue())


# --- the repository ---------------------------------------------------------------------------------------------------


def test_every_generated_page_is_current() -> None:
    problems = front_pages.stale_pages(REPO)
    assert not problems, "\n".join(problems) + "\n(fix: python -m authoring build)"


def test_the_published_pages_link_each_other_and_every_link_resolves() -> None:
    assert set(front_pages.published(REPO)) >= {"README.md", "START_HERE.md"}
    for page in front_pages.generated(REPO):
        edition = front_pages.edition_page(page)
        text = (REPO / edition).read_text(encoding="utf-8")
        seen = front_pages.edition_page(front_pages.SEEN_AS.get(page, page))  # the handout's links: from its top
        for target in relative_links(text):
            assert (REPO / Path(seen).parent / target).exists(), f"{edition}: {target}"
        back = Path(page).name if "/" not in page or page in front_pages.SEEN_AS else f"../{Path(page).name}"
        assert f"[English]({back})" in text.split("\n\n")[1]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.split("\n\n")[1] == "**Languages:** English · [简体中文](README.zh-CN.md)"
    chinese = (REPO / "README.zh-CN.md").read_text(encoding="utf-8")
    assert "](START_HERE.zh-CN.md)" in chinese  # a page with an edition is linked in its edition
    assert "](START_HERE.md)" not in chinese.split("\n\n", 2)[2]


def test_the_chinese_readme_keeps_the_commands_and_sends_no_one_to_colab() -> None:
    english = (REPO / "README.md").read_text(encoding="utf-8")
    chinese = (REPO / "README.zh-CN.md").read_text(encoding="utf-8")
    for command in ("python3 course.py lab", "python3 course.py test", "MEDLEARN_MIRROR", "PIP_INDEX_URL"):
        assert command in english and command in chinese, command
    mirror = "python3 -m pip config set global.index-url https://mirrors.tuna.tsinghua.edu.cn/pypi/web/simple"
    assert mirror in english and mirror in chinese
    table = chinese[chinese.index("<!-- chapters:start -->") : chinese.index("<!-- chapters:end -->")]
    assert "colab.research.google.com" not in table and "| 章节 | 学习内容 | 时间 | 练习 |" in table


def test_the_instructors_plans_have_chinese_editions_only_on_a_site_with_the_instructors_part() -> None:
    plans = ["instructors/labs.md", "instructors/semester.md"]
    assert set(plans) <= set(front_pages.published(REPO))
    assert [front_pages.edition_page(p) for p in plans] == [f"instructors/zh_CN/{Path(p).name}" for p in plans]
    assert {"instructors/zh_CN/labs", "instructors/zh_CN/semester"} <= set(site.pages(REPO)["简体中文"])
    assert "instructors/zh_CN/labs" not in site.pages(REPO)["For instructors"]  # the guide's part: English pages
    learners = site.pages(REPO, instructors=False)
    assert "For instructors" not in learners and "README.zh-CN" in learners["简体中文"]
    assert not [page for part in learners.values() for page in part if page.startswith("instructors/")]
    chinese = (REPO / "README.zh-CN.md").read_text(encoding="utf-8")  # the plans' editions, not labelled English
    assert "](instructors/zh_CN/labs.md)、" in chinese and "](instructors/zh_CN/semester.md)，" in chinese
    assert "](instructors/judgement.md)（英文）" in chinese  # a guide's page without an edition keeps its label
    assert "](labs.md)" in (REPO / "instructors" / "zh_CN" / "semester.md").read_text(encoding="utf-8")


def test_the_times_template_reads_what_the_sections_write() -> None:
    text = sections.course_times({"00": (60, 90), "05": (120, 150)}, {"00": "Images", "05": "CNNs"})
    found = front_pages._template_pattern(front_pages.TEMPLATES["times"]).match(text)
    assert found and found["model"] == sections.READING_MODEL and found["chapters"] == "2"


# --- a copy of the course --------------------------------------------------------------------------------------------


def test_a_changed_sentence_of_the_readme_fails_the_gate(course_copy: Path) -> None:
    assert translations.drift(course_copy) == [] and front_pages.stale_pages(course_copy) == []
    readme = course_copy / "README.md"
    old = "The course teaches the machine learning it needs, and the medicine."
    readme.write_text(readme.read_text(encoding="utf-8").replace(old, old[:-1] + " too."), encoding="utf-8")

    stale, missing = translations.drift(course_copy)
    assert "front.po: not current with its English (1 unit new, 1 unit gone)" in stale
    assert "published: README.md, START_HERE.md" in missing and "[new] README.md: The course teaches" in missing
    assert front_pages.stale_pages(course_copy) == ["README.zh-CN.md: not what README.md and its catalog make"]

    translations.update("front", course_copy)
    (problem,) = translations.drift(course_copy)
    assert "[fuzzy] README.md: The course teaches" in problem
    front_pages.build_pages(course_copy)
    assert front_pages.stale_pages(course_copy) == []
    assert old[:-1] + " too." in (course_copy / "README.zh-CN.md").read_text(encoding="utf-8")  # English meanwhile


def test_a_changed_sentence_of_a_plan_fails_the_gate(course_copy: Path) -> None:
    plan = course_copy / "instructors" / "semester.md"
    old = "One judgement exercise goes with each of weeks 8, 9, 12 and 13."
    plan.write_text(plan.read_text(encoding="utf-8").replace(old, old.replace("One", "A")), encoding="utf-8")

    stale, missing = translations.drift(course_copy)
    assert "instructors.po: not current with its English (1 unit new, 1 unit gone)" in stale
    assert "published: instructors/labs.md, instructors/semester.md" in missing
    assert "[new] instructors/semester.md: Twenty-one weeks" in missing
    assert front_pages.stale_pages(course_copy) == [
        "instructors/zh_CN/semester.md: not what instructors/semester.md and its catalog make"
    ]
    translations.update("instructors", course_copy)
    (problem,) = translations.drift(course_copy)
    assert "[fuzzy] instructors/semester.md: Twenty-one weeks" in problem
    front_pages.build_pages(course_copy)
    assert front_pages.stale_pages(course_copy) == []


def test_an_unpublished_page_may_be_partial(course_copy: Path) -> None:
    """A page not listed under "pages" needs no complete catalog; its English page has no line of languages."""
    publish(course_copy, ["README.md"])
    start = course_copy / "START_HERE.md"
    start.write_text(start.read_text(encoding="utf-8").replace("Take its quiz.", "Answer its quiz."), "utf-8")
    translations.update("front", course_copy)
    assert translations.drift(course_copy) == []
    assert front_pages.stale_pages(course_copy) == [
        "START_HERE.zh-CN.md: not what START_HERE.md and its catalog make",
        "START_HERE.md: its line of languages is not what the build writes",
        "handout/README.md: its line of languages is not what the build writes",
    ]
    front_pages.build_pages(course_copy)
    assert "**Languages:**" not in start.read_text(encoding="utf-8")
    assert "Answer its quiz." in (course_copy / "START_HERE.zh-CN.md").read_text(encoding="utf-8")
    readme = (course_copy / "README.zh-CN.md").read_text(encoding="utf-8")
    assert "](START_HERE.zh-CN.md)" in readme  # generated, so linked, though not published


def test_the_generated_page_equals_a_fresh_build(course_copy: Path) -> None:
    from authoring import __main__ as authoring_main

    page = course_copy / "START_HERE.zh-CN.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA line of my own.\n", encoding="utf-8")
    assert authoring_main._pages_check(course_copy) == [
        "START_HERE.zh-CN.md: not what START_HERE.md and its catalog make"
    ]
    assert "chinese pages" in [step.name for step in authoring_main.STEPS]
    authoring_main._pages_build(course_copy)
    assert authoring_main._pages_check(course_copy) == []
    assert page.read_text(encoding="utf-8") == front_pages.edition_text("START_HERE.md", course_copy)


def test_a_partial_glossary_falls_back_to_english_and_publishing_it_needs_every_entry(course_copy: Path) -> None:
    publish(course_copy, ["README.md", "START_HERE.md"])  # the glossary not yet published, its catalog begun anew
    translations.catalog_path("glossary", course_copy).unlink()
    translations.update("glossary", course_copy)
    translate(course_copy, "glossary", keep=4)  # the title, the opening, "## A", Accuracy
    front_pages.build_pages(course_copy)
    text = (course_copy / "docs" / "zh_CN" / "glossary.md").read_text(encoding="utf-8")
    assert text.startswith("# Glossary\n\n**语言：** [English](../glossary.md) · 简体中文\n\n")
    assert '<a id="accuracy"></a>\n\n### Accuracy\n' + MARK + "The share" in text  # the English anchor kept
    assert "\n### Adam\nAn optimiser" in text  # not translated yet: English
    first = chapters.by_name("medical_images", course_copy / "authoring" / "chapters.json").notebook
    assert f"](../../{translations.edition_path(first)}#7--medmnist" in text  # from the new folder, to the edition
    for target in relative_links(text):
        assert (course_copy / "docs" / "zh_CN" / target).exists(), target
    assert translations.drift(course_copy) == [] and front_pages.stale_pages(course_copy) == []

    publish(course_copy, ["README.md", "START_HERE.md", "docs/glossary.md"])
    (problem,) = translations.drift(course_copy)
    assert "glossary.po:" in problem and "published: docs/glossary.md" in problem
    assert "[untranslated] glossary:Adam" in problem
    translate(course_copy, "glossary")
    assert translations.drift(course_copy) == []


def test_a_translated_heading_keeps_its_english_term(course_copy: Path) -> None:
    render = front_pages._Renderer("docs/glossary.md", course_copy, "zh_CN")
    english = "### Loss function\nA number."
    made = render.glossary_entry(english, "### 损失函数\n一个数。")
    assert made.endswith("### 损失函数（Loss function）\n一个数。")
    made = render.glossary_entry(english, "### 损失函数（loss function）\n一个数。")
    assert "### 损失函数（loss function）\n" in made
    # the term with its abbreviation, written with Chinese punctuation, is there once, not twice
    made = render.glossary_entry(
        "### CNN (convolutional neural network)\nA net.",
        "### 卷积神经网络（CNN；convolutional neural network）\n一种网络。",
    )
    assert "### 卷积神经网络（CNN；convolutional neural network）\n" in made
    made = render.glossary_entry("### Hounsfield unit (HU)\nThe CT number.", "### 亨氏单位\nCT 值的单位。")
    assert "### 亨氏单位（Hounsfield unit (HU)）\n" in made


def test_pages_declares_only_known_pages(course_copy: Path) -> None:
    publish(course_copy, ["README.md", "docs/data.md"])
    with pytest.raises(ValueError, match="the pages of zh_CN must be some of"):
        front_pages.published(course_copy)


def test_a_chapter_s_title_is_needed_once_the_chapter_has_an_edition(course_copy: Path) -> None:
    """A chapter without an edition keeps its English title in the Chinese table until a translator gives it one; a
    chapter added to the list does not make the catalog stale; a chapter with an edition needs its title in Chinese."""
    listed = course_copy / "authoring" / "chapters.json"
    other = chapters.by_name("scale", listed)  # a chapter without an edition
    assert not other.languages
    path = translations.catalog_path("front", course_copy)
    catalog = translations.read_catalog(path)
    catalog.get(other.title, context="chapter:scale/title").string = ""
    translations._write(catalog, path)
    assert translations.drift(course_copy) == []
    front_pages.build_pages(course_copy)
    row = f"| [{other.number} · {other.title}]({other.notebook})（英文） |"  # labelled: no edition
    assert row in (course_copy / "START_HERE.zh-CN.md").read_text("utf-8")  # English until translated

    data = json.loads(listed.read_text(encoding="utf-8"))
    entry = next(e for e in data["chapters"] if e["name"] == "scale")
    entry["title"] = "When images outgrow a laptop"
    entry["languages"] = ["zh_CN"]
    listed.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    front = [p for p in translations.drift(course_copy) if p.startswith("locale/zh_CN/LC_MESSAGES/front.po")]
    assert len(front) == 1 and "[new] chapter:scale/title: When images outgrow a laptop" in front[0]
