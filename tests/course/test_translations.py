"""The drift gate of the Chinese edition (``authoring.translations``): every catalog current with its English, every
paragraph of a chapter with an edition translated, the generated notebooks current and equal to the English ones in
everything but their words, the catalogs standard gettext, and the term base applied."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from helpers import REPO

from authoring import chapters, library_messages, translations

CHAPTER = "medical_images"
MARK = "【译】"
FOLDED = "<summary>A</summary>\n\nYes.\n\nNo.\n\n</details>"


# --- units -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "units"),
    [
        ("One.\n\nTwo,\nstill two.", ["One.", "Two,\nstill two."]),
        ("Items:\n\n- a\n- b\n\n- c\n  more\n\nAfter.", ["Items:", "- a\n- b\n\n- c\n  more", "After."]),
        ("1. one\n\n   indented\n2. two", ["1. one\n\n   indented\n2. two"]),
        ("| a | b |\n|---|---|\n| 1 | 2 |\n\nText.", ["| a | b |\n|---|---|\n| 1 | 2 |", "Text."]),
        ("```python\nx = 1\n\ny = 2\n```\n\nText.", ["```python\nx = 1\n\ny = 2\n```", "Text."]),
        ("> **⚠ Pitfall.** One.\n>\n> Two.", ["> **⚠ Pitfall.** One.\n>\n> Two."]),
        ("Q?\n\n<details><summary>A</summary>\n\nYes.\n\nNo.\n\n</details>", ["Q?", "<details>" + FOLDED]),
        ("$$\na = b\n\nc = d\n$$\n\nText.", ["$$\na = b\n\nc = d\n$$", "Text."]),
    ],
)
def test_a_markdown_cell_is_cut_into_paragraph_units(source: str, units: list[str]) -> None:
    pieces = translations.split(source)
    assert "".join(text for text, _ in pieces) == source
    assert [text for text, unit in pieces if unit] == units


def test_every_markdown_cell_of_the_course_is_cut_and_put_back_exactly() -> None:
    for chapter in chapters.load(repo=REPO):
        for path in (chapter.notebook, chapter.exercise):
            for cell in nbformat.read(REPO / path, as_version=4).cells:
                if cell.cell_type == "markdown":
                    assert "".join(text for text, _ in translations.split(cell.source)) == cell.source, path


def test_the_build_s_own_lines_are_not_units() -> None:
    units = [u.text for u in translations.domain_units(CHAPTER, REPO)]
    assert not [u for u in units if "Open in Colab" in u or u.startswith(("_Core · about", "*Estimated time: about"))]
    assert not [u for u in units if "<!-- quiz:start -->" in u or u == "## Quiz"]


def test_the_shared_domains_hold_the_glossary_and_the_front_pages() -> None:
    glossary = translations.domain_units("glossary", REPO)
    front = translations.domain_units("front", REPO)
    assert all("\n" not in u.context for u in glossary + front)
    assert any(u.context == "glossary:Accuracy" and u.text.startswith("### Accuracy\nThe share") for u in glossary)
    pages = [u for u in glossary + front if u.where.endswith(".md")]
    assert not [u for u in pages if "<!--" in u.text or "| chapter | what you" in u.text or "newcomer's" in u.text]
    templates = {u.context for u in front if u.where == "authoring/front_pages.py"}  # the tables and times, in Chinese
    assert templates == {"times", "table:head", "table:time", "table:tasks", "table:none"}
    titles = {u.context: u.text for u in front}
    assert titles["chapter:convolution/title"] == chapters.by_name("convolution").title


# --- the gate on the repository --------------------------------------------------------------------------------------


def test_every_catalog_is_current_and_every_edition_translated() -> None:
    """The gate: fails on a catalog that lacks a paragraph of its English, and on a paragraph of a chapter with a
    Chinese edition that has no current translation (new, changed or fuzzy), naming the command that lists them."""
    problems = translations.drift(REPO)
    assert not problems, "\n".join(problems)


def test_every_generated_notebook_is_current() -> None:
    problems = translations.stale_editions(REPO)
    assert not problems, "\n".join(problems) + "\n(fix: python -m authoring build)"


def test_a_paragraph_that_a_cell_translates_twice_fails_the_gate() -> None:
    """A cell's unit cut in two, each half keeping the old translation of both: the edition showed both paragraphs
    twice (the cnn_training chapter, § 5). A translator's note after a unit's translation is not a repeat."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="zh_CN")
    catalog.add("Gap gone.", "差距消失了。\n\n但这不等于更好。", context="cell")
    catalog.add("Not better.", "差距消失了。\n\n但这不等于更好，见第 7 节。", context="cell")
    catalog.add("Data.", "数据随软件包提供。\n\n**英文输出。** 代码是英文。", context="other")
    assert translations.repeated_paragraphs(catalog) == [
        "cell: a paragraph translated twice in the cell ('差距消失了。')"
    ]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("第 02 章（英文）讲特征；第 05 章讲学习。", []),
        ("在选定之前（第 02 章，英文）。第 02–04 章（英文）；第 02 章至第 04 章（英文）。", []),
        ("（第 01–06 章，其中第 02–04 章为英文）", []),
        ("[第 04 章 § 1](04_trees.ipynb#1)", []),  # the build labels the link
        ("见第 03 章。", ["第 03 章: no edition: write 第 03 章（英文）"]),
        ("第 02 章至第 04 章讲经典方法。", ["第 04 章: no edition: write 第 04 章（英文）"]),
        ("第 7 章", ["第 7 章: write the chapter number with two digits"]),
        ("第 05 章（英文）", ["第 05 章（英文）: every chapter named has an edition now: drop （英文）"]),
    ],
)
def test_a_chapter_named_in_words_says_whether_it_is_english(text: str, problems: list[str]) -> None:
    assert translations.reference_problems(text, {"00", "01", "05", "06", "07"}) == problems


def test_a_link_to_a_chapter_without_an_edition_says_that_it_opens_english() -> None:
    """In the Chinese notebooks and pages (not their tables of chapters, which say it above them), every link to a
    chapter's English notebook or exercise is followed by （英文）; a chapter named in words is checked by the gate
    (:func:`authoring.translations.reference_problems`)."""
    from authoring.front_pages import GENERATED_BLOCK, edition_page

    texts = {}
    for relative in translations.edition_files(REPO):
        for cell in nbformat.read(REPO / relative, as_version=4).cells:
            if cell.cell_type == "markdown":
                texts[f"{relative} {cell.id}"] = (relative, cell.source)
    for page in ("README.md", "START_HERE.md", "docs/glossary.md"):
        relative = edition_page(page)
        texts[relative] = (relative, GENERATED_BLOCK.sub("", (REPO / relative).read_text(encoding="utf-8")))
    unlabelled, labelled = [], 0
    for where, (relative, text) in texts.items():
        for link in translations.MARKDOWN_LINK.finditer(text):
            target = os.path.normpath(os.path.join(os.path.dirname(relative), link.group(1).split("#")[0]))
            if translations.ENGLISH_NOTEBOOK.match(target.replace(os.sep, "/")):
                if text[link.end() :].startswith("（英文）"):
                    labelled += 1
                else:
                    unlabelled.append(f"{where}: {link.group(0)[:60]}")
    assert labelled > 50 and not unlabelled, "\n".join(unlabelled)


# --- the gate on a copy of the course --------------------------------------------------------------------------------


def declare(repo: Path, name: str, languages: tuple[str, ...] = ("zh_CN",)) -> None:
    """Give chapter ``name`` these editions (none: it declares no edition)."""
    path = repo / "authoring" / "chapters.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["chapters"]:
        if entry["name"] == name:
            entry["languages"] = list(languages)
            if not languages:
                del entry["languages"]
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def translate_all(repo: Path, domain: str) -> None:
    """A fake but complete translation: each unit's English behind a Chinese marker."""
    path = translations.catalog_path(domain, repo)
    catalog = translations.read_catalog(path)
    for message in catalog:
        if message.id:
            message.string = MARK + message.id
            message.flags.discard("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0)
    path.write_bytes(buffer.getvalue())


def edit_sentence(repo: Path, relative: str, old: str, new: str) -> str:
    """Change one sentence of a notebook's markdown; return the id of its cell."""
    notebook = nbformat.read(repo / relative, as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "markdown" and old in c.source)
    cell.source = cell.source.replace(old, new, 1)
    nbformat.write(notebook, repo / relative)
    return cell.id


@pytest.fixture(scope="module")
def pristine_edition(pristine_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the course in which one chapter alone has a Chinese edition, complete (a fake translation) and
    built; the other editions are withdrawn and their catalogs removed, so that each gate and build below reads one
    chapter's catalog, not seven. Built once; each test gets a copy (:func:`edition`)."""
    repo = tmp_path_factory.mktemp("edition") / "course"
    shutil.copytree(pristine_course, repo)
    for chapter in chapters.read(repo / "authoring" / "chapters.json"):
        if chapter.languages and chapter.name != CHAPTER:
            declare(repo, chapter.name, ())
            translations.catalog_path(chapter.name, repo).unlink()
    declare(repo, CHAPTER)
    assert translations.main(["update"], repo=repo) == 0
    # The shared catalogs too: their real translations name the withdrawn chapters as having an edition.
    for domain in (CHAPTER, "quizzes", "generated", "glossary", "front"):
        translate_all(repo, domain)
    translations.build_editions(repo)
    return repo


@pytest.fixture
def edition(pristine_edition: Path, tmp_path: Path) -> Path:
    """A copy of the course whose first chapter has a complete (fake) Chinese edition, built: this test's own."""
    copy = tmp_path / "course"
    shutil.copytree(pristine_edition, copy)
    return copy


def test_a_translated_edition_passes_and_one_changed_sentence_fails_the_gate(edition: Path) -> None:
    assert translations.drift(edition) == []
    assert translations.stale_editions(edition) == []
    chapter = chapters.by_name(CHAPTER, edition / "authoring" / "chapters.json")
    cell = edit_sentence(edition, chapter.notebook, "The pixel data is a NumPy array.", "The pixels are a NumPy array.")

    problems = translations.drift(edition)
    assert len(problems) == 2, problems
    stale, missing = problems
    assert "not current with its English (1 unit new, 1 unit gone)" in stale
    assert f"python -m authoring translations update {CHAPTER}" in stale
    assert "1 unit without a current translation" in missing
    assert f"[new] {cell}: The pixels are a NumPy array." in missing
    assert f"python -m authoring translations status {CHAPTER} --list" in missing
    assert [p.split(":")[0] for p in translations.stale_editions(edition)] == [f"notebooks/zh_CN/{chapter.stem}.ipynb"]

    # After the update, the changed unit is fuzzy, its old translation kept as a suggestion: the gate still fails.
    translations.update(CHAPTER, edition)
    (problem,) = translations.drift(edition)
    assert f"[fuzzy] {cell}: The pixels are a NumPy array." in problem
    catalog = translations.read_catalog(translations.catalog_path(CHAPTER, edition))
    message = next(m for m in catalog if m.context == cell and m.id.startswith("The pixels"))
    assert message.fuzzy and message.string.startswith(MARK + "The pixel data is a NumPy array.")
    assert message.previous_id and message.previous_id[0].startswith("The pixel data is a NumPy array.")

    # Another change and update later, the unit still shows its old English to the translator (``#| msgid``).
    edit_sentence(edition, chapter.exercise, "#", "# Changed:")
    assert translations.update(CHAPTER, edition) is True
    catalog = translations.read_catalog(translations.catalog_path(CHAPTER, edition))
    message = next(m for m in catalog if m.context == cell and m.id.startswith("The pixels"))
    assert message.previous_id and message.previous_id[0].startswith("The pixel data is a NumPy array.")


def test_the_command_lists_the_units_left(edition: Path) -> None:
    chapter = chapters.by_name(CHAPTER, edition / "authoring" / "chapters.json")
    cell = edit_sentence(edition, chapter.exercise, "#", "# Changed:")
    out = subprocess.run(
        [sys.executable, "-m", "authoring", "translations", "status", CHAPTER, "--list"],
        cwd=edition,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(edition), "PATH": "/usr/bin:/bin"},
    ).stdout
    assert f"[new] exercise:{cell}" in out and "# Changed:" in out


def chinese_check_lines(outputs: list[dict], messages: dict[str, str]) -> list[dict]:
    """A code cell's English outputs as its edition in the learner's exercise stores them: each check line translated
    through the library's catalog, nothing else changed."""
    made = json.loads(json.dumps(outputs))
    for output in made:
        if output["output_type"] == "stream":
            output["text"] = library_messages.translated_output(output["text"], messages)
    return made


def test_a_generated_notebook_has_the_english_code_outputs_and_ids(edition: Path) -> None:
    """The same cells, ids, code and outputs: only the learner's exercise's check lines differ, each the catalog's
    translation of the English line."""
    chapter = chapters.by_name(CHAPTER, edition / "authoring" / "chapters.json")
    messages = translations.library_translations(edition)
    translated = 0
    for english in (chapter.notebook, chapter.exercise):
        source = nbformat.read(edition / english, as_version=4)
        made = nbformat.read(edition / translations.edition_path(english), as_version=4)
        assert [c.id for c in made.cells] == [c.id for c in source.cells]
        assert [c.cell_type for c in made.cells] == [c.cell_type for c in source.cells]
        for old, new in zip(source.cells, made.cells):
            assert new.metadata == old.metadata
            if old.cell_type == "code":
                outputs = chinese_check_lines(old.outputs, messages) if english == chapter.exercise else old.outputs
                assert (new.source, new.outputs, new.execution_count) == (old.source, outputs, old.execution_count)
                translated += new.outputs != old.outputs
            elif translations.translatable(old.source.split("\n\n")[0]):
                assert MARK in new.source, new.source[:200]
        assert made.metadata["medlearn"]["language"] == "zh_CN"
    assert translated == 6  # the six tasks' "not done yet" lines
    made = nbformat.read(edition / translations.edition_path(chapter.notebook), as_version=4)
    title = made.cells[0].source
    assert f"/{translations.edition_path(chapter.notebook)})" in title  # the Colab link opens the edition
    assert f"](../../exercises/zh_CN/{chapter.stem}.ipynb)" in title  # a link to the exercise, to its edition
    quiz = next(c.source for c in made.cells if "<!-- quiz:start -->" in c.source)
    assert MARK in quiz and "<details><summary>" + MARK + "Answer</summary>" in quiz
    assert f"[§ {MARK}## 2 · Hounsfield units](#2--hounsfield-units)" in quiz  # the heading as the edition names it


def test_the_check_names_a_stale_edition_and_the_build_makes_it_current(edition: Path) -> None:
    from authoring import __main__ as authoring_main

    chapter = chapters.by_name(CHAPTER, edition / "authoring" / "chapters.json")
    path = edition / translations.edition_path(chapter.notebook)
    path.write_text(path.read_text(encoding="utf-8").replace(MARK, "", 1), encoding="utf-8")
    assert authoring_main._editions_check(edition) == [f"notebooks/zh_CN/{chapter.stem}.ipynb: not what the English "
                                                       "notebook and its catalog make"]  # fmt: skip
    authoring_main._editions_build(edition)
    assert authoring_main._editions_check(edition) == []


# --- standard catalogs ------------------------------------------------------------------------------------------------


def test_babel_reads_back_what_the_tools_write(edition: Path) -> None:
    """What Poedit and Weblate need: a zh_CN header with Chinese plural forms and UTF-8, fuzzy flags and previous
    msgids kept, a catalog that compiles, and a second update that changes nothing."""
    path = translations.catalog_path(CHAPTER, edition)
    data = path.read_bytes()
    catalog = read_po(io.BytesIO(data))
    headers = dict(catalog.mime_headers)
    assert headers["Language"] == "zh_CN"
    assert headers["Plural-Forms"] == "nplurals=1; plural=0;"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert not catalog.fuzzy  # the header itself is not fuzzy
    assert all(m.string.startswith(MARK) for m in catalog if m.id)
    write_mo(io.BytesIO(), catalog)
    template = read_po(io.BytesIO(translations.template_path(CHAPTER, edition).read_bytes()))
    assert {(m.id, m.context) for m in template if m.id} == {(m.id, m.context) for m in catalog if m.id}
    assert translations.update(CHAPTER, edition) is False
    assert path.read_bytes() == data


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_gnu_msgfmt_accepts_the_catalogs(edition: Path) -> None:
    """GNU gettext, which Poedit compiles with, checks the header, the entries and the fuzzy translations."""
    folder = edition / "locale" / "zh_CN" / "LC_MESSAGES"
    for path in [*sorted(folder.glob("*.po")), *sorted((edition / "locale" / "templates").glob("*.pot"))]:
        done = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
        assert done.returncode == 0, f"{path.name}: {done.stderr}"


# --- terms -----------------------------------------------------------------------------------------------------------


def test_the_term_base_names_glossary_terms_with_their_sources() -> None:
    from authoring import glossary

    text = (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")
    # A row may also name another sense that an entry sets apart (Kernel's "reconstruction kernel"): the base then
    # says how that sense is written, and the entry's own row leaves it alone.
    entries = glossary.entries(text)
    known = {form.lower() for entry in entries for form in (entry.term, *entry.forms, *entry.other_senses)}
    base = translations.terms(REPO)
    assert base and len({t.english.lower() for t in base}) == len(base)
    for term in base:
        assert term.english.lower() in known, f"{term.english!r} is not a glossary term, form or other sense"
        assert term.chinese and term.source, term


def test_a_translated_paragraph_uses_the_standard_term() -> None:
    base = translations.terms(REPO)
    problems = []
    for path in sorted((REPO / "locale" / "zh_CN" / "LC_MESSAGES").glob("*.po")):
        catalog = translations.read_catalog(path)
        problems += translations.term_problems(catalog, base, f"{path.name} ", code_kept=path.stem == "medlearn")
    assert not problems, "\n".join(problems)


def test_a_translation_without_the_standard_term_is_found() -> None:
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="zh_CN")
    catalog.add("Sensitivity is the share of sick patients found.", "敏感性是被发现的病人所占的比例。", context="a")
    catalog.add("Report the sensitivity.", "报告灵敏度。", context="b")
    base = [translations.Term("sensitivity", "灵敏度", "GB/T", "", True)]
    assert translations.term_problems(catalog, base) == ["a: 'sensitivity' is not translated '灵敏度'"]


def test_a_term_in_another_sense_is_not_checked() -> None:
    """The glossary's ``not:`` phrases of an entry are other senses of its word: a tile's margin is no SVM margin, so
    its translation need not say 间隔, while an SVM's margin elsewhere in the same paragraph still must."""
    from babel.messages.catalog import Catalog

    margin = next(t for t in translations.terms(REPO) if t.english == "margin")
    assert margin.checked and "a margin taken" in margin.other_senses
    catalog = Catalog(locale="zh_CN")
    catalog.add(
        "It tiles images with a margin taken from the receptive field.", "分块时四周多取一圈像素。", context="a"
    )
    catalog.add("A margin taken from the field, and the widest margin.", "多取一圈像素，以及最宽的边界。", context="b")
    assert translations.term_problems(catalog, [margin]) == ["b: 'margin' is not translated '间隔'"]


def test_a_moved_chapter_keeps_its_catalog_and_edition_current(edition: Path) -> None:
    """``chapters move`` renders the numbers in the catalogs as in the notebooks, so no unit turns fuzzy; the build
    writes the edition under its new number and deletes the old one."""
    from authoring import renumber

    listed = edition / "authoring" / "chapters.json"
    old = {c.name: c.stem for c in chapters.read(listed) if c.languages}  # every chapter with an edition
    renumber.move(CHAPTER, 2, edition)
    new = {c.name: c.stem for c in chapters.read(listed) if c.languages}
    assert new[CHAPTER].startswith("02")
    moved = [name for name in old if old[name] != new[name]]  # this chapter, and those it passed
    folders = ("notebooks", "exercises")
    renamed = {f"{f}/zh_CN/{stem}.ipynb" for f in folders for name in moved for stem in (old[name], new[name])}
    kept = {f"{f}/zh_CN/{new[name]}.ipynb" for f in folders for name in new if name not in moved}
    written = set(translations.build_editions(edition))
    assert renamed <= written
    assert written - renamed <= kept  # an edition that keeps its number changes only where it names a moved chapter
    assert translations.drift(edition) == []
    assert translations.stale_editions(edition) == []
    made = nbformat.read(edition / "notebooks" / "zh_CN" / f"{new[CHAPTER]}.ipynb", as_version=4)
    assert made.cells[0].source.startswith(MARK + "# 02 · ")


def test_a_catalog_of_no_chapter_is_named(course_copy: Path) -> None:
    stray = translations.catalog_path("no_such_chapter", course_copy)
    stray.write_bytes(translations.catalog_path(CHAPTER, course_copy).read_bytes())
    assert translations.drift(course_copy) == [
        "locale/zh_CN/LC_MESSAGES/no_such_chapter.po: no chapter or shared domain has this name (rename it to its "
        "chapter's, or delete it)"
    ]


def test_the_check_names_a_catalog_behind_its_english_with_its_command(course_copy: Path) -> None:
    """A chapter without an edition may keep a partial catalog, but a current one: a changed paragraph fails."""
    from authoring import __main__ as authoring_main

    declare(course_copy, CHAPTER, ())  # the chapter's edition withdrawn: its quiz leaves the quizzes' catalog
    translations.update("quizzes", course_copy)
    chapter = chapters.by_name(CHAPTER, course_copy / "authoring" / "chapters.json")
    edit_sentence(course_copy, chapter.notebook, "The pixel data is a NumPy array.", "The pixels are a NumPy array.")
    # The other editions name the chapter in words, which now needs their label (英文): set apart here.
    problems = authoring_main._catalogs_check(course_copy)
    assert [p for p in problems if "第 00 章: no edition" not in p] == [
        "locale/zh_CN/LC_MESSAGES/medical_images.po: not current with its English (1 unit new, 1 unit gone): run "
        "python -m authoring translations update medical_images"
    ]
    assert "translation catalogs" in [step.name for step in authoring_main.STEPS]
    translations.main(["update", CHAPTER], repo=course_copy)
    # no edition declared: a fuzzy unit is allowed, and the chapter's own catalog is not checked for labels
    problems = translations.drift(course_copy)
    assert problems and all("第 00 章: no edition" in p and "medical_images.po" not in p for p in problems)


def test_a_chapter_declares_only_known_editions(tmp_path: Path) -> None:
    entry = {"name": "c", "title": "C", "summary": "s", "topics": "t"}
    path = tmp_path / "chapters.json"
    path.write_text(json.dumps({"chapters": [entry | {"languages": ["zh_CN"]}]}), encoding="utf-8")
    assert chapters.read(path)[0].languages == ("zh_CN",)
    for wrong in (["fr"], ["zh_CN", "zh_CN"]):
        path.write_text(json.dumps({"chapters": [entry | {"languages": wrong}]}), encoding="utf-8")
        with pytest.raises(ValueError, match="c's languages must be some of"):
            chapters.read(path)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_a_unit_changed_twice_keeps_the_english_it_was_translated_from(edition: Path) -> None:
    """A long translated paragraph changed twice: its unit turns fuzzy, its ``#| msgid`` holds the English that the
    translation was made from (not the English in between), the catalog still compiles with GNU msgfmt (Babel's own
    writer wraps a long ``#| msgid`` inside the string, which msgfmt refuses), and a second update changes nothing."""
    path = translations.catalog_path(CHAPTER, edition)
    first = next(m for m in translations.read_catalog(path) if m.id and len(m.id) > 200 and "\n" not in m.id)
    notebook = chapters.by_name(CHAPTER).notebook
    words = first.id.split(". ")[0]
    edit_sentence(edition, notebook, words, words + " (changed once)")
    assert translations.update(CHAPTER, edition)
    edit_sentence(edition, notebook, words + " (changed once)", words + " (changed twice)")
    assert translations.update(CHAPTER, edition)
    changed = next(m for m in translations.read_catalog(path) if m.id.startswith(words + " (changed twice)"))
    assert changed.fuzzy and changed.previous_id == [first.id] and changed.string == first.string
    done = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    data = path.read_bytes()
    assert translations.update(CHAPTER, edition) is False and path.read_bytes() == data


def test_a_unit_with_a_placeholder_is_a_template_and_other_percent_signs_are_prose() -> None:
    """``msgfmt --check-format`` then checks that a template's translation keeps its placeholders (``%(count)s``),
    and leaves prose alone ("80 % should" is no format string)."""
    assert translations.PLACEHOLDER.search("%(count)s tasks") and translations.PLACEHOLDER.search("%(n)d of them")
    assert not translations.PLACEHOLDER.search("80 % should be found") and not translations.PLACEHOLDER.search("5 %s")
    front = translations.read_catalog(translations.catalog_path("front"))
    flags = {message.context: message.flags for message in front if message.id}
    assert "python-format" in flags["table:tasks"] and "no-python-format" not in flags["table:tasks"]


# --- the library's messages ------------------------------------------------------------------------------------------

TODO = "not done yet. Write your code where it says 'your code here' and run the cell again. Stuck? Run " + (
    "check.{task}.hint()"
)


def test_the_library_s_messages_are_extracted_with_their_places() -> None:
    """Every template marked ``tr(...)``, once, with every place it is used; a template with fields is a brace format
    (``msgfmt --check-format`` then checks its translation's fields)."""
    units = {u.text: u for u in translations.domain_units("medlearn", REPO)}
    assert units[TODO].where.startswith("medlearn/check/core.py:")
    assert (
        "medlearn/check/medical_images/__init__.py:"
        in units["the slope is missing: HU = stored * slope + intercept."].where
    )
    places = units["your result"].where.split()  # the default name of a compared answer, and chapters' own
    assert {library_messages.chapter_of(p) for p in places} >= {None, "medical_images", "convolution"}
    template = translations.template("medlearn", REPO)
    shape = template.get("{what} has shape {shape}; expected {want}.")
    assert shape.context is None and "python-brace-format" in shape.flags
    assert "python-brace-format" not in template.get("correct.").flags


def test_the_package_s_compiled_catalog_is_current_and_shipped() -> None:
    """The .mo the package reads holds the catalog's current translations, and pyproject.toml ships it."""
    assert library_messages.stale_compiled(REPO) == []
    import gettext

    compiled = library_messages.compiled_path(REPO)
    with compiled.open("rb") as file:
        assert gettext.GNUTranslations(file).gettext("correct.") == "正确。"
    assert '"locale/*/LC_MESSAGES/*.mo"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")


def add_message(repo: Path, relative: str, text: str) -> None:
    """Append a message marked for translation to a module of the copy (the extractor reads, never imports, it)."""
    path = repo / relative
    path.write_text(path.read_text(encoding="utf-8") + f"\n_NEW = tr({text!r})\n", encoding="utf-8")


def test_a_library_message_of_a_chapter_with_an_edition_must_be_translated(course_copy: Path) -> None:
    """The gate, on the library's catalog: a message of a chapter with an edition (medical_images) fails until
    translated, and again when its English changes (fuzzy); one of a chapter without an edition (scale) may wait;
    the compiled catalog is stale until the build compiles it."""
    assert translations.drift(course_copy) == []
    add_message(course_copy, "medlearn/check/medical_images/_data.py", "a new hint of medical_images.")
    add_message(course_copy, "medlearn/check/scale/_data.py", "a new hint of scale.")
    stale, missing = translations.drift(course_copy)
    assert "medlearn.po: not current with its English (2 units new, 0 units gone)" in stale
    assert "[new] medlearn/check/medical_images/_data.py:" in missing and "of scale" not in missing
    translations.update("medlearn", course_copy)
    (problem,) = translations.drift(course_copy)
    assert "1 unit without a current translation" in problem
    assert "[untranslated] medlearn/check/medical_images/_data.py:" in problem and "medical_images." in problem
    assert "of scale" not in problem

    path = translations.catalog_path("medlearn", course_copy)
    catalog = translations.read_catalog(path)
    catalog.get("a new hint of medical_images.").string = "medical_images 的新提示。"
    translations._write(catalog, path)
    assert translations.drift(course_copy) == []
    assert library_messages.stale_compiled(course_copy) == [
        "medlearn/locale/zh_CN/LC_MESSAGES/medlearn.mo: not what locale/zh_CN/LC_MESSAGES/medlearn.po compiles to"
    ]
    assert library_messages.build_compiled(course_copy) and library_messages.stale_compiled(course_copy) == []

    module = course_copy / "medlearn/check/medical_images/_data.py"
    module.write_text(
        module.read_text(encoding="utf-8").replace("hint of medical_images.", "hint of medical_images, changed."),
        "utf-8",
    )
    translations.update("medlearn", course_copy)
    (problem,) = translations.drift(course_copy)
    assert "[fuzzy] medlearn/check/medical_images/_data.py:" in problem and "medical_images, changed." in problem


def test_a_message_every_chapter_shows_must_be_translated(course_copy: Path) -> None:
    """A message of the checks' machinery (core.py) is every chapter's: untranslated, it fails the gate."""
    add_message(course_copy, "medlearn/check/core.py", "a new line of every check.")
    translations.update("medlearn", course_copy)
    (problem,) = translations.drift(course_copy)
    assert "[untranslated] medlearn/check/core.py:" in problem and "a new line of every check." in problem


def test_a_translation_that_loses_a_field_fails_the_gate(course_copy: Path) -> None:
    path = translations.catalog_path("medlearn", course_copy)
    catalog = translations.read_catalog(path)
    catalog.get("correct. {note}").string = "正确。"
    translations._write(catalog, path)
    assert translations.drift(course_copy) == [
        "locale/zh_CN/LC_MESSAGES/medlearn.po: 'correct. {note}': the translation's fields [] are not the template's "
        "['note']"
    ]


def test_a_check_line_is_translated_with_its_values_and_nothing_else() -> None:
    messages = {
        TODO: "还没有完成。运行 check.{task}.hint()",
        "your result": "你的结果",
        "{what} is None.": "{what}是 None。",
    }
    english = f"⏳ to_hounsfield: {TODO.format(task='to_hounsfield')}\nplain output: not done yet.\n"
    assert library_messages.translated_output(english, messages) == (
        "⏳ to_hounsfield: 还没有完成。运行 check.to_hounsfield.hint()\nplain output: not done yet.\n"
    )
    assert library_messages.translate_message("your result is None.", messages) == "你的结果是 None。"
    assert library_messages.translate_message("something else.", messages) is None
    assert library_messages.untranslated_lines("❌ f: something else.\n✅ f: your result is None.", messages) == [
        "❌ f: something else."
    ]


def test_every_check_line_of_a_chinese_exercise_is_translated() -> None:
    """The learner's exercises with an edition store no check line that the library's catalog cannot translate."""
    assert translations.untranslated_check_lines(REPO) == []
    text = (REPO / "exercises" / "zh_CN" / f"{chapters.by_name(CHAPTER).stem}.ipynb").read_text(encoding="utf-8")
    assert "not done yet" not in text and "还没有完成。" in text


def test_a_chinese_exercise_prints_its_stored_chinese_check_lines() -> None:
    """Strict nbval on the medical_images chapter's Chinese exercise, in a kernel started as Jupyter starts one for
    that notebook (``JPY_SESSION_NAME``, no setting changed): what it prints, in Chinese, is what the edition stores."""
    notebook = REPO / "exercises" / "zh_CN" / f"{chapters.by_name(CHAPTER).stem}.ipynb"
    env = {k: v for k, v in os.environ.items() if k not in ("MEDLEARN_LANGUAGE", "PYTEST_XDIST_WORKER")}
    env["JPY_SESSION_NAME"] = str(notebook)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", str(notebook.relative_to(REPO))],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
