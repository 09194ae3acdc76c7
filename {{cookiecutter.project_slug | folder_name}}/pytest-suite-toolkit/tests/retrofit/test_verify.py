"""The verification of a move (``differences`` between the observations before and after it), and
``suite-retrofit apply`` as a user types it on the flat suite of ``flat_suite.py``: a plan edited by hand applied
and verified, the working tree put back exactly when the verification fails or the suite does not run, the plan's
pytest arguments used again, and what it cannot start from refused in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flat_suite import PYPROJECT, digest, git
from suite_toolkit.retrofit.__main__ import main
from suite_toolkit.retrofit.verify import differences


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
