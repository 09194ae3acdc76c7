"""(e) What the test analytics plugin costs per test: a synthetic suite of 10,000 trivial tests, run with the
plugin and with `--no-analytics`, side by side, on a history that already holds earlier runs of it; and what merging
the histories of four CI shards costs (`suite-report --merge`)."""

from __future__ import annotations

import json
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
    section.check(overhead_ms <= 0.02, f"the plugin costs {overhead_ms:.4f} ms per test (at most 0.02 ms)")
    return section


# Run by the project's Python (the toolkit is installed there): a history of five runs of TESTS tests, four copies
# of it that each get one more run of TESTS tests (as four CI shards record), merged into a new history as the CI
# history job does, ROUNDS times; the seconds of each merge, and what the merged history holds.
MERGE = """
import json, shutil, statistics, sys, tempfile, time, uuid
from pathlib import Path
from suite_toolkit.analysis import Measurement, Run
from suite_toolkit.history import History

tests, rounds = int(sys.argv[1]), int(sys.argv[2])
folder = Path(tempfile.mkdtemp())

def record(history, number, shard=None):
    measured = [Measurement(f"tests/unit/test_{n // 100}.py::test_{n % 100}[{number}]", "unit", "main", call=0.001)
                for n in range(tests)]
    selection = f"shard {shard}/4" if shard else "full"
    run = Run(uuid.uuid4().hex, "ci-9" if shard else None, 1.7e9 + number, "abc", "code", "env", "serial",
              selection, 1.0)
    history.record(run, measured, keep=50)

base = History(folder / "base.db")
for number in range(5):
    record(base, number)
shards = []
for group in range(1, 5):
    shard = folder / f"shard-{group}.db"
    shutil.copy(base.path, shard)
    record(History(shard), 10 + group, shard=group)
    shards.append(shard)
seconds = []
for attempt in range(rounds):
    merged = History(folder / f"merged-{attempt}.db")
    start = time.perf_counter()
    copied = merged.merge(shards, keep=50)
    seconds.append(time.perf_counter() - start)
results = merged.runs(100)
print(json.dumps({"seconds": seconds, "copied": copied, "tests": sum(run["tests"] for run in results),
                  "size": merged.path.stat().st_size, "shard_size": shards[0].stat().st_size}))
"""


def measure_merge(project: Path, rounds: int) -> Section:
    section = Section(
        "Test analytics: merging the histories of four CI shards",
        f"A history of five runs of {TESTS:,} tests; four copies of it, each given one more run of {TESTS:,} tests "
        "(what four shards of a CI run upload); `History.merge` (what `suite-report --merge` calls) merges the "
        f"four into a new history, as the generated workflow's history job does, {rounds} times; median.",
    )
    result = run([str(project / ".venv" / "bin" / "python"), "-c", MERGE, str(TESTS), str(rounds)], project)
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    median = sorted(measured["seconds"])[len(measured["seconds"]) // 2]
    section.rows += [
        ("shard histories merged", "4"),
        ("runs copied (5 restored, once; 4 new)", str(measured["copied"])),
        ("test results in the merged history", f"{measured['tests']:,}"),
        ("one shard's history file", f"{measured['shard_size'] / 1e6:.1f} MB"),
        ("merge, median", f"{median:.3f} s"),
        ("merge, each round", ", ".join(f"{value:.3f}" for value in measured["seconds"])),
    ]
    section.check(measured["copied"] == 9, f"each run copied once: {measured['copied']} of 9")
    section.check(median < 1.0, f"merging 4 shard histories of {TESTS:,} tests takes {median:.3f} s (under 1 s)")
    return section
