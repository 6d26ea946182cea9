"""The budget table in ``benchmarks/README.md``, written from the measurements in ``benchmarks/results/``.

``python -m authoring.run_notebooks`` appends one JSON line per notebook run to
``benchmarks/results/notebooks.jsonl``: seconds, peak memory, a digest of the code it ran, the processor, the
date, how much processor time other jobs took during the run (``others``, in cores; older lines have only
the 1-minute load average at the start) and, in newer lines, how fast the machine ran (``reference``, seconds of
a fixed computation). ``python -m authoring.budgets`` writes the table between
``<!-- budgets:start -->`` and ``<!-- budgets:end -->``. For each notebook it takes the runs of the code the
notebook holds now and reports the slowest quiet one (and the largest memory), with how many quiet runs there
were; with no quiet run, the slowest run, marked as an upper bound; with no run of the current code, the latest
run of older code, marked as such. So the page never shows a number nobody measured, and never the luckiest
run. Any edit to a notebook's code (even a comment or a seed) changes its digest, and the machine's speed varies
from day to day; so each row also shows the slowest quiet run of any earlier code of the notebook (since runs
recorded a digest), with its date, when it was slower: a slow day measured before an edit stays on the page.
``--check`` only reports whether the page is out of date (``tests/course/test_budgets.py``).

Example:
    >>> record = {"notebook": "notebooks/00_x.ipynb", "seconds": 8.8, "fastest": 6.1, "peak_mb": 498, "others": 0.0,
    ...           "date": "2026-11-26", "runs": 3, "kind": "quiet"}
    >>> row(record, "notebooks/00_x")
    '| notebooks/00_x | 8.8 |  | 6.1 |  | 498 | 3 | 2026-11-26 |'
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

from authoring import chapters as chapter_tables
from authoring._paths import REPO
from authoring.run_notebooks import BUDGET_CPUS, BUDGET_MB, code_digest

RESULTS = REPO / "benchmarks" / "results" / "notebooks.jsonl"
PAGE = REPO / "benchmarks" / "README.md"
START, END = "<!-- budgets:start -->", "<!-- budgets:end -->"
BUSY = 1.5  # older lines: a 1-minute load average above this at the start means other jobs shared the 2 cores
OTHERS = 0.2  # newer lines: other jobs used more than this many cores on average during the run
MARGIN_SECONDS = 60.0  # the 90 s budget on a machine 1.5 times slower: a notebook at or above it is marked
# This machine's speed changes with no other job on it. In its fast state the reference computation takes 0.08 to
# 0.15 s (every run of 2026-11-29); in slower states, 0.29 to 0.57 s, and the chapters take 1.3 to 2.3 times as long
# (on 2026-11-30 a slower state lasted from one restart of the machine to the next). The margin is judged in the
# fast state, or estimated for it with the smallest slowdown measured on other code that ran in both states
# (slowdown); the slower states are themselves machines up to about twice as slow, on which the 90 s budget must
# still hold.
FAST_REFERENCE = 0.2
# A chapter's peak memory varied by up to 135 MB between runs on one day (2026-11-30): a peak within a tenth of the
# 1.5 GB budget is marked.
MARGIN_MB = round(0.9 * BUDGET_MB)


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


def quiet(record: dict) -> bool:
    """Whether no other job shared the cores during a run (judged by the load at its start for older lines).

    Example:
        >>> quiet({"others": 0.05}), quiet({"others": 0.6}), quiet({"load": 1.2}), quiet({})
        (True, False, True, False)
    """
    if "others" in record:
        return record["others"] <= OTHERS
    return record.get("load") is not None and record["load"] <= BUSY


def fast_state(record: dict) -> bool:
    """Whether a run was made with the machine in its fast state: the reference computation took at most 0.2 s
    before the run and after it (or on average, for lines that keep only the mean).

    A run that recorded no reference cannot be placed, and does not count as one.

    Example:
        >>> fast_state({"reference": 0.09}), fast_state({"reference": 0.36}), fast_state({})
        (True, False, False)
        >>> fast_state({"reference": 0.15, "reference_before": 0.09, "reference_after": 0.21})
        False
    """
    if record.get("reference") is None:
        return False
    both = [record.get(key, record["reference"]) for key in ("reference_before", "reference_after")]
    return max(both) <= FAST_REFERENCE


def slowdown(records: list[dict]) -> float | None:
    """How many times as long the machine took outside its fast state, at least, measured on other code: each quiet
    run with a reference outside the fast state, of a notebook's code that also has quiet runs in the fast state on
    the same processor, over the slowest of those; the smallest of these ratios (None without one). The smallest
    ratio gives the highest estimate of a notebook's time in the fast state (:func:`latest`).

    The slower states were not one speed: on 2026-11-30 the chapters took 1.3 to 2.3 times as long as the median of
    their fast runs, at different hours. The smallest ratio of any hour is used for a run of any hour, so that the
    estimate is too high rather than too low.

    Example:
        >>> runs = [{"notebook": "a", "code": "1", "seconds": 10.0, "reference": 0.09, "others": 0.0},
        ...         {"notebook": "a", "code": "1", "seconds": 16.0, "reference": 0.30, "others": 0.0},
        ...         {"notebook": "b", "code": "2", "seconds": 20.0, "reference": 0.10, "others": 0.0},
        ...         {"notebook": "b", "code": "2", "seconds": 46.0, "reference": 0.35, "others": 0.0}]
        >>> slowdown(runs)
        1.6
    """

    def pair(r: dict) -> tuple[str, str, str]:  # a notebook's code on one processor
        return by_name(r["notebook"]), r["code"], r.get("cpu", "")

    fast: dict[tuple[str, str, str], float] = {}
    for r in records:
        if placed(r) and fast_state(r):
            fast[pair(r)] = max(fast.get(pair(r), 0.0), r["seconds"])
    ratios = [r["seconds"] / fast[pair(r)] for r in records if placed(r) and not fast_state(r) and pair(r) in fast]
    return min(ratios, default=None)


def placed(record: dict) -> bool:
    """Whether a run can be placed in a state of the machine: a quiet run of known code, with a reference.

    Example:
        >>> placed({"code": "1", "reference": 0.3, "others": 0.0}), placed({"code": "1", "others": 0.0})
        (True, False)
    """
    return quiet(record) and bool(record.get("code")) and record.get("reference") is not None


def backtest(records: list[dict], code: dict[str, str]) -> list[tuple[str, float, float]]:
    """The estimate checked against runs: for each chapter whose current code (``code``) ran in both states, its
    slowest slower run over the slowdown of the other notebooks alone, beside its slowest fast-state run. The
    estimate is sound where the first is not below the second.

    Example:
        >>> runs = [{"notebook": "notebooks/00_a.ipynb", "code": "1", "seconds": s, "reference": r, "others": 0.0}
        ...         for s, r in ((10.0, 0.09), (16.0, 0.3))]
        >>> runs += [{**run, "notebook": "notebooks/01_b.ipynb", "seconds": 2 * run["seconds"]} for run in runs]
        >>> backtest(runs, {"notebooks/a": "1", "notebooks/b": "1"})
        [('notebooks/a', 10.0, 10.0), ('notebooks/b', 20.0, 20.0)]
    """
    found = []
    for name, digest in code.items():
        own = [r for r in records if by_name(r["notebook"]) == name and r.get("code") == digest and placed(r)]
        fast = [r["seconds"] for r in own if fast_state(r)]
        slow = [r["seconds"] for r in own if not fast_state(r)]
        if not (name.startswith("notebooks/") and fast and slow):
            continue  # not a chapter that ran in both states: nothing to check, so no slowdown to measure
        factor = slowdown([r for r in records if by_name(r["notebook"]) != name])
        if factor:
            found.append((name, max(slow) / factor, max(fast)))
    return found


def counted_runs(results: Path = RESULTS) -> list[dict]:
    """The runs that count, in the order they were made: a failed run is not a measurement; a run over budget is;
    a run on another number of cores than the budget's (``cpus``, for example one core under ``taskset``) is not."""
    runs = (json.loads(line) for line in results.read_text(encoding="utf-8").splitlines())
    return [r for r in runs if r.get("status") in ("ok", "over budget") and r.get("cpus", BUDGET_CPUS) == BUDGET_CPUS]


def current_code(repo: Path = REPO) -> dict[str, str]:
    """The digest of the code each notebook holds now, keyed :func:`by_name`."""
    return {by_name(name): code_digest(nbformat.read(repo / f"{name}.ipynb", as_version=4)) for name in notebooks(repo)}


def latest(results: Path = RESULTS, code: dict[str, str] | None = None) -> dict[str, dict]:
    """Each notebook's reported measurement, keyed :func:`by_name` (a run made before the chapter moved still counts):
    the slowest quiet run of its current code (``code`` maps a name to its digest), else the slowest run of that
    code, else the latest run of any code, among :func:`counted_runs`. The record returned carries ``runs`` (how
    many runs it was chosen from), ``fastest`` (the fastest of them: the same code at another hour, or on another
    of the processors the table names), ``kind`` ("quiet", "busy", "older") and ``earlier`` (the slowest quiet
    run of another code that records its digest, or None), ``in_fast_state`` (the slowest of the chosen runs made
    in the machine's fast state, :func:`fast_state`, or None) and ``estimated_fast``: when quiet runs were made
    only in slower states, each with a reference, the slowest of them divided by the smallest slowdown measured
    (:func:`slowdown`), else None: an estimate, not a run."""
    counted = counted_runs(results)
    runs: dict[str, list[dict]] = {}
    for record in counted:
        runs.setdefault(by_name(record["notebook"]), []).append(record)
    factor = slowdown(counted)
    found: dict[str, dict] = {}
    for name, records in runs.items():
        same = [r for r in records if code is None or r.get("code") == code.get(name)]
        calm = [r for r in same if quiet(r)]
        chosen, kind = (calm, "quiet") if calm else (same, "busy") if same else (records[-1:], "older")
        slowest = max(chosen, key=lambda r: r["seconds"])
        earlier_code = [r for r in records if quiet(r) and r.get("code") and r["code"] != (code or {}).get(name)]
        earlier = max(earlier_code, key=lambda r: r["seconds"], default=None) if code is not None else None
        peak = max((r["peak_mb"] or 0) for r in chosen)
        in_fast = max((r["seconds"] for r in chosen if fast_state(r)), default=None)
        estimate = None
        if in_fast is None and kind == "quiet" and factor and all(placed(r) for r in chosen):
            estimate = slowest["seconds"] / factor  # the slowest run over the smallest slowdown; row() rounds it
        found[name] = {**slowest, "peak_mb": peak, "runs": len(chosen), "kind": kind, "earlier": earlier,
                       "in_fast_state": in_fast, "estimated_fast": estimate,
                       "fastest": min(r["seconds"] for r in chosen),
                       "date": max(r.get("date", "n/a") for r in chosen)}  # fmt: skip
    return found


def row(record: dict, name: str) -> str:
    """One table row: the notebook (its path now), the reported seconds, the slowest run in the machine's fast
    state, the fastest of the runs, the slowest quiet run of earlier code when it was slower (with its date), the
    peak MB, the runs and the latest date. A notebook without the margin (:func:`keeps_margin`) has its ‼ on the
    time that decides it: the fast state's, or with no run in that state, the slowest.

    Example:
        >>> row({"seconds": 50.0, "fastest": 41.5, "peak_mb": 900, "runs": 2, "kind": "busy", "date": "2026-11-27"},
        ...     "notebooks/09_v")
        '| notebooks/09_v | 50.0 † |  | 41.5 |  | 900 | 2 | 2026-11-27 |'
        >>> row({"seconds": 64.0, "in_fast_state": 31.0, "fastest": 30.0, "peak_mb": 900, "kind": "quiet", "runs": 2,
        ...      "date": "2026-11-30", "earlier": {"seconds": 70.2, "date": "2026-11-28"}}, "notebooks/09_v")
        '| notebooks/09_v | 64.0 | 31.0 | 30.0 | 70.2 (2026-11-28) | 900 | 2 | 2026-11-30 |'
        >>> row({"seconds": 61.0, "peak_mb": 1501, "kind": "quiet", "date": "2026-11-30"}, "notebooks/09_v")
        '| notebooks/09_v | 61.0 ‼ |  | 61.0 |  | 1501 ◆ | 1 | 2026-11-30 |'
        >>> row({"seconds": 72.0, "estimated_fast": 45.0, "fastest": 55.0, "peak_mb": 1100, "kind": "quiet",
        ...      "runs": 3, "date": "2026-11-30"}, "notebooks/18_s")
        '| notebooks/18_s | 72.0 | ≈45.0 | 55.0 |  | 1100 | 3 | 2026-11-30 |'
    """
    mark = {"quiet": "", "busy": " †", "older": " ‡"}[record.get("kind", "quiet")]
    fast, estimate = record.get("in_fast_state"), record.get("estimated_fast")
    missed = "" if keeps_margin(record) else " ‼"
    seconds = f"{record['seconds']:.1f}{mark}{missed if fast is None and estimate is None else ''}"
    in_fast = f"{fast:.1f}{missed}" if fast is not None else "" if estimate is None else f"≈{estimate:.1f}{missed}"
    runs, date = record.get("runs", 1), record.get("date", "n/a")
    fastest = f"{record.get('fastest', record['seconds']):.1f}"
    earlier = record.get("earlier")
    slower = (
        f"{earlier['seconds']:.1f} ({earlier.get('date', 'n/a')})"
        if earlier and earlier["seconds"] > record["seconds"]
        else ""
    )
    memory = f"{record['peak_mb']}{' ◆' if (record['peak_mb'] or 0) >= MARGIN_MB else ''}"
    return f"| {name} | {seconds} | {in_fast} | {fastest} | {slower} | {memory} | {runs} | {date} |"


def keeps_margin(record: dict) -> bool:
    """Whether a notebook's runs show the margin: under 60 s in the machine's fast state, so under the 90 s budget
    on a machine 1.5 times slower. With no run in the fast state, its estimate there (``estimated_fast``, from quiet
    runs in slower states) must be under 60 s; with neither, every run must be (a slower state only adds time).

    Example:
        >>> slow = {"seconds": 79.1}
        >>> keeps_margin({**slow, "in_fast_state": 40.0}), keeps_margin({**slow, "in_fast_state": 60.0})
        (True, False)
        >>> keeps_margin({"seconds": 59.9}), keeps_margin({"seconds": 61.3, "in_fast_state": None})
        (True, False)
        >>> keeps_margin({**slow, "estimated_fast": 49.4}), keeps_margin({**slow, "estimated_fast": 61.0})
        (True, False)
    """
    fast = record.get("in_fast_state")
    if fast is None:
        fast = record.get("estimated_fast")
    return (record["seconds"] if fast is None else fast) < MARGIN_SECONDS


def table(repo: Path = REPO, results: Path = RESULTS) -> str:
    """The table of every notebook's reported measurement; a notebook never measured says so."""
    measured = latest(results, current_code(repo))
    lines = [
        "| notebook | seconds | fast state | fastest | earlier code, slower | peak MB | runs | latest run |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name in notebooks(repo):
        key = by_name(name)
        lines.append(row(measured[key], name) if key in measured else f"| {name} | not measured | | | | | | |")
    listed = {by_name(name) for name in notebooks(repo)}
    processors = sorted({r.get("cpu", "n/a") for n, r in measured.items() if n in listed})
    lines += [
        "",
        f"Processor{'s' if len(processors) > 1 else ''}: {'; '.join(processors)}. Each row reports the slowest of "
        "the quiet runs of the notebook's current code (runs: how many), the fastest of them (the same code at another "
        "hour, or on the other processor: the machine's speed varies), and the largest peak memory among them. "
        f"A † marks a notebook with no quiet run (other jobs used more than {OTHERS} of the two cores during each "
        "run, or, in older lines, the 1-minute load average was above 1.5 at the start): its time is an upper bound. "
        "A ‡ marks a notebook whose current code has not been measured yet: the row is its latest older run. "
        f'"Fast state" is the slowest of those runs made with the machine in its fast state (the reference '
        f"computation at most {FAST_REFERENCE} s before and after the run); in slower states the chapters took 1.3 to "
        "2.3 times as long as the median of their fast runs. With no run in the fast state, a ≈ marks an estimate, "
        "not a run: the slowest quiet run divided by the smallest slowdown measured on code that ran in both states "
        "(the text above says how); such a notebook is still to be run in the fast state. A ‼ "
        f"marks a notebook without the margin: {MARGIN_SECONDS:.0f} s or more in the fast state (run or estimated), "
        "or, with neither, in any run; it may go over the 90 s budget on a machine 1.5 times slower. "
        f"A ◆ marks a peak at or above {MARGIN_MB:,} MB, a tenth or less under the "
        f"{BUDGET_MB:,.0f} MB budget: a chapter's peak varied by up to 135 MB between runs on one day. "
        '"Earlier code, slower" is the slowest quiet run of any earlier version of the '
        "notebook's code (among runs that record a digest), with its date, where it was slower than the current "
        "code's slowest. An edit that left the work the same (a comment, a seed, a check) leaves that time a fair "
        "estimate for the current code on such a day; an edit that made the notebook faster makes it an "
        "overestimate. The text below says which chapters changed how.",
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
