"""The editions of the course's pages (README, START_HERE, the glossary, two plans), from the English and a catalog.

``python -m authoring build`` writes, beside each English page, its edition in a language (only zh_CN so far):

    README.md         ->  README.zh-CN.md          (catalog ``front``)
    START_HERE.md     ->  START_HERE.zh-CN.md      (catalog ``front``)
    docs/glossary.md  ->  docs/zh_CN/glossary.md   (catalog ``glossary``; bilingual)
    handout/README.md ->  handout/README.zh-CN.md  (catalog ``front``; the handout's README.zh-CN.md)
    instructors/labs.md, instructors/semester.md  ->  instructors/zh_CN/...  (catalog ``instructors``)

An edition is the English page with each unit (:func:`authoring.translations.page_blocks`) replaced by its current
translation, or kept in English where it has none, and its relative links pointed from the edition's place (to the
edition of a notebook or page that has one). Its generated blocks are written again in the language: the course's
times from the template ``times`` and the reading model ``times:model``; the table of chapters from the English
table's numbers and links (never its words), each chapter's translated title and one line and the ``table:*``
templates, without the Colab column (Google's services are not reachable from mainland China). The glossary's
edition is bilingual: each heading keeps its English term beside the translated one, and the English anchor, so a
link to ``#accuracy`` still lands on its entry.

**Generated and published.** The build writes a page's edition when its catalog exists, so a translator can read a
partial one. A page is *published* when ``authoring/chapters.json`` lists it under ``"pages"``, by language
(``{"zh_CN": ["README.md", "START_HERE.md"]}``). Then the drift gate requires a current translation of each of its
units (for a front page: its own units, the templates, and the titles and one lines of the chapters with an
edition; another chapter's stay English until translated, so adding a chapter waits for no translator; for the
instructors' plans, the two labs and the semester: their own units), and the
English front pages (README, START_HERE, the handout's README) carry a line of languages under their title that
links the edition (the edition links back). The handout's README is written as it lies in the handout, at its top
(``course.py handout`` renames it): its links are read from there, its edition lies beside it, and the handout
takes both, with the Chinese editions of START_HERE, the glossary and the chapters that its links reach.
``check`` fails on an edition or a line of languages that is not what the build writes.

Example:
    >>> edition_page("README.md"), edition_page("docs/glossary.md")
    ('README.zh-CN.md', 'docs/zh_CN/glossary.md')
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

from authoring import chapters as chapter_list
from authoring._paths import REPO
from authoring.translations import PLACEHOLDER  # a template's %(name)s, the group its name

LOCALE = "zh_CN"
#: Each page with an edition, and the domain of its catalog.
PAGES = {
    "README.md": "front",
    "START_HERE.md": "front",
    "docs/glossary.md": "glossary",
    "handout/README.md": "front",
    "instructors/labs.md": "instructors",
    "instructors/semester.md": "instructors",
}
#: The pages whose English carries a line of languages when their edition is published.
FRONT_PAGES = ("README.md", "START_HERE.md", "handout/README.md")
#: A page whose links are written from another place: the handout's README, which lies at the top of the handout.
SEEN_AS = {"handout/README.md": "README.md"}
GENERATED_BLOCK = re.compile(r"<!-- (chapters|times):start -->.*?<!-- \1:end -->", re.DOTALL)
LANGUAGE_LINE = re.compile(r"^\*\*Languages:\*\* English · \[[^\]]+\]\([^)]*\)$")
#: How each language names itself, says "Languages:", and joins a list of chapters.
NAMES = {"zh_CN": ("简体中文", "语言：", "、")}
#: The lines the build writes into an edition, as templates whose numbers stay ``%(name)s`` (catalog ``front``).
TEMPLATES = {
    "times": (
        "At a newcomer's pace (%(model)s), the core sections of all %(chapters)s chapters take about %(core)s hours, "
        "and every section about %(every)s hours; the Discuss prompts and the exercises take longer. **A core path** "
        "for a first pass: %(path)s; their core sections take about %(path_hours)s hours."
    ),
    "table:head": "| chapter | what you learn | time | exercises |",
    "table:time": "%(core)s min core, %(every)s in all",
    "table:tasks": "%(count)s tasks",
    "table:none": "none",
}
#: A row of the English table of chapters: what the edition takes from it is its numbers and links, not its words.
CHAPTER_CELL = re.compile(r"^\[(?P<number>\d\d) · .*\]\((?P<link>[^)]*)\)$")
TASKS_CELL = re.compile(r"^\[\D*(?P<count>\d+)\D*\]\((?P<link>[^)]*)\)$")


def edition_page(page: str, locale: str = LOCALE) -> str:
    """Where the edition of ``page`` lives: beside it for a page at the top (``README.zh-CN.md``), else in a folder
    of the language (``docs/zh_CN/glossary.md``)."""
    folder, _, name = page.rpartition("/")
    if not folder or page in SEEN_AS:
        stem, _, suffix = name.rpartition(".")
        return f"{folder}/{stem}.{locale.replace('_', '-')}.{suffix}".lstrip("/")
    return f"{folder}/{locale}/{name}"


def published(repo: Path = REPO, locale: str = LOCALE) -> list[str]:
    """The pages whose edition in ``locale`` is published (``"pages"`` in ``authoring/chapters.json``)."""
    data = json.loads((repo / "authoring" / "chapters.json").read_text(encoding="utf-8"))
    pages = data.get("pages", {}).get(locale, [])
    unknown = sorted(set(pages) - set(PAGES))
    if unknown or len(set(pages)) != len(pages):
        raise ValueError(f"chapters.json: the pages of {locale} must be some of {list(PAGES)}, each once")
    return [p for p in PAGES if p in pages]


def generated(repo: Path = REPO, locale: str = LOCALE) -> list[str]:
    """The pages whose edition the build writes: the published ones, and those whose catalog exists."""
    from authoring.translations import catalog_path

    declared = published(repo, locale)
    return [p for p in PAGES if p in declared or catalog_path(PAGES[p], repo, locale).exists()]


def required(domain: str, repo: Path = REPO, locale: str = LOCALE) -> tuple[list[str], Callable[[object], bool]]:
    """The published pages of ``domain``, and which of its units they need translated: for a front page, its own
    units, the templates, and the title and one line of each chapter with an edition (a chapter without one, still
    English, keeps its English title in the table until a translator gives it one: adding a chapter waits for no
    translator); for an instructor's plan, its own units."""
    from authoring.translations import edition_chapters

    pages = [p for p in published(repo, locale) if PAGES[p] == domain]
    if domain == "glossary":
        return pages, lambda unit: bool(pages)
    if domain == "instructors":
        return pages, lambda unit: unit.where in pages  # type: ignore[attr-defined]
    chapters = {f"chapter:{c.name}/{field}" for c in edition_chapters(repo, locale) for field in ("title", "summary")}

    def needed(unit: object) -> bool:
        where, context = unit.where, unit.context  # type: ignore[attr-defined]
        theirs = where not in PAGES and (context in chapters or not context.startswith("chapter:"))  # the templates
        return bool(pages) and (where in pages or theirs)

    return pages, needed


def edition_map(repo: Path = REPO, locale: str = LOCALE) -> dict[str, str]:
    """Each English notebook or page with an edition in ``locale``, and where that edition lives: the links of every
    edition point there."""
    from authoring.translations import edition_chapters, edition_path

    found = {p: edition_path(p, locale) for c in edition_chapters(repo, locale) for p in (c.notebook, c.exercise)}
    return found | {page: edition_page(page, locale) for page in generated(repo, locale)}


def _fill(template: str, translated: str | None, values: dict[str, str]) -> str:
    """A translated template filled with ``values``; the English one when the translation is missing or broken."""
    for text in (translated, template):
        try:
            if text:
                return text % values
        except (KeyError, ValueError, TypeError):
            continue
    return template % values


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = PLACEHOLDER.split(template)  # text, name, text, name, ...
    return re.compile(
        "^" + "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)) + "$"
    )


def without_languages(text: str) -> str:
    """A page's text without its line of languages (and the blank line after it)."""
    return re.sub(r"(?m)^\*\*Languages:\*\* English · \[[^\]]+\]\([^)]*\)\n\n?", "", text, count=1)


def _after_title(text: str, line: str) -> str:
    title, _, rest = text.partition("\n")
    return f"{title}\n\n{line}\n\n{rest.lstrip(chr(10))}"


def english_page(page: str, repo: Path = REPO, locale: str = LOCALE) -> str:
    """What the English ``page`` should hold: with a line of languages under its title when it is a front page whose
    edition is published, without one otherwise."""
    text = without_languages((repo / page).read_text(encoding="utf-8"))
    if page in FRONT_PAGES and page in published(repo, locale):
        name = NAMES[locale][0]
        target = os.path.relpath(edition_page(page, locale), os.path.dirname(page) or ".")
        return _after_title(text, f"**Languages:** English · [{name}]({target})")
    return text


class _Renderer:
    """The translated parts of one page's edition."""

    def __init__(self, page: str, repo: Path, locale: str) -> None:
        from authoring.translations import lookup

        self.page, self.repo, self.locale = page, repo, locale
        self.domain = PAGES[page]
        self.target = edition_page(page, locale)
        # Where the page and its edition lie when their links are followed (the handout's: at the handout's top).
        self.seen = SEEN_AS.get(page, page)
        self.seen_target = edition_page(self.seen, locale) if page in SEEN_AS else self.target
        self.translate = lookup(repo, locale)
        self.editions = edition_map(repo, locale)
        self.chapters = {c.number: c for c in chapter_list.load(repo=repo)}

    def t(self, text: str, context: str) -> str | None:
        return self.translate(self.domain, text, context)

    def relink(self, text: str) -> str:
        from authoring.translations import _relink

        return _relink(text, self.seen, self.seen_target, self.editions)

    def title(self, number: str) -> str:
        chapter = self.chapters[number]
        return self.t(chapter.title, f"chapter:{chapter.name}/title") or chapter.title

    def times(self, english: str) -> str:
        found = _template_pattern(TEMPLATES["times"]).match(english.strip())
        if not found:
            raise ValueError(f"{self.page}: its times no longer match the template 'times' in authoring/front_pages.py")
        values = found.groupdict()
        values["model"] = self.t(values["model"], "times:model") or values["model"]
        numbers = re.findall(r"(?:^|, )(\d\d) · ", values["path"])
        values["path"] = NAMES[self.locale][2].join(f"{n} · {self.title(n)}" for n in numbers)
        return _fill(TEMPLATES["times"], self.t(TEMPLATES["times"], "times"), values)

    def table(self, english: str) -> str:
        def t(key: str, **values: str) -> str:
            return _fill(TEMPLATES[key], self.t(TEMPLATES[key], key), values)

        rows = [t("table:head"), "|---|---|---|---|"]
        for line in english.splitlines():
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
            found = CHAPTER_CELL.match(cells[0]) if len(cells) >= 4 else None
            if not found:
                continue  # the head and the rule under it
            minutes, tasks_found = re.findall(r"\d+", cells[2]), TASKS_CELL.match(cells[3])
            if len(minutes) != 2:
                raise ValueError(f"{self.page}: a row of its table of chapters has no two times: {line[:80]}")
            chapter = self.chapters[found["number"]]
            summary = self.t(chapter.summary, f"chapter:{chapter.name}/summary") or chapter.summary
            tasks = t("table:none")
            if tasks_found:
                tasks = f"[{t('table:tasks', count=tasks_found['count'])}]({tasks_found['link']})"
            time = t("table:time", core=minutes[0], every=minutes[1])
            rows.append(f"| [{chapter.number} · {self.title(chapter.number)}]({found['link']}) | {summary} | {time} | "
                        f"{tasks} |")  # fmt: skip
        return self.relink("\n".join(rows))

    def generated_block(self, block: str) -> str:
        def inner(match: re.Match[str]) -> str:
            kind, body = match.group(1), match.group(0).split("\n", 1)[1].rsplit("\n", 1)[0]
            made = self.times(body) if kind == "times" else self.table(body)
            return f"<!-- {kind}:start -->\n{made}\n<!-- {kind}:end -->"

        return GENERATED_BLOCK.sub(inner, block)

    def glossary_entry(self, english: str, translated: str) -> str:
        """A bilingual entry: the English anchor, the translated heading with the English term, the translation."""
        from authoring.glossary import section_anchor

        head, _, body = english.partition("\n")
        if not head.startswith("### "):
            return translated
        term = head[4:].strip()
        new_head, _, new_body = translated.partition("\n")
        if new_head.startswith("### ") and _words(term) not in _words(new_head):
            new_head = f"{new_head}（{term}）"
        return f'<a id="{section_anchor(term)}"></a>\n\n' + "\n".join(x for x in (new_head, new_body) if x)


def _words(text: str) -> str:
    """The Latin words and numbers of ``text`` in lower case, one space apart and between spaces: a heading that
    writes its English term with other punctuation (``卷积神经网络（CNN；convolutional neural network）`` for ``CNN
    (convolutional neural network)``) still holds it.

    Example:
        >>> _words("CNN (neural network)") in _words("### 卷积神经网络（CNN；neural network）")
        True
    """
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def edition_text(page: str, repo: Path = REPO, locale: str = LOCALE) -> str:
    """The text of the edition of ``page`` in ``locale``."""
    from authoring.translations import glossary_context, label_english_links, page_blocks

    render = _Renderer(page, repo, locale)
    text = without_languages((repo / page).read_text(encoding="utf-8"))
    context = glossary_context if PAGES[page] == "glossary" else None
    pieces = []
    for block, unit in page_blocks(page, repo, context, text=text):
        if unit is None:
            if GENERATED_BLOCK.search(block):  # a table of chapters: its links to English-only ones labelled too
                block = label_english_links(render.generated_block(block), render.seen_target, locale)
            pieces.append(block)
            continue
        translated = render.t(unit.text, unit.context)
        made = translated or unit.text
        if render.domain == "glossary":
            made = render.glossary_entry(unit.text, made) if translated else unit.text
        made = render.relink(made)
        pieces.append(label_english_links(made, render.seen_target, locale) if translated else made)
    name, label, _ = NAMES[locale]
    back = os.path.relpath(page, os.path.dirname(render.target) or ".")
    return _after_title("".join(pieces), f"**{label}** [English]({back}) · {name}")


def stale_pages(repo: Path = REPO, locale: str = LOCALE) -> list[str]:
    """The editions that are missing, not what the build writes, or left from a page without a catalog; and the
    English front pages whose line of languages is not what the build writes."""
    problems = []
    wanted = generated(repo, locale)
    for page in wanted:
        path = repo / edition_page(page, locale)
        if not path.exists():
            problems.append(f"{edition_page(page, locale)}: missing")
        elif path.read_text(encoding="utf-8") != edition_text(page, repo, locale):
            problems.append(f"{edition_page(page, locale)}: not what {page} and its catalog make")
    for page in PAGES:
        if page not in wanted and (repo / edition_page(page, locale)).exists():
            problems.append(f"{edition_page(page, locale)}: {page} has no {locale} catalog and is not published")
    for page in FRONT_PAGES:
        if (repo / page).exists() and (repo / page).read_text(encoding="utf-8") != english_page(page, repo, locale):
            problems.append(f"{page}: its line of languages is not what the build writes")
    return problems


def build_pages(repo: Path = REPO, locale: str = LOCALE) -> list[str]:
    """Write every edition and English front page that is not current, delete the editions of pages without a
    catalog; return the paths written or deleted."""
    changed = []
    for page in FRONT_PAGES:
        path = repo / page
        if path.exists() and path.read_text(encoding="utf-8") != (text := english_page(page, repo, locale)):
            path.write_text(text, encoding="utf-8")
            changed.append(page)
    wanted = generated(repo, locale)
    for page in PAGES:
        path = repo / edition_page(page, locale)
        if page in wanted:
            text = edition_text(page, repo, locale)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                changed.append(edition_page(page, locale))
        elif path.exists():
            path.unlink()
            changed.append(edition_page(page, locale))
    return changed
