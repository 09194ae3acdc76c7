"""(e) What the test analytics plugin costs per test: a synthetic suite of 10,000 trivial tests, run with the
plugin and with `--no-analytics`, side by side, on a history that already holds earlier runs of it; and what merging
the histories of four CI shards costs (`suite-report --merge`)."""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

from bench.common import Section, pytest, run, timed

TESTS = 10_000
SYNTHETIC = """
import pytest

@pytest.mark.parametrize("n", range({count}))
def test_trivial(n):
    assert n >= 0
"""
QUIET = ("-q", "-p", "no:randomly", "--no-testmon")


def measure(project: Path, rounds: int) -> Section:
    pairs = 2 * rounds - 1  # the difference is a few percent of each run: more rounds than elsewhere
    section = Section(
        "Test analytics: plugin overhead",
        f"A synthetic suite of {TESTS:,} trivial tests (`tests/_synthetic`) in the default project, on a history "
        "that holds two runs of it already. The plugin on (it writes the run and its results at the end, reads the "
        "baselines of the few tests slow enough to be a regression, and checks for flaky tests) and off "
        f"(`--no-analytics`), one after the other in alternating order, {pairs} times. Overhead per test = the "
        "median of the pairs' differences (on - off) / tests: a pair's two runs share the machine's state, where "
        "medians taken apart mix two noises of +/- 0.4 s on 10 s.",
        header=("plugin", "tests", "seconds (median)", "per test (ms)"),
    )
    folder = project / "tests" / "_synthetic"
    folder.mkdir(exist_ok=True)
    (folder / "__init__.py").touch()
    (folder / "test_synthetic.py").write_text(SYNTHETIC.format(count=TESTS), encoding="utf-8")
    target = str(folder.relative_to(project))
    for _ in range(2):
        run(pytest(project, target, *QUIET), project)
    contenders = {
        "on": lambda: timed(pytest(project, target, *QUIET), project)[0],
        "off": lambda: timed(pytest(project, target, *QUIET, "--no-analytics"), project)[0],
    }
    seconds: dict[str, list[float]] = {"on": [], "off": []}
    for number in range(pairs):
        for name in ("on", "off") if number % 2 == 0 else ("off", "on"):
            seconds[name].append(contenders[name]())
        print(f"  pair {number + 1}/{pairs}: on {seconds['on'][-1]:.2f}s, off {seconds['off'][-1]:.2f}s", flush=True)
    difference = statistics.median(on - off for on, off in zip(seconds["on"], seconds["off"], strict=True))
    overhead_ms = difference / TESTS * 1000
    on, off = statistics.median(seconds["on"]), statistics.median(seconds["off"])
    section.rows += [
        ("off (`--no-analytics`)", f"{TESTS:,}", f"{off:.2f}", f"{off / TESTS * 1000:.3f}"),
        ("on", f"{TESTS:,}", f"{on:.2f}", f"{on / TESTS * 1000:.3f}"),
        ("overhead of the plugin (median of the pairs)", "", f"{difference:.3f}", f"{overhead_ms:.4f}"),
    ]
    section.check(overhead_ms <= 0.02, f"the plugin costs {overhead_ms:.4f} ms per test (at most 0.02 ms)")
    shutil.rmtree(folder)
    return section


# Run by the project's Python (the toolkit is installed there): a history of five runs of TESTS tests, four copies
# of it that each get one more run of TESTS tests (as four CI shards record), merged into a new history as the CI
# history job does, ROUNDS times; the seconds of each merge, and what the merged history holds.
MERGE = """
import json, shutil, statistics, sys, tempfile, time, uuid
from pathlib import Path
from suite_toolkit.history_rules import Measurement, Run
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


# Run by the project's Python on the history the runs below wrote: for each run with three earlier runs, how many
# tests a simpler rule would have called regressions (slower than 2x the median of the last 5 and by 0.1 s, once):
# on setup + call + teardown against runs of any kind, on setup + call + teardown against runs of the same kind, on
# the call against runs of the same kind. The plugin's own rule adds "twice in a row".
NAIVE = """
import json, sqlite3, sys
from statistics import median

db = sqlite3.connect(sys.argv[1])
runs = db.execute("SELECT id, kind FROM runs ORDER BY id").fetchall()
found = []
for run_id, kind in runs:
    row = {"run": run_id, "kind": kind}
    for name, same_kind, seconds in (("any kind, whole test", False, "setup + call + teardown"),
                                     ("same kind, whole test", True, "setup + call + teardown"),
                                     ("same kind, call", True, "call")):
        earlier = [r for r, k in runs if r < run_id and (k == kind or not same_kind)][-5:]
        if len(earlier) < 3:
            continue
        marks = ",".join(map(str, earlier))
        before = {}
        for nodeid, value in db.execute(
            f"SELECT nodeid, {seconds} FROM results WHERE outcome = 'passed' AND run_id IN ({marks})"
        ):
            before.setdefault(nodeid, []).append(value)
        row[name] = sum(
            1
            for nodeid, value in db.execute(
                f"SELECT nodeid, {seconds} FROM results WHERE outcome = 'passed' AND run_id = ?", (run_id,)
            )
            if len(before.get(nodeid, ())) >= 3
            and value > max(2 * median(before[nodeid]), median(before[nodeid]) + 0.1)
        )
    found.append(row)
print(json.dumps(found))
"""


def measure_false_alarms(project: Path, serial_runs: int = 6, parallel_runs: int = 4) -> Section:
    section = Section(
        "Test analytics: false alarms on an unchanged suite",
        f"The default project's whole suite, unchanged, run {serial_runs} times serially and then {parallel_runs} "
        "times with `-n 2` (pytest-randomly shuffles each run, as it does for a developer), on a fresh history; the "
        "`regression:` lines the plugin printed, and how many tests simpler rules would have flagged in the same "
        "runs (slower than 2x the median of the last 5 runs and by 0.1 s, once): on the whole test's time against "
        "runs of any kind (the plugin before this issue), against runs of the same kind, and on the call alone.",
        header=("run", "kind", "printed", "any kind, whole test", "same kind, whole test", "same kind, call"),
    )
    history = project / ".bench-false-alarms.db"
    history.unlink(missing_ok=True)
    printed = []
    for workers in [None] * serial_runs + ["2"] * parallel_runs:
        args = ("--no-testmon", "-q", "--analytics-file", history.name, *(("-n", workers) if workers else ()))
        result = run(pytest(project, *args), project)
        printed.append(sum(line.startswith("regression: ") for line in result.stdout.splitlines()))
    rows = json.loads(run([str(project / ".venv" / "bin" / "python"), "-c", NAIVE, str(history)], project).stdout)
    for row, count in zip(rows, printed, strict=True):
        naive = [str(row.get(name, "-")) for name in section.header[3:]]
        section.rows.append((str(row["run"]), row["kind"], str(count), *naive))
    history.unlink()
    section.check(sum(printed) == 0, f"{sum(printed)} regressions printed for an unchanged suite (none expected)")
    return section
