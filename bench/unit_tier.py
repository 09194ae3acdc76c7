"""(f) The default project's unit tier: its service tests alone, side by side with the template before the test
machinery became a package (its pytester runs of the plugins were unit tests then), and with pytest's start-up."""

from __future__ import annotations

import re
import subprocess
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from cookiecutter.main import cookiecutter

from bench.common import ROOT, UV, Section, pytest, run, side_by_side, timed

BEFORE = "ce0a3e0"  # the template's last commit before pytest-suite-toolkit (issue 12)
QUIET = ("-q", "-p", "no:randomly", "--no-testmon")


def bake_at(revision: str, folder: Path) -> Path:
    """The default project of the template as it was at ``revision``, installed."""
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
    template = folder / "template"
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(template, filter="data")
    project = Path(cookiecutter(str(template), no_input=True, output_dir=str(folder / "baked")))
    run(["make", "setup", f"UV={UV}"], project)
    return project


def count(result: subprocess.CompletedProcess[str]) -> int:
    return int(re.search(r"(\d+) passed", result.stdout).group(1))


def measure(project: Path, rounds: int) -> Section:
    section = Section(
        "The unit tier",
        f"`pytest tests/unit` in the default project as baked now, and as the template baked it at {BEFORE} (before "
        "the test machinery moved into `pytest-suite-toolkit/`, its own pytester tests were in the unit tier), "
        "serial, `-p no:randomly --no-testmon`; *start-up*: pytest on an empty folder of the same project (the "
        f"conftest, fixture modules and plugins load, no test). Alternating for {rounds} rounds; medians.",
        header=("run", "tests", "seconds (median)", "tests' own seconds (minus start-up)"),
    )
    with tempfile.TemporaryDirectory() as folder:
        before = bake_at(BEFORE, Path(folder))
        empty = project / "tests" / "_empty"
        empty.mkdir(exist_ok=True)
        tests = {
            name: count(run(pytest(where, "tests/unit", *QUIET), where))
            for name, where in (("now", project), ("before", before))
        }
        medians = side_by_side(
            {
                "start-up": lambda: timed(pytest(project, "tests/_empty", *QUIET), project)[0],
                "now": lambda: timed(pytest(project, "tests/unit", *QUIET), project)[0],
                "before": lambda: timed(pytest(before, "tests/unit", *QUIET), before)[0],
            },
            rounds,
        )
    floor = medians["start-up"]
    section.rows += [
        ("start-up (no test)", "0", f"{floor:.2f}", ""),
        (
            f"unit tier at {BEFORE}",
            str(tests["before"]),
            f"{medians['before']:.2f}",
            f"{medians['before'] - floor:.2f}",
        ),
        (
            "unit tier now (service tests only)",
            str(tests["now"]),
            f"{medians['now']:.2f}",
            f"{medians['now'] - floor:.2f}",
        ),
    ]
    ratio = (medians["now"] - floor) / (medians["before"] - floor)
    section.check(ratio < 1, f"the unit tier's own time is {ratio:.2f}x what it was at {BEFORE}")
    return section
