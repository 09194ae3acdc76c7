"""The flat suite that ``suite-retrofit apply`` moves into tiers, as many projects have one (a fixture defined
twice, a test module importing another, a test that connects); the git commands the apply tests run; a digest of
a working tree, to show that nothing changed."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

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


def git(root: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=root, check=True, capture_output=True, text=True).stdout


def commit(root: Path, message: str) -> None:
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", message)


def digest(root: Path) -> dict[str, str]:
    """Every file of the working tree but git's own, tracked or not, with a hash of its content."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }
