"""One build and one check for the whole course: every generator, in its order.

    python -m authoring build                 # every generated file and block, from its source (no notebook runs)
    python -m authoring build registration    # the same, after executing and storing that chapter and its exercise
    python -m authoring check                 # is everything generated current, and does every course rule hold?
    python -m authoring chapters              # the chapters, in order: number, name, title, what trains
    python -m authoring chapters --trains onednn   # the notebooks CI runs again with oneDNN off (or: threads)
    python -m authoring chapters add NAME --at 3 --title T --summary S --topics T   # then: build, check
    python -m authoring chapters move NAME --to 7                                 # then: build, check
    python -m authoring chapters remove NAME                                      # then: build, check
    python -m authoring translations update [NAME]          # the English units into the zh_CN catalogs
    python -m authoring translations status [NAME] --list   # per catalog: translated, fuzzy, untranslated; which

``build`` runs the steps of :data:`STEPS` in order; ``check`` runs the same steps without writing and names, for
each stale file or broken rule, the file and the command that fixes it. ``check`` executes no notebook and takes
about a minute (half of it to feed every typical mistake of the exercise checks back to its task, a run it keeps in
a cache until the library changes: :mod:`authoring.mistakes`); the test suite calls it
(``tests/course/test_authoring.py``).

Example:
    >>> [step.name for step in STEPS][:5]
    ['chapter list', 'scaffolding', 'exercises', 'typical mistakes', 'quizzes']
"""

from __future__ import annotations

import argparse
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
    from authoring.build_exercises import stale_copies

    return stale_copies(repo)


def _sections_build(repo: Path) -> None:
    from authoring import sections

    sections.run(repo)


def _sections_check(repo: Path) -> list[str]:
    from authoring import sections

    return sections.run(repo, check=True)


def _exercise_times_build(repo: Path) -> None:
    from authoring import exercise_times

    exercise_times.run(repo)


def _exercise_times_check(repo: Path) -> list[str]:
    from authoring import exercise_times

    return exercise_times.run(repo, check=True)


def _quizzes(repo: Path, check: bool) -> list[str]:
    from authoring import quizzes

    folder = repo / "medlearn" / "quizzes"
    return [
        chapter.notebook
        for chapter in chapter_list.load(repo=repo)
        if quizzes.has_quiz(chapter.stem, repo) and quizzes.update(repo / chapter.notebook, check, folder)
    ]


def _quizzes_build(repo: Path) -> None:
    _quizzes(repo, check=False)


def _quizzes_check(repo: Path) -> list[str]:
    return _quizzes(repo, check=True)


def _discuss_build(repo: Path) -> None:
    from authoring import discuss

    for chapter in chapter_list.load(repo=repo):
        discuss.add_answers(repo / chapter.notebook, repo / "instructors" / f"{chapter.name}.md")


def _discuss_check(repo: Path) -> list[str]:
    """A **Discuss.** prompt without its folded model answer (the build folds in the instructor notes' answer), or
    whose words the instructor notes do not have (a prompt edited in the notebook alone)."""
    import nbformat

    from authoring.discuss import FOLDED, prompt_of, prompts_and_answers

    missing = []
    for chapter in chapter_list.load(repo=repo):
        cells = nbformat.read(repo / chapter.notebook, as_version=4).cells
        guide = repo / "instructors" / f"{chapter.name}.md"
        answered = prompts_and_answers(guide.read_text(encoding="utf-8")) if guide.exists() else {}
        for index, cell in enumerate(cells):
            prompt = prompt_of(cell.source) if cell.cell_type == "markdown" else None
            if prompt and not FOLDED.search(cell.source):
                missing.append(f"{chapter.notebook} cell {index}: a prompt without its folded model answer")
            if prompt and prompt not in answered:
                missing.append(
                    f"{chapter.notebook} cell {index}: instructors/{chapter.name}.md has no prompt with these words "
                    "(edit the prompt and its model answer there too)"
                )
    return missing


def _reference_build(repo: Path) -> None:
    from authoring import reference

    (repo / "docs" / "reference.md").write_text(reference.page(), encoding="utf-8")


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


def _colab_build(repo: Path) -> None:
    """Every notebook's badge and setup cell, for the recorded release (a release itself is ``authoring.release``)."""
    from authoring import colab

    release = colab.read_release(repo)
    if release is None:
        raise ValueError(f"no release of medlearn is recorded: run {colab.FIX}")
    for path in colab.course_notebooks(repo):
        colab.refresh(path, release, repo)


def _colab_check(repo: Path) -> list[str]:
    """Each notebook's cell installs the recorded release, and (in a git repository) that release holds the library
    as it is now."""
    from authoring import colab, release

    release_record = colab.read_release(repo)
    problems = [p for path in colab.course_notebooks(repo) for p in colab.check(path, release_record, repo)]
    if (repo / ".git").exists():
        problems += release.check(repo)
    return [p.replace(f"{repo}/", "") for p in problems]


def _contributing_build(repo: Path) -> None:
    from authoring import contributing

    contributing.run(repo)


def _contributing_check(repo: Path) -> list[str]:
    from authoring import contributing

    return contributing.run(repo, check=True)


def _rules_check(repo: Path) -> list[str]:
    """The course's rules that no generator fixes (:mod:`authoring.rules`): learner text that speaks of the machinery,
    glossary terms used before they are taught, claims that name no sentence, ignored outputs not followed by a
    compared cell, teaching copies compared with nothing, a chapter numbered in a hand-written file, and a chapter
    without the course's structure (its parts, figures, prompts, five tasks and a quiz of five to nine)."""
    from authoring import chapter_numbers, glossary, learner_text, rules

    found = [f"{h.path} cell {h.cell}: {h.words!r}" for h in learner_text.scan(learner_text.learner_files(repo))]
    text = (repo / "docs" / "glossary.md").read_text(encoding="utf-8")
    found += [str(p) for p in glossary.early_uses(glossary.chapters(repo), glossary.entries(text))]
    found += rules.claim_problems(repo) + rules.teaching_copy_problems(repo) + chapter_numbers.problems(repo)
    return found + rules.structure_problems(repo)


def _catalogs_check(repo: Path) -> list[str]:
    """A catalog that lacks a unit of its English, or a chapter with a Chinese edition whose units are not all
    translated (:func:`authoring.translations.drift`, each with the command that lists or fixes it)."""
    from authoring import translations

    return translations.drift(repo)


def _mistakes_check(repo: Path) -> list[str]:
    """Every typical mistake of the exercise checks' tables earns its own hint (:mod:`authoring.mistakes`)."""
    from authoring import mistakes

    return mistakes.problems(repo)


def _library_catalog_build(repo: Path) -> None:
    from authoring import library_messages

    library_messages.build_compiled(repo)


def _library_catalog_check(repo: Path) -> list[str]:
    """The compiled catalog of the library's messages, which the package reads, is what its catalog compiles to."""
    from authoring import library_messages

    return library_messages.stale_compiled(repo)


def _editions_build(repo: Path) -> None:
    from authoring import translations

    translations.build_editions(repo)


def _editions_check(repo: Path) -> list[str]:
    from authoring import translations

    return translations.stale_editions(repo)


def _pages_build(repo: Path) -> None:
    from authoring import front_pages

    front_pages.build_pages(repo)


def _pages_check(repo: Path) -> list[str]:
    from authoring import front_pages

    return front_pages.stale_pages(repo)


def _nothing(repo: Path) -> None:
    """A step that only checks: a human fixes what it finds."""


def _list_text(repo: Path) -> tuple[Path, str]:
    """The chapter list's file and the text that ``chapters add|move|remove`` would write for it."""
    from authoring import renumber

    path = repo / "authoring" / "chapters.json"
    return path, renumber.list_text(chapter_list.load(repo=repo), path)


def _list_build(repo: Path) -> None:
    path, text = _list_text(repo)
    if path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _list_check(repo: Path) -> list[str]:
    path, text = _list_text(repo)
    return (
        [] if path.read_text(encoding="utf-8") == text else [f"{path.name}: not in the form the chapter commands write"]
    )


STEPS = (
    # First: a hand edit of the list (a chapter's languages, say) is written in the form that a chapter move keeps.
    Step("chapter list", _list_build, _list_check, "python -m authoring build"),
    Step("scaffolding", _scaffolding_build, _scaffolding_check, "python -m authoring.scaffolding"),
    Step("exercises", _nothing, _exercises_check, "python -m authoring build NAME (executes and stores the exercise)"),
    Step(
        "typical mistakes",
        _nothing,
        _mistakes_check,
        "edit medlearn/check/NAME, python -m authoring.mistakes lists; data sets missing: fetch them, as said",
    ),
    Step("quizzes", _quizzes_build, _quizzes_check, "python -m authoring.quizzes"),
    Step("discuss answers", _discuss_build, _discuss_check, "python -m authoring.discuss"),
    # After the quiz and the answers: the times count what they add to a chapter.
    Step("sections and times", _sections_build, _sections_check, "python -m authoring.sections"),
    Step("library reference", _reference_build, _reference_check, "python -m authoring.reference"),
    Step("budget table", _budgets_build, _budgets_check, "python -m authoring.budgets"),
    Step("colab cells", _colab_build, _colab_check, "python -m authoring.release (after a change to the library)"),
    # After the Colab cells: an exercise's time counts the words of its Colab line.
    Step("exercise times", _exercise_times_build, _exercise_times_check, "python -m authoring.exercise_times"),
    # After every step that writes an English notebook: the editions are made from them.
    Step("translation catalogs", _nothing, _catalogs_check, "python -m authoring translations update NAME, translate"),
    Step("library messages", _library_catalog_build, _library_catalog_check, "python -m authoring build"),
    Step("chinese notebooks", _editions_build, _editions_check, "python -m authoring build"),
    # After the sections and times: the pages' editions show the English pages' tables and times.
    Step("chinese pages", _pages_build, _pages_check, "python -m authoring build"),
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
        try:
            found = step.check(repo)
        except (ValueError, OSError, KeyError) as error:  # a file the step cannot read is a problem to name
            found = [f"cannot check: {error}"]
        problems += [f"{step.name}: {what} (fix: {step.fix})" for what in found]
    return problems


def change_chapters(args: argparse.Namespace, repo: Path = REPO) -> int:
    """Add, move or remove a chapter (:mod:`authoring.renumber`) and print what changed."""
    from authoring import renumber

    try:
        if args.change == "add":
            changed = renumber.add(args.name, args.at, args.title, args.summary, args.topics, repo)
        elif args.change == "move":
            changed = renumber.move(args.name, args.to, repo)
        else:
            changed = renumber.remove(args.name, repo)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(changed))
    print("now run: python -m authoring build, then python -m authoring check", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m authoring", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="write every generated file, in order")
    build_parser.add_argument("name", nargs="?", help="a chapter to execute and store first (its stable name)")
    commands.add_parser("check", help="is everything generated current, and does every rule hold?")
    listing = commands.add_parser("chapters", help="list, add, move or remove chapters (authoring.renumber)")
    listing.add_argument("--trains", choices=chapter_list.PERTURBATIONS, help="the notebooks CI perturbs this way")
    changes = listing.add_subparsers(dest="change")
    add = changes.add_parser("add", help="insert a new chapter and write its first files")
    add.add_argument("name")
    add.add_argument("--at", type=int, required=True, help="its place (number) in the course")
    for field in ("title", "summary", "topics"):
        add.add_argument(f"--{field}", required=True)
    move = changes.add_parser("move", help="move a chapter to another place")
    move.add_argument("name")
    move.add_argument("--to", type=int, required=True, help="its new place (number)")
    changes.add_parser("remove", help="delete a chapter and its own files").add_argument("name")
    commands.add_parser("translations", help="update the catalogs or show what is left to translate", add_help=False)
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["translations"]:
        from authoring import translations

        return translations.main(argv[1:])
    args = parser.parse_args(argv)
    if args.command == "build":
        return build(args.name)
    if args.command == "check":
        problems = check()
        print("\n".join(problems) if problems else "everything generated is current and every rule holds")
        return 1 if problems else 0
    if args.change:
        return change_chapters(args)
    for chapter in chapter_list.read():
        if args.trains:
            for notebook in chapter.training_notebooks() if chapter.perturbation == args.trains else []:
                print(notebook)
        else:
            print(f"{chapter.number}  {chapter.name:32} {chapter.title}  trains: {', '.join(chapter.trains) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
