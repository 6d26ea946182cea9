"""Find words about the course's own machinery in what a learner reads.

A chapter and a learner's exercise speak of their subject: how the course checks itself (its tests, the
comparison of stored outputs, run-time and memory budgets, the computer the notebooks were stored on, the
benchmark scripts and the README's tables) belongs to the instructor notes, CONTRIBUTING and
``benchmarks/README.md``. ``python -m authoring.learner_text [PATH ...]`` lists every hit in the markdown
cells of the given notebooks (default: every chapter and learner exercise) and exits 1 when there is one;
``tests/course/test_learner_text.py`` runs it on the stored files.

Example:
    >>> [hit.words for hit in machinery_words("The benchmark in the README trains longer.")]
    ['README']
    >>> machinery_words("A support vector machine keeps a margin; threads share a process.")
    []
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from authoring._paths import REPO

#: Words and phrases about the course's machinery, not its subject. Subject words stay allowed: a support
#: vector *machine*, an ultrasound *machine*, a labelling *budget*, a GDPR *processor*, a field's benchmark.
PATTERN = re.compile(
    r"\bnbval\b|\btest suite\b|\bthe course's tests\b|\bby the tests\b|\btests/|\bnot compared\b"
    r"|\bcompared cells?\b|\bcompared outputs?\b|\bstored outputs?\b|\bREADME\b|\bbenchmarks?/|\bbenchmarks?\.py\b"
    r"|\bcourse's benchmark|\b(?:time|memory|notebook's|run-time) budgets?\b|\bwithin (?:its |the |a )?budget\b"
    r"|\bbetween (?:machines|processors|computers|CPUs)\b|\b(?:any|the|this|a different|another) "
    r"(?:processor|CPU)s?\b|\b(?:on any|another|a different) machines?\b|\bdepends? on the machine\b|\bstored run\b"
    r"|\boneDNN\b|\bsanitis|\bAVX"
    r"|\breference machine\b|\btested against (?:it|the library|a numerical)|\bevery computer\b"
    r"|\b(?:work|jobs?) (?:on|competing for) the (?:computer|cores)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hit:
    """One machinery word in a learner-facing text: where, the words, and the line around them."""

    path: str
    cell: int
    words: str
    context: str


def machinery_words(text: str, path: str = "", cell: int = -1) -> list[Hit]:
    """The machinery words in ``text`` (markdown), each with 60 characters of context either side."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, not {type(text).__name__}")
    return [
        Hit(path, cell, m.group(0), text[max(0, m.start() - 60) : m.end() + 60].replace("\n", " "))
        for m in PATTERN.finditer(text)
    ]


def learner_files(repo: Path = REPO) -> list[Path]:
    """Every chapter and learner exercise (the solutions are the authors' copies)."""
    return sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
        (repo / "exercises").glob("[0-9][0-9]_*.ipynb")
    )


def scan(paths: list[Path]) -> list[Hit]:
    """The machinery words in the markdown cells of the notebooks at ``paths``."""
    hits: list[Hit] = []
    for path in paths:
        cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                hits += machinery_words(source, Path(path).name, index)
    return hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    hits = scan(args.paths or learner_files())
    for hit in hits:
        print(f"{hit.path} cell {hit.cell}: {hit.words!r} in …{hit.context}…")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
