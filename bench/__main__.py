"""`python -m bench`: bake the default project, measure, print, and write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench import (
    analytics,
    bench_compare,
    example_suite,
    isolation,
    mutations,
    parallel,
    retrofit,
    service_e2e,
    shards,
    testmon_cost,
    testmon_selection,
    unit_tier,
)
from bench.common import ROOT, baked_project, now_and_machine

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/bench_isolation"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="rounds per side-by-side comparison")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="measure only this section, replacing it in the output"
    )
    options = parser.parse_args()
    chosen = options.only or list(SECTIONS)
    with tempfile.TemporaryDirectory() as folder:
        project = baked_project(Path(folder))
        sections = [SECTIONS[name](project, Path(folder), options.rounds) for name in chosen]
    if options.only:
        text = options.output.read_text(encoding="utf-8")
        for section in sections:
            text = replace_section(text, section.markdown())
        options.output.write_text(text, encoding="utf-8")
        print(f"\nupdated {options.output}: {', '.join(chosen)}")
        return
    when, machine = now_and_machine()
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Latest run: {when}, on {machine}. Reproduce with `make bench` (PostgreSQL and Redis running, as "
            "`make services` starts them). Every comparison is measured side by side in one run; compare ratios, "
            "not seconds, between runs. Commands run as on a developer's machine: PYTHONDONTWRITEBYTECODE, which this "
            "machine sets, is unset (with it every pytest start recompiles its imports: 2.9 s instead of 0.9 s).",
            "",
            *(section.markdown() for section in sections),
        ]
    )
    options.output.write_text(text + kept_by_hand(options.output), encoding="utf-8")
    print(f"\nwrote {options.output}")


def replace_section(text: str, section: str) -> str:
    """``text`` with the section of the same heading replaced by ``section`` (or ``section`` added before the
    part kept by hand), for a run of some sections only (its date is in the section's own text)."""
    heading = section.splitlines()[0]
    start = text.find(heading + "\n")
    if start < 0:
        start = end = text.find(TEMPLATE_SUITE_HEADING) if TEMPLATE_SUITE_HEADING in text else len(text)
    else:
        following = text.find("\n## ", start + len(heading))
        end = following + 1 if following >= 0 else len(text)
    return text[:start] + section + "\n" + text[end:]


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")


SECTIONS = {
    "testmon": lambda project, folder, rounds: testmon_selection.measure(project, rounds),
    "parallel": lambda project, folder, rounds: parallel.measure(project, max(3, rounds // 2)),
    "isolation": lambda project, folder, rounds: isolation.measure(project, database_url(), rounds=200),
    "shards": lambda project, folder, rounds: shards.measure(project),
    "analytics": lambda project, folder, rounds: analytics.measure(project, rounds),
    "history-merge": lambda project, folder, rounds: analytics.measure_merge(project, rounds),
    "false-alarms": lambda project, folder, rounds: analytics.measure_false_alarms(project),
    "unit-tier": lambda project, folder, rounds: unit_tier.measure(project, rounds),
    "example-suite": lambda project, folder, rounds: example_suite.measure(project, max(3, rounds // 2)),
    "service": lambda project, folder, rounds: service_e2e.measure(
        project, folder, database_url(), redis_url(), rounds
    ),
    "mutations": lambda project, folder, rounds: mutations.measure(
        project, mutations.tomlkit_project(folder, project / "pytest-suite-toolkit")
    ),
    "tracing": lambda project, folder, rounds: mutations.tracing_cost(
        mutations.tomlkit_project(folder, project / "pytest-suite-toolkit"), rounds
    ),
    "testmon-cost": lambda project, folder, rounds: testmon_cost.measure(cost_projects(project, folder), rounds),
    "retrofit": lambda project, folder, rounds: retrofit.measure(project / "pytest-suite-toolkit", folder, rounds),
    "bench-compare": lambda project, folder, rounds: bench_compare.measure(project),
}


def cost_projects(project: Path, folder: Path) -> list[testmon_cost.Measured]:
    """tomlkit's and marshmallow's suites on each Python, and the default project's tiers that need no server (its
    whole suite takes minutes a run) on its own Python and on 3.12."""
    toolkit = project / "pytest-suite-toolkit"
    measured = [
        testmon_cost.Measured(each.sdist.name, testmon_cost.sdist_project(folder, each, toolkit, python), python)
        for each in testmon_cost.SDISTS
        for python in testmon_cost.PYTHONS
    ]
    (folder / "py312").mkdir()
    newer = baked_project(folder / "py312", python_version="3.12")
    tiers = ("tests/unit", "tests/property", "tests/contract")
    for root in (project, newer):
        python = (root / ".python-version").read_text().strip()
        measured.append(testmon_cost.Measured("default project (unit, property, contract)", root, python, tiers))
    return measured


def kept_by_hand(output: Path) -> str:
    """The section timing the template's own suite, measured with `time make test` rather than by this
    command (one everyday run takes minutes): kept as it is when the rest of the file is rewritten."""
    old = output.read_text(encoding="utf-8") if output.is_file() else ""
    start = old.find(TEMPLATE_SUITE_HEADING)
    return "\n" + old[start:] if start >= 0 else ""


TEMPLATE_SUITE_HEADING = "## The template's own suite"


if __name__ == "__main__":
    main()
