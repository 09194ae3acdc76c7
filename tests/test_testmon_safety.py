"""Zero missed tests: for each mutation of the example service, every test that a full run fails is among the
tests pytest-testmon selects. A selection that missed one would let `make test` pass on broken code."""

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
    Mutation(
        "override-parsing",
        "src/work_queue/settings.py",
        "return value if isinstance(value, (bool, int, float)) else text",
        "return text",
    ),
    Mutation("config-value", "config/test.yaml", "  max_retries: 2\n", "  max_retries: 3\n"),
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
        selection = pytest_in(project, "--testmon", "--collect-only", *QUIET)
    finally:
        target.write_text(original, encoding="utf-8")

    failed = SuiteReport.from_junit(tmp_path / "full.xml").failed_ids()
    selected = {line for line in selection.stdout.splitlines() if "::" in line}
    assert failed, f"{mutation} broke no test, so it checks nothing:\n{full.stdout[-2000:]}"
    assert failed <= selected, f"testmon missed {sorted(failed - selected)}"
