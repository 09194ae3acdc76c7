"""Zero missed tests: for each mutation of the example service, every test that a full run fails is among the
tests `make test` selects (pytest-testmon and pytest-suite-toolkit's inputs). A selection that missed one would let
`make test` pass on broken code. The service runs in a process of its own under the e2e and chaos tiers: a change
to the API, or to code only that process runs, must select them too; a settings value, only the tests that read
it."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.baking import UV, SuiteReport, execute


@dataclass(frozen=True)
class Mutation:
    id: str
    path: str
    old: str
    new: str
    at_most: float = 1.0  # the share of the suite the selection may hold

    def __str__(self) -> str:
        return self.id


MUTATIONS = [
    Mutation(
        "score-body",
        "src/work_queue/task_queue.py",
        "weights.age * age_factor - weights.retry_penalty * retry_count",
        "weights.age * age_factor + weights.retry_penalty * retry_count",
    ),
    Mutation("event-constant", "src/work_queue/events.py", '_COMPLETED = "task.completed"', '_COMPLETED = "done"'),
    Mutation(
        "transition-rule",
        "src/work_queue/models.py",
        "return status in TICKET_TRANSITIONS[self.status]",
        "return status is not self.status",
    ),
    Mutation("stale-boundary", "src/work_queue/agents.py", "last_heartbeat < deadline", "last_heartbeat <= deadline"),
    Mutation("override-nesting", "src/work_queue/settings.py", 'env_nested_delimiter="__"', 'env_nested_delimiter="_"'),
    Mutation("config-value", "config/test.yaml", "  max_retries: 2\n", "  max_retries: 3\n", at_most=0.7),
    Mutation(
        "config-timeout",
        "config/test.yaml",
        "  heartbeat_timeout_seconds: 10\n",
        "  heartbeat_timeout_seconds: 0.001\n",
        at_most=0.5,
    ),
    Mutation("api-status", "src/work_queue/api.py", "status_code=201, responses", "status_code=200, responses"),
    # fail() runs only in the service's process: its one-line refusals, read by the e2e tier.
    Mutation("process-only", "src/work_queue/__main__.py", 'print(f"error: {message}"', 'print(f"failure: {message}"'),
]  # fmt: skip
QUIET = ["-q", "-p", "no:randomly"]


def pytest_in(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return execute([str(UV), "run", "--frozen", "pytest", *args], project)


@pytest.fixture(scope="module")
def project_with_testmon_data(installed_default_project: Path) -> Path:
    """The default project after one `pytest --testmon` run has recorded what every test executes."""
    recorded = pytest_in(installed_default_project, "--testmon", *QUIET)
    assert recorded.returncode == 0, recorded.stdout[-3000:]
    return installed_default_project


@pytest.mark.parametrize("mutation", MUTATIONS, ids=str)
def test_testmon_selects_every_test_the_mutation_breaks(
    project_with_testmon_data: Path, mutation: Mutation, tmp_path: Path
) -> None:
    project = project_with_testmon_data
    target = project / mutation.path
    original = target.read_text(encoding="utf-8")
    assert original.count(mutation.old) == 1, f"the mutation no longer applies to {mutation.path}"
    target.write_text(original.replace(mutation.old, mutation.new), encoding="utf-8")
    try:
        full = pytest_in(project, "--no-testmon", *QUIET, f"--junitxml={tmp_path / 'full.xml'}")
        selection = execute(["make", "test", f"UV={UV}", f"ARGS=--collect-only {' '.join(QUIET)}"], project)
    finally:
        target.write_text(original, encoding="utf-8")

    report = SuiteReport.from_junit(tmp_path / "full.xml")
    failed = report.failed_ids()
    selected = {line for line in selection.stdout.splitlines() if "::" in line}
    assert failed, f"{mutation} broke no test, so it checks nothing:\n{full.stdout[-2000:]}"
    assert failed <= selected, f"make test missed {sorted(failed - selected)}"
    assert len(selected) <= mutation.at_most * report.total(), f"{len(selected)} of {report.total()} tests selected"
