"""The budget table of benchmarks/README.md: written from the measurements; every notebook measured, within budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from authoring import budgets
from authoring.run_notebooks import BUDGET_MB, BUDGET_SECONDS


def test_the_table_is_written_from_the_latest_measurements() -> None:
    assert not budgets.run(check=True), "run: python -m authoring.budgets"


def test_every_notebook_was_measured_with_its_current_code_within_its_budget() -> None:
    measured = budgets.latest(code=budgets.current_code())
    missing = [name for name in budgets.notebooks() if budgets.by_name(name) not in measured]
    assert not missing, f"never measured (python -m authoring.run_notebooks ...): {missing}"
    records = {name: measured[budgets.by_name(name)] for name in budgets.notebooks()}
    older = [name for name, record in records.items() if record["kind"] == "older"]
    assert not older, f"code changed since the last measurement (python -m authoring.run_notebooks ...): {older}"
    over = [
        (name, record["seconds"], record["peak_mb"])
        for name, record in records.items()
        if record["seconds"] >= BUDGET_SECONDS or (record["peak_mb"] or 0) >= BUDGET_MB
    ]
    assert not over, f"over the budget of {BUDGET_SECONDS:.0f} s and {BUDGET_MB:.0f} MB: {over}"


def test_a_notebook_without_the_margin_is_marked() -> None:
    record = {"seconds": budgets.MARGIN_SECONDS, "peak_mb": 900, "runs": 3, "kind": "quiet", "date": "2026-11-27"}
    assert budgets.row(record, "notebooks/08_s") == "| notebooks/08_s | 60.0 ‼ |  | 60.0 |  | 900 | 3 | 2026-11-27 |"
    record["seconds"] = budgets.MARGIN_SECONDS - 0.1
    assert budgets.row(record, "notebooks/08_s") == "| notebooks/08_s | 59.9 |  | 59.9 |  | 900 | 3 | 2026-11-27 |"


def test_the_margin_is_judged_in_the_fast_state_when_there_is_such_a_run() -> None:
    slow_state = {"seconds": 79.1, "fastest": 32.7, "peak_mb": 900, "runs": 12, "kind": "quiet", "date": "2026-11-30"}
    kept = {**slow_state, "in_fast_state": 45.0}
    assert budgets.row(kept, "n") == "| n | 79.1 | 45.0 | 32.7 |  | 900 | 12 | 2026-11-30 |"
    missed = {**slow_state, "in_fast_state": 60.0}
    assert budgets.row(missed, "n") == "| n | 79.1 | 60.0 ‼ | 32.7 |  | 900 | 12 | 2026-11-30 |"
    none = {**slow_state, "in_fast_state": None}
    assert budgets.row(none, "n") == "| n | 79.1 ‼ |  | 32.7 |  | 900 | 12 | 2026-11-30 |"


def test_the_fast_state_is_read_from_the_reference_computation(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    run = {"notebook": "notebooks/00_a.ipynb", "status": "ok", "code": "new", "date": "2026-11-30", "others": 0.0}
    _write(results, [
        {**run, "seconds": 33.0, "peak_mb": 400, "reference": 0.09},
        {**run, "seconds": 36.0, "peak_mb": 400, "reference": 0.2},  # at the limit: still the fast state
        {**run, "seconds": 41.0, "peak_mb": 400, "reference": 0.15, "reference_before": 0.09,
         "reference_after": 0.21},  # the machine slowed during the run
        {**run, "seconds": 79.0, "peak_mb": 400, "reference": 0.36},  # the slow state
        {**run, "seconds": 85.0, "peak_mb": 400},  # no reference recorded: not placed in either state
        {**run, "seconds": 39.0, "peak_mb": 400, "reference": 0.1, "others": 0.9},  # busy: not counted
        {**run, "seconds": 50.0, "peak_mb": 400, "reference": 0.1, "code": "old"},  # older code: not counted
    ])  # fmt: skip
    found = budgets.latest(results, {"notebooks/a": "new"})["notebooks/a"]
    assert (found["seconds"], found["in_fast_state"], found["fastest"], found["runs"]) == (85.0, 36.0, 33.0, 5)
    assert budgets.keeps_margin(found)
    assert not budgets.keeps_margin({**found, "in_fast_state": 60.0})


def test_without_a_fast_state_run_the_margin_is_estimated_from_like_code(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    a = {"notebook": "notebooks/00_a.ipynb", "status": "ok", "code": "1", "date": "2026-11-30", "others": 0.0}
    b = {**a, "notebook": "notebooks/01_b.ipynb", "code": "2"}
    lines = [
        {**a, "seconds": 20.0, "peak_mb": 400, "reference": 0.09},  # a's code in both states: 1.75 times as long
        {**a, "seconds": 35.0, "peak_mb": 400, "reference": 0.30},
        {**a, "seconds": 21.0, "peak_mb": 400, "reference": 0.1, "code": "0"},  # older code: a pair of its own, 2.0
        {**a, "seconds": 42.0, "peak_mb": 400, "reference": 0.31, "code": "0"},
        {**a, "seconds": 10.0, "peak_mb": 400, "reference": 0.1, "others": 0.9},  # busy: in no pair
        {**b, "seconds": 70.0, "peak_mb": 500, "reference": 0.38},  # b only in the slow state
        {**b, "seconds": 55.0, "peak_mb": 500, "reference": 0.30},
    ]
    _write(results, lines)
    assert budgets.slowdown(lines) == 1.75  # the smallest ratio: the highest estimate
    found = budgets.latest(results, {"notebooks/a": "1", "notebooks/b": "2"})
    assert found["notebooks/a"]["estimated_fast"] is None  # it has a run in the fast state
    b_found = found["notebooks/b"]
    assert (b_found["seconds"], b_found["in_fast_state"], b_found["estimated_fast"]) == (70.0, None, 40.0)
    assert budgets.keeps_margin(b_found)
    assert budgets.row(b_found, "n") == "| n | 70.0 | ≈40.0 | 55.0 |  | 500 | 2 | 2026-11-30 |"
    _write(results, [*lines, {**b, "seconds": 50.0, "peak_mb": 500}])  # a run that cannot be placed: no estimate
    unplaced = budgets.latest(results, {"notebooks/b": "2"})["notebooks/b"]
    assert unplaced["estimated_fast"] is None and not budgets.keeps_margin(unplaced)  # so 70 s decides: ‼
    assert budgets.row(unplaced, "n") == "| n | 70.0 ‼ |  | 50.0 |  | 500 | 3 | 2026-11-30 |"
    _write(results, lines[2:])  # only the older code's pair: twice as long, so a lower estimate
    assert budgets.latest(results, {"notebooks/b": "2"})["notebooks/b"]["estimated_fast"] == 35.0
    _write(results, lines[5:])  # no pair at all: no factor and no estimate
    assert budgets.slowdown(lines[5:]) is None
    assert budgets.latest(results, {"notebooks/b": "2"})["notebooks/b"]["estimated_fast"] is None


def test_the_smallest_slowdown_of_any_hour_and_only_one_processors_pairs_count(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    a = {"notebook": "notebooks/00_a.ipynb", "status": "ok", "code": "1", "date": "2026-11-30", "others": 0.0,
         "cpu": "AMD EPYC"}  # fmt: skip
    b = {**a, "notebook": "notebooks/01_b.ipynb", "code": "2"}
    lines = [
        {**a, "seconds": 40.0, "peak_mb": 400, "reference": 0.09},  # the fast state
        {**a, "seconds": 80.0, "peak_mb": 400, "reference": 0.40},  # a slow hour: twice as long
        {**b, "seconds": 72.0, "peak_mb": 500, "reference": 0.39},
        {**a, "seconds": 48.0, "peak_mb": 400, "reference": 0.30},  # a faster hour: 1.2 times as long
        {**b, "seconds": 54.0, "peak_mb": 500, "reference": 0.30},
        {**a, "seconds": 41.0, "peak_mb": 400, "reference": 0.30, "cpu": "Intel"},  # no fast run on this processor
        {**a, "seconds": 42.0, "peak_mb": 400, "reference": 0.30, "cpus": 1},  # one core: not the budget's two
    ]
    _write(results, lines)
    assert budgets.slowdown(lines[:-1]) == 1.2  # 48 / 40; the Intel run is in no pair (41 / 40 would be 1.03)
    found = budgets.latest(results, {"notebooks/b": "2"})["notebooks/b"]
    assert found["estimated_fast"] == pytest.approx(60.0) and not budgets.keeps_margin(found)  # 72 / 1.2: too high
    assert budgets.row(found, "n") == "| n | 72.0 | ≈60.0 ‼ | 54.0 |  | 500 | 2 | 2026-11-30 |"


def test_the_estimate_overstates_every_chapter_that_ran_in_both_states() -> None:
    """The estimate assumes that no chapter slows down less than the least-slowed of the others. Checked on the
    recorded runs: each chapter's current code that ran in both states is estimated from the other chapters'
    slowdown alone, and the estimate must not be below its slowest quiet run in the fast state."""
    checked = budgets.backtest(budgets.counted_runs(), budgets.current_code())
    under = [(name, round(estimate, 1), fast) for name, estimate, fast in checked if estimate < fast]
    assert len(checked) >= 10, checked  # 13 chapters on 2026-11-30
    assert not under, f"estimated below a measured fast-state time: {under}"


def test_a_peak_near_the_memory_budget_is_marked() -> None:
    record = {"seconds": 30.0, "peak_mb": budgets.MARGIN_MB, "runs": 2, "kind": "quiet", "date": "2026-11-30"}
    assert budgets.MARGIN_MB == 1382  # a tenth under the 1,536 MB budget
    assert budgets.row(record, "notebooks/09_v") == "| notebooks/09_v | 30.0 |  | 30.0 |  | 1382 ◆ | 2 | 2026-11-30 |"
    record["peak_mb"] = budgets.MARGIN_MB - 1
    assert budgets.row(record, "notebooks/09_v") == "| notebooks/09_v | 30.0 |  | 30.0 |  | 1381 | 2 | 2026-11-30 |"


def _write(results: Path, lines: list[dict]) -> None:
    results.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")


def test_the_slowest_quiet_run_of_the_current_code_is_reported(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    run = {"notebook": "notebooks/00_a.ipynb", "status": "ok", "code": "new", "date": "2026-11-27"}
    _write(results, [
        {**run, "seconds": 50.0, "peak_mb": 500, "code": "old", "others": 0.0},  # older code: not counted
        {**run, "seconds": 9.0, "peak_mb": 400, "others": 0.0},
        {**run, "seconds": 12.0, "peak_mb": 380, "status": "over budget", "others": 0.1},  # over budget still counts
        {**run, "seconds": 30.0, "peak_mb": 410, "others": 0.9},  # busy: not counted while a quiet run exists
        {**run, "seconds": 1.0, "peak_mb": 10, "status": "error", "others": 0.0},  # a failed run is no measurement
    ])  # fmt: skip
    found = budgets.latest(results, {"notebooks/a": "new"})["notebooks/a"]
    assert (found["seconds"], found["fastest"], found["peak_mb"], found["runs"], found["kind"]) == (
        12.0,
        9.0,
        400,
        2,
        "quiet",
    )
    assert (
        budgets.row(found, "notebooks/00_a")
        == "| notebooks/00_a | 12.0 |  | 9.0 | 50.0 (2026-11-27) | 400 | 2 | 2026-11-27 |"
    )


def test_a_busy_run_and_older_code_are_marked(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    _write(results, [
        {"notebook": "notebooks/00_a.ipynb", "seconds": 9.0, "peak_mb": 400, "status": "ok", "load": 0.2},
        {"notebook": "notebooks/00_a.ipynb", "seconds": 20.0, "peak_mb": 410, "status": "ok", "load": 3.1},
    ])  # fmt: skip
    older = budgets.latest(results, {"notebooks/a": "abc"})["notebooks/a"]  # older lines carry no digest
    assert (older["seconds"], older["kind"]) == (20.0, "older")  # the latest run, not the fastest
    assert budgets.row(older, "notebooks/00_a") == "| notebooks/00_a | 20.0 ‡ |  | 20.0 |  | 410 | 1 | n/a |"
    _write(results, [{"notebook": "notebooks/00_a.ipynb", "seconds": 20.0, "peak_mb": 410, "status": "ok",
                      "code": "abc", "others": 0.7}])  # fmt: skip
    assert (
        budgets.row(budgets.latest(results, {"notebooks/a": "abc"})["notebooks/a"], "n")
        == "| n | 20.0 † |  | 20.0 |  | 410 | 1 | n/a |"
    )


def test_a_notebook_never_measured_or_moved(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    _write(results, [{"notebook": "notebooks/00_a.ipynb", "seconds": 20.0, "peak_mb": 410, "status": "ok",
                      "code": "x", "others": 0.7}])  # fmt: skip
    empty = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_b.ipynb").write_text(empty, encoding="utf-8")
    assert "| notebooks/01_b | not measured | | | | | | |" in budgets.table(tmp_path, results)
    (tmp_path / "notebooks" / "01_b.ipynb").rename(tmp_path / "notebooks" / "03_a.ipynb")  # a chapter that moved
    assert "| notebooks/03_a | 20.0 ‡ |  | 20.0 |  | 410 | 1 | n/a |" in budgets.table(tmp_path, results)


def test_a_slower_run_of_earlier_code_stays_on_the_page(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    run = {"notebook": "notebooks/00_a.ipynb", "status": "ok", "others": 0.0, "peak_mb": 400}
    _write(results, [
        {**run, "seconds": 70.0, "code": "old", "date": "2026-11-28"},  # a slow day, before an edit
        {**run, "seconds": 99.0, "code": "old", "date": "2026-11-28", "others": 0.9},  # busy: not counted
        {**run, "seconds": 95.0, "date": "2026-11-26"},  # no digest recorded: too old to compare
        {**run, "seconds": 30.0, "code": "new", "date": "2026-11-29"},
    ])  # fmt: skip
    found = budgets.latest(results, {"notebooks/a": "new"})["notebooks/a"]
    assert (found["seconds"], found["earlier"]["seconds"]) == (30.0, 70.0)
    assert (
        budgets.row(found, "notebooks/00_a")
        == "| notebooks/00_a | 30.0 |  | 30.0 | 70.0 (2026-11-28) | 400 | 1 | 2026-11-29 |"
    )
    _write(results, [{**run, "seconds": 20.0, "code": "old", "date": "2026-11-28"},
                     {**run, "seconds": 30.0, "code": "new", "date": "2026-11-29"}])  # fmt: skip
    faster = budgets.latest(results, {"notebooks/a": "new"})["notebooks/a"]
    assert budgets.row(faster, "notebooks/00_a") == "| notebooks/00_a | 30.0 |  | 30.0 |  | 400 | 1 | 2026-11-29 |"


def test_a_run_on_another_number_of_cores_is_not_counted(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    run = {"notebook": "notebooks/00_a.ipynb", "status": "ok", "code": "new", "date": "2026-11-29", "others": 0.0}
    _write(results, [
        {**run, "seconds": 10.0, "peak_mb": 400, "cpus": 2},
        {**run, "seconds": 14.0, "peak_mb": 390, "cpus": 1},  # pinned to one core: not the budget's machine
        {**run, "seconds": 11.0, "peak_mb": 420},  # lines without the field were all made on two cores
    ])  # fmt: skip
    found = budgets.latest(results, {"notebooks/a": "new"})["notebooks/a"]
    assert (found["seconds"], found["fastest"], found["runs"]) == (11.0, 10.0, 2)
