"""The report and merges on test histories: reading never writes, nothing is deleted or mixed up by surprise (a
``--keep`` that would delete every run, the histories of two projects), runs merged from an older history take their
place in time, and the report reads the project's settings. Each fault is done for real; each test asserts what the user
sees (pytest's own summary and exit status, one line from the machinery) and what is left on disk."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from history_project import HISTORY, SUITE, rows
from suite_toolkit.history import History
from suite_toolkit.report.__main__ import main as report


def test_reading_a_history_never_writes_it(project) -> None:
    project.runpytest_inprocess().assert_outcomes(passed=2)
    history = project.path / HISTORY
    before = (history.read_bytes(), history.stat().st_mtime_ns)

    assert report(["--history", str(history), "--json", str(project.path / "data.json")]) == 0
    project.runpytest_inprocess("-p", "xdist", "-n", "auto", "--no-analytics").assert_outcomes(passed=2)

    assert (history.read_bytes(), history.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    ("keep", "why"), [("0", "0 is less than 1"), ("9" * 20, f"{'9' * 20} is more than 1000000")], ids=["0", "huge"]
)
def test_a_keep_that_would_delete_every_run_or_overflow_is_refused_and_deletes_nothing(project, capsys, keep, why):
    project.runpytest_inprocess().assert_outcomes(passed=2)
    shard = project.path / "shard.db"
    shutil.copy(project.path / HISTORY, shard)
    before = (project.path / HISTORY).read_bytes()

    with pytest.raises(SystemExit) as exit_info:
        report(["--history", str(project.path / HISTORY), "--merge", str(shard), "--keep", keep])

    assert exit_info.value.code == 2
    assert f"argument --keep: {why}" in capsys.readouterr().err
    assert (project.path / HISTORY).read_bytes() == before


def test_histories_of_two_projects_are_not_merged(pytester: pytest.Pytester, capsys) -> None:
    histories = []
    for name in ("billing", "shipping"):
        folder = pytester.mkdir(name)
        (folder / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n\n[tool.pytest.ini_options]\n')
        (folder / "test_suite.py").write_text(SUITE)
        assert pytester.runpytest_inprocess(str(folder), "--rootdir", str(folder)).ret == 0
        histories.append(folder / HISTORY)
    before = [path.read_bytes() for path in histories]

    with pytest.raises(SystemExit) as exit_info:
        report(["--history", str(histories[0]), "--merge", str(histories[1])])

    assert exit_info.value.code == 2
    assert f"{histories[1]} holds the runs of project 'shipping', not of 'billing': nothing merged" in (
        capsys.readouterr().err
    )
    assert [path.read_bytes() for path in histories] == before


def test_runs_merged_from_an_older_history_take_their_place_in_time(project) -> None:
    history = project.path / HISTORY
    project.runpytest_inprocess().assert_outcomes(passed=2)
    earlier = project.path / "earlier.db"
    shutil.copy(history, earlier)  # a CI runner's copy, its run recorded before the two below
    for _ in range(2):
        project.runpytest_inprocess().assert_outcomes(passed=2)
    with sqlite3.connect(earlier) as db:  # its run: one that started before every run here
        db.execute("UPDATE runs SET started = started - 3600, uid = 'from-ci'")

    merged = History(history).merge([earlier], keep=50)

    assert merged == [1]  # the oldest run takes the first id
    assert [uid == "from-ci" for (uid,) in rows(history, "SELECT uid FROM runs ORDER BY id")] == [1, 0, 0, 0]
    started = [when for (when,) in rows(history, "SELECT started FROM runs ORDER BY id")]
    assert started == sorted(started)
    assert rows(history, "SELECT COUNT(*) FROM results WHERE run_id NOT IN (SELECT id FROM runs)") == [(0,)]
    assert rows(history, "SELECT run_id, COUNT(*) FROM results GROUP BY run_id") == [(1, 2), (2, 2), (3, 2), (4, 2)]


def test_the_report_reads_the_projects_baseline_runs_not_its_own(project) -> None:
    project.makeini("[pytest]\nanalytics_baseline_runs = 2\n")
    for _ in range(3):
        project.runpytest_inprocess().assert_outcomes(passed=2)

    data_file, page = project.path / "data.json", project.path / "page.html"
    assert report(["--history", str(project.path / HISTORY), "--json", str(data_file), "--html", str(page)]) == 0

    data = json.loads(data_file.read_text())
    assert data["baseline_runs"] == 2
    assert {test["baseline_runs"] for test in data["tests"]} == {2}  # of the 3 runs, the latest 2
    assert "in the latest 2 runs of the whole suite" in page.read_text()
