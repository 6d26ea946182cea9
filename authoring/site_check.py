"""Check a built site: internal links and anchors on disk, and every page in a real headless browser.

    python -m authoring.site_check _build/html      # report problems; exit 1 if there are any

In the browser (Chromium, driven by Playwright) every page is opened from a local server and must
load with no console error, no failed request, every image decoded (natural width above 0) and
every formula typeset by MathJax. ``tests/course/test_site.py`` runs these checks on a fresh build.
"""

from __future__ import annotations

import argparse
import html.parser
import os
import re
import shutil
import sys
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

from authoring.local_server import serve

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_CHROMIUM = (
    "No Chromium or Chrome found for the browser test. Install one: on Debian or Ubuntu "
    "'sudo apt-get update && sudo apt-get install -y chromium'; on macOS 'brew install --cask chromium'; "
    "or set MEDLEARN_CHROMIUM to the browser's executable."
)
# Flags for a closed network: without them Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SKIP = {"genindex.html", "search.html"}
# Pages loading in the browser at once: one renders on one core, a second keeps another busy.
PAGES_AT_ONCE = 2


def find_chromium() -> str | None:
    """The path of a Chromium-family browser: ``$MEDLEARN_CHROMIUM`` or the first one on PATH."""
    chosen = os.environ.get("MEDLEARN_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pages(root: Path) -> list[str]:
    """Every HTML page of the site, relative to ``root``, except theme templates and indexes."""
    found = []
    for path in sorted(root.rglob("*.html")):
        relative = path.relative_to(root).as_posix()
        if not relative.startswith("_") and relative not in SKIP and _redirect(path) is None:
            found.append(relative)
    return found


def _redirect(path: Path) -> str | None:
    """Where a page that only redirects (Sphinx's index.html) sends the browser, or None."""
    with path.open(encoding="utf-8") as file:
        head = file.read(300)  # the tag is at the very start: no need to read (and decode) a whole page
    match = re.match(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', head)
    return match.group(1) if match else None


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for key in ("href", "src"):
            if (tag, key) in {("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")} and values.get(key):
                self.targets.append(values[key] or "")


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def link_problems(root: Path) -> list[str]:
    """Internal links, images, scripts and style sheets that point at no file, or at a missing anchor.

    Each HTML file is parsed once, however many links point at its anchors (the site has about 1,500
    such links), and each distinct target is looked up on disk once.
    """
    root = Path(root)
    found = pages(root)
    problems: list[str] = [] if found else [f"no pages in {root}"]
    for path in root.glob("*.html"):
        target = _redirect(path)
        if target is not None and not (root / target).exists():
            problems.append(f"{path.name}: redirects to a missing page: {target}")
    parsed: dict[Path, _Links] = {}
    files: dict[tuple[Path, str], Path | None] = {}

    def links_of(path: Path) -> _Links:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    def file_of(folder: Path, address: str) -> Path | None:
        """The file that ``address`` (relative to ``folder``) names, or None if there is none."""
        key = (folder, address)
        if key not in files:
            file = (folder / unquote(address)).resolve()
            if file.is_dir():
                file = file / "index.html"
            files[key] = file if file.exists() else None
        return files[key]

    for page in found:
        path = (root / page).resolve()
        for target in links_of(path).targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith(("mailto:", "javascript:", "data:")):
                continue
            address, anchor = urldefrag(target)
            address = urlsplit(address).path
            file = file_of(path.parent, address) if address else path
            if file is None:
                problems.append(f"{page}: link to a missing file: {target}")
            elif anchor and file.suffix == ".html" and unquote(anchor) not in links_of(file).ids:
                problems.append(f"{page}: link to a missing anchor: {target}")
    return problems


_PAGE_CHECK = """async () => {
  const wait = ms => new Promise(r => setTimeout(r, ms));
  const problems = [];
  for (const img of document.images) {
    if (!img.complete) {
      await Promise.race([new Promise(r => { img.onload = r; img.onerror = r; }), wait(20000)]);
    }
    if (img.naturalWidth === 0) problems.push('image did not load: ' + (img.getAttribute('src') || '').slice(0, 80));
  }
  const maths = document.querySelectorAll('span.math, div.math');
  if (maths.length) {
    if (!(window.MathJax && MathJax.startup)) {
      problems.push('math on the page but MathJax did not load');
    } else {
      await Promise.race([MathJax.startup.promise, wait(30000)]);
      const unset = [...maths].filter(m => !m.querySelector('mjx-container'));
      if (unset.length) {
        problems.push(unset.length + ' formulas not typeset, first: ' + unset[0].textContent.slice(0, 60));
      }
      const error = document.querySelector('mjx-merror');
      if (error) problems.push('MathJax error: ' + error.textContent);
    }
  }
  return {problems, maths: maths.length, images: document.images.length};
}"""


def browser_problems(
    root: Path, only: list[str] | None = None, screenshots: dict[str, Path] | None = None
) -> tuple[dict[str, list[str]], dict[str, dict]]:
    """Open every page in headless Chromium; return the problems per page and what was counted.

    ``screenshots`` maps a page to a PNG file to save of it (1280 x 900 pixels).

    Every page is a new tab in one browser context, so the browser's cache serves the theme's
    scripts and MathJax (compiled once) after the first page; ``PAGES_AT_ONCE`` pages load at a
    time (a page renders on one core), and each is checked in order once it has loaded.
    """
    from playwright.sync_api import Page, sync_playwright

    executable = find_chromium()
    if executable is None:
        raise FileNotFoundError(INSTALL_CHROMIUM)
    problems: dict[str, list[str]] = {}
    counts: dict[str, dict] = {}
    with serve(Path(root)) as base, sync_playwright() as playwright:
        # Offline for real: the browser knows no host but the local server, so any request that leaves
        # it is refused (and reported as a failed request); one to any other address is reported too.
        # (Playwright's routing, used before, turns the browser's cache off and sends every request
        # through Python: with two pages at a time the check took about 1.5 times as long with it.)
        offline = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
        browser = playwright.chromium.launch(executable_path=executable, args=[*CHROMIUM_ARGS, offline])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(60_000)

            def start(page_name: str) -> tuple[str, Page, list[str]]:
                found: list[str] = []
                page = context.new_page()
                page.on("console", lambda m, found=found: m.type == "error" and found.append("console: " + m.text))
                page.on("pageerror", lambda e, found=found: found.append(f"script error: {e}"))
                page.on(
                    "request",
                    lambda r, found=found: (
                        r.url.startswith((base, "data:", "blob:")) or found.append("request off the site: " + r.url)
                    ),
                )
                page.on("requestfailed", lambda r, found=found: found.append("request failed: " + r.url))
                page.on("response", lambda r, found=found: r.status >= 400 and found.append(f"{r.status}: {r.url}"))
                page.goto(f"{base}/{page_name}", wait_until="commit")
                return page_name, page, found

            def check(page_name: str, page: Page, found: list[str]) -> None:
                page.wait_for_load_state("load")
                result = page.evaluate(_PAGE_CHECK)
                found += result["problems"]
                counts[page_name] = {"maths": result["maths"], "images": result["images"]}
                if screenshots and page_name in screenshots:
                    page.screenshot(path=str(screenshots[page_name]))
                page.close()
                problems[page_name] = found

            loading: deque[tuple[str, Page, list[str]]] = deque()
            for page_name in only if only is not None else pages(Path(root)):
                loading.append(start(page_name))
                if len(loading) == PAGES_AT_ONCE:
                    check(*loading.popleft())
            while loading:
                check(*loading.popleft())
        finally:
            browser.close()
    return problems, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, nargs="?", default=Path("_build/html"))
    args = parser.parse_args(argv)
    problems = link_problems(args.root)
    found, _ = browser_problems(args.root)
    problems += [f"{page}: {p}" for page, ps in found.items() for p in ps]
    print("\n".join(problems) or f"{len(found)} pages, no problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
