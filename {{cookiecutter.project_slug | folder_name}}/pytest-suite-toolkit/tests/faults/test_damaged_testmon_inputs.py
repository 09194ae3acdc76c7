"""A ``.testmondata-inputs`` that cannot be used (truncated, garbage, a directory, another database, read-only,
locked by another process) never hides the tests' results: pytest's summary and exit status are the tests' own, and
one line names the file and what was done. This run cannot know which tests the recorded inputs select, so it runs
every test pytest-testmon would leave out: a change made meanwhile is not missed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TESTMON = ("-p", "testmon.pytest_testmon", "--testmon")
INPUTS = ".testmondata-inputs"
TESTS = """
import json
from pathlib import Path


def test_reads_the_limit():
    assert json.loads(Path(__file__).parent.joinpath("limit.json").read_text())["limit"] == 3


def test_adds():
    assert 1 + 1 == 2
"""
EVERY_TEST = "; every test pytest-testmon would leave out ran"
LOCKER = """
import sqlite3, sys

connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def recorded(pytester: pytest.Pytester) -> pytest.Pytester:
    """Two tests, one reading a data file, recorded by pytest-testmon and the toolkit."""
    pytester.makepyfile(test_data=TESTS)
    pytester.path.joinpath("limit.json").write_text('{"limit": 3}')
    pytester.runpytest_subprocess(*TESTMON).assert_outcomes(passed=2)
    assert pytester.path.joinpath(INPUTS).is_file()
    return pytester


@pytest.fixture
def locked(recorded: pytest.Pytester) -> Iterator[None]:
    """Another process holds the file in an exclusive transaction; the runs wait a second for it, not minutes."""
    recorded.makeconftest(
        "from suite_toolkit import dependencies\n\ndependencies.WAIT_TO_READ = dependencies.WAIT_TO_WRITE = 1.0\n"
    )
    path = recorded.path / INPUTS
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert locker.stdout is not None
        assert locker.stdout.readline() == "locked\n"
        yield
    finally:
        locker.communicate("")


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garble(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 16)


def make_a_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


def make_another_database(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('mine')")


DAMAGED: dict[str, Callable[[Path], None]] = {"truncated": truncate, "garbage": garble}
REFUSED: dict[str, tuple[Callable[[Path], None], str]] = {
    "a-directory": (make_a_directory, f"nothing recorded: {INPUTS} is a directory; left as it is"),
    "another-database": (
        make_another_database,
        f"nothing recorded: {INPUTS} is not a testmon inputs file (its tables: notes); left as it is",
    ),
}


def assert_tests_reported(result: pytest.RunResult, outcomes: dict[str, int], line: str) -> None:
    """The tests' own summary and exit status, and one line on the file."""
    output = [*result.outlines, *result.errlines]
    assert not [each for each in output if "INTERNALERROR" in each or "Traceback" in each]
    assert result.parseoutcomes() == outcomes
    assert result.ret == (pytest.ExitCode.TESTS_FAILED if "failed" in outcomes else pytest.ExitCode.OK)
    assert [each for each in output if INPUTS in each] == [line]


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_file_is_kept_aside_and_every_test_runs(
    recorded: pytest.Pytester, damage: Callable[[Path], None]
) -> None:
    path = recorded.path / INPUTS
    damage(path)
    damaged = path.read_bytes()

    result = recorded.runpytest_subprocess(*TESTMON)

    line = f"{INPUTS} was damaged: kept as {INPUTS}.damaged, a fresh one started{EVERY_TEST}"
    assert_tests_reported(result, {"passed": 2}, line)
    assert path.with_name(f"{INPUTS}.damaged").read_bytes() == damaged
    # The fresh file holds every test: the next run selects as precisely as before.
    result = recorded.runpytest_subprocess(*TESTMON)
    result.stdout.fnmatch_lines(["affected-only: 0 of 2 tests run, 0 selected by pytest-testmon"])
    assert INPUTS not in result.stdout.str()


@pytest.mark.parametrize(("make", "refused"), REFUSED.values(), ids=REFUSED.keys())
def test_a_file_that_is_not_inputs_is_left_as_it_is_and_every_test_runs(
    recorded: pytest.Pytester, make: Callable[[Path], None], refused: str
) -> None:
    path = recorded.path / INPUTS
    make(path)
    before = path.read_bytes() if path.is_file() else None

    result = recorded.runpytest_subprocess(*TESTMON)

    assert_tests_reported(result, {"passed": 2}, f"{refused}{EVERY_TEST}")
    assert (path.read_bytes() if path.is_file() else None) == before
    assert path.exists()
    assert not list(recorded.path.glob(f"{INPUTS}.*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_file_is_left_as_it_is_and_every_test_runs(recorded: pytest.Pytester) -> None:
    """It may hold less than pytest-testmon's data: a run before could not record into it either."""
    path = recorded.path / INPUTS
    before = path.read_bytes()
    path.chmod(0o444)

    result = recorded.runpytest_subprocess(*TESTMON)

    line = f"nothing recorded: {INPUTS}: attempt to write a readonly database{EVERY_TEST}"
    assert_tests_reported(result, {"passed": 2}, line)
    assert path.read_bytes() == before


@pytest.mark.usefixtures("locked")
def test_a_file_locked_by_another_process_is_waited_for_then_every_test_runs(recorded: pytest.Pytester) -> None:
    before = (recorded.path / INPUTS).read_bytes()

    result = recorded.runpytest_subprocess(*TESTMON)

    assert_tests_reported(result, {"passed": 2}, f"nothing recorded: {INPUTS}: database is locked{EVERY_TEST}")
    assert (recorded.path / INPUTS).read_bytes() == before


@pytest.mark.parametrize("lost", [garble, Path.unlink], ids=["damaged", "deleted"])
def test_a_change_made_while_the_inputs_are_lost_is_not_missed(
    recorded: pytest.Pytester, lost: Callable[[Path], None]
) -> None:
    """Only the recorded inputs tie ``limit.json`` to its test: pytest-testmon alone would run nothing."""
    recorded.path.joinpath("limit.json").write_text('{"limit": 4}')
    lost(recorded.path / INPUTS)

    result = recorded.runpytest_subprocess(*TESTMON, "-rA")

    assert result.parseoutcomes() == {"failed": 1, "passed": 1}
    result.stdout.fnmatch_lines(["FAILED test_data.py::test_reads_the_limit - *"])


def test_a_file_damaged_during_the_run_is_kept_aside_and_the_next_run_runs_every_test(
    recorded: pytest.Pytester,
) -> None:
    """This run read the file and selected by it: a fresh file would hold this run's tests only."""
    recorded.makepyfile(
        test_damage=f"""
        def test_damages_the_inputs():
            with open("{INPUTS}", "wb") as inputs:
                inputs.write(b"not a database" * 100)
        """
    )

    result = recorded.runpytest_subprocess(*TESTMON)

    line = f"{INPUTS} was damaged: kept as {INPUTS}.damaged; the next run runs every test and records afresh"
    assert_tests_reported(result, {"passed": 1}, line)  # testmon did not even collect test_data.py
    assert not (recorded.path / INPUTS).exists()
    recorded.path.joinpath("test_damage.py").unlink()
    recorded.path.joinpath("limit.json").write_text('{"limit": 4}')
    result = recorded.runpytest_subprocess(*TESTMON)
    assert_tests_reported(result, {"failed": 1, "passed": 1}, f"{INPUTS} was missing{EVERY_TEST}, recorded afresh")


def test_a_damaged_file_under_xdist_is_one_line_and_every_test_runs(recorded: pytest.Pytester) -> None:
    """Each worker finds the file damaged; the controller, which writes, keeps it aside and says so once."""
    garble(recorded.path / INPUTS)

    result = recorded.runpytest_subprocess(*TESTMON, "-p", "xdist", "-n", "2")

    line = f"{INPUTS} was damaged: kept as {INPUTS}.damaged, a fresh one started{EVERY_TEST}"
    assert_tests_reported(result, {"passed": 2}, line)
    assert recorded.path.joinpath(f"{INPUTS}.damaged").read_bytes() == bytes(range(256)) * 16
