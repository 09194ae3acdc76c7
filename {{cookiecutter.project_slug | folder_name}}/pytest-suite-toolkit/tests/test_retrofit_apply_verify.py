"""``suite-retrofit apply`` and its verification, on a flat suite in a real git repository."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from suite_toolkit.retrofit.__main__ import main
from suite_toolkit.retrofit.apply import UNIT_CONFTEST, apply
from suite_toolkit.retrofit.changes import Applied, PlanError, SharedFixture
from suite_toolkit.retrofit.pytest_settings import write_toml
from suite_toolkit.retrofit.verify import differences

TIERS = ["tests/unit: fast, isolated tests", "tests/integration: components together on real servers"]

DATABASE_TESTS = '''\
from pathlib import Path

import pytest

LIMIT = 2


@pytest.fixture
def records(tmp_path: Path) -> list[str]:
    """Two records, written where the test may look."""
    (tmp_path / "records").write_text("a\\nb")
    return ["a", "b"]


def test_records_stay_within_the_limit(records):
    assert len(records) == LIMIT


def test_records_are_written_where_the_test_looks(records, tmp_path: Path):
    assert (tmp_path / "records").read_text().split() == records


def test_records_come_in_order(records):
    assert records == sorted(records)


def test_no_record_is_empty(records):
    assert all(records)
'''

QUEUE_TESTS = '''\
from pathlib import Path

import pytest

from tests.test_01_database import LIMIT


@pytest.fixture
def records(tmp_path: Path) -> list[str]:
    """Two records, written where the test may look."""
    (tmp_path / "records").write_text("a\\nb")
    return ["a", "b"]


def test_the_queue_takes_every_record(records):
    assert records[:LIMIT] == ["a", "b"]
'''

SERVER_TESTS = """\
import socket


def test_the_server_answers():
    with socket.create_server(("127.0.0.1", 0)) as server:
        with socket.create_connection(server.getsockname()) as client:
            assert client.getpeername() == server.getsockname()
"""

PYPROJECT = """\
[project]
name = "flat"  # a flat suite, as many projects have one

[tool.pytest.ini_options]
# Only the tests folder: the project's scripts are not tests.
testpaths = ["tests"]
"""

MOVES = {
    "tests/test_01_database.py": "tests/unit/test_database.py",
    "tests/test_02_queue.py": "tests/unit/test_queue.py",
    "tests/test_server.py": "tests/integration/test_server.py",
}
RECORDS = SharedFixture("records", ("tests/test_01_database.py", "tests/test_02_queue.py"), "tests/fixtures/records.py")


def git(root: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=root, check=True, capture_output=True, text=True).stdout


def commit(root: Path, message: str) -> None:
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", message)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A flat suite, committed: a fixture defined twice, a test module importing another, a test that connects."""
    root = tmp_path / "flat"
    files = {
        "pyproject.toml": PYPROJECT,
        "tests/__init__.py": "",
        "tests/test_01_database.py": DATABASE_TESTS,
        "tests/test_02_queue.py": QUEUE_TESTS,
        "tests/test_server.py": SERVER_TESTS,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "init", "--quiet")
    git(root, "add", ".")
    commit(root, "the flat suite")
    (root / "notes.txt").write_text("the user's own untracked file\n")
    return root


def digest(root: Path) -> dict[str, str]:
    """Every file of the working tree but git's own, tracked or not, with a hash of its content."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def run_pytest(root: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    environment.pop("PYTEST_ADDOPTS", None)
    environment.pop("PYTEST_PLUGINS", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::pytest.PytestConfigWarning",
    ]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, env=environment)


def test_files_move_with_their_history_and_the_suite_runs_from_its_tiers(project: Path) -> None:
    apply(project, MOVES, [RECORDS], TIERS)

    staged = git(project, "diff", "--staged", "--name-status", "-M").splitlines()
    assert "R100\ttests/test_server.py\ttests/integration/test_server.py" in staged
    commit(project, "into tiers")
    for moved in ("tests/unit/test_database.py", "tests/integration/test_server.py"):
        history = git(project, "log", "--follow", "--format=%s", "--", moved)
        assert history.splitlines() == ["into tiers", "the flat suite"]
    assert not (project / "tests/test_01_database.py").exists()
    assert (project / "tests/unit/__init__.py").is_file()  # tests/ is a package: so are its new folders
    assert (project / "tests/integration/__init__.py").is_file()
    done = run_pytest(project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout


def test_a_fixture_defined_twice_is_defined_once_and_loaded_by_the_root_conftest(project: Path) -> None:
    apply(project, MOVES, [RECORDS], TIERS)

    shared = (project / "tests/fixtures/records.py").read_text()
    assert shared.count("def records(") == 1
    assert (
        '"""\n\nfrom pathlib import Path\nimport pytest\n\n\n@pytest.fixture\n' in shared
    )  # the imports its body uses, and only those
    assert '"""Two records, written where the test may look."""' in shared
    for moved in ("tests/unit/test_database.py", "tests/unit/test_queue.py"):
        assert "def records(" not in (project / moved).read_text()
        assert "\n\n\n\n" not in (project / moved).read_text()
    assert (project / "tests/fixtures/__init__.py").is_file()
    assert 'pytest_plugins = [\n    "tests.fixtures.records",\n]' in (project / "tests/conftest.py").read_text()


def test_an_import_of_a_moved_test_module_names_its_new_place(project: Path) -> None:
    apply(project, MOVES, [], TIERS)

    assert "from tests.unit.test_database import LIMIT\n" in (project / "tests/unit/test_queue.py").read_text()


def test_each_tier_gets_a_conftest_and_the_unit_tier_refuses_the_network(project: Path) -> None:
    apply(project, MOVES, [], TIERS)

    assert (project / "tests/unit/conftest.py").read_text() == UNIT_CONFTEST
    integration = (project / "tests/integration/conftest.py").read_text()
    assert integration.startswith('"""Integration tier: components together on real servers.')
    (project / "tests/unit/test_connects.py").write_text(SERVER_TESTS)
    done = run_pytest(project)
    assert "1 failed, 6 passed" in done.stdout, done.stdout
    assert "unit tests must not connect to" in done.stdout


def test_the_settings_join_pyproject_toml_with_its_comments_kept(project: Path) -> None:
    apply(project, MOVES, [], [*TIERS, "tests/e2e: the service from outside"])

    assert (project / "pyproject.toml").read_text() == PYPROJECT.replace(
        'testpaths = ["tests"]\n',
        'testpaths = ["tests"]\n'
        "# pytest-suite-toolkit: a marker per tier, from the folder a test lives in\n"
        'tiers = [\n    "tests/unit: fast, isolated tests",\n'
        '    "tests/integration: components together on real servers",\n]\n',
    )  # testpaths still finds every tier, and no folder without a file is a tier


@pytest.mark.parametrize("after", ["", '\n[build-system]\nrequires = ["hatchling"]\n'])
def test_a_pytest_table_added_to_pyproject_toml_is_set_apart_by_a_blank_line(tmp_path: Path, after: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "flat"\n\n[tool.ruff]\nline-length = 100\n{after}')

    write_toml(pyproject, {"testpaths": ["tests"]}, Applied({}, []))

    added = '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
    assert pyproject.read_text() == f'[project]\nname = "flat"\n\n[tool.ruff]\nline-length = 100\n\n{added}{after}'


def test_settings_in_pytest_ini_are_written_there(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "flat"\n')
    (project / "pytest.ini").write_text("[pytest]\n# ours\ntestpaths = tests/test_server.py\n\n[other]\nx = 1\n")
    git(project, "add", ".")
    commit(project, "pytest.ini")

    apply(project, MOVES, [], TIERS)

    assert (project / "pytest.ini").read_text() == (
        "[pytest]\n# ours\ntestpaths = tests/integration/test_server.py\n"
        "tiers =\n    tests/unit: fast, isolated tests\n    tests/integration: components together on real servers\n"
        "\n[other]\nx = 1\n"
    )
    assert (project / "pyproject.toml").read_text() == '[project]\nname = "flat"\n'


def test_a_working_tree_with_changes_is_refused_naming_what_changed(project: Path) -> None:
    (project / "tests/test_server.py").write_text(SERVER_TESTS + "\n# edited\n")
    before = digest(project)

    with pytest.raises(PlanError, match=r"changes to tracked files .*: M tests/test_server.py$"):
        apply(project, MOVES, [RECORDS], TIERS)
    assert digest(project) == before


@pytest.mark.parametrize(
    ("moves", "fixtures", "said"),
    [
        ({"tests/test_gone.py": "tests/unit/test_gone.py"}, [], "moves tests/test_gone.py, which does not exist"),
        (
            {"tests/test_server.py": "tests/test_02_queue.py"},
            [],
            "moves tests/test_server.py to tests/test_02_queue.py, which exists already",
        ),
        (
            {},
            [SharedFixture("nothing", ("tests/test_server.py",), "tests/fixtures/n.py")],
            "tests/test_server.py does not define",
        ),
    ],
    ids=["missing-file", "destination-exists", "fixture-not-there"],
)
def test_a_plan_that_cannot_be_carried_out_changes_nothing(project: Path, moves, fixtures, said) -> None:
    before = digest(project)

    with pytest.raises(PlanError, match=said):
        apply(project, {**MOVES, **moves}, fixtures, TIERS)
    assert digest(project) == before
    assert git(project, "status", "--porcelain") == "?? notes.txt\n"


def observation(outcomes: dict[str, str], connections: dict[str, list] | None = None) -> dict:
    tests = {
        nodeid: {
            "file": nodeid.partition("::")[0],
            "outcome": outcome,
            "connections": (connections or {}).get(nodeid, []),
        }
        for nodeid, outcome in outcomes.items()
    }
    return {"version": 1, "tests": tests, "fixtures": {}}


def test_the_same_tests_with_the_same_outcomes_after_the_move_are_no_difference() -> None:
    before = observation({"tests/test_a.py::test_x": "passed", "tests/test_a.py::T::test_y[1]": "failed"})
    after = observation({"tests/unit/test_a.py::test_x": "passed", "tests/unit/test_a.py::T::test_y[1]": "failed"})

    assert differences(before, after, {"tests/test_a.py": "tests/unit/test_a.py"}, "tests/unit") == []


def test_every_difference_is_one_line() -> None:
    before = observation({"tests/test_a.py::test_x": "passed", "tests/test_a.py::test_gone": "passed"})
    after = observation(
        {"tests/unit/test_a.py::test_x": "failed", "tests/unit/test_a.py::test_new": "skipped"},
        {"tests/unit/test_a.py::test_x": [["127.0.0.1", 6379]]},
    )

    assert differences(before, after, {"tests/test_a.py": "tests/unit/test_a.py"}, "tests/unit") == [
        "outcome changed: tests/unit/test_a.py::test_x: passed before, failed after",
        "missing after the move: tests/unit/test_a.py::test_gone (passed before)",
        "new after the move: tests/unit/test_a.py::test_new (skipped)",
        "a unit test connects: tests/unit/test_a.py::test_x to 127.0.0.1:6379",
    ]


PLAN_BY_HAND = """\
# Test suite retrofit plan, edited by hand

## Tiers

| Folder | Description |
|---|---|
| `tests/unit` | fast, isolated tests |
| `tests/integration` | components together on real servers |

## Files

| File | Tier | Moves to | Evidence |
|---|---|---|---|
| `tests/test_01_database.py` | unit | `tests/unit/test_database.py` | nothing but the tests' own folder |
| `tests/test_02_queue.py` | unit | `tests/unit/test_queue.py` | nothing |
| `tests/test_server.py` | {server_tier} | `tests/{server_tier}/test_server.py` | opens 127.0.0.1 |

## Shared fixtures

| Fixture | Defined in | Moves to |
|---|---|---|
| `records` | `tests/test_01_database.py`, `tests/test_02_queue.py` | `tests/fixtures/records.py` |
"""


def retrofit(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The command as a user types it, in the project's root."""
    command = [str(Path(sys.executable).with_name("suite-retrofit")), *arguments]
    return subprocess.run(command, cwd=root, capture_output=True, text=True)


def test_a_plan_edited_by_hand_is_applied_and_verified(project: Path) -> None:
    assert retrofit(project, "plan").returncode == 0
    (project / "retrofit-plan.md").write_text(PLAN_BY_HAND.format(server_tier="integration"))

    done = retrofit(project, "apply")

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == (
        "Verified: 6 tests, the same outcomes; 3 files moved, 1 fixture shared. The changes are staged for you to "
        "review (git diff --staged) and commit"
    )
    staged = git(project, "diff", "--staged", "--name-only").split()
    assert {"tests/unit/test_database.py", "tests/fixtures/records.py", "tests/unit/conftest.py"} <= set(staged)


def test_a_verification_that_fails_puts_the_tree_back_exactly(project: Path) -> None:
    assert retrofit(project, "plan").returncode == 0
    (project / "retrofit-plan.md").write_text(PLAN_BY_HAND.format(server_tier="unit"))  # a test that connects
    before = digest(project)
    status = git(project, "status", "--porcelain")

    done = retrofit(project, "apply")

    assert done.returncode == 1
    assert done.stdout.splitlines()[-2:] == [
        "outcome changed: tests/unit/test_server.py::test_the_server_answers: passed before, failed after",
        "Put back: the working tree is as it was before apply",
    ]
    assert digest(project) == before  # the observation of before and the user's untracked file included
    assert git(project, "status", "--porcelain") == status


def test_apply_runs_the_suite_with_the_pytest_arguments_the_plan_was_made_with(project: Path) -> None:
    assert retrofit(project, "plan", "--", "-k", "not test_no_record_is_empty").returncode == 0

    done = retrofit(project, "apply")  # no arguments: without the plan's -k, one test would be new after the move

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Verified: 5 tests, the same outcomes" in done.stdout


def test_a_suite_that_does_not_run_after_the_move_is_put_back(project: Path) -> None:
    assert retrofit(project, "plan").returncode == 0
    (project / "retrofit-plan.md").write_text(PLAN_BY_HAND.format(server_tier="integration"))
    before = digest(project)

    done = retrofit(project, "apply", "--", "tests/test_server.py")  # a path the move takes away

    assert done.returncode == 1
    assert "pytest did not run the suite to the end (exit status 4)" in done.stdout
    assert done.stdout.splitlines()[-1] == "Put back: the working tree is as it was before apply"
    assert digest(project) == before


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            lambda root: (root / "retrofit-plan.md").unlink(),
            "retrofit-plan.md: no such plan (suite-retrofit plan writes one)",
        ),
        (
            lambda root: (root / "retrofit-plan.md").write_text(PLAN_BY_HAND.format(server_tier="e2e")),
            "retrofit-plan.md: tests/test_server.py has the tier 'e2e', which the Tiers table does not list",
        ),
        (
            lambda root: (root / "retrofit-plan.md").write_text(
                PLAN_BY_HAND.format(server_tier="unit").replace("_02_queue.py` |", "_2.py` |")
            ),
            "the plan moves tests/test_2.py, which does not exist",
        ),
        (
            lambda root: (root / "tests/integration").mkdir() or (root / "tests/integration/test_server.py").touch(),
            "the plan moves tests/test_server.py to tests/integration/test_server.py, which exists already",
        ),
        (
            lambda root: (root / "pyproject.toml").write_text(PYPROJECT + "# edited\n"),
            "the working tree has changes to tracked files (commit or stash them first): M pyproject.toml",
        ),
    ],
    ids=["no-plan", "table-does-not-parse", "file-missing", "destination-exists", "tree-with-changes"],
)
def test_apply_refuses_what_it_cannot_start_from_in_one_line(project: Path, monkeypatch, capsys, change, said) -> None:
    (project / "retrofit-plan.md").write_text(PLAN_BY_HAND.format(server_tier="integration"))
    (project / ".suite-retrofit").mkdir()
    (project / ".suite-retrofit/observed.json").write_text('{"version": 1, "tests": {}, "fixtures": {}}')
    change(project)
    before = digest(project)
    monkeypatch.chdir(project)

    assert main(["apply"]) == 2
    assert capsys.readouterr().err == f"suite-retrofit: {said}; nothing was changed\n"
    assert digest(project) == before
