"""The budget table of benchmarks/README.md: written from the measurements; every notebook measured, within budget."""

from __future__ import annotations

import json
from pathlib import Path

from authoring import budgets
from authoring.run_notebooks import BUDGET_MB, BUDGET_SECONDS


def test_the_table_is_written_from_the_latest_measurements() -> None:
    assert not budgets.run(check=True), "run: python -m authoring.budgets"


def test_every_notebook_was_measured_within_its_budget() -> None:
    measured = budgets.latest()
    missing = [name for name in budgets.notebooks() if budgets.by_name(name) not in measured]
    assert not missing, f"never measured (python -m authoring.run_notebooks ...): {missing}"
    records = {name: measured[budgets.by_name(name)] for name in budgets.notebooks()}
    over = [
        (name, record["seconds"], record["peak_mb"])
        for name, record in records.items()
        if record["seconds"] >= BUDGET_SECONDS or (record["peak_mb"] or 0) >= BUDGET_MB
    ]
    assert not over, f"over the budget of {BUDGET_SECONDS:.0f} s and {BUDGET_MB:.0f} MB: {over}"


def test_a_busy_run_is_marked_and_the_latest_success_wins(tmp_path: Path) -> None:
    results = tmp_path / "notebooks.jsonl"
    lines = [
        {"notebook": "notebooks/00_a.ipynb", "seconds": 9.0, "peak_mb": 400, "status": "ok", "load": 0.2},
        {"notebook": "notebooks/00_a.ipynb", "seconds": 20.0, "peak_mb": 410, "status": "ok", "load": 3.1},
        {"notebook": "notebooks/00_a.ipynb", "seconds": 1.0, "peak_mb": 10, "status": "error", "load": 0.1},
    ]
    results.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    found = budgets.latest(results)
    assert found["notebooks/a"]["seconds"] == 20.0  # the failed run is not a measurement
    assert budgets.row(found["notebooks/a"], "notebooks/00_a") == "| notebooks/00_a | 20.0 † | 410 | 3.1 | n/a |"
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_b.ipynb").write_text("{}", encoding="utf-8")
    assert "| notebooks/01_b | not measured | | | |" in budgets.table(tmp_path, results)
    (tmp_path / "notebooks" / "01_b.ipynb").rename(tmp_path / "notebooks" / "03_a.ipynb")  # a chapter that moved
    assert "| notebooks/03_a | 20.0 † | 410 | 3.1 | n/a |" in budgets.table(tmp_path, results)
