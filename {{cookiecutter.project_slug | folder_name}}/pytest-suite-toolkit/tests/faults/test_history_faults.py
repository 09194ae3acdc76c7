"""The test history under what users' machines do to files and processes: damaged, replaced, locked, shared by
several runs and reports at once, merged with the wrong file. Each fault is done for real; each test asserts what
the user sees (pytest's own summary and exit status, one line from the machinery) and what is left on disk."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from suite_toolkit import history_file
from suite_toolkit.analysis import Measurement, Run
from suite_toolkit.history import History
from suite_toolkit.report.__main__ import main as report

SUITE = "import os\n\ndef test_one():\n    pass\n\ndef test_two():\n    assert os.environ.get('TWO_FAILS') != '1'\n"
HISTORY = ".test-history.db"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_suite=SUITE)
    pytester.makeini("[pytest]\n")
    return pytester


def rows(path: Path, query: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(query).fetchall()


def recorded_runs(project: pytest.Pytester) -> int:
    return rows(project.path / HISTORY, "SELECT COUNT(*) FROM runs")[0][0]


# -- damaged: kept aside under a name that says so, never over one kept before; a fresh history records the run ---


def damage(history: Path, how: str) -> None:
    if how == "truncated":
        history.write_bytes(history.read_bytes()[:1000])
    elif how == "garbage":
        history.write_bytes(bytes(range(256)) * 16)  # bytes no one wrote on purpose (a text file is someone's)


@pytest.mark.parametrize("how", ["truncated", "garbage"])
def test_a_damaged_history_is_kept_aside_and_a_fresh_one_records_the_run(project, how) -> None:
    history = project.path / HISTORY
    project.runpytest_inprocess().assert_outcomes(passed=2)
    damage(history, how)
    damaged = history.read_bytes()

    result = project.runpytest_inprocess()

    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"{HISTORY} was damaged: kept as {HISTORY}.damaged, a fresh one started"])
    assert (project.path / f"{HISTORY}.damaged").read_bytes() == damaged
    assert recorded_runs(project) == 1


def test_a_damaged_history_kept_aside_never_overwrites_one_kept_before(project) -> None:
    (project.path / f"{HISTORY}.damaged").write_bytes(b"kept the first time")
    (project.path / HISTORY).write_bytes(b"damaged again\x00" * 100)

    project.runpytest_inprocess().assert_outcomes(passed=2)

    assert (project.path / f"{HISTORY}.damaged").read_bytes() == b"kept the first time"
    assert (project.path / f"{HISTORY}.damaged-2").read_bytes() == b"damaged again\x00" * 100


@pytest.mark.parametrize("args", [("-m", "not slow"), ("-p", "xdist", "-n", "auto")], ids=["speed markers", "-n auto"])
def test_what_reads_a_damaged_history_before_the_tests_warns_and_the_tests_run(project, args) -> None:
    history = project.path / HISTORY
    history.write_bytes(b"damaged\x00" * 100)

    result = project.runpytest_inprocess(*args)

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"*{HISTORY} is damaged (the next run that records keeps it aside)*"])
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
    assert (project.path / f"{HISTORY}.damaged").read_bytes() == b"damaged\x00" * 100  # by the run's recording


def test_a_history_of_a_newer_version_is_kept_aside_never_over_one_kept_before(project) -> None:
    project.runpytest_inprocess().assert_outcomes(passed=2)
    history = project.path / HISTORY
    with sqlite3.connect(history) as db:
        db.execute("PRAGMA user_version = 99")
    (project.path / f"{HISTORY}.v99").write_bytes(b"kept before")
    newer = history.read_bytes()

    result = project.runpytest_inprocess()

    result.stdout.fnmatch_lines([f"{HISTORY} is of history version 99: kept as {HISTORY}.v99-2, a fresh one started"])
    assert (project.path / f"{HISTORY}.v99").read_bytes() == b"kept before"
    assert (project.path / f"{HISTORY}.v99-2").read_bytes() == newer


# -- not a history: refused with one line, left as it is ------------------------------------------------------


@pytest.mark.parametrize("kind", ["a text file", "another database", "no file"])
def test_a_setting_naming_a_file_that_is_not_a_history_stops_the_run_at_its_start(project, kind) -> None:
    name, why = {
        "a text file": ("pyproject.toml", "pyproject.toml is a text file, not a test history; left as it is"),
        "another database": (".testmondata", ".testmondata is not a test history (its tables: *); left as it is"),
        "no file": ("", "'' names no file"),
    }[kind]
    if kind == "a text file":
        (project.path / name).write_text('[project]\nname = "mine"\n')
    elif kind == "another database":  # as pytest-testmon's data file
        with sqlite3.connect(project.path / name) as db:
            db.execute("CREATE TABLE metadata (dataid TEXT PRIMARY KEY, data TEXT)")
            db.execute("INSERT INTO metadata VALUES ('testmon', 'kept')")
    project.makeini(f"[pytest]\nanalytics_file = {name}\n")
    before = {path.name: path.read_bytes() for path in project.path.iterdir() if path.is_file()}

    result = project.runpytest_inprocess()

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: analytics_file: {why}"])
    result.stdout.no_fnmatch_line("*passed*")  # stopped before the first test
    assert {path.name: path.read_bytes() for path in project.path.iterdir() if path.is_file()} == before


def test_a_text_file_where_the_history_should_be_is_left_as_it_is(project) -> None:
    history = project.path / HISTORY
    history.write_text("my notes\n")

    result = project.runpytest_inprocess()

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: analytics_file: {HISTORY} is a text file, not a test history; left as it is"])
    assert history.read_text() == "my notes\n"
    assert sorted(path.name for path in project.path.glob(f"{HISTORY}*")) == [HISTORY]


def test_the_history_of_another_project_is_not_recorded_into(project) -> None:
    project.runpytest_inprocess().assert_outcomes(passed=2)
    history = project.path / HISTORY
    with sqlite3.connect(history) as db:
        db.execute("UPDATE about SET value = 'someone-else' WHERE key = 'project'")
    before = history.read_bytes()

    result = project.runpytest_inprocess()

    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [f"nothing recorded: {HISTORY} holds the runs of project 'someone-else', not of '{project.path.name}'; *"]
    )
    assert history.read_bytes() == before


# -- cannot be written, locked: the tests' exit status stays theirs; a lock is waited for, a bounded time ---------


@pytest.mark.parametrize("exitcode", [pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED])
def test_a_history_that_cannot_be_written_leaves_the_tests_exit_status_and_says_why(project, exitcode, monkeypatch):
    (project.path / HISTORY).mkdir()  # a directory where the file should be
    if exitcode:
        monkeypatch.setenv("TWO_FAILS", "1")

    result = project.runpytest_inprocess()

    assert result.ret == exitcode
    result.stdout.fnmatch_lines([f"nothing recorded: {HISTORY}: unable to open database file"])
    result.stdout.no_fnmatch_line("*Traceback*")
    assert (project.path / HISTORY).is_dir()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes read-only files all the same")
def test_a_read_only_history_leaves_the_tests_exit_status_and_says_why(project) -> None:
    project.runpytest_inprocess().assert_outcomes(passed=2)
    history = project.path / HISTORY
    history.chmod(0o444)
    before = history.read_bytes()

    result = project.runpytest_inprocess()

    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"nothing recorded: {HISTORY}: attempt to write a readonly database"])
    assert history.read_bytes() == before


HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


def lock(history: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the history's write lock for ``seconds``: another run writing, say."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(history), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    return holder


def test_a_run_waits_for_a_history_locked_for_a_moment_and_records(project) -> None:
    project.runpytest_inprocess().assert_outcomes(passed=2)
    holder = lock(project.path / HISTORY, 2.0)

    result = project.runpytest_inprocess()

    holder.wait()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"run 2 recorded in {HISTORY}: 2 tests, serial, full"])


def test_a_history_locked_longer_than_the_wait_leaves_the_tests_exit_status_and_says_why(project, monkeypatch):
    project.runpytest_inprocess().assert_outcomes(passed=2)
    monkeypatch.setattr(history_file, "LOCK_WAIT", 0.5)  # 30 s in use: a test need not wait that long
    holder = lock(project.path / HISTORY, 10.0)
    try:
        started = time.monotonic()
        result = project.runpytest_inprocess()
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()

    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"nothing recorded: {HISTORY}: database is locked"])
    assert waited < 10.0  # bounded: it did not wait for the other process to end
    assert recorded_runs(project) == 1  # the earlier run is intact


def test_several_runs_and_reports_at_once_lose_no_run(project) -> None:
    """Eight runs and three reports at once on one history, as a developer's terminal, the commit hook and an editor
    may: every run is recorded, every report is drawn."""
    project.runpytest_inprocess().assert_outcomes(passed=2)
    history = History(project.path / HISTORY)  # as large as a real one, so that reading it takes a while
    for number in range(30):
        run = Run(f"earlier-{number}", None, time.time() - 3600 + number, None, "code", "env", "serial", "full", 1.0)
        tests = (Measurement(f"test_big.py::test_{n}", "", "main", "passed", call=0.01) for n in range(3000))
        history.record(run, tests, keep=50)
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
    runs = [
        subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project.path,
                         env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(8)
    ]  # fmt: skip
    reports = [
        subprocess.Popen([sys.executable, "-m", "suite_toolkit.report", "--history", HISTORY, "--json", f"r{n}.json"],
                         cwd=project.path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for n in range(3)
    ]  # fmt: skip
    outputs = [process.communicate(timeout=300)[0] for process in runs + reports]

    assert [process.returncode for process in runs + reports] == [0] * 11, outputs
    assert all("nothing recorded" not in output for output in outputs), outputs
    assert recorded_runs(project) == 39
    assert all((project.path / f"r{n}.json").exists() for n in range(3))


# -- the report and merge: reading never writes, nothing deleted or mixed up by surprise --------------------------


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
