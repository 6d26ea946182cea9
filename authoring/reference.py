"""The library's reference page, written from its docstrings.

``python -m authoring.reference`` writes ``docs/reference.md`` (on the site, under "About the course"): for
every public module and subpackage of :mod:`medlearn`, the first paragraph of its docstring, its public
submodules, and each public function, class or constant with the first line of its docstring. ``--check``
only compares, and ``tests/course/test_maps.py`` fails when the page is out of date, so the reference can never
drift from the code it describes.

Example:
    >>> first_paragraph("One line.\\n  Two.\\n\\nMore.")
    'One line. Two.'
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import sys
from types import ModuleType

from authoring import tables
from authoring._paths import REPO

PAGE = REPO / "docs" / "reference.md"
HEAD = """# The medlearn library

*This page is written from the library's docstrings by `python -m authoring.reference`; edit the docstrings,
not this page.* The notebooks import `medlearn` for what a learner should not have to retype; the teaching
stays in the notebooks. Each function's own docstring, with an example, is one `help(name)` away in a
notebook.
"""


def first_paragraph(text: str | None) -> str:
    """The first paragraph of a docstring, on one line (empty when there is none)."""
    if not text:
        return ""
    paragraph = inspect.cleandoc(text).split("\n\n", 1)[0]
    return " ".join(paragraph.split())


def _first_line(obj: object) -> str:
    return first_paragraph(inspect.getdoc(obj)).split(". ")[0].rstrip(".") + "." if inspect.getdoc(obj) else ""


def public_modules(package: ModuleType) -> list[str]:
    """The names of a package's public modules and subpackages (no leading underscore, no ``__main__``)."""
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))


def _names(module: ModuleType) -> list[str]:
    if hasattr(module, "__all__"):
        return sorted(module.__all__)
    return sorted(
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", "") == module.__name__
    )


def _entry(module: ModuleType, name: str) -> str:
    obj = getattr(module, name)
    if inspect.isfunction(obj) or inspect.isclass(obj):
        return f"- `{name}`: {_first_line(obj)}"
    return f"- `{name}` ({type(obj).__name__})"


def section(name: str) -> str:
    """The reference of one public module or subpackage of medlearn, in Markdown."""
    module = importlib.import_module(f"medlearn.{name}")
    lines = [f"## `medlearn.{name}`", "", first_paragraph(module.__doc__), ""]
    if hasattr(module, "__path__"):
        subs = public_modules(module)
        if subs:
            lines += ["Modules: " + ", ".join(f"`{name}.{s}`" for s in subs) + ".", ""]
    entries = [_entry(module, n) for n in _names(module)]
    return "\n".join(lines + entries).rstrip() + "\n"


def page() -> str:
    """The whole reference page."""
    import medlearn

    return HEAD + "\n" + "\n".join(section(name) for name in public_modules(medlearn))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether the page is up to date")
    args = parser.parse_args(argv)
    return tables.write_or_check(PAGE, page(), check=args.check, source="the docstrings of medlearn")


if __name__ == "__main__":
    sys.exit(main())
