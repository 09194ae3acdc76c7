"""suite-retrofit's first steps on a flat suite run once: ``observe`` records what each test does (connections,
clients, subprocesses, sleeps, files written, outcomes, fixtures), and the plan made from that observation gives
each file its tier and evidence, proposes splits and shared fixtures, and reads back as written or as edited by
hand."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from suite_toolkit.retrofit import OBSERVED
from suite_toolkit.retrofit.observe import observe
from suite_toolkit.retrofit.plan import make_plan
from suite_toolkit.retrofit.plan_file import FileRow, Plan

# One test per thing a test can do, in a flat folder with a numbered name, a fixture copied into two files (the
# docstring aside) and one with the same shape but another body; testmon on by the project's addopts.
SUITE = {
    "pytest.ini": "[pytest]\naddopts = --testmon\n",
    "tests/test_01_server.py": '''
import socket
import socketserver
import threading

import pytest


@pytest.fixture
def settings():
    """The settings of the server tests."""
    return {"name": "demo"}


def test_connects_to_a_server_it_starts():
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as server:
        threading.Thread(target=server.handle_request, daemon=True).start()
        socket.create_connection(server.server_address, timeout=5).close()


def test_plain(settings):
    assert settings["name"] == "demo"
''',
    "tests/test_local_socket.py": """
import socket
import socketserver
import threading


def test_connects_over_a_unix_socket(tmp_path):
    with socketserver.UnixStreamServer(str(tmp_path / "server.sock"), socketserver.BaseRequestHandler) as server:
        threading.Thread(target=server.handle_request, daemon=True).start()
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(server.server_address)
""",
    "tests/test_storage.py": """
import sqlite3
from pathlib import Path

import pytest


@pytest.fixture
def settings():
    return {"name": "demo"}


@pytest.fixture
def limit():
    return 1


def test_sqlite(settings, limit):
    sqlite3.connect(":memory:").close()


def test_writes_into_the_project():
    (Path(__file__).parents[1] / "written.txt").write_text("x")


def test_writes_into_tmp_path(tmp_path):
    (tmp_path / "out.txt").write_text("x")
""",
    "tests/test_tools.py": """
import subprocess
import sys
import unittest

import pytest


@pytest.fixture
def limit():
    return 2


def test_runs_python(limit):
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_fails():
    assert 1 == 2


class Arithmetic(unittest.TestCase):
    def test_adds(self):
        self.assertEqual(1 + 1, 2)
""",
    "tests/test_waiting.py": """
import time


def test_waits():
    time.sleep(0.3)
""",
}


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("flat")
    for name, text in SUITE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def observed(suite: Path) -> dict:
    return observe(suite, ["-q"])


def test_it_records_the_connection_a_test_makes(observed: dict) -> None:
    test = observed["tests"]["tests/test_01_server.py::test_connects_to_a_server_it_starts"]

    [(host, port)] = test["connections"]
    assert (host, port > 0, test["clients"], test["outcome"]) == ("127.0.0.1", True, [], "passed")
    assert observed["tests"]["tests/test_01_server.py::test_plain"]["connections"] == []


def test_a_connection_over_a_unix_socket_is_a_connection_and_makes_integration(observed: dict, plan: Plan) -> None:
    test = observed["tests"]["tests/test_local_socket.py::test_connects_over_a_unix_socket"]

    assert test["connections"] == [["unix:server.sock", 0]]
    assert (row(plan, "tests/test_local_socket.py").tier, row(plan, "tests/test_local_socket.py").evidence) == (
        "integration", "opens unix:server.sock in 1 of 1 test"
    )  # fmt: skip


def test_it_records_sqlite_a_subprocess_and_a_sleep(observed: dict) -> None:
    tests = observed["tests"]

    assert tests["tests/test_storage.py::test_sqlite"]["clients"] == ["sqlite"]
    assert tests["tests/test_tools.py::test_runs_python"]["subprocesses"] == [f"{sys.executable} -c pass"]
    assert tests["tests/test_waiting.py::test_waits"]["sleeps"] == pytest.approx(0.3)
    assert tests["tests/test_waiting.py::test_waits"]["seconds"] >= 0.3


def test_it_records_files_written_outside_the_temporary_folders(observed: dict) -> None:
    tests = observed["tests"]

    assert tests["tests/test_storage.py::test_writes_into_the_project"]["writes"] == ["written.txt"]
    assert tests["tests/test_storage.py::test_writes_into_tmp_path"]["writes"] == []


def test_it_records_outcomes_unittest_cases_and_fixtures(observed: dict) -> None:
    tests = observed["tests"]

    assert tests["tests/test_tools.py::test_fails"]["outcome"] == "failed"
    assert tests["tests/test_tools.py::Arithmetic::test_adds"]["outcome"] == "passed"
    assert "tmp_path" in tests["tests/test_storage.py::test_writes_into_tmp_path"]["fixtures"]
    assert "tmp_path" not in tests["tests/test_storage.py::test_writes_into_the_project"]["fixtures"]
    assert [(d["file"], d["line"]) for d in observed["fixtures"]["settings"]] == [
        ("tests/test_01_server.py", 9),
        ("tests/test_storage.py", 8),
    ]
    assert "tmp_path" not in observed["fixtures"]  # pytest's own


def test_the_run_changes_nothing_in_the_project_but_its_own_folder(suite: Path, observed: dict) -> None:
    written = {path.relative_to(suite).as_posix() for path in suite.rglob("*") if "__pycache__" not in path.parts}

    outside_its_folder = {path for path in written if not path.startswith(".suite-retrofit/")}

    assert outside_its_folder - set(SUITE) - {"tests"} == {".suite-retrofit", "written.txt"}  # the test wrote this
    assert {f"{OBSERVED}", ".suite-retrofit/.gitignore"} <= written


@pytest.fixture(scope="module")
def plan(suite: Path, observed: dict) -> Plan:
    return make_plan(suite, observed, [])


def row(plan: Plan, file: str) -> FileRow:
    return next(row for row in plan.files if row.file == file)


def test_a_file_with_one_test_that_connects_is_integration(plan: Plan) -> None:
    server = row(plan, "tests/test_01_server.py")

    assert (server.tier, server.moves_to) == ("integration", "tests/integration/test_server.py")
    assert server.evidence.startswith("opens 127.0.0.1:")
    assert server.evidence.endswith("in 1 of 2 tests")
    assert "- `tests/test_01_server.py` → `test_server.py`" in plan.notes


def test_the_split_of_a_file_with_tests_of_several_tiers_is_proposed(plan: Plan) -> None:
    mixed = plan.notes.split("## Files with tests of several tiers")[1].split("## ")[0]

    assert "- `tests/test_01_server.py` (integration)\n  - integration: `test_connects_to_a_server_it_starts`" in mixed
    assert "\n  - unit: `test_plain` (no connection, sleep or hypothesis)" in mixed
    assert "test_storage" not in mixed


def test_sleeping_makes_performance_and_the_rest_is_unit_with_its_evidence(plan: Plan) -> None:
    waiting, storage, tools = (row(plan, f"tests/test_{name}.py") for name in ("waiting", "storage", "tools"))
    python = Path(sys.executable).name

    assert (waiting.tier, waiting.evidence) == ("performance", "sleeps up to 0.3 s in 1 of 1 test")
    assert storage.tier == tools.tier == "unit"
    assert storage.evidence == "uses sqlite in 1 of 3 tests; writes written.txt in 1 of 3 tests"
    assert tools.evidence == f"starts {python} in 1 of 3 tests; failed (observed up to the failure) in 1 of 3 tests"


def test_a_fixture_copied_is_shared_and_one_with_another_body_listed(plan: Plan) -> None:
    [shared] = plan.shared_fixtures

    assert (shared.fixture, shared.defined_in) == ("settings", ("tests/test_01_server.py", "tests/test_storage.py"))
    assert shared.moves_to == "tests/fixtures/settings.py"
    assert "- `limit` in `tests/test_storage.py`, `tests/test_tools.py` → `tests/fixtures/limit.py`" in plan.notes


def test_the_plan_reads_back_as_written(plan: Plan) -> None:
    assert Plan.read(plan.markdown()) == plan


def test_a_hand_edited_plan_is_read_as_edited(plan: Plan) -> None:
    text = plan.markdown()
    text = text.replace(
        "| integration | `tests/integration/test_server.py` |", "| e2e | `tests/integration/test_server.py` |"
    )
    text = text.replace("`tests/unit/test_storage.py`", "`tests/unit/storage/test_sqlite.py`")
    text = "\n".join(line for line in text.splitlines() if "`tests/test_tools.py` |" not in line)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("| `settings` |"))

    edited = Plan.read(text)

    assert {row.file: (row.tier, row.moves_to) for row in edited.files} == {
        "tests/test_01_server.py": ("e2e", "tests/e2e/test_server.py"),
        "tests/test_storage.py": ("unit", "tests/unit/storage/test_sqlite.py"),
        "tests/test_waiting.py": ("performance", "tests/performance/test_waiting.py"),
        "tests/test_local_socket.py": ("integration", "tests/integration/test_local_socket.py"),
    }
    assert edited.shared_fixtures == []


def test_a_tier_the_tiers_table_lacks_is_refused(plan: Plan) -> None:
    text = plan.markdown().replace("| performance | `tests/performance", "| slow | `tests/performance")

    with pytest.raises(ValueError, match=r"tests/test_waiting\.py has the tier 'slow'"):
        Plan.read(text)
