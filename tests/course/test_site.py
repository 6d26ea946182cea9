"""python3 course.py site: the static site, built offline from the stored notebooks, checked in a real browser."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import REPO

from authoring import site, site_check
from authoring.chapters import by_name

HUB = "https://hub.example.edu"
EVALUATION = by_name("evaluation")
SCREENSHOTS = {"README.html": "site-home.png", f"notebooks/{EVALUATION.stem}.html": "site-chapter.png"}


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> Path:
    pytest.importorskip("jupyter_book", reason="the site needs the 'site' extra: pip install -e '.[site]'")
    return site.build(tmp_path_factory.mktemp("site"), jupyterhub=HUB)


def _page(html: Path, stem: str) -> str:
    return (html / f"{stem}.html").read_text(encoding="utf-8")


def test_every_chapter_exercise_and_instructor_page_and_no_solution(html: Path) -> None:
    parts = site.pages()
    assert len(parts["Chapters"]) == len(list((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))) >= 12
    assert len(parts["Exercises"]) == len(parts["Chapters"])
    assert "instructors/labs" in parts["For instructors"] and "instructors/judgement" in parts["For instructors"]
    for stem in [p for part in parts.values() for p in part]:
        assert (html / f"{stem}.html").is_file(), stem
    assert not (html / "exercises" / "solutions").exists()
    for page in html.rglob("*.html"):
        assert "BEGIN SOLUTION" not in page.read_text(encoding="utf-8"), page
    home = _page(html, "README")
    assert f"{EVALUATION.number} · {EVALUATION.title}" in home and f'href="notebooks/{EVALUATION.stem}.html"' in home


def test_chapters_have_outputs_markers_and_launch_and_source_links(html: Path) -> None:
    for stem in site.pages()["Chapters"]:
        page, name = _page(html, stem), stem.split("/")[-1]
        assert page.count("<img") >= 3, f"{stem}: the stored figures are missing"
        assert "Core · about" in page and "Optional · about" in page
        assert f"https://mybinder.org/v2/gh/medlearn/medlearn/main?urlpath=lab/tree/{stem}.ipynb" in page
        hub = f"{HUB}/hub/user-redirect/git-pull?repo=https%3A//github.com/medlearn/medlearn&urlpath=lab/tree/medlearn/"
        assert hub + f"{stem}.ipynb" in page, f"{name}: no JupyterHub link"
        assert f"https://github.com/medlearn/medlearn/blob/main/{stem}.ipynb" in page, f"{name}: no source link"


def test_collapsed_claim_cells_show_their_line_behind_a_show_code_toggle(html: Path) -> None:
    """A cell collapsed in JupyterLab (jupyter.source_hidden) is collapsed on the site, its output in view."""
    page = _page(html, f"notebooks/{by_name('few_labels').stem}")
    assert page.count("tag_hide-input") >= 5 and "Show code" in page
    assert "✓" in page  # the claims' one-line verdicts stay visible
    convolution = by_name("convolution")
    plain = _page(html, f"notebooks/{convolution.stem}")
    assert plain.count("tag_hide-input") == sum(
        1
        for cell in json.loads((REPO / convolution.notebook).read_text(encoding="utf-8"))["cells"]
        if cell["metadata"].get("jupyter", {}).get("source_hidden")
    )


def test_a_chapter_ends_with_its_quiz_answers_behind_a_toggle(html: Path) -> None:
    """The quiz works without a kernel: each answer is folded, and its section link resolves (checked below)."""
    from medlearn.quiz import load_quiz

    first = by_name("medical_images")
    page = _page(html, f"notebooks/{first.stem}")
    questions = load_quiz(first.stem).questions
    assert page.count("<summary>Answer</summary>") == len(questions)
    assert page.index('id="quiz"') > page.index('id="recap"')
    assert 'href="#hounsfield-units"' in page or 'href="#2--hounsfield-units"' in page


def test_the_public_site_can_leave_out_the_instructor_guide() -> None:
    captions = [part["caption"] for part in site.toc(instructors=False)["parts"]]
    assert "For instructors" not in captions and "Exercises" in captions
    assert "For instructors" in [part["caption"] for part in site.toc()["parts"]]
    # Nor the Chinese editions of the guide's plans, which the full site lists under 简体中文.
    files = [entry["file"] for part in site.toc(instructors=False)["parts"] for entry in part["chapters"]]
    assert "README.zh-CN" in files and not [f for f in files if f.startswith("instructors/")]
    assert "instructors/zh_CN/labs" in [entry["file"] for part in site.toc()["parts"] for entry in part["chapters"]]


def test_internal_links_and_assets_resolve(html: Path) -> None:
    assert site_check.link_problems(html) == []


def test_the_site_builds_offline_with_its_own_mathjax(html: Path) -> None:
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for cdn in ("cdn.jsdelivr.net", "unpkg.com/@jupyter-widgets", "cdnjs.cloudflare.com", "fonts.googleapis"):
            assert f'src="https://{cdn}' not in text and f'href="https://{cdn}' not in text, (page, cdn)


def _browser_or_skip() -> None:
    pytest.importorskip("playwright", reason="the browser test needs the 'site' extra: pip install -e '.[site]'")
    if site_check.find_chromium() is None:
        if os.environ.get("MEDLEARN_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(site_check.INSTALL_CHROMIUM)
        pytest.skip(site_check.INSTALL_CHROMIUM)


def test_every_page_in_a_real_browser(html: Path) -> None:
    """No console error or failed request, every image decoded, every formula typeset; two screenshots."""
    _browser_or_skip()
    shots = REPO / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    problems, counts = site_check.browser_problems(html, screenshots={p: shots / n for p, n in SCREENSHOTS.items()})
    assert set(problems) == set(site_check.pages(html)) and len(problems) >= 40
    assert {page: found for page, found in problems.items() if found} == {}
    assert sum(c["maths"] for c in counts.values()) >= 50, "hardly any formulas were checked"
    assert all(counts[f"{stem}.html"]["images"] >= 3 for stem in site.pages()["Chapters"])
    for name in SCREENSHOTS.values():
        assert (shots / name).stat().st_size > 20_000


def test_the_checks_find_a_broken_page(tmp_path: Path) -> None:
    """Each check can fail: a page with a missing image, two bad links, a console error and math without MathJax."""
    # Each page names its icon, as the site's pages do: otherwise Chromium asks for /favicon.ico, and the
    # console line of that 404 (which names no URL) lands on whichever page is open when it comes back.
    icon = '<head><link rel="icon" href="data:,"></head>'
    (tmp_path / "a.html").write_text(
        f'<html>{icon}<body id="top"><img src="missing.png"><a href="nope.html">x</a><a href="b.html#nowhere">y</a>'
        '<span class="math">\\(x^2\\)</span><script>console.error("boom")</script>'
        '<img src="https://example.org/outside.png"></body></html>'
    )
    (tmp_path / "b.html").write_text(f'<html>{icon}<body id="here">b</body></html>')
    links = site_check.link_problems(tmp_path)
    assert any("missing file: missing.png" in p for p in links) and any("missing file: nope.html" in p for p in links)
    assert any("missing anchor: b.html#nowhere" in p for p in links)
    assert site_check.link_problems(tmp_path / "empty") == [f"no pages in {tmp_path / 'empty'}"]
    _browser_or_skip()
    problems, _ = site_check.browser_problems(tmp_path, only=["a.html", "b.html"])
    found = " | ".join(problems["a.html"])
    expected_problems = (
        "image did not load: missing.png",
        "console: boom",
        "404",
        "MathJax did not load",
        "request failed: https://example.org/outside.png",
    )
    for expected in expected_problems:
        assert expected in found, (expected, found)
    assert problems["b.html"] == []


def test_the_readme_shows_the_screenshots() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in SCREENSHOTS.values():
        path = REPO / "docs" / "screenshots" / name
        assert f"](docs/screenshots/{name})" in readme and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
