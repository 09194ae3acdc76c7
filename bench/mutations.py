"""(g) Affected-only runs against full runs, on mutations of code no one here wrote and of the default project.

For each mutation: the tests a full run fails (`--no-testmon`) must all be among the tests the affected-only run
(`--testmon`, from data recorded on the unchanged code) executes; a failing test it leaves out is a miss. The
real project is tomlkit's sdist from PyPI, installed with pytest-testmon and pytest-suite-toolkit as
`tests/test_adoption.py` does; its mutations are in `bench/tomlkit_mutations.json` (function bodies, module
constants and dicts, class attributes, default arguments, decorators, data files read by a test and at
collection, code run at test-module import), each checked to break at least one test. Both ways of following
import-time code are measured: `precise` and `everything` (the `testmon_module_changes` setting).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT, Section, run, side_by_side

TOMLKIT_MUTATIONS = ROOT / "bench" / "tomlkit_mutations.json"
OUTCOME = re.compile(r"^(PASSED|FAILED|ERROR) (\S+)", re.MULTILINE)
QUIET = ("-q", "-rA", "-p", "no:randomly", "--no-analytics")


@dataclass(frozen=True)
class Mutation:
    id: str
    kind: str
    file: str
    old: str
    new: str


@dataclass
class Outcome:
    mutation: Mutation
    failing: set[str]
    executed: set[str]
    full_seconds: float
    affected_seconds: float

    @property
    def missed(self) -> set[str]:
        return self.failing - self.executed


def write(path: Path, content: bytes) -> None:
    """Write ``content`` and drop the file's cached bytecode: Python trusts a cache whose source has the same size
    and modification second, and a one-character mutation written in the second of the last run has both."""
    path.write_bytes(content)
    if path.suffix == ".py":
        Path(importlib.util.cache_from_source(str(path))).unlink(missing_ok=True)


def load(path: Path) -> list[Mutation]:
    return [Mutation(m["id"], m["kind"], m["file"], m["old"], m["new"]) for m in json.loads(path.read_text())]


def tomlkit_project(folder: Path, toolkit: Path) -> Path:
    """tomlkit's sdist, unpacked and installed with pytest-testmon and the toolkit (as a user adopts it)."""
    from tests.test_adoption import TOMLKIT

    return TOMLKIT.adopt_toolkit(folder, toolkit)


class Mutator:
    """Runs a project's suite around mutations, each from the same recorded testmon data."""

    def __init__(self, root: Path, python: Path, *extra: str) -> None:
        self.root = root
        self.python = python
        self.extra = extra
        self.saved = root.parent / f"{root.name}-testmon-data"

    def pytest(self, *args: str) -> tuple[float, dict[str, str]]:
        start = time.perf_counter()
        result = run([str(self.python), "-m", "pytest", *QUIET, *self.extra, *args], self.root, check=False)
        return time.perf_counter() - start, dict((n, o) for o, n in OUTCOME.findall(result.stdout))

    def record(self) -> None:
        for data in self.root.glob(".testmondata*"):
            data.unlink()
        self.pytest("--testmon")
        shutil.rmtree(self.saved, ignore_errors=True)
        self.saved.mkdir()
        for data in self.root.glob(".testmondata*"):
            shutil.copy(data, self.saved)

    def restore(self) -> None:
        for data in self.root.glob(".testmondata*"):
            data.unlink()
        for data in self.saved.iterdir():
            shutil.copy(data, self.root)

    def outcome(self, mutation: Mutation, *args: str) -> Outcome:
        path = self.root / mutation.file
        original = path.read_bytes()
        text = original.decode()
        assert text.count(mutation.old) == 1, f"{mutation.id}: the text to change is not once in {mutation.file}"
        try:
            write(path, text.replace(mutation.old, mutation.new).encode())
            full_seconds, full = self.pytest("--no-testmon")
            self.restore()
            affected_seconds, affected = self.pytest("--testmon", *args)
        finally:
            write(path, original)
        failing = {nodeid for nodeid, outcome in full.items() if outcome != "PASSED"}
        return Outcome(mutation, failing, set(affected), full_seconds, affected_seconds)


def measure(project: Path, tomlkit: Path | None = None) -> Section:
    from tests.test_testmon_safety import MUTATIONS as EXAMPLE

    section = Section(
        "Affected-only runs that never miss a failing test: mutations",
        "For each mutation, a full run (`--no-testmon`) and an affected-only run (`--testmon`, from data recorded on "
        "the unchanged code) of the whole suite, serial; *missed*: tests the full run fails that the affected-only "
        "run did not execute. tomlkit 0.15.2 from PyPI (1,203 tests, flat layout) with pytest-testmon and "
        "pytest-suite-toolkit installed, mutations from `bench/tomlkit_mutations.json`, each with "
        "`testmon_module_changes` `precise` and `everything`; then the default project's six mutations "
        "(`tests/test_testmon_safety.py`). Time ratio: affected-only run / full run.",
        header=(
            "project",
            "mutation",
            "kind",
            "failing",
            "run (precise)",
            "missed",
            "s full",
            "ratio",
            "run (everything)",
            "missed",
        ),
    )
    outcomes: list[tuple[str, Outcome, Outcome]] = []
    if tomlkit is not None:
        mutator = Mutator(tomlkit, tomlkit / ".venv" / "bin" / "python")
        mutator.record()
        for mutation in load(TOMLKIT_MUTATIONS):
            precise = mutator.outcome(mutation)
            everything = mutator.outcome(mutation, "-o", "testmon_module_changes=everything")
            outcomes.append(("tomlkit", precise, everything))
            runs = f"{len(precise.executed)}/{len(everything.executed)}"
            print(f"  {mutation.id}: failing {len(precise.failing)}, run {runs}, missed {len(precise.missed)}")
    example = Mutator(project, project / ".venv" / "bin" / "python")
    example.record()
    for mutation in EXAMPLE:
        as_bench = Mutation(mutation.id, "example", mutation.path, mutation.old, mutation.new)
        precise = example.outcome(as_bench)
        everything = example.outcome(as_bench, "-o", "testmon_module_changes=everything")
        outcomes.append(("default project", precise, everything))
    for name, precise, everything in outcomes:
        section.rows.append(
            (
                name,
                precise.mutation.id,
                precise.mutation.kind,
                str(len(precise.failing)),
                str(len(precise.executed)),
                str(len(precise.missed)),
                f"{precise.full_seconds:.2f}",
                f"{precise.affected_seconds / precise.full_seconds:.2f}",
                str(len(everything.executed)),
                str(len(everything.missed)),
            )
        )
    missed = sum(len(precise.missed) for _, precise, _ in outcomes)
    section.check(missed == 0, f"{missed} failing tests missed over {len(outcomes)} mutations (precise)")
    sizes = {name: max(len(e.executed) for n, _, e in outcomes if n == name) for name, _, _ in outcomes}
    most = [p for name, p, _ in outcomes if len(p.executed) > 0.8 * sizes[name]]  # most of the suite selected
    if most:
        worst = max(p.affected_seconds / p.full_seconds for p in most)
        section.check(
            worst <= 1.3, f"with most of the suite selected, an affected-only run costs {worst:.2f}x a full run"
        )
    return section


def tracing_cost(tomlkit: Path, rounds: int) -> Section:
    """What bounds an affected-only run that selects most of the suite: tracing what each test executes."""
    section = Section(
        "What an affected-only run costs when it selects most of the suite",
        "tomlkit 0.15.2's whole suite, serial, three ways alternating for "
        f"{rounds} rounds (medians): a plain run (`--no-testmon`); pytest-testmon recording every test into new data "
        "with this plugin off (`-p no:suite_toolkit`); the same with the plugin (its audit hook, the profile of "
        "each test module's collection, the executed lines mapped to functions, the data written). An affected-only "
        "run that selects most of the suite costs about the same as recording it.",
        header=("run", "seconds (median)", "ratio to plain"),
    )
    python = str(tomlkit / ".venv" / "bin" / "python")

    def timed_run(*args: str) -> float:
        for data in tomlkit.glob(".testmondata*"):
            data.unlink()
        start = time.perf_counter()
        run([python, "-m", "pytest", "-q", "-p", "no:randomly", *args], tomlkit, check=False)
        return time.perf_counter() - start

    medians = side_by_side(
        {
            "plain": lambda: timed_run("--no-testmon", "--no-analytics"),
            "testmon": lambda: timed_run("--testmon", "-p", "no:suite_toolkit"),
            "testmon + toolkit": lambda: timed_run("--testmon", "--no-analytics"),
        },
        rounds,
    )
    plain = medians["plain"]
    section.rows += [(name, f"{seconds:.2f}", f"{seconds / plain:.2f}") for name, seconds in medians.items()]
    share = (medians["testmon + toolkit"] - medians["testmon"]) / (medians["testmon + toolkit"] - plain)
    section.check(share < 0.5, f"pytest-testmon's own tracing is {1 - share:.0%} of the extra cost over a plain run")
    return section
