"""What pytest-testmon cannot trace, selected again: a small project (``testmon_project.py``), recorded once with
``--testmon``, then changed one way at a time (a constant, a dict, a class attribute, a default value, a decorator, a
function run while a test module is collected, a data file read by a test, a corpus read at collection, a function
body for testmon itself, code run in processes the tests start, a settings value). For each change: the tests that
fail in a full run must be among those the affected-only run executes. Also: the plugin is on only while testmon
records or selects."""

from __future__ import annotations

import re
import shutil

import pytest
from testmon_project import CONFTEST, CORE, PROCESS_TESTS, SETTINGS, TESTS, TOOL

ALL = 15  # the tests of the project
MUTATIONS = {  # id: (file, old, new, the tests the affected-only run may run at most)
    "module-constant": ("pkg/core.py", "LIMIT = 3", "LIMIT = 4", 7),
    "module-dict": ("pkg/core.py", '"a": 1', '"a": 5', 7),
    "class-attribute": ("pkg/core.py", "SIZE = 10", "SIZE = 11", 7),
    "default-argument": ("pkg/core.py", 'name="world"', 'name="you"', 7),
    "decorator": ("pkg/core.py", "@functools.lru_cache\n", "", 7),
    "run-at-collection": ("pkg/core.py", '["a", "b"]}', '["a"]}', 12),
    "data-in-a-test": ("tests/data/case.json", "3", "4", 1),
    "data-at-collection": ("tests/data/corpus.txt", "x", "x y", 13),
    "function-body": ("pkg/core.py", "    return DOUBLE\n", "    return DOUBLE + 1\n", 1),
    "code-in-a-process": ("pkg/tool.py", "text.upper()", "text.lower()", 3),
    "one-settings-key": ("config/app.json", '"attempts": 2', '"attempts": 3', 1),
    "code-only-a-process-runs": ("pkg/tool.py", "print(shout(line.strip()), flush=True)", 'print("?", flush=True)', 2),
}
TESTMON = ("-p", "testmon.pytest_testmon", "-rA")
OUTCOME = re.compile(r"^(PASSED|FAILED|ERROR) (\S+)", re.MULTILINE)


@pytest.fixture
def recorded(pytester: pytest.Pytester) -> pytest.Pytester:
    """The project, with testmon's data (and this plugin's) recorded by a first run."""
    pytester.mkpydir("pkg").joinpath("core.py").write_text(CORE)
    pytester.path.joinpath("pkg", "tool.py").write_text(TOOL)
    pytester.mkpydir("tests").joinpath("test_core.py").write_text(TESTS)
    pytester.path.joinpath("tests", "conftest.py").write_text(CONFTEST)
    pytester.mkdir("config").joinpath("app.json").write_text(SETTINGS)
    pytester.makeini("[pytest]\ntestmon_settings = config/*.json\n")
    pytester.path.joinpath("tests", "test_processes.py").write_text(PROCESS_TESTS)
    pytester.mkdir("tests/data")
    pytester.path.joinpath("tests", "data", "case.json").write_text('{"expected": 3}')
    pytester.path.joinpath("tests", "data", "corpus.txt").write_text("x")
    pytester.runpytest_subprocess(*TESTMON, "--testmon").assert_outcomes(passed=ALL)
    return pytester


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    return {nodeid: outcome for outcome, nodeid in OUTCOME.findall(result.stdout.str())}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_a_change_selects_every_test_it_breaks(recorded: pytest.Pytester, mutation: str) -> None:
    file, old, new, at_most = MUTATIONS[mutation]
    path = recorded.path / file
    data = [path for path in recorded.path.glob(".testmondata*")]
    saved = recorded.path / "saved"
    saved.mkdir()
    for each in data:
        shutil.copy(each, saved)
    path.write_text(path.read_text().replace(old, new, 1))
    shutil.rmtree(path.parent / "__pycache__", ignore_errors=True)  # same size, same second: Python would trust it

    full = outcomes(recorded.runpytest_subprocess(*TESTMON, "--no-testmon"))
    for each in saved.iterdir():
        shutil.copy(each, recorded.path)  # the data as recorded before the change
    affected = outcomes(recorded.runpytest_subprocess(*TESTMON, "--testmon"))

    failing = {nodeid for nodeid, outcome in full.items() if outcome != "PASSED"}
    assert failing, "the change breaks no test: it proves nothing"
    assert failing <= affected.keys(), f"missed: {sorted(failing - affected.keys())}"
    assert len(affected) <= at_most, sorted(affected)


def test_code_run_by_processes_the_tests_start_is_followed_under_xdist(recorded: pytest.Pytester) -> None:
    xdist = ("-p", "xdist", "-n", "2")
    for data in recorded.path.glob(".testmondata*"):
        data.unlink()  # recorded anew by xdist's workers
    recorded.runpytest_subprocess(*TESTMON, *xdist, "--testmon").assert_outcomes(passed=ALL)
    tool = recorded.path / "pkg" / "tool.py"
    tool.write_text(tool.read_text().replace("text.upper()", "text.lower()"))
    shutil.rmtree(tool.parent / "__pycache__", ignore_errors=True)

    result = recorded.runpytest_subprocess(*TESTMON, *xdist, "--testmon")

    assert outcomes(result) == {
        "tests/test_processes.py::test_a_tool_in_a_process": "FAILED",
        "tests/test_processes.py::test_a_server_once": "FAILED",
        "tests/test_processes.py::test_a_server_twice": "FAILED",
    }


def test_a_process_killed_mid_test_still_counts(pytester: pytest.Pytester) -> None:
    """SIGKILL: the process's log has no end, and what it wrote before it died is what it ran."""
    pytester.mkpydir("pkg").joinpath("tool.py").write_text(TOOL)
    pytester.makepyfile(
        test_kill="""
        import subprocess, sys

        def test_killed():
            process = subprocess.Popen([sys.executable, "-m", "pkg.tool", "--serve"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True)
            process.stdin.write("a\\n")
            process.stdin.flush()
            assert process.stdout.readline() == "A\\n"
            process.kill()
            process.wait()
        """
    )
    pytester.runpytest_subprocess(*TESTMON, "--testmon").assert_outcomes(passed=1)
    tool = pytester.path / "pkg" / "tool.py"
    tool.write_text(tool.read_text().replace("text.upper()", "text.lower()"))
    shutil.rmtree(tool.parent / "__pycache__", ignore_errors=True)

    result = pytester.runpytest_subprocess(*TESTMON, "--testmon")

    assert outcomes(result) == {"test_kill.py::test_killed": "FAILED"}


def test_everything_re_runs_every_test_for_an_import_time_change(recorded: pytest.Pytester) -> None:
    recorded.makeini("[pytest]\ntestmon_module_changes = everything\n")
    core = recorded.path / "pkg" / "core.py"
    core.write_text(core.read_text().replace("SIZE = 10", "SIZE = 11"))
    shutil.rmtree(core.parent / "__pycache__", ignore_errors=True)

    result = recorded.runpytest_subprocess(*TESTMON, "--testmon")

    assert len(outcomes(result)) == ALL
    result.stdout.fnmatch_lines(
        ["affected-only: *; testmon inputs: * more tests selected (import-time code changed in pkg/core.py)"]
    )


@pytest.mark.parametrize(("option", "active"), [("--testmon", True), ("--no-testmon", False), (None, False)])
def test_the_plugin_works_only_while_testmon_records_or_selects(
    pytester: pytest.Pytester, option: str | None, active: bool
) -> None:
    pytester.makepyfile(
        test_standing=f"""
        def test_the_inputs_plugin(request):
            plugin = request.config.pluginmanager.get_plugin("suite_toolkit.testmon_inputs")
            assert (plugin is not None) is {active}
        """
    )

    result = pytester.runpytest_subprocess(*TESTMON, *([option] if option else []))

    result.assert_outcomes(passed=1)


def test_an_unchanged_project_runs_nothing(recorded: pytest.Pytester) -> None:
    result = recorded.runpytest_subprocess(*TESTMON, "--testmon")

    assert outcomes(result) == {}


def test_a_setting_file_listed_in_testmon_inputs_re_runs_everything(recorded: pytest.Pytester) -> None:
    recorded.makeini("[pytest]\ntestmon_inputs = settings/*.toml\n")
    recorded.mkdir("settings")
    recorded.runpytest_subprocess(*TESTMON, "--testmon")
    recorded.path.joinpath("settings", "ci.toml").write_text("x = 1\n")

    result = recorded.runpytest_subprocess(*TESTMON, "--testmon")

    assert len(outcomes(result)) == ALL


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ('"attempts": 2, "delay": 1', "config/app.json changed: keys added or removed (retries.delay)"),
        ('"attempts": 9', "config/app.json changed, and it does not load"),
    ],
    ids=["a-key-added", "out-of-range"],
)
def test_a_settings_change_that_cannot_be_narrowed_re_runs_every_reader(
    recorded: pytest.Pytester, new: str, reason: str
) -> None:
    """Here the settings are read once, by the conftest: every test is a reader."""
    settings = recorded.path / "config" / "app.json"
    settings.write_text(SETTINGS.replace('"attempts": 2', new))

    result = recorded.runpytest_subprocess(*TESTMON, "--testmon")

    assert len(outcomes(result)) == ALL
    result.stdout.fnmatch_lines([f"affected-only: *; testmon inputs: * more tests selected ({reason})"])


def test_a_settings_value_re_runs_the_tests_that_name_its_key(recorded: pytest.Pytester) -> None:
    settings = recorded.path / "config" / "app.json"
    settings.write_text(SETTINGS.replace('"word": "hello"', '"word": "hi"'))

    result = recorded.runpytest_subprocess(*TESTMON, "--testmon")

    assert outcomes(result) == {"tests/test_core.py::test_greeting": "FAILED"}
    result.stdout.fnmatch_lines(
        [
            "affected-only: 1 of 15 tests run, 0 selected by pytest-testmon; testmon inputs: 1 more tests selected "
            "(config/app.json: greeting.word changed)",
            # test_core.py's 11 other tests (testmon does not even collect test_processes.py): the test put
            # back runs, and is not counted as deselected too
            "*= 1 failed, 11 deselected in *",
        ]
    )


@pytest.mark.parametrize(("code", "followed"), [("", True), ("tests", False)], ids=["every-file", "tests-only"])
def test_a_constant_imported_from_another_module_is_followed_where_testmon_code_says(
    recorded: pytest.Pytester, code: str, followed: bool
) -> None:
    """The miss testmon alone has: no test executes a line of consts.py, and core.limit() reads its LIMIT."""
    recorded.makeini(f"[pytest]\ntestmon_code = {code}\n" if code else "[pytest]\n")
    recorded.path.joinpath("pkg", "consts.py").write_text("LIMIT = 3\n")
    core = recorded.path / "pkg" / "core.py"
    core.write_text(core.read_text().replace("LIMIT = 3\n", "from pkg.consts import LIMIT\n"))
    recorded.runpytest_subprocess(*TESTMON, "--testmon")
    recorded.path.joinpath("pkg", "consts.py").write_text("LIMIT = 4\n")
    shutil.rmtree(core.parent / "__pycache__", ignore_errors=True)

    result = recorded.runpytest_subprocess(*TESTMON, "--testmon")

    assert (outcomes(result).get("tests/test_core.py::test_limit") == "FAILED") is followed
