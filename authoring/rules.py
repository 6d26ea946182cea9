"""The course's rules that no generator fixes, as functions the check (``python -m authoring check``) and the tests
share: every compared claim names the sentence it backs, an ignored output is followed by a compared one, and a
chapter's own copy of a library function is compared with the library's.

Example:
    >>> ignored_without_check([{"cell_type": "code", "source": "t = time.perf_counter()", "metadata": {}}])
    ['widgets and timings vary: tag the cell nbval-ignore-output: t = time.perf_counter()']
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

from authoring._paths import REPO

#: The tag nbval reads: a cell whose output is not compared.
IGNORE_TAG = "nbval-ignore-output"
#: What ✓ and ✗ mean, said once in each chapter's Setup section (START_HERE says more); a new chapter's skeleton
#: writes it there.
TICKS = (
    "A collapsed cell checks the sentence above it against the numbers of your run. Its line ends in ✓ when the "
    "sentence holds, and in ✗ when it does not."
)


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _ignored(cell: dict) -> bool:
    """Whether nbval ignores the cell's output: the cell's tag."""
    return IGNORE_TAG in cell.get("metadata", {}).get("tags", [])


def ignored_without_check(code: list[dict]) -> list[str]:
    """Problems with a notebook's ignored outputs, as messages: a widget or timing cell must be
    ignored (tagged ``nbval-ignore-output``), and an ignored cell is followed by a compared one."""
    problems = []
    for index, cell in enumerate(code):
        source = _source(cell)
        if ("interact(" in source or "time.perf_counter" in source) and not _ignored(cell):
            problems.append(f"widgets and timings vary: tag the cell {IGNORE_TAG}: {source[:80]}")
        if _ignored(cell):
            if index + 1 == len(code):
                problems.append("an ignored cell is the last code cell")
            elif _ignored(code[index + 1]):
                problems.append(f"cell after an ignored one is ignored too: {_source(code[index + 1])[:80]}")
    return problems


# A claim and its check: every asserting cell names the sentence it backs, in its metadata's "claims".
ASSERT = re.compile(r"^\s*(assert\b|claim\()", re.MULTILINE)
CLAIM_CALL = re.compile(r"^\s*claim\(", re.MULTILINE)
BARE_ASSERT = re.compile(r"^\s*assert\b", re.MULTILINE)
MIN_CLAIM = 20


def _normalise(text: str) -> str:
    """Lower case, without markdown emphasis, code ticks or dollar signs, and with single spaces."""
    return " ".join(re.sub(r"[*`$\\]", "", text).lower().split())


def _claims(cell: dict) -> tuple[list[str], list[str]]:
    """A code cell's claims (its metadata's ``claims``), and problems with their form."""
    stored = cell.get("metadata", {}).get("claims", [])
    if not isinstance(stored, list) or not all(isinstance(claim, str) for claim in stored):
        return [], [f"metadata 'claims' must be a list of sentences, not {stored!r}"]
    return list(stored), []


def unbacked_claims(cells: list[dict]) -> list[str]:
    """Problems with the claims of a notebook's asserting cells, as messages (empty when all is well).

    An asserting code cell must name the sentences it checks in its metadata,
    ``"claims": ["<sentence>", ...]`` (``authoring.scaffolding`` moves ``# claim: <sentence>``
    lines there); each sentence must appear word for word in a markdown cell above it, in the
    same section (since the last ``## `` heading), and the cell must print what it checks. A cell
    with claims must assert.
    """
    problems, section = [], []
    for cell in cells:
        source = _source(cell)
        if cell["cell_type"] == "markdown":
            section = [source] if source.lstrip().startswith("## ") else section + [source]
            continue
        if cell["cell_type"] != "code":
            continue
        head = (source.strip().splitlines() or [""])[0][:70]
        claims, malformed = _claims(cell)
        problems += malformed
        if not ASSERT.search(source):
            if claims:
                problems.append(f"a cell with claims that asserts nothing: {head}")
            continue
        if not claims and not malformed:
            problems.append(f"asserting cell without claims in its metadata: {head}")
        text = _normalise("\n".join(section))
        for claim in claims:
            if len(claim.strip()) < MIN_CLAIM:
                problems.append(f"claim too short to name a sentence: {claim!r}")
            elif _normalise(claim) not in text:
                problems.append(f"claim not found in the markdown above it, in its section: {claim!r}")
        if CLAIM_CALL.search(source):
            # medlearn.claims: the proof stays out of the reading path, and it never stops a learner's Run All
            if not cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
                problems.append(f"a cell of claims must be collapsed (metadata jupyter.source_hidden): {head}")
            if BARE_ASSERT.search(source):
                problems.append(f"a cell of claims uses a bare assert (use claim, which warns a learner): {head}")
        if not any(
            o.get("output_type") in ("stream", "execute_result", "display_data") for o in cell.get("outputs", [])
        ):
            problems.append(f"asserting cell prints nothing: show the direction and size of what it checks: {head}")
    return problems


def ticks_unexplained(cells: list[dict]) -> list[str]:
    """A problem when a chapter with claims does not say, in its Setup section, what ✓ and ✗ mean (:data:`TICKS`).

    Example:
        >>> ticks_unexplained([{"cell_type": "markdown", "source": "## Setup"}])
        []
        >>> claim = {"cell_type": "code", "source": "claim('x', True)", "metadata": {}}
        >>> ticks_unexplained([{"cell_type": "markdown", "source": "## Setup"}, claim])
        ['the Setup section does not say what ✓ and ✗ mean: add the sentence authoring.rules.TICKS']
    """
    if not any(c["cell_type"] == "code" and CLAIM_CALL.search(_source(c)) for c in cells):
        return []
    setup, inside = [], False
    for cell in cells:
        source = _source(cell)
        if cell["cell_type"] == "markdown" and source.lstrip().startswith("## "):
            inside = source.lstrip().startswith("## Setup")
        if inside and cell["cell_type"] == "markdown":
            setup.append(source)
    if TICKS in "\n".join(setup):
        return []
    return ["the Setup section does not say what ✓ and ✗ mean: add the sentence authoring.rules.TICKS"]


#: Modules whose functions no chapter teaches: the exercise checks' engine (``compare``, ``task``).
NOT_TAUGHT = ("medlearn.check.core",)


def library_functions() -> dict[str, str]:
    """Public function name -> the module that defines it (the checks' engine aside: :data:`NOT_TAUGHT`)."""
    import medlearn

    found = {}
    for info in pkgutil.walk_packages(medlearn.__path__, "medlearn."):
        if info.name.endswith("__main__") or info.name in NOT_TAUGHT:
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(obj) and obj.__module__ == module.__name__:
                found[name] = module.__name__
    return found


def copies_in_tests(test_source: str) -> set[str]:
    """The teaching copies a chapter's test file compares with the library: it reads the chapter's ``def name(`` cell
    and imports the library's function of that name."""
    read = set(re.findall(r"_cell\(\"def (\w+)\(\"\)", test_source))
    return {name for name in read if re.search(rf"from medlearn[\w.]* import [^\n]*\b{name}\b", test_source)}


def unchecked_copies(cells: list[str], library: dict[str, str], tested: set[str] = frozenset()) -> list[str]:
    """The teaching copies among the code cells that no asserting cell (nor the chapter's test file: ``tested``)
    compares with the library's function."""
    problems = []
    for source in cells:
        for name in re.findall(r"^def (\w+)\(", source, flags=re.M):
            if name not in library or name in tested:
                continue
            alias = re.compile(rf"from medlearn[\w.]* import [^\n]*\b{name} as (\w+)")
            compared = [
                cell
                for cell in cells
                if (match := alias.search(cell))
                and re.search(r"^\s*(assert\b|claim\()", cell, flags=re.M)
                and re.search(rf"\b{match.group(1)}\(", cell)
            ]
            if not compared:
                problems.append(f"{name} (the library's is {library[name]}.{name})")
    return problems


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def claim_problems(repo: Path = REPO) -> list[str]:
    """Every chapter's problems with its claims and ignored outputs, each named by its notebook."""
    found = []
    for path in sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = _cells(path)
        problems = unbacked_claims(cells) + ignored_without_check([c for c in cells if c["cell_type"] == "code"])
        problems += ticks_unexplained(cells)
        found += [f"{path.relative_to(repo)}: {problem}" for problem in problems]
    return found


def teaching_copy_problems(repo: Path = REPO) -> list[str]:
    """Every chapter's teaching copies that nothing compares with the library (its cells, or its
    ``tests/course/test_twins_<name>.py``)."""
    library = library_functions()
    found = []
    for path in sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        tests = repo / "tests" / "course" / f"test_twins_{path.stem[3:]}.py"
        tested = copies_in_tests(tests.read_text(encoding="utf-8")) if tests.exists() else set()
        code = [_source(c) for c in _cells(path) if c["cell_type"] == "code"]
        found += [
            f"{path.relative_to(repo)}: an unchecked copy of {p}" for p in unchecked_copies(code, library, tested)
        ]
    return found


# A chapter's teaching structure: what every chapter has, checked without executing anything.
CHECK_CALL = re.compile(r"^check\.(\w+)\((\w+)\)$")  # a check cell: check.task(answer)
DISCUSS_PROMPT = "> **Discuss.** "
MIN_FIGURES, MIN_PROMPTS, MIN_TASKS, QUIZ_SIZE = 3, 2, 5, (5, 9)


def chapter_structure(cells: list[dict], exercise_link: str) -> list[str]:
    """What a chapter's notebook lacks of the course's structure: a title cell with its time and objectives, a
    pitfall box, a recap, a link to its exercises, ``MIN_FIGURES`` stored figures and ``MIN_PROMPTS`` Discuss
    prompts.

    Example:
        >>> chapter_structure([{"cell_type": "markdown", "source": "# 1 · A"}], "](../exercises/01_a.ipynb)")[:2]
        ['the first cell has no line "Estimated time"', 'the first cell has no "Learning objectives"']
    """
    first = _source(cells[0]) if cells else ""
    text = "\n".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    found = [] if first.startswith("# ") and cells[0]["cell_type"] == "markdown" else ["the first cell is no title"]
    found += [] if "Estimated time" in first else ['the first cell has no line "Estimated time"']
    found += [] if "Learning objectives" in first else ['the first cell has no "Learning objectives"']
    found += [f"no {part!r}" for part in ("⚠ Pitfall", "## Recap") if part not in text]
    found += [] if exercise_link in text else [f"no link to its exercises ({exercise_link})"]
    figures = sum("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", []))
    found += [] if figures >= MIN_FIGURES else [f"{figures} stored figures, fewer than {MIN_FIGURES}"]
    prompts = sum(line.startswith(DISCUSS_PROMPT) for line in text.split("\n"))
    found += [] if prompts >= MIN_PROMPTS else [f"{prompts} Discuss prompts, fewer than {MIN_PROMPTS}"]
    return found


def task_problems(solution: str, repo: Path = REPO) -> list[str]:
    """What an exercise's solution notebook (``solution``, relative to ``repo``) lacks: at least ``MIN_TASKS``
    checked tasks (check cells).

    Example:
        >>> task_problems("exercises/solutions/nowhere.ipynb")
        ['exercises/solutions/nowhere.ipynb: 0 checked tasks, fewer than 5']
    """
    path = repo / solution
    code = [_source(c).strip() for c in (_cells(path) if path.exists() else []) if c["cell_type"] == "code"]
    tasks = sum(bool(CHECK_CALL.match(source)) for source in code)
    return [] if tasks >= MIN_TASKS else [f"{solution}: {tasks} checked tasks, fewer than {MIN_TASKS}"]


def quiz_problems(stem: str, repo: Path = REPO) -> list[str]:
    """What a chapter's quiz breaks: ``QUIZ_SIZE`` questions, each naming a section of the chapter, the right
    answers not to be found by position or length within the chapter (:func:`authoring.quizzes.answer_giveaways`)."""
    from authoring import quizzes
    from medlearn.quiz import load_quiz

    cells = _cells(repo / "notebooks" / f"{stem}.ipynb")
    questions = list(load_quiz(stem, folder=repo / "medlearn" / "quizzes").questions)
    low, high = QUIZ_SIZE
    where = f"medlearn/quizzes/{stem}.json"
    found = [] if low <= len(questions) <= high else [f"{where}: {len(questions)} questions, not {low} to {high}"]
    headings = {_source(c).split("\n", 1)[0][3:].strip() for c in cells if _source(c).startswith("## ")}
    found += [
        f"{where}: {q.id} names a section the chapter lacks: {q.section}"
        for q in questions
        if q.section not in headings
    ]
    return found + [f"{where}: {problem}" for problem in quizzes.answer_giveaways(questions, stem, share=0.5)]


def structure_problems(repo: Path = REPO) -> list[str]:
    """Every chapter's gaps in the course's structure (:func:`chapter_structure`), its exercise's tasks
    (:func:`task_problems`) and its quiz (:func:`quiz_problems`), each named by its file. A chapter never executed
    yet (as ``python -m authoring chapters add`` writes it) is left out: the suite's structure tests fail on it
    instead."""
    from authoring import chapters, quizzes

    found = []
    for chapter in chapters.load(repo=repo):
        cells = _cells(repo / chapter.notebook)
        if not any(c.get("execution_count") for c in cells if c["cell_type"] == "code"):
            continue  # a chapter never executed (just added) is still being written: the suite's tests hold it
        link = f"](../exercises/{Path(chapter.notebook).name})"
        found += [f"{chapter.notebook}: {problem}" for problem in chapter_structure(cells, link)]
        found += task_problems(chapter.solution, repo)
        if quizzes.has_quiz(chapter.stem, repo):  # a missing quiz file is the new-chapter checklist's finding
            found += quiz_problems(chapter.stem, repo)
    return found
