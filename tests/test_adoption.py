"""pytest-suite-toolkit adopted by a real project no one here wrote, with the steps of its README ("Adopt in an
existing project"): tomlkit's sdist from PyPI (a flat layout, 1,200 tests, a vendored conformance corpus read at
collection), the toolkit folder copied from a baked project and installed next to it, and only tomlkit's
``pyproject.toml`` changed. No test file is edited: the regression (a sleep) and the flaky test (a seeded coin) come
from a plugin of this module's own, loaded with ``-p`` from outside the project.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
from itertools import count
from pathlib import Path

import pytest

from bench.mutations import TOMLKIT_MUTATIONS, Mutator, load
from tests.baking import Sdist, execute, run

pytestmark = pytest.mark.slow

PROJECT, VERSION = "tomlkit", "0.15.2"
TOMLKIT = Sdist(PROJECT, VERSION, "83e32755ba1d20d9340bd069ee97e9f6232ba2346b63ffcba425de01f7e327a6")
ADOPTION = """
[tool.pytest.ini_options]
tiers = ["tests: tomlkit's tests"]
"""
# Loaded with -p from a folder outside the project: slows one test down, or fails one on a seeded coin.
INJECTED = """
import os
import random
import time

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    if item.nodeid == os.environ.get("SLOW_TEST"):
        time.sleep(float(os.environ["SLOW_SECONDS"]))
    if item.nodeid == os.environ.get("COIN_TEST") and random.Random(int(os.environ["COIN_SEED"])).random() < 0.5:
        pytest.fail("the coin came up tails")
    return (yield)
"""
SUMMARY = re.compile(r"^(?:=+ )?(\d.*?) in [\d.]+s", re.MULTILINE)  # "1203 passed in 1.28s"


def tree_digest(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


def coin_seed(tails: bool) -> int:
    """A seed on which the injected coin comes up tails (the test fails) or heads (it passes)."""
    return next(seed for seed in count() if (random.Random(seed).random() < 0.5) is tails)


class Adopted:
    """tomlkit's checkout with the toolkit installed: runs its suite and reads its test history."""

    def __init__(self, root: Path, injected: Path) -> None:
        self.root = root
        self.injected = injected
        self.python = root / ".venv" / "bin" / "python"

    def pytest(self, *args: str, **env: str) -> tuple[int, str]:
        """Exit status and output of a run of the project's suite, with the injecting plugin loaded."""
        command = [str(self.python), "-m", "pytest", "-q", "-p", "injected", *args]
        result = execute(command, self.root, PYTHONPATH=str(self.injected), **env)
        return result.returncode, result.stdout + result.stderr

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.root / ".test-history.db") as db:
            return db.execute(sql).fetchall()


@pytest.fixture(scope="module")
def adopted(default_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Adopted:
    work = tmp_path_factory.mktemp("adoption")
    injected = work / "injected"
    injected.mkdir()
    (injected / "injected.py").write_text(INJECTED, encoding="utf-8")
    # The README's steps: the folder next to the project, installed into the project's environment, the settings.
    root = TOMLKIT.adopt_toolkit(work, default_project / "pytest-suite-toolkit", "pytest-xdist")
    with (root / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write(ADOPTION)
    return Adopted(root, injected)


@pytest.fixture(scope="module")
def suite_size(adopted: Adopted) -> int:
    status, output = adopted.pytest("--co")
    assert status == 0, output[-3000:]
    collected = re.search(r"^(\d+) tests collected", output, re.MULTILINE)
    assert collected, output[-3000:]
    return int(collected.group(1))


@pytest.fixture(scope="module")
def first_runs(adopted: Adopted, suite_size: int) -> list[tuple[int, str]]:
    """Three runs of the unchanged suite, the project's first: the baselines the tests below compare with."""
    before = tree_digest(adopted.root / "tests", adopted.root / PROJECT)
    runs = [adopted.pytest() for _ in range(3)]
    assert tree_digest(adopted.root / "tests", adopted.root / PROJECT) == before, "a test or source file changed"
    return runs


def test_the_suite_runs_and_is_recorded_unchanged_with_the_toolkit(
    adopted: Adopted, suite_size: int, first_runs: list[tuple[int, str]]
) -> None:
    assert suite_size >= 500
    for status, output in first_runs:
        assert status == 0, output[-3000:]
        assert SUMMARY.search(output).group(1) == f"{suite_size} passed"
        assert "no regression, no flaky test" in output
    assert adopted.query("SELECT tests, failed FROM runs ORDER BY id LIMIT 3") == [(suite_size, 0)] * 3
    assert adopted.query("SELECT DISTINCT tier FROM results") == [("tests",)]


def first_test(adopted: Adopted, file: str) -> str:
    status, output = adopted.pytest("--co", f"tests/{file}")
    assert status == 0, output[-3000:]
    return output.splitlines()[0]


def test_a_slept_test_is_a_regression_and_a_coin_flipping_test_is_flaky(
    adopted: Adopted, suite_size: int, first_runs: list[tuple[int, str]]
) -> None:
    slowed, flipping = first_test(adopted, "test_api.py"), first_test(adopted, "test_items.py")
    runs_before = len(adopted.query("SELECT id FROM runs"))

    tails = adopted.pytest(COIN_TEST=flipping, COIN_SEED=str(coin_seed(tails=True)))
    heads = adopted.pytest(COIN_TEST=flipping, COIN_SEED=str(coin_seed(tails=False)))
    slept_once = adopted.pytest(SLOW_TEST=slowed, SLOW_SECONDS="0.5")
    slept = adopted.pytest(SLOW_TEST=slowed, SLOW_SECONDS="0.5")

    assert tails[0] == 1, tails[1][-3000:]
    assert SUMMARY.search(tails[1]).group(1) == f"1 failed, {suite_size - 1} passed"
    assert f"flaky: {flipping} passed and failed on the same code and environment" in tails[1]
    assert heads[0] == 0
    assert "no regression, no flaky test" in heads[1]  # the same failure, said once
    assert "regression:" not in slept_once[1]  # once may be noise: a regression is slow twice in a row
    assert slept[0] == 0
    regression = rf"^regression: {re.escape(slowed)} 0\.5\ds, baseline [\d.]+m?s \(\d+\.\dx\), 0\.5\ds the run before$"
    assert re.search(regression, slept[1], re.MULTILINE), slept[1][-3000:]

    command = [str(adopted.python), "-m", "suite_toolkit.report", "--html", "report.html", "--json", "report.json"]
    run(command, adopted.root)
    data = json.loads((adopted.root / "report.json").read_text(encoding="utf-8"))
    assert [regression["nodeid"] for regression in data["regressions"]] == [slowed]
    assert [(flaky["nodeid"], flaky["times"]) for flaky in data["flaky"]] == [(flipping, 1)]
    assert len(data["runs"]) == runs_before + 4
    assert all(list(run["tiers"]) == ["tests"] for run in data["runs"])
    page = (adopted.root / "report.html").read_text(encoding="utf-8")
    assert slowed in page
    assert flipping in page


def test_under_xdist_one_run_is_recorded_with_every_test(
    adopted: Adopted, suite_size: int, first_runs: list[tuple[int, str]]
) -> None:
    runs_before = len(adopted.query("SELECT id FROM runs"))

    status, output = adopted.pytest("-n", "2")

    assert status == 0, output[-3000:]
    assert adopted.query(f"SELECT tests FROM runs WHERE id > {runs_before}") == [(suite_size,)]
    workers = adopted.query(f"SELECT DISTINCT worker FROM results WHERE run_id > {runs_before} ORDER BY worker")
    assert workers == [("gw0",), ("gw1",)]


def test_affected_only_runs_miss_no_failing_test_on_a_sample_of_mutations(adopted: Adopted) -> None:
    """One mutation of each kind from bench/tomlkit_mutations.json (the benchmark runs them all): every test a
    full run fails is among those `pytest --testmon` runs, from data recorded on the unchanged code."""
    sample = list({mutation.kind: mutation for mutation in reversed(load(TOMLKIT_MUTATIONS))}.values())
    mutator = Mutator(adopted.root, adopted.python)
    mutator.record()

    outcomes = [mutator.outcome(mutation) for mutation in sample]

    assert len(sample) >= 8
    assert all(outcome.failing for outcome in outcomes), [o.mutation.id for o in outcomes if not o.failing]
    assert {o.mutation.id: sorted(o.missed) for o in outcomes if o.missed} == {}
