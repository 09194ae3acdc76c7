"""A test history damaged, of a newer version, or replaced by a file that is not a history: kept aside under a name that
says so (never over one kept before) and a fresh one started, or left as it is and the run stopped; one line says which.
Each fault is done for real; each test asserts what the user sees (pytest's own summary and exit status, one line from
the machinery) and what is left on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from history_project import HISTORY, recorded_runs

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
