"""The report (``python -m suite_toolkit.report``) drawn from a history written here, run by run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from suite_toolkit.analysis import Measurement, Run, regressions
from suite_toolkit.history import History
from suite_toolkit.report.__main__ import main
from suite_toolkit.report.data import collect


def measurement(nodeid: str, seconds: float, outcome: str = "passed") -> Measurement:
    return Measurement(nodeid, nodeid.split("/")[1], "main", outcome, call=seconds)


@pytest.fixture
def history(tmp_path: Path) -> History:
    """Five runs: a unit test that slows down in the last run, an integration test that fails once."""
    history = History(tmp_path / "history.db")
    for number in range(5):
        slow = 0.9 if number == 4 else 0.2
        flaky = "failed" if number == 2 else "passed"
        measured = [
            measurement("tests/unit/test_a.py::test_slowed", slow),
            measurement("tests/unit/test_a.py::test_quick", 0.01),
            measurement("tests/integration/test_b.py::test_sometimes", 0.05, flaky),
        ]
        slower = regressions(measured, history.baselines(), factor=2.0, floor=0.1, min_runs=3)  # as the plugin does
        run = Run(started=1_700_000_000 + number * 60, commit_sha="abc", code_version="same", seconds=1.0)
        history.record(run, measured, keep=5, slower=slower)
    return history


def test_the_data_has_every_run_tier_trend_regression_and_flaky_test(history: History) -> None:
    data = collect(history)

    assert [run["id"] for run in data["runs"]] == [1, 2, 3, 4, 5]
    assert [run["pass_rate"] for run in data["runs"]] == [1.0, 1.0, 0.6667, 1.0, 1.0]
    assert data["tiers"] == {"integration": [0.05] * 5, "unit": [0.21, 0.21, 0.21, 0.21, 0.91]}
    assert data["regressions"] == [
        {"nodeid": "tests/unit/test_a.py::test_slowed", "seconds": 0.9, "baseline": 0.2, "factor": 4.5}
    ]
    assert data["flaky"] == [{"nodeid": "tests/integration/test_b.py::test_sometimes", "code": "same"}]
    assert data["slowest"][0]["nodeid"] == "tests/unit/test_a.py::test_slowed"
    assert data["speeds"] == {"fast": 2, "medium": 1, "slow": 0}


def test_the_page_is_self_contained_and_its_charts_have_a_point_per_run(history: History, tmp_path: Path) -> None:
    page, data = tmp_path / "report.html", tmp_path / "report.json"

    assert main(["--history", str(history.path), "--html", str(page), "--json", str(data)]) == 0

    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing to fetch
    assert len(re.findall(r'<circle class="point"[^>]*data-series="unit"', text)) == 5
    assert len(re.findall(r'<circle class="point"[^>]*data-series="pass rate"', text)) == 5
    assert len(re.findall(r'<rect class="bar"', text)) == 3
    assert "tests/unit/test_a.py::test_slowed" in text
    assert json.loads(data.read_text(encoding="utf-8")) == collect(history)


def test_without_a_history_the_command_says_what_to_do(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--history", str(tmp_path / "missing.db"), "--html", str(tmp_path / "report.html")])

    assert exit_info.value.code == 2
    assert "does not exist yet: run the tests first" in capsys.readouterr().err
