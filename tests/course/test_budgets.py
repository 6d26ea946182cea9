"""The budget table of benchmarks/README.md: written from the measurements; every notebook measured, within budget."""

from __future__ import annotations

import json
from pathlib import Path

from authoring import budgets
from authoring.run_notebooks import BUDGET_MB, BUDGET_SECONDS


def test_the_table_is_written_from_the_latest_measurements() -> None:
    assert not budgets.run(check=True), "run: python -m authoring.budgets"


def test_every_notebook_was_measured_with_its_current_code_within_its_budget() -> None:
    measured = budgets.latest(code=budgets.current_code(), changes=budgets.same_cost())
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
    assert budgets.row(record, "notebooks/08_s") == "| notebooks/08_s | 60.0 ‼ | 60.0 | 900 | 3 | 2026-11-27 |"
    record["seconds"] = budgets.MARGIN_SECONDS - 0.1
    assert budgets.row(record, "notebooks/08_s") == "| notebooks/08_s | 59.9 | 59.9 | 900 | 3 | 2026-11-27 |"


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
    assert budgets.row(found, "notebooks/00_a") == "| notebooks/00_a | 12.0 | 9.0 | 400 | 2 | 2026-11-27 |"


def test_a_busy_run_and_older_code_are_marked(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    _write(results, [
        {"notebook": "notebooks/00_a.ipynb", "seconds": 9.0, "peak_mb": 400, "status": "ok", "load": 0.2},
        {"notebook": "notebooks/00_a.ipynb", "seconds": 20.0, "peak_mb": 410, "status": "ok", "load": 3.1},
    ])  # fmt: skip
    older = budgets.latest(results, {"notebooks/a": "abc"})["notebooks/a"]  # older lines carry no digest
    assert (older["seconds"], older["kind"]) == (20.0, "older")  # the latest run, not the fastest
    assert budgets.row(older, "notebooks/00_a") == "| notebooks/00_a | 20.0 ‡ | 20.0 | 410 | 1 | n/a |"
    _write(results, [{"notebook": "notebooks/00_a.ipynb", "seconds": 20.0, "peak_mb": 410, "status": "ok",
                      "code": "abc", "others": 0.7}])  # fmt: skip
    assert (
        budgets.row(budgets.latest(results, {"notebooks/a": "abc"})["notebooks/a"], "n")
        == "| n | 20.0 † | 20.0 | 410 | 1 | n/a |"
    )


def test_a_notebook_never_measured_or_moved(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    _write(results, [{"notebook": "notebooks/00_a.ipynb", "seconds": 20.0, "peak_mb": 410, "status": "ok",
                      "code": "x", "others": 0.7}])  # fmt: skip
    empty = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_b.ipynb").write_text(empty, encoding="utf-8")
    assert "| notebooks/01_b | not measured | | | | |" in budgets.table(tmp_path, results)
    (tmp_path / "notebooks" / "01_b.ipynb").rename(tmp_path / "notebooks" / "03_a.ipynb")  # a chapter that moved
    assert "| notebooks/03_a | 20.0 ‡ | 20.0 | 410 | 1 | n/a |" in budgets.table(tmp_path, results)


def test_every_change_listed_as_leaving_the_cost_alone_is_backed_by_runs_of_both_codes() -> None:
    for change in budgets.same_cost():
        assert change.get("why"), f"say why the change leaves the cost alone: {change}"
        ratios = budgets.same_cost_ratios(change)
        assert ratios, f"measure both codes on one day (two quiet runs each), then list the change: {change}"
        assert all(abs(r - 1) < budgets.SAME_COST for r in ratios), f"the costs differ ({ratios}): {change}"


def test_runs_of_older_code_count_after_a_change_that_left_the_cost_alone(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    run = {"notebook": "notebooks/00_a.ipynb", "status": "ok", "others": 0.0, "date": "2026-11-28", "peak_mb": 400}
    _write(results, [{**run, "seconds": 70.0, "code": "old"}, {**run, "seconds": 30.0, "code": "new"},
                     {**run, "seconds": 90.0, "code": "unlisted"}])  # fmt: skip
    change = [{"notebook": "notebooks/00_a.ipynb", "from": "old", "to": "new", "why": "a comment"}]
    alone = budgets.latest(results, {"notebooks/a": "new"})["notebooks/a"]
    assert (alone["seconds"], alone["runs"], alone["carried"]) == (30.0, 1, False)
    carried = budgets.latest(results, {"notebooks/a": "new"}, change)["notebooks/a"]
    assert (carried["seconds"], carried["fastest"], carried["runs"], carried["carried"]) == (70.0, 30.0, 2, True)
    assert budgets.row(carried, "notebooks/00_a") == "| notebooks/00_a | 70.0 ≡ ‼ | 30.0 | 400 | 2 | 2026-11-28 |"
    assert budgets.same_cost_ratios(change[0], results) == []  # one run of each: not enough to back the change
