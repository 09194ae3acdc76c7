"""``apply`` on the flat suite of ``flat_suite.py``, in a real git repository: files moved with their history into
tier folders, a fixture defined twice shared, imports of moved modules renamed, a conftest per tier, the settings
written where pytest reads them; a plan that cannot be carried out changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flat_suite import PYPROJECT, SERVER_TESTS, commit, digest, git
from suite_toolkit.retrofit.apply import UNIT_CONFTEST, apply
from suite_toolkit.retrofit.changes import Applied, PlanError, SharedFixture
from suite_toolkit.retrofit.pytest_settings import write_toml

TIERS = ["tests/unit: fast, isolated tests", "tests/integration: components together on real servers"]

MOVES = {
    "tests/test_01_database.py": "tests/unit/test_database.py",
    "tests/test_02_queue.py": "tests/unit/test_queue.py",
    "tests/test_server.py": "tests/integration/test_server.py",
}
RECORDS = SharedFixture("records", ("tests/test_01_database.py", "tests/test_02_queue.py"), "tests/fixtures/records.py")


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
        "--color=no",  # the output is read, and the CI of a generated project sets FORCE_COLOR
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
