"""(h) What an affected-only run costs beside a plain run, on code no one here wrote and on the default project.

Each project is measured with each Python in its own environment (pytest, pytest-testmon, pytest-suite-toolkit),
serially, every way alternating for a number of rounds (medians), and each way is given as a ratio to the plain
run of the same round set:

- *plain*: ``--no-testmon``, the whole suite;
- *record, testmon alone*: new testmon data for the whole suite with this plugin off (``-p no:suite_toolkit``);
- *record*: the same with the plugin (its audit hook, the processes the tests start, the profile of each test
  module's collection, executed lines mapped to functions, what it stores);
- *every test selected*: ``--testmon-noselect`` over data already there, what an affected-only run that selects
  the whole suite does;
- *nothing changed*: ``--testmon`` over up-to-date data (no test runs), against *start-up*: ``--collect-only``
  of the whole suite with ``--no-testmon``, what pytest costs before the first test.

The toolkit's share is *record* minus *record, testmon alone*, over *plain*. Test analytics are off in every way
(``--no-analytics``): they are measured in their own section.
"""

from __future__ import annotations

import math
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import Section, run, side_by_side
from tests.baking import Sdist
from tests.test_adoption import ADOPTION, TOMLKIT


@dataclass(frozen=True)
class Adopted:
    sdist: Sdist
    extras: tuple[str, ...] = ()  # what its tests need beyond pytest
    settings: str = ""  # added to its pyproject.toml, as a user adopting the toolkit would


SDISTS = [
    Adopted(TOMLKIT, settings=ADOPTION),
    Adopted(Sdist("marshmallow", "4.4.0", "9e6ffa8511012ca89732324c1c253efd7b4d35632dcbdf80aa793fe01804af3e"),
            extras=("simplejson",)),
]  # fmt: skip
PYTHONS = ("3.11", "3.12")


def sdist_project(folder: Path, adopted: Adopted, toolkit: Path, python: str) -> Path:
    """The sdist unpacked into ``folder``, with an environment on ``python`` holding it and the toolkit."""
    sdist = adopted.sdist
    work = folder / f"{sdist.name}-py{python}"
    work.mkdir()
    root = sdist.adopt_toolkit(work, toolkit, *adopted.extras, python=python)
    if adopted.settings:
        with (root / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
            pyproject.write(adopted.settings)
    return root


@dataclass(frozen=True)
class Measured:
    label: str
    root: Path
    python: str  # its environment's Python, as major.minor
    args: tuple[str, ...] = ()  # what to run, when not the whole suite


def measure(projects: list[Measured], rounds: int) -> Section:
    section = Section(
        "What an affected-only run costs beside a plain run",
        f"{__doc__.split(chr(10), 2)[2].strip()}".replace("``", "`")
        + f"\n\nMedians of {rounds} rounds; seconds are wall-clock for the whole command. A project that does not "
        "run without the toolkit (its settings and conftest are the toolkit's) has no *testmon alone* nor share.",
        header=(
            "project",
            "plain s",
            "record, testmon alone",
            "record",
            "every test selected",
            "toolkit's share",
            "start-up s",
            "nothing changed / start-up",
        ),
    )
    for project in projects:
        label = f"{project.label}, Python {project.python}"
        print(f"{label}:", flush=True)
        medians = compare(project.root, project.args, rounds)
        plain = medians["plain"]
        share = (medians["record"] - medians["record, testmon alone"]) / plain  # NaN: not measurable
        section.rows.append(
            (
                label,
                f"{plain:.2f}",
                "n/a" if math.isnan(share) else f"{medians['record, testmon alone'] / plain:.2f}x",
                f"{medians['record'] / plain:.2f}x",
                f"{medians['every test selected'] / plain:.2f}x",
                "n/a" if math.isnan(share) else f"{share:.0%}",
                f"{medians['start-up']:.2f}",
                f"{medians['nothing changed'] / medians['start-up']:.2f}x",
            )
        )
        limit = 1.3 if tuple(map(int, project.python.split("."))) >= (3, 12) else 2.0
        recording = medians["record"] / plain
        section.check(recording <= limit, f"{label}: a recording run costs at most {limit}x a plain run")
        if not math.isnan(share):
            section.check(share <= 0.10, f"{label}: the toolkit's own share is at most 10% of a plain run")
        section.check(
            medians["nothing changed"] <= 1.3 * medians["start-up"],
            f"{label}: a run with nothing changed costs at most 1.3x pytest's start-up",
        )
    return section


def compare(root: Path, args: tuple[str, ...], rounds: int) -> dict[str, float]:
    python = str(root / ".venv" / "bin" / "python")
    saved = root.parent / "testmon-data"

    def pytest(*options: str) -> float:
        analytics = () if "no:suite_toolkit" in options else ("--no-analytics",)
        start = time.perf_counter()
        command = [python, "-m", "pytest", "-q", "-p", "no:randomly", *analytics, *options, *args]
        result = run(command, root, check=False)
        # A project whose settings and conftest need the toolkit does not run without it: nothing to compare.
        return time.perf_counter() - start if result.returncode in (0, 5) else math.nan

    def fresh(*options: str) -> float:
        for data in root.glob(".testmondata*"):
            data.unlink()
        return pytest("--testmon", *options)

    def recorded(*options: str) -> float:
        for data in root.glob(".testmondata*"):
            data.unlink()
        for data in saved.iterdir():
            shutil.copy(data, root)
        return pytest(*options)

    fresh()  # the data the last two ways start from
    pytest("--testmon")  # settled: nothing left to select
    shutil.rmtree(saved, ignore_errors=True)
    saved.mkdir()
    for data in root.glob(".testmondata*"):
        shutil.copy(data, saved)
    return side_by_side(
        {
            "plain": lambda: pytest("--no-testmon"),
            "record, testmon alone": lambda: fresh("-p", "no:suite_toolkit"),
            "record": lambda: fresh(),
            "every test selected": lambda: recorded("--testmon-noselect"),
            "nothing changed": lambda: recorded("--testmon"),
            "start-up": lambda: pytest("--no-testmon", "--collect-only"),
        },
        rounds,
    )
