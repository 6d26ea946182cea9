"""One build and one check for the whole course: every generator, in its order.

    python -m authoring build                 # every generated file and block, from its source (no notebook runs)
    python -m authoring build registration    # the same, after executing and storing that chapter and its exercise
    python -m authoring check                 # is everything generated current, and does every course rule hold?
    python -m authoring chapters              # the chapters, in order: number, name, title, what trains
    python -m authoring chapters --trains onednn   # the notebooks CI runs again with oneDNN off (or: threads)

``build`` runs the steps of :data:`STEPS` in order; ``check`` runs the same steps without writing and names, for
each stale file or broken rule, the file and the command that fixes it. ``check`` executes no notebook and takes
about a minute; the test suite calls it (``tests/course/test_authoring.py``).

Example:
    >>> [step.name for step in STEPS][:3]
    ['scaffolding', 'exercises', 'sections and times']
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from authoring import chapters as chapter_list
from authoring._paths import REPO


@dataclass(frozen=True)
class Step:
    """One generator: its name, what it writes (``build``) and what is stale or broken (``check``), and the command
    that fixes what ``check`` finds."""

    name: str
    build: Callable[[Path], None]
    check: Callable[[Path], list[str]]
    fix: str


def _quiet(function: Callable[..., object], *args: object) -> str:
    """Run a generator's ``main`` and return what it printed (its report), not showing it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        function(*args)
    return out.getvalue()


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# The steps. Each imports its tool when it runs: `python -m authoring chapters` needs only the standard library.
def _scaffolding_build(repo: Path) -> None:
    from authoring import scaffolding

    scaffolding.run(scaffolding.default_paths(repo), refresh_sections=False)


def _scaffolding_check(repo: Path) -> list[str]:
    from authoring import scaffolding

    return [
        f"{p.relative_to(repo)}: {line}" for p in scaffolding.default_paths(repo) for line in scaffolding.leftovers(p)
    ]


def _exercises_check(repo: Path) -> list[str]:
    """A learner's exercise whose cells are not what the build makes of its solution (outputs aside)."""
    import nbformat

    from authoring.build_exercises import learner_version

    stale = []
    for chapter in chapter_list.load(repo=repo):
        solution, learner = repo / chapter.solution, repo / chapter.exercise
        if not solution.exists():
            continue
        made = learner_version(nbformat.read(solution, as_version=4), chapter.solution)
        stored = nbformat.read(learner, as_version=4) if learner.exists() else None
        sources = [(c.cell_type, c.source) for c in made.cells]
        if stored is None or sources != [(c.cell_type, c.source) for c in stored.cells]:
            stale.append(chapter.exercise)
    return stale


def _sections_build(repo: Path) -> None:
    from authoring import sections

    sections.run(repo)


def _sections_check(repo: Path) -> list[str]:
    from authoring import sections

    return sections.run(repo, check=True)


def _quizzes_build(repo: Path) -> None:
    from authoring import quizzes

    _quiet(quizzes.main, [])


def _quizzes_check(repo: Path) -> list[str]:
    from authoring import quizzes

    return [line.removeprefix("out of date: ") for line in _lines(_quiet(quizzes.main, ["--check"]))]


def _discuss_build(repo: Path) -> None:
    from authoring import discuss

    _quiet(discuss.main, [])


def _discuss_check(repo: Path) -> list[str]:
    """A **Discuss.** prompt without its folded model answer (the build folds in the instructor notes' answer)."""
    import nbformat

    from authoring.discuss import FOLDED, prompt_of

    missing = []
    for chapter in chapter_list.load(repo=repo):
        cells = nbformat.read(repo / chapter.notebook, as_version=4).cells
        for index, cell in enumerate(cells):
            if cell.cell_type == "markdown" and prompt_of(cell.source) and not FOLDED.search(cell.source):
                missing.append(f"{chapter.notebook} cell {index}: a prompt without its folded model answer")
    return missing


def _reference_build(repo: Path) -> None:
    from authoring import reference

    _quiet(reference.main, [])


def _reference_check(repo: Path) -> list[str]:
    from authoring import reference

    page = repo / "docs" / "reference.md"
    return [] if page.read_text(encoding="utf-8") == reference.page() else ["docs/reference.md"]


def _budgets_build(repo: Path) -> None:
    from authoring import budgets

    budgets.run(repo)


def _budgets_check(repo: Path) -> list[str]:
    from authoring import budgets

    return ["benchmarks/README.md"] if budgets.run(repo, check=True) else []


def _contributing_build(repo: Path) -> None:
    from authoring import contributing

    contributing.run(repo)


def _contributing_check(repo: Path) -> list[str]:
    from authoring import contributing

    return contributing.run(repo, check=True)


def _rules_check(repo: Path) -> list[str]:
    """The course's rules that no generator fixes: learner text that speaks of the machinery, glossary terms used
    before they are taught."""
    from authoring import glossary, learner_text

    found = [f"{h.path} cell {h.cell}: {h.words!r}" for h in learner_text.scan(learner_text.learner_files(repo))]
    text = (repo / "docs" / "glossary.md").read_text(encoding="utf-8")
    found += [str(p) for p in glossary.early_uses(glossary.chapters(repo), glossary.entries(text))]
    return found


def _nothing(repo: Path) -> None:
    """A step that only checks: a human fixes what it finds."""


STEPS = (
    Step("scaffolding", _scaffolding_build, _scaffolding_check, "python -m authoring.scaffolding"),
    Step("exercises", _nothing, _exercises_check, "python -m authoring build NAME (executes and stores the exercise)"),
    Step("sections and times", _sections_build, _sections_check, "python -m authoring.sections"),
    Step("quizzes", _quizzes_build, _quizzes_check, "python -m authoring.quizzes"),
    Step("discuss answers", _discuss_build, _discuss_check, "python -m authoring.discuss"),
    Step("library reference", _reference_build, _reference_check, "python -m authoring.reference"),
    Step("budget table", _budgets_build, _budgets_check, "python -m authoring.budgets"),
    Step("new-chapter checklist", _contributing_build, _contributing_check, "python -m authoring.contributing"),
    Step("course rules", _nothing, _rules_check, "edit the file named (no generator writes it)"),
)


def execute(name: str, repo: Path = REPO) -> int:
    """Execute and store a chapter's notebook, and make and store its exercise (learner's copy and solution)."""
    from authoring import build_exercises, run_notebooks

    chapter = chapter_list.by_name(name)
    status = run_notebooks.main(["--store", str(repo / chapter.notebook)])
    if (repo / chapter.solution).exists():
        status |= build_exercises.main([chapter.stem])
    return status


def build(name: str | None = None, repo: Path = REPO) -> int:
    """Run every step's build in order (after executing the named chapter, if one is named)."""
    if name is not None and execute(name, repo):
        return 1
    for step in STEPS:
        print(f"build: {step.name}", flush=True)
        step.build(repo)
    return 0


def check(repo: Path = REPO) -> list[str]:
    """Every problem of every step, each as ``step: what: fix with COMMAND``; empty when all is current."""
    problems = []
    for step in STEPS:
        problems += [f"{step.name}: {what} (fix: {step.fix})" for what in step.check(repo)]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m authoring", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="write every generated file, in order")
    build_parser.add_argument("name", nargs="?", help="a chapter to execute and store first (its stable name)")
    commands.add_parser("check", help="is everything generated current, and does every rule hold?")
    listing = commands.add_parser("chapters", help="list the chapters, or the notebooks that train")
    listing.add_argument("--trains", choices=chapter_list.PERTURBATIONS, help="the notebooks CI perturbs this way")
    args = parser.parse_args(argv)
    if args.command == "build":
        return build(args.name)
    if args.command == "check":
        problems = check()
        print("\n".join(problems) if problems else "everything generated is current and every rule holds")
        return 1 if problems else 0
    for chapter in chapter_list.read():
        if args.trains:
            for notebook in chapter.training_notebooks() if chapter.perturbation == args.trains else []:
                print(notebook)
        else:
            print(f"{chapter.number}  {chapter.name:32} {chapter.title}  trains: {', '.join(chapter.trains) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
