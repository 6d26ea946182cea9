#!/usr/bin/env python3
"""Build the course's static web site from the stored notebooks, offline, without executing them.

    python -m authoring.site                              # into _build/html
    python -m authoring.site --jupyterhub https://hub.example.edu   # add JupyterHub launch links

``python3 course.py site`` runs this after installing the ``site`` extra (Jupyter Book 1, which is
Sphinx with MyST-NB; Jupyter Book 2 downloads its theme at build time and cannot build offline).
The table of contents is written from the folders, so a new chapter, exercise or instructor page
appears without editing a list: the README is the home page, then every chapter, every learner
exercise (never the solutions), the instructor guide, the pages about the course, and the Chinese
editions of the README, START_HERE and the glossary (and of the guide's lab and semester plans, when the site has the
guide), and of the chapters and exercises that have one, in a part of their own. Every chapter page has a
Binder launch link (and a JupyterHub one when ``--jupyterhub`` names a hub), a download button and a
link to its source in the repository. MathJax is served from the site itself, so formulas render offline.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from authoring import chapters as chapter_list
from authoring._paths import REPO

# The course's public repository: launch and source links point here. Change it for a fork.
REPOSITORY = "https://github.com/medlearn/medlearn"
BRANCH = "main"
CONFIG = "site-config"


def pages(repo: Path = REPO, instructors: bool = True) -> dict[str, list[str]]:
    """The site's pages, by part, as paths without suffix relative to the repository."""

    def stems(folder: str, pattern: str) -> list[str]:
        return [p.relative_to(repo).with_suffix("").as_posix() for p in sorted((repo / folder).glob(pattern))]

    notes = [f"instructors/{chapter.name}" for chapter in chapter_list.read()]
    found = {
        "Chapters": stems("notebooks", "[0-9][0-9]_*.ipynb"),
        "Exercises": stems("exercises", "[0-9][0-9]_*.ipynb"),
        # The guide's front page, then its other pages (labs, a semester, ...), then the notes per chapter
        # (instructors/<name>.md), in the order of the chapter list.
        "For instructors": ["instructors/README"]
        + [s for s in stems("instructors", "*.md") if s != "instructors/README" and s not in notes]
        + [s for s in notes if (repo / f"{s}.md").is_file()],
        "About the course": [
            "START_HERE",
            "docs/glossary",
            "docs/data",
            "docs/reference",
            "benchmarks/README",
            "CONTRIBUTING",
        ],
    }
    # The Chinese editions of the pages (authoring/front_pages.py), where the build has written them.
    from authoring.front_pages import PAGES, SEEN_AS, edition_page

    # Not the handout's (its links are its own), and the instructors' plans only on a site with the instructors' part.
    editions = [
        edition_page(page)
        for page in PAGES
        if page not in SEEN_AS and (instructors or not page.startswith("instructors/"))
    ]
    found["简体中文"] = [page.removesuffix(".md") for page in editions if (repo / page).is_file()]
    # ... and of the chapters that have one (authoring/translations.py), which the Chinese pages link to.
    found["简体中文"] += stems("notebooks/zh_CN", "[0-9][0-9]_*.ipynb") + stems("exercises/zh_CN", "[0-9][0-9]_*.ipynb")
    if not found["简体中文"]:
        del found["简体中文"]
    if not instructors:
        del found["For instructors"]
    return found


def toc(repo: Path = REPO, instructors: bool = True) -> dict:
    """The Jupyter Book table of contents (``_toc.yml``) as a dictionary."""
    parts = [{"caption": c, "chapters": [{"file": f} for f in files]} for c, files in pages(repo, instructors).items()]
    return {"format": "jb-book", "root": "README", "parts": parts}


def config(jupyterhub: str | None = None, repository: str = REPOSITORY) -> dict:
    """The Jupyter Book configuration (``_config.yml``) as a dictionary."""
    return {
        "title": "medlearn",
        "author": "the medlearn authors",
        "copyright": "",
        "only_build_toc_files": True,
        "exclude_patterns": [
            ".*",
            "_build",
            "**.ipynb_checkpoints",
            "exercises/solutions",
            "medlearn.egg-info",
        ],
        "execute": {"execute_notebooks": "off"},
        "parse": {"myst_enable_extensions": ["colon_fence", "dollarmath"]},
        "repository": {"url": repository, "branch": BRANCH, "path_to_book": ""},
        "launch_buttons": {
            "notebook_interface": "jupyterlab",
            "binderhub_url": "https://mybinder.org",
            "jupyterhub_url": jupyterhub or "",
        },
        "html": {
            "favicon": "authoring/favicon.svg",
            "use_repository_button": True,
            "home_page_in_navbar": True,
            "use_multitoc_numbering": False,
        },
        "sphinx": {
            "extra_extensions": ["sphinx-mathjax-offline"],
            "local_extensions": {"site_sphinx": str(REPO / "authoring")},
            "recursive_update": True,
            "config": {
                "html_theme_options": {"use_source_button": True, "use_download_button": True},
                "html_show_sphinx": False,
                # An empty theme mode makes the theme log an error in the browser's console.
                "html_context": {"default_mode": "light"},
                # Widgets need a running kernel; do not fetch their JavaScript from a CDN.
                "nb_ipywidgets_js": {},
                # A claim cell, collapsed in JupyterLab, shows its one line with this toggle (site_sphinx).
                "nb_code_prompt_show": "Show code",
                "nb_code_prompt_hide": "Hide code",
                "suppress_warnings": ["myst.header"],
                # Anchors for headings down to ###, slugged as GitHub does: the glossary links chapter sections
                # (Jupyter Book 1 passes only some of "parse" on to MyST, so this goes to Sphinx directly).
                "myst_heading_anchors": 3,
            },
        },
    }


def _yaml(data: object) -> str:
    # JSON is YAML; this keeps the build free of a YAML writer.
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def build(
    path_output: Path | None = None,
    jupyterhub: str | None = None,
    repository: str = REPOSITORY,
    instructors: bool = True,
) -> Path:
    """Build the site; return its HTML folder, ``path_output/_build/html`` (by default ``_build/html``)."""
    out = (Path(path_output) if path_output is not None else REPO).resolve() / "_build"
    settings = out / CONFIG
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "_toc.yml").write_text(_yaml(toc(instructors=instructors)), encoding="utf-8")
    (settings / "_config.yml").write_text(_yaml(config(jupyterhub, repository)), encoding="utf-8")
    html = out / "html"
    if html.exists():
        shutil.rmtree(html)
    command = [
        sys.executable,
        "-c",
        "from jupyter_book.cli.main import main; main()",
        "build",
        str(REPO),
        "--path-output",
        str(out.parent),
    ]
    command += ["--config", str(settings / "_config.yml"), "--toc", str(settings / "_toc.yml")]
    command += ["--builder", "html", "--keep-going"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    log = result.stdout + result.stderr
    (out / "site-build.log").write_text(log, encoding="utf-8")
    if result.returncode != 0 or not (html / "index.html").exists():
        raise RuntimeError(f"the site did not build; see {out / 'site-build.log'}:\n{log[-3000:]}")
    warnings = [line for line in log.splitlines() if "WARNING:" in line and not _anchor_in_edition(line)]
    if warnings:  # an unresolved link is only a warning to Sphinx, and a dead span on the page
        raise RuntimeError("the site built with warnings:\n" + "\n".join(warnings))
    return html


#: MyST's warnings for a link to a section by an id that is not one of its headings' slugs: in another document, and
#: in the same one (the warning's own file).
MISSING_ID = re.compile(r"local id not found in doc '(?P<doc>[^']+)': '(?P<id>[^']+)'")
MISSING_TARGET = re.compile(
    r"^(?:\x1b\[\d+m)?(?P<file>\S+?):\d+: WARNING: 'myst' cross-reference target not found: '(?P<id>[^']+)'"
)


def _anchor_in_edition(warning: str) -> bool:
    """Whether ``warning`` is MyST's missing id in a Chinese edition (a chapter or a page) that does carry that id.

    A translated heading has another slug than its English one, so a link to ``notebooks/zh_CN/NN_x#3--...`` or to
    ``docs/zh_CN/glossary#term`` names no heading slug. But the build writes the English slug as an ``<a id>`` (on a
    section's time line, as in the English notebook, where links reach it in JupyterLab as on the site; above each
    glossary entry), so the link works in the browser, where the site's link check (``authoring.site_check``) follows
    it; any other missing id stays a warning.
    """
    other, same = MISSING_ID.search(warning), MISSING_TARGET.search(warning)
    if other:
        stem, anchor = REPO / other["doc"], other["id"]
        candidates = [stem.with_name(stem.name + suffix) for suffix in (".ipynb", ".md")]
    elif same:
        anchor, candidates = same["id"], [Path(same["file"])]
    else:
        return False
    for path in candidates:
        if "zh_CN" in path.parts and path.is_file():
            text = path.read_text(encoding="utf-8")
            return f'<a id="{anchor}"></a>' in text or f'<a id=\\"{anchor}\\"></a>' in text
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path-output", type=Path, default=None, help="build into PATH/_build (default: .)")
    parser.add_argument("--jupyterhub", default=None, help="URL of a JupyterHub for launch links")
    parser.add_argument("--repository", default=REPOSITORY, help="the course's public repository")
    parser.add_argument("--no-instructors", action="store_true", help="leave out the instructor guide")
    args = parser.parse_args(argv)
    html = build(args.path_output, args.jupyterhub, args.repository, instructors=not args.no_instructors)
    print(f"The site is in {html}; open {html / 'index.html'} in a browser.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
