"""What makes every start of pytest slower is said once per run, with how to undo it."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest
from suite_toolkit.startup import summary_lines

SAID = "PYTHONDONTWRITEBYTECODE is set: no compiled module is kept, *; run `unset PYTHONDONTWRITEBYTECODE` in *"


@pytest.fixture
def two_modules(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_a="def test_a(): pass\ndef test_b(): pass", test_b="def test_c(): pass")
    return pytester


def test_a_run_without_a_bytecode_cache_says_so_once(
    two_modules: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    result = two_modules.runpytest("-q")

    result.stdout.fnmatch_lines([SAID, "3 passed*"])
    assert result.stdout.str().count("PYTHONDONTWRITEBYTECODE is set") == 1


def test_under_xdist_only_the_controller_says_it(two_modules: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")  # the controller's and each worker's

    result = two_modules.runpytest_subprocess("-p", "xdist", "-n", "2")

    result.stdout.fnmatch_lines([SAID, "*3 passed*"])
    assert result.stdout.str().count("PYTHONDONTWRITEBYTECODE is set") == 1


def test_an_xdist_worker_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    assert summary_lines(SimpleNamespace(workerinput={})) == []
    assert len(summary_lines(SimpleNamespace())) == 1


def test_python_minus_b_is_named_as_the_cause(two_modules: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    result = two_modules.runpytest()

    result.stdout.fnmatch_lines(["python -B: no compiled module is kept, *"])
    result.stdout.no_fnmatch_line("*PYTHONDONTWRITEBYTECODE*")


def test_a_run_that_keeps_its_bytecode_says_nothing(
    two_modules: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)

    result = two_modules.runpytest_subprocess()

    result.assert_outcomes(passed=3)
    result.stdout.no_fnmatch_line("*compiled module*")
