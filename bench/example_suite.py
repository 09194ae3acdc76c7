"""The default project's whole suite, serial, tier by tier: the example suite against the speed it teaches (at most
30 s of pytest time on an idle 2-core machine, the unit tier at most 5 s), side by side with the template before the
suite was made cheaper (issue 23)."""

from __future__ import annotations

import statistics
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from bench.common import Section, pytest, run
from bench.unit_tier import bake_at
from tests.baking import SuiteReport

BEFORE = "f547abf"  # the template's last commit before the example suite was made cheaper
SERIAL = ("-q", "-p", "no:randomly", "--no-testmon", "--no-analytics")
WHOLE_SUITE_TARGET, UNIT_TIER_TARGET = 30.0, 5.0


def tier_seconds(project: Path, report: Path) -> dict[str, float]:
    """One serial run of the whole suite: each tier's seconds (setup, call and teardown of its tests, as JUnit's
    ``time`` adds them) and ``pytest``, the session's own wall time (start-up and collection included)."""
    result = run(pytest(project, *SERIAL, f"--junitxml={report}"), project, TEST_REQUIRE_SERVERS="1")
    ran = SuiteReport.from_junit(report)
    if ran.total() != ran.total("passed"):
        raise RuntimeError(f"the suite of {project} did not pass whole:\n{result.stdout[-2000:]}")
    suite = ET.parse(report).getroot().find("testsuite")
    return {**ran.seconds, "pytest": float(suite.get("time")), "tests": float(ran.total())}


def measure(project: Path, rounds: int) -> Section:
    section = Section(
        "The example suite, serial, tier by tier",
        f"`pytest` (the whole suite, servers up, serial, `{' '.join(SERIAL)}`) in the default project as baked now "
        f"and as the template baked it at {BEFORE}, before the suite was made cheaper; alternating for {rounds} "
        "rounds, medians. A tier's seconds are the setup, call and teardown of its tests (JUnit's `time`); "
        "*pytest* is the session's wall time as pytest reports it (start-up and collection included). Target: at "
        f"most {WHOLE_SUITE_TARGET:g} s of pytest time, the unit tier at most {UNIT_TIER_TARGET:g} s, on an idle "
        "2-core machine.",
        header=("tier", f"seconds at {BEFORE}", "seconds now", "now / before"),
    )
    with tempfile.TemporaryDirectory() as folder:
        before = bake_at(BEFORE, Path(folder))
        runs: dict[str, list[dict[str, float]]] = {"before": [], "now": []}
        for number in range(rounds):
            order = [("before", before), ("now", project)][:: 1 if number % 2 == 0 else -1]
            for name, where in order:
                runs[name].append(tier_seconds(where, Path(folder) / f"{name}.xml"))
            print(f"  round {number + 1}/{rounds}: " + ", ".join(f"{n} {runs[n][-1]['pytest']:.1f}s" for n in runs))
    median = {name: {key: statistics.median(r[key] for r in each) for key in each[0]} for name, each in runs.items()}
    tiers = sorted((key for key in median["now"] if key not in ("pytest", "tests")), key=lambda t: -median["now"][t])
    for key in [*tiers, "pytest"]:
        old, new = median["before"].get(key, 0.0), median["now"][key]
        section.rows.append((key, f"{old:.1f}", f"{new:.1f}", f"{new / old:.2f}" if old else ""))
    section.rows.append(("tests", f"{median['before']['tests']:.0f}", f"{median['now']['tests']:.0f}", ""))
    section.check(
        median["now"]["pytest"] <= WHOLE_SUITE_TARGET,
        f"the whole suite takes {median['now']['pytest']:.1f} s of pytest time (target {WHOLE_SUITE_TARGET:g} s)",
    )
    section.check(
        median["now"]["unit"] <= UNIT_TIER_TARGET,
        f"the unit tier takes {median['now']['unit']:.1f} s (target {UNIT_TIER_TARGET:g} s)",
    )
    return section
