"""The budget table in ``benchmarks/README.md``, written from the measurements in ``benchmarks/results/``.

``python -m authoring.run_notebooks`` appends one JSON line per notebook run to
``benchmarks/results/notebooks.jsonl`` (seconds, peak memory, the processor, the date, the machine's load
when the run started, and whether the run stored the notebook). ``python -m authoring.budgets`` writes the
table between ``<!-- budgets:start -->`` and ``<!-- budgets:end -->`` from the latest successful run of each
notebook, so the page never shows a number nobody measured; ``--check`` only reports whether the page is out
of date (``tests/course/test_budgets.py``).

Example:
    >>> record = {"notebook": "notebooks/00_x.ipynb", "seconds": 8.8, "peak_mb": 498, "load": 0.4, "date": "2026-11-26"}
    >>> row(record, "notebooks/00_x")
    '| notebooks/00_x | 8.8 | 498 | 0.4 | 2026-11-26 |'
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from authoring import chapters as chapter_tables
from authoring._paths import REPO

RESULTS = REPO / "benchmarks" / "results" / "notebooks.jsonl"
PAGE = REPO / "benchmarks" / "README.md"
START, END = "<!-- budgets:start -->", "<!-- budgets:end -->"
BUSY = 1.5  # a 1-minute load average above this, at the start of a run, means other jobs shared the 2 cores


def notebooks(repo: Path = REPO) -> list[str]:
    """Every chapter, exercise and solution notebook, as the table lists them (path without ``.ipynb``)."""
    return [
        str(path.relative_to(repo).with_suffix(""))
        for folder in ("notebooks", "exercises", "exercises/solutions")
        for path in sorted((repo / folder).glob("[0-9]*.ipynb"))
    ]


def by_name(notebook: str) -> str:
    """A notebook's key that survives a chapter's move: its folder and chapter name, without ``NN_`` or ``.ipynb``.

    Example:
        >>> by_name("notebooks/12_example.ipynb")
        'notebooks/example'
    """
    folder, _, base = notebook.removesuffix(".ipynb").rpartition("/")
    return f"{folder}/{re.sub(r'^[0-9][0-9]_', '', base)}"


def latest(results: Path = RESULTS) -> dict[str, dict]:
    """The latest successful measurement of each notebook, keyed :func:`by_name` (a measurement made before the
    chapter moved still counts)."""
    found: dict[str, dict] = {}
    for line in results.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("status") == "ok":
            found[by_name(record["notebook"])] = record
    return found


def row(record: dict, name: str) -> str:
    """One table row: the notebook (its path now), its seconds and peak MB, the load when it started, the date."""
    load = record.get("load")
    busy = " †" if load is not None and load > BUSY else ""
    return (
        f"| {name} | {record['seconds']:.1f}{busy} | {record['peak_mb']} | "
        f"{'n/a' if load is None else f'{load:.1f}'} | {record.get('date', 'n/a')} |"
    )


def table(repo: Path = REPO, results: Path = RESULTS) -> str:
    """The table of every notebook's latest measurement; a notebook never measured says so."""
    measured = latest(results)
    lines = ["| notebook | seconds | peak MB | load at start | measured |", "|---|---:|---:|---:|---|"]
    for name in notebooks(repo):
        key = by_name(name)
        lines.append(row(measured[key], name) if key in measured else f"| {name} | not measured | | | |")
    listed = {by_name(name) for name in notebooks(repo)}
    processors = sorted({r.get("cpu", "n/a") for n, r in measured.items() if n in listed})
    lines += [
        "",
        f"Processor{'s' if len(processors) > 1 else ''}: {'; '.join(processors)}. A † marks a run that started while "
        f"other jobs shared the two cores (1-minute load average above {BUSY}): its time is an upper bound.",
    ]
    return "\n".join(lines)


def run(repo: Path = REPO, check: bool = False) -> bool:
    """Write (or with ``check`` only compare) the page's table; True when it was out of date."""
    page = repo / "benchmarks" / "README.md"
    old = page.read_text(encoding="utf-8")
    new = chapter_tables.between(old, START, END, table(repo, repo / "benchmarks" / "results" / "notebooks.jsonl"),
                                 "benchmarks/README.md")  # fmt: skip
    if new != old and not check:
        page.write_text(new, encoding="utf-8")
    return new != old


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether the table is out of date")
    args = parser.parse_args(argv)
    stale = run(check=args.check)
    print(("out of date: " if args.check else "updated: ") + "benchmarks/README.md" if stale else "up to date")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
