"""The `quarantine` marker in the default project, through its Makefile: a quarantined test that fails is rerun and
reported without failing the run, and `make test-quarantine` runs it again and again to confirm a fix (with the
pytest-rerunfailures and pytest-repeat the project installs)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from tests.baking import make

QUARANTINED = """import os

import pytest


@pytest.mark.quarantine(reason="fails when told to: a stand-in for a flaky test")
def test_sometimes_fails():
    assert os.environ.get("FAIL_NOW") != "1"
"""


def test_a_quarantined_test_fails_without_failing_the_run_and_make_test_quarantine_confirms_a_fix(
    installed_default_project: Path,
) -> None:
    project = installed_default_project
    quarantined = project / "tests" / "unit" / f"test_quarantined_{uuid.uuid4().hex[:8]}.py"
    quarantined.write_text(QUARANTINED, encoding="utf-8")
    try:
        everyday = make(project, "test-unit", args="-q", FAIL_NOW="1")
        not_fixed = make(project, "test-quarantine", "QUARANTINE_RUNS=3", args="-q -p no:randomly", FAIL_NOW="1")
        fixed = make(project, "test-quarantine", "QUARANTINE_RUNS=3", args="-q -p no:randomly")
    finally:
        quarantined.unlink()

    assert everyday.returncode == 0, everyday.stdout[-3000:]
    assert re.search(r"1 failed, \d+ passed, 2 rerun", everyday.stdout), everyday.stdout[-2000:]
    assert "1 quarantined test(s) failed; they do not fail the run:" in everyday.stdout
    assert not_fixed.returncode != 0, not_fixed.stdout[-3000:]  # make's own status: 2
    assert re.search(r"\b3 failed\b", not_fixed.stdout), not_fixed.stdout[-2000:]
    assert "rerun" not in not_fixed.stdout.splitlines()[-1]  # no reruns while confirming
    assert fixed.returncode == 0, fixed.stdout[-3000:]
    assert re.search(r"\b3 passed\b", fixed.stdout), fixed.stdout[-2000:]
