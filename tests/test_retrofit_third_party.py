"""``suite-retrofit`` on two projects no one here wrote (their sdists from PyPI, pinned), through the commands a user
types: ``plan``, the plan edited where the command cannot decide, ``apply``; then the tiered suite keeps every
outcome, its history records the tiers and pytest-testmon works on it. tomlkit has a flat suite of unit tests;
python-redis-lock's tests start their own redis-server on a Unix socket in tmp_path (never the shared one on
6379) and spawn helper processes.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.baking import SERVERS_REQUIRED
from tests.retrofitting import PLAN, REDIS_LOCK, TOMLKIT_SUITE, Ran, Retrofitted, ThirdParty, checkout, files_table
from tests.retrofitting import retrofit as retrofit_steps

# The first test of python-redis-lock sets it up: its suite runs four times there, over 5 minutes each.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]

# What each project's plan must say of its files: the tier and a regex its evidence matches.
EXPECTED_TIERS = {
    TOMLKIT_SUITE: {
        "tests/test_items.py": ("unit", r"^no connection, subprocess, sleep or file written in \d+ tests$"),
        "tests/test_parser.py": ("unit", r"^no connection, subprocess, sleep or file written in \d+ tests$"),
    },
    REDIS_LOCK: {
        "tests/test_redis_lock.py": ("integration", r"\bopens unix:redis\.sock\b[^;]* in \d+ of \d+ tests"),
    },
}

LAST_RUN = "SELECT MAX(id) FROM runs"
# python-redis-lock needs -k (its gevent and eventlet variants), and pytest-testmon turns its selection off under -k
# ("-k was used": every test runs again) unless told to select by both with --testmon-forceselect.
TESTMON_WITH_K = ("--testmon-forceselect",)


@dataclass(frozen=True)
class Result:
    steps: Retrofitted
    plan_text: str
    status: str  # git status --porcelain after apply
    recording: Ran  # the first `pytest --testmon` after apply: every test runs and is recorded
    unchanged: Ran  # the second: nothing changed, nothing runs
    tiers: set[str]  # the tiers .test-history.db holds for the recording run's tests

    @property
    def project(self) -> ThirdParty:
        return self.steps.checkout.project


@pytest.fixture(scope="module", params=[TOMLKIT_SUITE, REDIS_LOCK], ids=lambda project: project.sdist.name)
def retrofitted(
    request: pytest.FixtureRequest, default_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Result:
    """The project retrofitted once, with what every step printed: the expensive part (python-redis-lock's suite
    takes minutes a run, and it runs four times)."""
    project: ThirdParty = request.param
    if project.server and shutil.which(project.server) is None:
        missing = f"{project.sdist.name}'s tests start {project.server}: apt-get install redis-server (.ci/services.sh)"
        pytest.fail(missing) if SERVERS_REQUIRED else pytest.skip(missing)
    work = tmp_path_factory.mktemp(project.sdist.name)
    steps = retrofit_steps(checkout(project, work, default_project / "pytest-suite-toolkit"))
    root = steps.checkout.root
    status = steps.checkout.git("status", "--porcelain")
    # The recording run is also the plain run after apply: with no testmon data yet, it runs every test.
    recording = steps.checkout.pytest("--testmon")
    with sqlite3.connect(root / ".test-history.db") as history:  # the plain run before apply is in it too
        tiers = {tier for (tier,) in history.execute(f"SELECT DISTINCT tier FROM results WHERE run_id = ({LAST_RUN})")}
    unchanged = steps.checkout.pytest("--testmon", *(TESTMON_WITH_K if "-k" in project.pytest_args else ()))
    return Result(steps, (root / PLAN).read_text(encoding="utf-8"), status, recording, unchanged, tiers)


def test_the_plan_gives_each_file_a_tier_with_its_evidence(retrofitted: Result) -> None:
    assert retrofitted.steps.plan.status == 0, retrofitted.steps.plan.output[-3000:]
    files = files_table(retrofitted.steps.plan.output)
    for file, (tier, evidence) in EXPECTED_TIERS[retrofitted.project].items():
        assert files[file][:2] == (tier, file.replace("tests/", f"tests/{tier}/")), files[file]
        assert re.search(evidence, files[file][2]), files[file]
    assert set(files_table(retrofitted.plan_text)) == set(files) - set(retrofitted.project.kept_in_place)


def test_apply_verifies_every_outcome_and_moves_with_history(retrofitted: Result) -> None:
    apply = retrofitted.steps.apply
    moved = files_table(retrofitted.plan_text)

    assert apply.status == 0, apply.output[-5000:]
    tests = sum(count for outcome, count in retrofitted.steps.plain.counts().items() if outcome != "deselected")
    verified = f"Verified: {tests} tests, the same outcomes; {len(moved)} files moved, "
    assert re.search(rf"^{re.escape(verified)}\d+ fixtures? shared", apply.output, re.MULTILINE), apply.output[-3000:]
    renames = set(re.findall(r"^R  (\S+) -> (\S+)$", retrofitted.status, re.MULTILINE))
    assert renames == {(file, moves_to) for file, (_, moves_to, _) in moved.items()}, retrofitted.status


def test_the_suite_after_apply_has_the_outcomes_of_before(retrofitted: Result) -> None:
    before, after = retrofitted.steps.plain.counts(), retrofitted.recording.counts()
    assert after == before, retrofitted.recording.output[-3000:]
    assert before["passed"] > 0


def test_the_history_records_the_tiers_of_the_tiered_suite(retrofitted: Result) -> None:
    planned = {tier for tier, _, _ in files_table(retrofitted.plan_text).values()}
    outside_every_tier = {""} if retrofitted.project.kept_in_place else set()
    assert retrofitted.tiers == planned | outside_every_tier


def test_testmon_runs_nothing_on_the_unchanged_suite(retrofitted: Result) -> None:
    unchanged = retrofitted.unchanged
    assert unchanged.status in (0, 5), unchanged.output[-3000:]
    tests = retrofitted.recording.counts()
    ran = tests["passed"] + tests["failed"] + tests["skipped"] + tests["error"]
    known = re.search(r"^affected-only: 0 of (\d+) tests run", unchanged.output, re.MULTILINE)
    assert known, unchanged.output[-3000:]
    assert int(known.group(1)) >= ran  # the tests the project's arguments leave out may count
    assert set(unchanged.counts()) <= {"deselected"}, unchanged.output[-3000:]
