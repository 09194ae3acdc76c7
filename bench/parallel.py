"""(b) Serial against parallel: the CPU-bound performance tier at `-n 2`, the default suite at `-n auto` (which
the suite's workers plugin turns into a count from measured durations), and a CPU-bound suite of 20 s."""

from __future__ import annotations

import json
from pathlib import Path

from bench.common import Section, cores, pytest, run, side_by_side, timed

QUIET = ("-q", "-p", "no:randomly", "--no-testmon")
CPU_BOUND_TEST = """
import pytest

@pytest.mark.parametrize("n", range({count}))
def test_burns_cpu(n):
    total = 0
    for i in range({loops}):
        total += i * i % 7
    assert total > 0
"""


CALIBRATION = """
import time
start = time.process_time()
total = 0
for i in range({loops}):
    total += i * i % 7
print((time.process_time() - start) / {loops})
"""


def seconds_per_loop(project: Path, loops: int = 2_000_000) -> float:
    """The CPU time of one iteration of the test's loop, measured by the project's own Python: the tests run on it,
    and it may be another version than the one running the benchmarks (3.10 loops about 1.6x slower than 3.11)."""
    python = str(project / ".venv" / "bin" / "python")
    return float(run([python, "-c", CALIBRATION.format(loops=loops)], project).stdout)


def cpu_bound_suite(project: Path, seconds: float) -> Path:
    """A suite of 40 tests, each busy on the CPU for about seconds/40, calibrated on this machine."""
    folder = project / "tests" / "_cpu_bound"
    folder.mkdir(exist_ok=True)
    (folder / "__init__.py").touch()
    per_loop = seconds_per_loop(project)
    (folder / "test_cpu.py").write_text(CPU_BOUND_TEST.format(count=40, loops=int(seconds / 40 / per_loop)))
    return folder


def xdist_decision(project: Path, target: str) -> str:
    """What `-n auto` chose, from the report header (which -q would hide)."""
    header = run(pytest(project, target, "-n", "auto", "--co", "-p", "no:randomly", "--no-testmon"), project).stdout
    return next((line.split(": ", 1)[1] for line in header.splitlines() if line.startswith("xdist workers")), "?")


def compare(project: Path, target: str, parallel: tuple[str, ...], rounds: int) -> tuple[float, float]:
    medians = side_by_side(
        {
            "serial": lambda: timed(pytest(project, target, *QUIET), project)[0],
            "parallel": lambda: timed(pytest(project, target, *QUIET, *parallel), project)[0],
        },
        rounds,
    )
    return medians["serial"], medians["parallel"]


def cpu_bound_comparison(project: Path, section: Section, work: float, rounds: int) -> str:
    folder = cpu_bound_suite(project, seconds=work * 1.1)  # a margin: the calibration is approximate
    target = str(folder.relative_to(project))
    run(pytest(project, target, "--store-durations", "--durations-path", ".cpu_durations", *QUIET), project)
    cpu_seconds = sum(json.loads((project / ".cpu_durations").read_text()).values())
    (project / ".test_durations").rename(project / ".test_durations.default")
    (project / ".cpu_durations").rename(project / ".test_durations")
    try:
        cpu_serial, cpu_auto = compare(project, target, ("-n", "auto", "--dist", "worksteal"), rounds)
        decision = xdist_decision(project, target)
    finally:
        (project / ".test_durations").unlink()
        (project / ".test_durations.default").rename(project / ".test_durations")
    section.rows.append(
        (f"CPU-bound ({cpu_seconds:.1f} s measured)", "-n auto", f"{cpu_serial:.2f}", f"{cpu_auto:.2f}",
         f"{cpu_serial / cpu_auto:.2f}")
    )  # fmt: skip
    section.check(cpu_seconds >= 20, f"the CPU-bound suite holds {cpu_seconds:.1f} s of work (20 s or more)")
    section.check(cpu_serial / cpu_auto >= 1.6, f"at least 1.6x faster than serial with {cpu_seconds:.0f} s of work")
    return decision


def measure(project: Path, rounds: int) -> Section:
    section = Section(
        "Parallel runs: pytest-xdist",
        f"Serial and parallel runs of the same tests alternate for {rounds} rounds on this {cores()}-core machine; "
        "medians, and the speed-up is serial / parallel. `-n auto` is decided by pytest-suite-toolkit from "
        "`.test_durations`, stored by a serial `--store-durations` run first. The CPU-bound suite is 40 tests "
        "calibrated to about 20 s, then 40 s, of work in total.",
        header=("suite", "parallel", "serial s", "parallel s", "speed-up"),
    )
    run(pytest(project, "--no-testmon", "-p", "no:randomly", "--store-durations", "-q"), project)
    measured = sum(json.loads((project / ".test_durations").read_text()).values())
    decision = xdist_decision(project, "tests")

    serial, parallel = compare(project, "tests/performance", ("-n", "2"), rounds)
    section.rows.append(("performance tier", "-n 2", f"{serial:.2f}", f"{parallel:.2f}", f"{serial / parallel:.2f}"))
    default_serial, default_auto = compare(project, "tests", ("-n", "auto", "--dist", "worksteal"), rounds)
    section.rows.append(
        (f"default suite ({measured:.1f} s measured)", "-n auto", f"{default_serial:.2f}", f"{default_auto:.2f}",
         f"{default_serial / default_auto:.2f}")
    )  # fmt: skip
    section.check(default_serial / default_auto >= 0.95, "parallel is never slower than serial on the default project")

    for work in (20, 40):
        cpu_decision = cpu_bound_comparison(project, section, work, rounds)
        section.rows.append((f"`-n auto` decided, CPU-bound {work} s", cpu_decision, "", "", ""))
    section.rows.append(("`-n auto` decided, default suite", decision, "", "", ""))
    return section
