"""(e) What the test analytics plugin costs per test: a synthetic suite of 10,000 trivial tests, run with the
plugin and with `--no-analytics`, side by side, on a history that already holds earlier runs of it."""

from __future__ import annotations

from pathlib import Path

from bench.common import Section, pytest, run, side_by_side, timed

TESTS = 10_000
SYNTHETIC = """
import pytest

@pytest.mark.parametrize("n", range({count}))
def test_trivial(n):
    assert n >= 0
"""
QUIET = ("-q", "-p", "no:randomly", "--no-testmon")


def measure(project: Path, rounds: int) -> Section:
    section = Section(
        "Test analytics: plugin overhead",
        f"A synthetic suite of {TESTS:,} trivial tests (`tests/_synthetic`) in the default project. The plugin on "
        "(it marks tests from the baselines at collection, then writes the run, its results and the baselines at "
        f"the end) and off (`--no-analytics`) alternate for {rounds} rounds after two recorded warm-up runs; "
        "medians. Overhead per test = (on - off) / tests.",
        header=("plugin", "tests", "seconds (median)", "per test (ms)"),
    )
    folder = project / "tests" / "_synthetic"
    folder.mkdir(exist_ok=True)
    (folder / "__init__.py").touch()
    (folder / "test_synthetic.py").write_text(SYNTHETIC.format(count=TESTS), encoding="utf-8")
    target = str(folder.relative_to(project))
    for _ in range(2):
        run(pytest(project, target, *QUIET), project)
    medians = side_by_side(
        {
            "on": lambda: timed(pytest(project, target, *QUIET), project)[0],
            "off": lambda: timed(pytest(project, target, *QUIET, "--no-analytics"), project)[0],
        },
        rounds,
    )
    overhead_ms = (medians["on"] - medians["off"]) / TESTS * 1000
    section.rows += [
        ("off (`--no-analytics`)", f"{TESTS:,}", f"{medians['off']:.2f}", f"{medians['off'] / TESTS * 1000:.3f}"),
        ("on", f"{TESTS:,}", f"{medians['on']:.2f}", f"{medians['on'] / TESTS * 1000:.3f}"),
        ("overhead of the plugin", "", f"{medians['on'] - medians['off']:.2f}", f"{overhead_ms:.4f}"),
    ]
    section.check(overhead_ms <= 0.05, f"the plugin costs {overhead_ms:.4f} ms per test (at most 0.05 ms)")
    return section
