"""``suite-bench-compare``: the verdict from timings, and the command on a small git repository whose benchmark
(pytest-benchmark) is slowed in the working tree."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from suite_toolkit.bench_compare import compare

pytest.importorskip("pytest_benchmark", reason="suite-bench-compare times pytest-benchmark's benchmarks")

BENCHMARK = "tests/test_work.py::test_work"
QUICK = ("--", "--benchmark-max-time=0.1")  # pytest's arguments: a tenth of a second per benchmark and round
WORK = "def work(n=2000):\n    return sum(i * i for i in range(n))\n"
SLOWER = """\
def work(n=2000):
    for _ in range(4):  # five times the work, the same result
        sum(i * i for i in range(n))
    return sum(i * i for i in range(n))
"""
TEST = """\
from work import work


def test_work(benchmark):
    assert benchmark(work) == sum(i * i for i in range(2000))
"""


def noisy(seconds: float, rounds: int, seed: int) -> list[dict[str, float]]:
    """Timings as a busy machine gives them: up to 30% more, at random."""
    rng = random.Random(seed)
    return [{"b": seconds * (1 + 0.3 * rng.random())} for _ in range(rounds)]


def test_noise_alone_is_unchanged_and_a_slowdown_beyond_the_threshold_is_slower() -> None:
    base = noisy(1e-3, 8, seed=1)

    [same] = compare(base, noisy(1e-3, 8, seed=2), threshold=1.25)
    [slower] = compare(base, noisy(2e-3, 8, seed=3), threshold=1.25)
    [faster] = compare(base, noisy(0.4e-3, 8, seed=4), threshold=1.25)
    [within] = compare(base, noisy(1.1e-3, 8, seed=5), threshold=1.25)  # slower, but not by the threshold

    assert (same.verdict, same.low < 1 < same.high) == ("unchanged", True)
    assert (slower.verdict, 1.25 < slower.low <= slower.ratio <= slower.high) == ("slower", True)
    assert (faster.verdict, faster.high < 0.8) == ("faster", True)
    assert within.verdict == "unchanged"


def test_the_verdict_is_the_same_for_the_same_timings() -> None:
    base, candidate = noisy(1e-3, 6, seed=1), noisy(1.3e-3, 6, seed=2)

    assert compare(base, candidate, 1.25) == compare(base, candidate, 1.25)


def test_a_benchmark_only_one_side_has_is_not_compared() -> None:
    base = [{"kept": 1.0, "gone": 1.0}] * 3
    candidate = [{"kept": 1.0, "new": 1.0}] * 3

    assert [verdict.name for verdict in compare(base, candidate, 1.25)] == ["kept"]


def git(root: Path, *arguments: str) -> str:
    done = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with code in src/ and its benchmark, committed."""
    for name in ("PYTEST_ADDOPTS", "GITHUB_STEP_SUMMARY", "PYTHONPATH"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "src" / "work.py").write_text(WORK)
    (root / "tests" / "test_work.py").write_text(TEST)
    (root / "pytest.ini").write_text("[pytest]\naddopts = --benchmark-disable\n")  # as the template has it
    (root / ".gitignore").write_text("__pycache__/\n")  # pytest's bytecode, as every project ignores it
    git(root, "init", "--quiet")
    git(root, "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "work")
    return root


def bench_compare(root: Path, *arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("suite-bench-compare")), "--rounds", "2", *arguments, *QUICK]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, env={**os.environ, **environment})


def everything_but_bytecode(project: Path) -> list[str]:
    """git's status of every file, ignored ones too, but Python's bytecode (which any pytest run writes)."""
    status = git(project, "status", "--porcelain", "--ignored")
    return [line for line in status.splitlines() if "__pycache__" not in line]


def test_unchanged_code_passes_and_the_repository_is_left_as_it_was(project: Path) -> None:
    status = everything_but_bytecode(project)

    done = bench_compare(project)

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"| `{BENCHMARK}` |" in done.stdout
    assert "SLOWER" not in done.stdout
    assert everything_but_bytecode(project) == status  # no .benchmarks, no worktree, nothing staged
    assert git(project, "worktree", "list").count("\n") == 1


def test_a_slower_working_tree_fails_naming_the_benchmark_its_ratio_and_both_commits(project: Path) -> None:
    (project / "src" / "work.py").write_text(SLOWER)
    head = git(project, "rev-parse", "--short=12", "HEAD").strip()

    done = bench_compare(project, "--base", "HEAD")

    assert done.returncode == 1, done.stdout + done.stderr
    [slower] = [line for line in done.stdout.splitlines() if line.startswith("SLOWER")]
    assert slower.startswith(f"SLOWER: {BENCHMARK}: ")
    ratio = float(slower.split(": ")[2].split("x")[0])
    assert ratio > 2.5
    assert f"on candidate {head} + working tree changes against base {head}" in slower


def test_the_table_goes_to_the_job_summary(project: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier steps' summary\n")

    done = bench_compare(project, GITHUB_STEP_SUMMARY=str(summary))

    assert done.returncode == 0, done.stdout + done.stderr
    text = summary.read_text()
    assert text.startswith("earlier steps' summary\n### Benchmarks: candidate ")
    assert f"| `{BENCHMARK}` |" in text


def test_a_saved_baseline_is_compared_round_by_round(project: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    assert bench_compare(project, "--save", str(baseline)).returncode == 0
    assert len(json.loads(baseline.read_text())["rounds"]) == 2
    (project / "src" / "work.py").write_text(SLOWER)

    done = bench_compare(project, "--baseline", str(baseline))

    assert done.returncode == 1, done.stdout + done.stderr
    assert "saved: not side by side" in done.stdout


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--base", "no-such-branch"], "--base no-such-branch: no such commit in "),
        (["--baseline", "missing.json"], "missing.json: not a baseline suite-bench-compare --save wrote"),
    ],
)
def test_what_cannot_be_compared_is_one_line_and_exit_2(project: Path, arguments: list[str], said: str) -> None:
    done = bench_compare(project, *arguments)

    assert done.returncode == 2
    assert done.stderr.startswith(f"suite-bench-compare: {said}")
    assert done.stderr.count("\n") == 1


def test_a_benchmark_that_fails_is_named_not_compared(project: Path) -> None:
    (project / "src" / "work.py").write_text("def work():\n    return 0\n")

    done = bench_compare(project)

    assert done.returncode == 2
    assert done.stderr.startswith("suite-bench-compare: candidate ")
    assert "the benchmarks' pytest run exited 1: FAILED tests/test_work.py::test_work" in done.stderr
