"""Test analytics on small suites run by pytester.

The inner tests take their time on a fake clock: the inner conftest sets each report's ``duration`` (pytest's
public measure, the one the plugin records) from a table the test controls, so nothing here waits.
"""

from __future__ import annotations

import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest
from suite_toolkit.analytics import seconds
from suite_toolkit.history import History
from suite_toolkit.report.data import collect

FLAKY_LINE = "flaky: tests/unit/test_suite.py::test_flaky passed and failed on the same code and environment"
SUITE = """
import os

def test_steady():
    pass

def test_slowed_down():
    pass

def test_flaky():
    assert os.environ.get("FLAKY_FAILS") != "1"
"""

# The fake clock: the seconds each test's call takes, SLOW_SECONDS for test_slowed_down; XDIST_SLOWER times more
# under xdist, as when workers share the machine's cores; FIRST_SETUP seconds for the setup of the first test of
# the run, as a session fixture's; REVERSED runs the tests in the opposite order.
FAKE_CLOCK = """
import os
import pytest

SECONDS = {"test_steady": "0.05", "test_slowed_down": os.environ.get("SLOW_SECONDS", "0.2"), "test_flaky": "0.001"}
FACTOR = float(os.environ.get("XDIST_SLOWER", "1")) if os.environ.get("PYTEST_XDIST_WORKER") else 1.0
FIRST = []

def pytest_collection_modifyitems(items):
    if os.environ.get("REVERSED"):
        items.reverse()

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    seconds = float(SECONDS.get(item.name.split("[")[0], "0")) * FACTOR
    report.duration = seconds if call.when == "call" else 0.0
    if call.when == "setup" and not FIRST:
        FIRST.append(item)
        report.duration = float(os.environ.get("FIRST_SETUP", "0"))
    return report
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    folder = pytester.mkdir("tests") / "unit"
    folder.mkdir()
    (folder / "test_suite.py").write_text(SUITE, encoding="utf-8")
    pytester.makeconftest(FAKE_CLOCK)
    pytester.makeini("[pytest]\ntiers = tests/unit\n")
    return pytester


def run(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str, **env: str) -> pytest.RunResult:
    with monkeypatch.context() as patch:
        for name in ("SLOW_SECONDS", "FLAKY_FAILS", "XDIST_SLOWER", "FIRST_SETUP", "REVERSED"):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        return suite.runpytest_inprocess(*args)


def rows(path: Path, query: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(query).fetchall()


def test_each_test_is_recorded_with_its_phases_tier_outcome_and_worker(suite, monkeypatch) -> None:
    result = run(suite, monkeypatch, FLAKY_FAILS="1")

    result.assert_outcomes(passed=2, failed=1)
    recorded = rows(
        suite.path / ".test-history.db",
        "SELECT nodeid, tier, worker, outcome, round(call, 3) FROM results ORDER BY nodeid",
    )
    assert recorded == [
        ("tests/unit/test_suite.py::test_flaky", "unit", "main", "failed", 0.001),
        ("tests/unit/test_suite.py::test_slowed_down", "unit", "main", "passed", 0.2),
        ("tests/unit/test_suite.py::test_steady", "unit", "main", "passed", 0.05),
    ]
    assert rows(suite.path / ".test-history.db", "SELECT tests, failed FROM runs") == [(3, 1)]
    result.stdout.fnmatch_lines(["*- test analytics -*", "run 1 recorded in .test-history.db: 3 tests, serial, full"])


def test_the_tier_is_the_marker_not_a_part_of_the_test_id(suite, monkeypatch) -> None:
    (suite.path / "tests" / "unit" / "test_ids.py").write_text(
        'import pytest\n\n@pytest.mark.parametrize("path", ["a/b", "tests/c/d"])\ndef test_path(path):\n    pass\n'
    )
    (suite.path / "elsewhere").mkdir()
    (suite.path / "elsewhere" / "test_outside.py").write_text("def test_outside():\n    pass\n")

    run(suite, monkeypatch, "tests", "elsewhere").assert_outcomes(passed=6)

    tiers = rows(suite.path / ".test-history.db", "SELECT tier, COUNT(*) FROM results GROUP BY tier ORDER BY tier")
    assert tiers == [("", 1), ("unit", 5)]


def test_a_slowed_down_test_is_reported_once_it_has_a_baseline_and_is_slow_twice_in_a_row(suite, monkeypatch) -> None:
    for _ in range(3):
        run(suite, monkeypatch).assert_outcomes(passed=3)

    once = run(suite, monkeypatch, SLOW_SECONDS="0.9")
    twice = run(suite, monkeypatch, SLOW_SECONDS="0.9")

    once.stdout.fnmatch_lines(["no regression, no flaky test"])
    twice.stdout.fnmatch_lines(
        ["regression: tests/unit/test_suite.py::test_slowed_down 0.90s, baseline 0.20s (4.5x), 0.90s the run before"]
    )
    assert "test_steady" not in twice.stdout.str().split("test analytics")[-1]


def test_a_tier_run_on_its_own_between_other_tiers_runs_is_compared_with_its_own_last_runs(suite, monkeypatch) -> None:
    suite.makeini("[pytest]\ntiers =\n    tests/unit\n    tests/integration\n")
    (suite.path / "tests" / "integration").mkdir()
    (suite.path / "tests" / "integration" / "test_other.py").write_text("def test_other():\n    pass\n")
    for tier, times in (("tests/unit", 3), ("tests/integration", 5)):
        for _ in range(times):
            run(suite, monkeypatch, tier)  # partial runs, one kind: the unit tests are in none of the last five

    run(suite, monkeypatch, "tests/unit", SLOW_SECONDS="0.9")
    result = run(suite, monkeypatch, "tests/unit", SLOW_SECONDS="0.9")

    result.stdout.fnmatch_lines(["regression: tests/unit/test_suite.py::test_slowed_down 0.90s, baseline 0.20s*"])


def test_a_slow_call_once_is_noise_not_a_regression(suite, monkeypatch) -> None:
    for _ in range(3):
        run(suite, monkeypatch).assert_outcomes(passed=3)

    results = [run(suite, monkeypatch, SLOW_SECONDS="0.9"), run(suite, monkeypatch), run(suite, monkeypatch)]

    for result in results:
        result.stdout.fnmatch_lines(["no regression, no flaky test"])


def test_a_slowdown_before_the_baseline_has_enough_runs_alerts_nothing(suite, monkeypatch) -> None:
    run(suite, monkeypatch)

    result = run(suite, monkeypatch, SLOW_SECONDS="0.9")

    result.stdout.fnmatch_lines(["no regression, no flaky test"])


@pytest.mark.parametrize(
    "durations",
    [
        ["0.2", "0.25", "0.18", "0.3", "0.22", "0.35"],  # noise: at most 1.75x the median
        ["0.01", "0.012", "0.011", "0.09"],  # 9x slower, but only 0.08 s: under the floor
    ],
    ids=["jitter", "tiny-test"],
)
def test_noise_alone_alerts_nothing(suite, monkeypatch, durations: list[str]) -> None:
    results = [run(suite, monkeypatch, SLOW_SECONDS=seconds) for seconds in durations]

    for result in results:
        result.stdout.fnmatch_lines(["no regression, no flaky test"])


def test_the_thresholds_are_settings(suite, monkeypatch) -> None:
    suite.makeini(
        "[pytest]\ntiers = tests/unit\nanalytics_min_runs = 1\nanalytics_regression_factor = 1.2\n"
        "analytics_regression_floor = 0.05\n"
    )
    run(suite, monkeypatch).assert_outcomes(passed=3)
    run(suite, monkeypatch, SLOW_SECONDS="0.32").assert_outcomes(passed=3)

    result = run(suite, monkeypatch, SLOW_SECONDS="0.32")

    result.stdout.fnmatch_lines(
        ["regression: tests/unit/test_suite.py::test_slowed_down 0.32s, baseline 0.26s (1.2x)*"]
    )


def test_a_test_that_passes_and_fails_on_the_same_code_is_flaky_and_said_once_per_failure(suite, monkeypatch) -> None:
    run(suite, monkeypatch).assert_outcomes(passed=3)

    failing = run(suite, monkeypatch, FLAKY_FAILS="1")
    passing_again = run(suite, monkeypatch)

    failing.stdout.fnmatch_lines([FLAKY_LINE])  # it had passed on this code: the failure shows it
    passing_again.stdout.fnmatch_lines(["no regression, no flaky test"])  # the same failure, not said twice
    assert counted_flaky(suite) == {"tests/unit/test_suite.py::test_flaky": 1}


def test_a_test_that_fails_first_is_seen_flaky_when_it_passes_and_the_report_calls_it_new(suite, monkeypatch) -> None:
    run(suite, monkeypatch, FLAKY_FAILS="1").assert_outcomes(passed=2, failed=1)

    passing = run(suite, monkeypatch)

    passing.stdout.fnmatch_lines([FLAKY_LINE])
    data = collect(History(suite.path / ".test-history.db"))
    assert [(test["nodeid"], test["new"]) for test in data["flaky"]] == [("tests/unit/test_suite.py::test_flaky", True)]


def counted_flaky(suite) -> dict[str, int]:
    """Times seen flaky, as the report and the quarantine count them."""
    return {nodeid: times for nodeid, (times, _, _) in History(suite.path / ".test-history.db").flaky_counts().items()}


def test_the_same_code_in_another_environment_is_not_flaky(suite, monkeypatch) -> None:
    run(suite, monkeypatch).assert_outcomes(passed=3)
    monkeypatch.setattr("suite_toolkit.analytics.environment", lambda: "another-python")  # say, a new dependency

    result = run(suite, monkeypatch, FLAKY_FAILS="1")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["no regression, no flaky test"])


def test_in_a_git_repository_the_code_is_every_file_git_sees(suite, monkeypatch) -> None:
    (suite.path / "helpers.py").write_text("LIMIT = 1\n")  # a flat layout: code beside the tests, not in src/
    (suite.path / ".gitignore").write_text("*.log\n")
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "1"]):
        subprocess.run(["git", *command], cwd=suite.path, check=True)
    run(suite, monkeypatch).assert_outcomes(passed=3)
    (suite.path / "run.log").write_text("ignored by git: not the code\n")
    (suite.path / "tests" / "unit" / "__pycache__").mkdir(exist_ok=True)
    (suite.path / "tests" / "unit" / "__pycache__" / "test_suite.cpython-3.pyc").write_bytes(b"not ignored: bytecode")

    same_code = run(suite, monkeypatch, FLAKY_FAILS="1")
    (suite.path / "helpers.py").write_text("LIMIT = 2\n")  # changed, not committed
    changed_code = run(suite, monkeypatch, FLAKY_FAILS="1")
    (suite.path / "new_module.py").write_text("")  # untracked, not ignored
    new_file = run(suite, monkeypatch)

    same_code.stdout.fnmatch_lines(["flaky: *test_flaky passed and failed on the same code and environment"])
    changed_code.stdout.fnmatch_lines(["no regression, no flaky test"])
    new_file.stdout.fnmatch_lines(["no regression, no flaky test"])
    versions = rows(suite.path / ".test-history.db", "SELECT code_version, commit_sha FROM runs ORDER BY id")
    assert len({version for version, _ in versions}) == 3
    assert len({commit for _, commit in versions}) == 1
    assert versions[0][1] is not None


def test_a_setup_error_from_a_missing_server_is_the_servers_not_a_flaky_test(suite, monkeypatch) -> None:
    listening = socket.create_server(("127.0.0.1", 0))  # the server, up for the first run
    port = listening.getsockname()[1]
    (suite.path / "tests" / "unit" / "test_server.py").write_text(SERVER_SUITE.format(port=port))
    run(suite, monkeypatch, "tests/unit/test_server.py").assert_outcomes(passed=1)
    listening.close()  # down for the second; servers are required, as on CI

    result = run(suite, monkeypatch, "tests/unit/test_server.py", TEST_REQUIRE_SERVERS="1")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["server errors: 1 test(s) could not set up for a server *test_uses_the_server*"])
    result.stdout.no_fnmatch_line("flaky:*")
    assert rows(suite.path / ".test-history.db", "SELECT outcome FROM results ORDER BY run_id") == [
        ("passed",),
        ("server error",),
    ]


SERVER_SUITE = """
import socket
import pytest
from suite_toolkit.servers import Server

THING = Server("Thing", "127.0.0.1", {port}, "THING_URL", "make thing-up", hello=b"", recognises=lambda reply: True,
               is_authentication_error=lambda error: False)

@pytest.fixture
def thing():
    connection = THING.connect(lambda: socket.create_connection(("127.0.0.1", {port}), timeout=1))
    yield
    connection.close()

def test_uses_the_server(thing):
    pass
"""


def test_a_session_fixtures_setup_landing_on_another_first_test_is_no_regression(suite, monkeypatch) -> None:
    for _ in range(3):  # test_steady runs first and pays the setup: 2 s
        run(suite, monkeypatch, FIRST_SETUP="2.0").assert_outcomes(passed=3)

    reversed_order = run(suite, monkeypatch, FIRST_SETUP="2.0", REVERSED="1")  # test_flaky pays it now

    reversed_order.stdout.fnmatch_lines(["no regression, no flaky test"])
    first_setups = rows(suite.path / ".test-history.db", "SELECT nodeid, setup FROM results WHERE setup > 0")
    assert [nodeid.split("::")[1] for nodeid, _ in first_setups] == ["test_steady"] * 3 + ["test_flaky"]


def test_runs_under_xdist_are_compared_with_runs_under_xdist(suite, monkeypatch) -> None:
    for _ in range(5):
        run(suite, monkeypatch).assert_outcomes(passed=3)
    monkeypatch.setenv("XDIST_SLOWER", "10")  # each test 10x slower with two workers on the machine

    first_parallel = suite.runpytest_subprocess("-p", "xdist", "-n", "2")
    for _ in range(2):
        suite.runpytest_subprocess("-p", "xdist", "-n", "2").assert_outcomes(passed=3)
    monkeypatch.setenv("SLOW_SECONDS", "0.9")
    suite.runpytest_subprocess("-p", "xdist", "-n", "2").assert_outcomes(passed=3)  # once: noise, maybe
    slowed_down = suite.runpytest_subprocess("-p", "xdist", "-n", "2")

    first_parallel.stdout.fnmatch_lines(
        ["run 6 recorded in .test-history.db: 3 tests, xdist 2, full", "no regression*"]
    )
    slowed_down.stdout.fnmatch_lines(["regression: tests/unit/test_suite.py::test_slowed_down 9.00s, baseline 2.00s*"])
    assert "test_steady" not in slowed_down.stdout.str().split("test analytics")[-1]


@pytest.mark.parametrize(
    ("args", "selection"),
    [
        ((), "full"),
        (("tests",), "full"),
        (("tests/unit/test_suite.py",), "partial"),
        (("tests/unit/test_suite.py::test_steady",), "partial"),
        (("-k", "steady"), "partial"),
        (("-m", "unit"), "partial"),
        (("-p", "pytest_split.plugin", "--splits", "2", "--group", "1"), "shard 1/2"),
    ],
)
def test_each_run_is_recorded_with_its_kind(suite, monkeypatch, args: tuple[str, ...], selection: str) -> None:
    suite.makeini("[pytest]\ntiers = tests/unit\ntestpaths = tests\n")

    run(suite, monkeypatch, *args)

    recorded = rows(suite.path / ".test-history.db", "SELECT mode, selection, kind FROM runs")
    kind = f"serial, {'shards of 2' if selection.startswith('shard') else selection}"
    assert recorded == [("serial", selection, kind)]


def test_a_test_that_fails_after_a_code_change_is_not_flaky(suite, monkeypatch) -> None:
    run(suite, monkeypatch).assert_outcomes(passed=3)
    test_file = suite.path / "tests" / "unit" / "test_suite.py"
    test_file.write_text(SUITE.replace('!= "1"', '!= "0"'), encoding="utf-8")

    result = run(suite, monkeypatch, FLAKY_FAILS="0")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["no regression, no flaky test"])


def test_the_code_is_what_analytics_code_names(suite, monkeypatch) -> None:
    suite.makeini("[pytest]\nanalytics_code = mypackage\n")  # a flat layout: the tests are not "the code"
    run(suite, monkeypatch).assert_outcomes(passed=3)
    test_file = suite.path / "tests" / "unit" / "test_suite.py"
    test_file.write_text(SUITE.replace('!= "1"', '!= "0"'), encoding="utf-8")

    result = run(suite, monkeypatch, FLAKY_FAILS="0")

    result.stdout.fnmatch_lines(["flaky: tests/unit/test_suite.py::test_flaky passed and failed on the same code*"])


def test_speed_markers_come_from_the_measured_baselines(suite, monkeypatch) -> None:
    unmeasured = run(suite, monkeypatch, "-m", "not medium and not slow", "--co", "-q")
    unmeasured.stdout.fnmatch_lines(["3 tests collected*"])
    run(suite, monkeypatch, SLOW_SECONDS="1.5").assert_outcomes(passed=3)

    fast = run(suite, monkeypatch, "-m", "fast", "--co", "-q")
    slow = run(suite, monkeypatch, "-m", "slow", "--co", "-q")

    fast.stdout.fnmatch_lines(["*test_steady", "*test_flaky", "2/3 tests collected (1 deselected)*"])
    slow.stdout.fnmatch_lines(["*test_slowed_down", "1/3 tests collected (2 deselected)*"])


def test_no_analytics_records_and_marks_nothing(suite, monkeypatch) -> None:
    result = run(suite, monkeypatch, "--no-analytics")

    result.assert_outcomes(passed=3)
    assert not (suite.path / ".test-history.db").exists()
    assert "test analytics" not in result.stdout.str()


@pytest.mark.parametrize("where", ["option", "setting"])
def test_the_history_file_can_be_moved(suite, monkeypatch, where: str) -> None:
    if where == "setting":
        suite.makeini("[pytest]\nanalytics_file = elsewhere.db\n")
    args = ("--analytics-file", "elsewhere.db") if where == "option" else ()

    run(suite, monkeypatch, *args).assert_outcomes(passed=3)

    assert rows(suite.path / "elsewhere.db", "SELECT COUNT(*) FROM results") == [(3,)]
    assert not (suite.path / ".test-history.db").exists()


def test_under_xdist_the_controller_writes_one_run_with_each_workers_tests(suite) -> None:
    result = suite.runpytest_subprocess("-p", "xdist", "-n", "2")

    result.assert_outcomes(passed=3)
    history = suite.path / ".test-history.db"
    assert rows(history, "SELECT COUNT(*) FROM runs") == [(1,)]
    assert {worker for (worker,) in rows(history, "SELECT worker FROM results")} <= {"gw0", "gw1"}
    assert rows(history, "SELECT tier, COUNT(*) FROM results GROUP BY tier") == [("unit", 3)]
    assert rows(history, "SELECT round(call, 3) FROM results ORDER BY nodeid") == [(0.001,), (0.2,), (0.05,)]


def test_a_history_in_a_folder_that_does_not_exist_yet_is_created_there(suite, monkeypatch) -> None:
    suite.makeini("[pytest]\nanalytics_file = build/history/tests.db\n")

    result = run(suite, monkeypatch)

    result.stdout.fnmatch_lines(["run 1 recorded in build/history/tests.db: 3 tests, *"])
    assert rows(suite.path / "build" / "history" / "tests.db", "SELECT COUNT(*) FROM results") == [(3,)]


def test_an_interrupted_run_records_nothing(suite) -> None:
    interrupts = suite.path / "tests" / "unit" / "test_interrupts.py"
    interrupts.write_text("def test_stop():\n    raise KeyboardInterrupt\n")

    result = suite.runpytest_subprocess()  # in process, the interrupt would stop this run too

    result.stdout.fnmatch_lines(["nothing recorded: the run ended early (interrupted)"])
    assert not (suite.path / ".test-history.db").exists()


@pytest.mark.parametrize(("value", "shown"), [(0.2, "0.20s"), (0.01, "0.01s"), (0.0042, "4.2ms"), (0.0, "0.0ms")])
def test_short_durations_are_shown_in_milliseconds(value: float, shown: str) -> None:
    assert seconds(value) == shown
