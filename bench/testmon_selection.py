"""(a) A full run against pytest-testmon with no change and after a one-function edit, and the floor they are
held to: pytest starting on an empty suite with the same conftest and plugins loaded."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

from bench.common import Section, pytest, run, side_by_side, timed

QUIET = ("-q", "-p", "no:randomly")
# A function only some tests reach (how a refused setting is shown), as most edits are.
EDITED_FUNCTION = ("src/work_queue/settings_messages.py", "_shown_value")
EDIT = (
    "    if isinstance(value, str):\n        try:",
    "    value = value\n    if isinstance(value, str):\n        try:",
)

COVERAGE_CONTEXTS = """
import json, sys
from coverage import CoverageData
data = CoverageData(); data.read()
path, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
contexts = data.contexts_by_lineno(path)
tests = {c.split("|")[0] for line, cs in contexts.items() if first <= line <= last for c in cs if c}
print(json.dumps(sorted(tests)))
"""


def copy_data(source: Path, destination: Path) -> None:
    """Copy testmon's SQLite data with its -wal and -shm files: the main file alone can lack the last run."""
    destination.mkdir(exist_ok=True)
    for stale in destination.glob(".testmondata*"):
        if stale.is_file():
            stale.unlink()
    for path in source.glob(".testmondata*"):
        if path.is_file():
            shutil.copy(path, destination / path.name)


def passed(output: str) -> int:
    found = re.search(r"(\d+) passed", output)
    return int(found[1]) if found else 0


def function_lines(path: Path, name: str) -> tuple[int, int]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node.body[0].lineno, node.end_lineno or node.lineno
    raise LookupError(name)


def tests_reaching(project: Path, path: str, name: str) -> set[str]:
    """Which tests execute the function's body, by coverage contexts (the ground truth for testmon's answer)."""
    run(pytest(project, "--no-testmon", *QUIET, "--cov=work_queue", "--cov-context=test", "--cov-report="), project)
    first, last = function_lines(project / path, name)
    script = [str(project / ".venv/bin/python"), "-c", COVERAGE_CONTEXTS, str(project / path), str(first), str(last)]
    return set(json.loads(run(script, project).stdout))


def measure(project: Path, rounds: int) -> Section:
    section = Section(
        "Affected tests only: pytest-testmon",
        "The default project, baked and installed. *floor*: `pytest tests/_empty` (the root conftest, fixture "
        "modules and plugins load, no test exists). *no change*: `pytest --testmon` right after a run recorded "
        "the data. *one-function edit*: a line added to the body of `settings_messages._shown_value`, then "
        f"`pytest --testmon`. The three alternate for {rounds} rounds, the testmon data restored before each; "
        "medians. *full run*: `pytest --no-testmon`, once. The tests that can reach the edited function come "
        "from coverage contexts (`--cov-context=test`), independently of testmon.",
        header=("measure", "tests", "seconds (median)", "ratio to floor"),
    )
    empty = project / "tests" / "_empty"
    empty.mkdir(exist_ok=True)
    (empty / "__init__.py").touch()
    full_seconds, full = timed(pytest(project, "--no-testmon", *QUIET), project)
    total = passed(full.stdout)
    run(pytest(project, "--testmon", *QUIET), project)
    pristine = project.parent / f"{project.name}-testmon-pristine"  # beside the project: nothing of it in the tree
    copy_data(project, pristine)
    target = project / EDITED_FUNCTION[0]
    original = target.read_text()
    if original.replace(*EDIT) == original:
        raise SystemExit(f"the edit no longer applies to {EDITED_FUNCTION[0]}: change EDIT in {__file__}")
    selected: dict[str, int] = {}

    def floor() -> float:
        return timed(pytest(project, "tests/_empty", *QUIET), project)[0]

    def testmon(name: str, source: str) -> float:
        copy_data(pristine, project)
        target.write_text(source)
        try:
            seconds, result = timed(pytest(project, "--testmon", *QUIET), project)
        finally:
            target.write_text(original)
        selected[name] = passed(result.stdout)
        return seconds

    medians = side_by_side(
        {
            "floor": floor,
            "no change": lambda: testmon("no change", original),
            "one-function edit": lambda: testmon("one-function edit", original.replace(*EDIT)),
        },
        rounds,
    )
    copy_data(pristine, project)
    target.write_text(original.replace(*EDIT))
    try:
        listed = run(pytest(project, "--testmon", "--collect-only", *QUIET), project).stdout
        chosen = {line for line in listed.splitlines() if "::" in line}
    finally:
        target.write_text(original)
    copy_data(pristine, project)
    reaching = tests_reaching(project, *EDITED_FUNCTION)
    shutil.rmtree(empty)
    shutil.rmtree(pristine)

    floor_seconds = medians["floor"]
    section.rows += [
        ("floor (empty suite)", "0", f"{floor_seconds:.2f}", "1.00"),
        ("full run, no testmon", str(total), f"{full_seconds:.2f}", f"{full_seconds / floor_seconds:.2f}"),
        ("testmon, no change", str(selected["no change"]), f"{medians['no change']:.2f}",
         f"{medians['no change'] / floor_seconds:.2f}"),
        ("testmon, one-function edit", str(selected["one-function edit"]), f"{medians['one-function edit']:.2f}",
         f"{medians['one-function edit'] / floor_seconds:.2f}"),
        ("tests reaching the edited function (coverage)", str(len(reaching)), "", ""),
    ]  # fmt: skip
    share = len(chosen) / total
    section.check(selected["no change"] == 0, "no change selects 0 tests")
    section.check(medians["no change"] <= 1.3 * floor_seconds, "no change costs at most 1.3x the floor")
    section.check(chosen == reaching, f"the edit selects exactly the {len(reaching)} tests that reach the function")
    section.check(share <= 0.15, f"the edit selects {share:.0%} of the suite (at most 15%)")
    section.check(medians["one-function edit"] <= 2 * floor_seconds, "the edit run costs at most 2x the floor")
    saved = 1 - medians["one-function edit"] / full_seconds
    section.rows.append(("time saved by the edit run against the full run", "", f"{saved:.0%}", ""))
    return section
