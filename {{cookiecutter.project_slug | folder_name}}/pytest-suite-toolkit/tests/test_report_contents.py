"""The report (``python -m suite_toolkit.report``) drawn from a history written here, run by run: its data, the
page, the CI summary and annotations, shard histories merged, histories of older formats, what the command
prints."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from suite_toolkit.history import History
from suite_toolkit.history_rules import Measurement, Run, regressions
from suite_toolkit.report.__main__ import main
from suite_toolkit.report.data import collect
from suite_toolkit.report.page import render


def measurement(nodeid: str, seconds: float, outcome: str = "passed") -> Measurement:
    return Measurement(nodeid, nodeid.split("/")[1], "main", outcome, call=seconds)


def record(history: History, number: int, measured: list[Measurement], selection: str = "full", **run) -> int:
    kind = Run(
        uid=uuid.uuid4().hex, batch=run.get("batch"), started=1_700_000_000 + number * 3600, commit_sha="abc1234",
        code_version=run.get("code", "same"), environment="env", mode="serial", selection=selection, seconds=1.0,
    )  # fmt: skip
    history.prepare()  # as the plugin does
    baselines = history.baselines(history.latest_runs(5, kind=kind.kind), calls=True)
    slower = regressions(measured, baselines, factor=2.0, floor=0.1, min_runs=3)
    return history.record(kind, measured, keep=50, slower=slower)


@pytest.fixture
def history(tmp_path: Path) -> History:
    """Five runs: a unit test that slows down in the last two runs, an integration test that fails once."""
    history = History(tmp_path / "history.db")
    for number in range(5):
        slow = 0.9 if number >= 3 else 0.2
        flaky = "failed" if number == 2 else "passed"
        measured = [
            measurement("tests/unit/test_a.py::test_slowed", slow),
            measurement("tests/unit/test_a.py::test_quick", 0.01),
            measurement("tests/integration/test_b.py::test_sometimes", 0.05, flaky),
        ]
        record(history, number, measured)
    return history


def test_the_data_has_every_run_tier_trend_regression_and_flaky_test(history: History) -> None:
    data = collect(history)

    assert [run["id"] for run in data["runs"]] == [1, 2, 3, 4, 5]
    assert [run["pass_rate"] for run in data["runs"]] == [100.0, 100.0, 66.67, 100.0, 100.0]
    assert [run["tiers"] for run in data["runs"]][3:] == [
        {"integration": 0.05, "unit": 0.91},
        {"integration": 0.05, "unit": 0.91},
    ]
    assert data["runs"][0]["started"] == "2023-11-14T22:13:20+00:00"
    assert data["regressions"] == [
        {"nodeid": "tests/unit/test_a.py::test_slowed", "tier": "unit", "seconds": 0.9, "baseline": 0.2, "factor": 4.5}
    ]
    assert data["flaky"] == [
        {"nodeid": "tests/integration/test_b.py::test_sometimes", "tier": "integration", "times": 1, "last_run": 3,
         "new": False, "quarantined": False}
    ]  # fmt: skip
    assert data["slowest"][0]["nodeid"] == "tests/unit/test_a.py::test_slowed"
    assert data["speeds"] == {"fast": 2, "medium": 1, "slow": 0}
    sometimes = next(test for test in data["tests"] if test["nodeid"].endswith("test_sometimes"))
    assert sometimes == {
        "nodeid": "tests/integration/test_b.py::test_sometimes", "tier": "integration", "baseline": 0.05,
        "baseline_runs": 4, "speed": "fast", "last_outcome": "passed", "runs": 5, "passed": 4, "pass_rate": 80.0,
        "flaky": 1,
    }  # fmt: skip


def test_a_test_that_no_longer_exists_leaves_the_report_after_a_full_run(history: History) -> None:
    renamed = [
        measurement("tests/unit/test_a.py::test_slowed", 0.2),
        measurement("tests/unit/test_a.py::test_new", 0.3),
    ]
    record(history, 5, renamed[:1], selection="partial")
    partial = collect(history)
    record(history, 6, renamed)
    full = collect(history)

    assert len(partial["tests"]) == 3  # a partial run says nothing about the tests it did not run
    assert {test["nodeid"].split("::")[1] for test in full["tests"]} == {"test_slowed", "test_new"}
    assert full["speeds"] == {"fast": 0, "medium": 2, "slow": 0}
    assert full["flaky"] == []  # test_sometimes is gone


def test_a_partial_run_is_apart_and_a_tier_it_did_not_run_is_absent(history: History) -> None:
    record(history, 5, [measurement("tests/unit/test_a.py::test_quick", 0.01)], selection="partial")

    latest = collect(history)["runs"][-1]

    assert (latest["full"], latest["selection"], latest["tiers"]) == (False, "partial", {"unit": 0.01})


def test_shard_histories_merge_into_one_history_and_their_runs_into_one(history: History, tmp_path: Path) -> None:
    shards = []
    for group in range(1, 5):  # each CI shard restores the same history and records its part into its copy
        shard = tmp_path / f"shard-{group}.db"
        shutil.copy(history.path, shard)
        tests = [measurement(f"tests/unit/test_{group}.py::test_{n}", 0.01) for n in range(3)]
        record(History(shard), 10 + group, tests, selection=f"shard {group}/4", batch="ci-run-7")
        shards.append(str(shard))
    merged = tmp_path / "merged.db"

    assert main(["--history", str(merged), "--merge", *shards, "--json", str(tmp_path / "data.json")]) == 0
    again = History(merged).merge([Path(shard) for shard in shards], keep=50)

    data = json.loads((tmp_path / "data.json").read_text(encoding="utf-8"))
    assert [run["id"] for run in data["runs"]] == [1, 2, 3, 4, 5, 6]  # the five before, the four shards as one
    assert data["runs"][-1] | {"started": None} == data["runs"][-1] | {
        "started": None, "selection": "4 of 4 shards", "full": True, "tests": 12, "passed": 12, "tiers": {"unit": 0.12}
    }  # fmt: skip
    assert again == []  # nothing new the second time


def test_the_summary_names_regressions_new_flaky_tests_and_time_per_tier(history: History, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier steps\n")

    assert main(["--history", str(history.path), "--summary", str(summary)]) == 0

    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier steps\n## Tests\n")  # appended, as $GITHUB_STEP_SUMMARY wants
    assert "| `tests/unit/test_a.py::test_slowed` | 0.9 | 0.2 | 4.5 |" in text
    assert "### New flaky tests\n\nNone." in text
    assert "| integration | 0.05 |\n| unit | 0.91 |" in text


def test_a_ci_run_that_recorded_nothing_gets_no_summary_of_an_older_run(history: History, tmp_path: Path) -> None:
    copy = tmp_path / "results" / "test-results-affected" / ".test-history.db"
    copy.parent.mkdir(parents=True)
    shutil.copy(history.path, copy)  # restored, and nothing ran: the job uploads the history as it found it
    summary = tmp_path / "summary.md"

    assert main(["--history", str(history.path), "--merge", str(tmp_path / "results"), "--summary", str(summary)]) == 0

    assert summary.read_text(encoding="utf-8") == (
        "## Tests\n\nNo run recorded in this run of the workflow (nothing selected, say).\n"
    )


def test_a_quarantined_failure_is_a_warning_and_another_failure_an_error(tmp_path: Path, capsys) -> None:
    history = History(tmp_path / "history.db")
    quarantined = measurement("tests/unit/test_a.py::test_known_flaky", 0.01, "failed")
    quarantined.quarantined = True
    record(history, 0, [quarantined, measurement("tests/unit/test_a.py::test_broken", 0.01, "failed")])

    assert main(["--history", str(history.path), "--annotate"]) == 0

    lines = capsys.readouterr().out.splitlines()
    warning = "::warning file=tests/unit/test_a.py,title=quarantined::tests/unit/test_a.py::test_known_flaky failed"
    assert f"{warning} (quarantined)" in lines
    assert (
        "::error file=tests/unit/test_a.py,title=failed::tests/unit/test_a.py::test_broken failed in the latest run"
        in lines
    )


def test_the_page_is_self_contained_and_holds_every_test(history: History, tmp_path: Path) -> None:
    page, data = tmp_path / "report.html", tmp_path / "report.json"

    assert main(["--history", str(history.path), "--html", str(page), "--json", str(data)]) == 0

    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing to fetch
    assert "tests/unit/test_a.py::test_slowed" in text
    assert json.loads(data.read_text(encoding="utf-8")) == collect(history)


def test_without_a_history_the_command_says_what_to_do(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--history", str(tmp_path / "missing.db"), "--html", str(tmp_path / "report.html")])

    assert exit_info.value.code == 2
    assert "does not exist yet: run the tests first" in capsys.readouterr().err


def test_a_history_of_an_older_format_is_set_aside_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    with __import__("sqlite3").connect(path) as db:
        db.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, started REAL)")

    record(History(path), 0, [measurement("tests/unit/test_a.py::test_quick", 0.01)])

    assert (tmp_path / "history.db.v1").exists()
    assert collect(History(path))["runs"][0]["tests"] == 1


def test_a_history_of_the_version_before_keeps_its_runs_and_merges(history: History, tmp_path: Path) -> None:
    before = tmp_path / "version-2.db"
    shutil.copy(history.path, before)
    with sqlite3.connect(before) as db:  # as version 2 wrote it: no tree_sha
        db.execute("ALTER TABLE runs DROP COLUMN tree_sha")
        db.execute("PRAGMA user_version = 2")
    merged = History(tmp_path / "merged.db")

    assert len(merged.merge([before], keep=50)) == 5
    assert [run["commit"] for run in collect(History(before))["runs"]] == ["abc1234"] * 5  # read in place
    assert not (tmp_path / "version-2.db.v2").exists()  # not set aside


def test_runs_and_pass_rate_count_the_same_runs_of_a_test(history: History) -> None:
    sometimes = measurement("tests/integration/test_b.py::test_sometimes", 0.05)
    skipped = measurement("tests/integration/test_b.py::test_sometimes", 0.0, "skipped")
    server_down = measurement("tests/integration/test_b.py::test_sometimes", 0.0, "server error")
    sometimes.reruns = 1  # failed, was rerun and passed: one run, passed
    for number, measured in enumerate((sometimes, skipped, server_down), start=5):
        record(history, number, [measured], selection="partial")

    tests = {test["nodeid"].split("::")[1]: test for test in collect(history)["tests"]}

    assert (tests["test_sometimes"]["runs"], tests["test_sometimes"]["passed"]) == (6, 5)  # 5 of the 6 it ran in
    assert tests["test_sometimes"]["pass_rate"] == 83.33
    for test in tests.values():
        assert test["pass_rate"] == round(100 * test["passed"] / test["runs"], 2)
    assert tests["test_sometimes"]["baseline_runs"] == 4  # the passing runs of the latest full runs: another count


def test_every_column_of_every_table_says_what_it_shows_in_its_header_and_under_the_table(history: History) -> None:
    page = render(collect(history, quarantine_after=1))

    headers = re.findall(r"<th [^>]*>([^<]+)</th>", page)
    explained = {title: about for about, title in re.findall(r'<th [^>]*title="([^"]+)"[^>]*>([^<]+)</th>', page)}
    assert {"runs", "pass %", "flaky", "baseline (s)", "times", "times flaky", "times slower"} <= set(headers)
    assert set(explained) == set(headers)  # every header has a tooltip
    legend = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert legend == explained  # and the same words in the legend under its table
    assert "in which it passed or failed" in legend["runs"]
    assert legend["pass %"] == "the share of those runs in which it passed"


def test_the_command_prints_the_page_s_absolute_path_and_its_address(history: History, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    assert main(["--history", str(history.path), "--html", "report.html", "--json", "report.json"]) == 0

    page = (tmp_path / "report.html").resolve()
    printed = capsys.readouterr().out.splitlines()
    assert f"wrote {page}" in printed
    assert f"open it in a browser: {page.as_uri()}" in printed
    assert f"wrote {page.with_suffix('.json')}" in printed
