"""The small project the testmon-inputs tests record with ``--testmon`` and then change: a package
(``pkg/core.py`` with import-time code of every kind, ``pkg/tool.py`` run in processes the tests start), its
tests, a conftest that reads ``config/app.json`` once, and the data files tests read (``tests/data/``)."""

CORE = """
import functools

LIMIT = 3
TABLE = {"a": 1, "b": 2}
DOUBLE = LIMIT * 2


def limit():
    return LIMIT


def lookup(key):
    return TABLE[key]


def double():
    return DOUBLE


class Box:
    SIZE = 10

    def size(self):
        return self.SIZE


def greet(name="world"):
    return f"hello {name}"


@functools.lru_cache
def cached():
    return [1]


def make_schema():
    return {"fields": ["a", "b"]}


def attempts(settings):
    return settings["retries"]["attempts"]
"""

SETTINGS = '{"retries": {"attempts": 2}, "greeting": {"word": "hello"}}'
CONFTEST = """
import json
from pathlib import Path

import pytest

SETTINGS = json.loads(Path(__file__).parent.parent.joinpath("config", "app.json").read_text())


@pytest.fixture
def settings():
    return SETTINGS


def pytest_suite_toolkit_settings_values(path):
    values = json.loads(path.read_text())
    if values["retries"]["attempts"] > 5:
        raise ValueError("retries.attempts: at most 5")
    return values
"""

TOOL = """
import sys


def shout(text):
    return text.upper()


def serve():
    for line in sys.stdin:
        print(shout(line.strip()), flush=True)


if __name__ == "__main__":
    serve() if sys.argv[1:] == ["--serve"] else print(shout(sys.argv[1]))
"""

TESTS = """
import json
from pathlib import Path

import pytest

from pkg import core

CASES = Path(__file__).parent.joinpath("data", "corpus.txt").read_text().split()


class TestSchema:
    SCHEMA = core.make_schema()

    def test_schema(self):
        assert self.SCHEMA["fields"] == ["a", "b"]


def test_limit():
    assert core.limit() == 3


def test_lookup():
    assert core.lookup("a") == 1


def test_double():
    assert core.double() == 6


def test_box():
    assert core.Box().size() == 10


def test_greet():
    assert core.greet() == "hello world"


def test_cached():
    assert core.cached() is core.cached()


def test_data():
    assert json.loads(Path(__file__).parent.joinpath("data", "case.json").read_text())["expected"] == 3


@pytest.mark.parametrize("case", CASES)
def test_corpus(case):
    assert case == "x"


def test_unrelated():
    assert 1 + 1 == 2


def test_attempts(settings):
    assert core.attempts(settings) == 2


def test_greeting(settings):
    assert settings["greeting"]["word"] == "hello"
"""

PROCESS_TESTS = """
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def server():
    process = subprocess.Popen([sys.executable, "-m", "pkg.tool", "--serve"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    yield process
    process.stdin.close()
    process.wait()


def ask(server, text):
    server.stdin.write(text + "\\n")
    server.stdin.flush()
    return server.stdout.readline()


def test_a_tool_in_a_process():
    run = subprocess.run([sys.executable, "-m", "pkg.tool", "hi"], capture_output=True, text=True, check=True)
    assert run.stdout == "HI\\n"


def test_a_server_once(server):
    assert ask(server, "a") == "A\\n"


def test_a_server_twice(server):
    assert ask(server, "b") == "B\\n"
"""
