"""`pytest -n auto` chooses the number of xdist workers from measured durations, not from the core count.

Each worker costs about a second to start and the controller takes CPU too, so on a small machine a short
suite runs fastest serially. The durations come from `.test_durations` (`make test-durations`, pytest-split's
format); without it the run stays serial and says so.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

SECONDS_PER_WORKER = 8.0  # measured work each worker needs to repay its start-up (docs/benchmarks.md)
DURATIONS_FILE = ".test_durations"
decision = pytest.StashKey[str]()


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1


def workers_for(total_seconds: float, cores: int) -> int:
    """0 (serial) unless at least two workers each get SECONDS_PER_WORKER of work; never more than the cores."""
    workers = min(cores, int(total_seconds // SECONDS_PER_WORKER))
    return workers if workers >= 2 else 0


def measured_seconds(path: Path) -> float | None:
    try:
        return sum(json.loads(path.read_text(encoding="utf-8")).values())
    except FileNotFoundError:
        return None


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    total = measured_seconds(config.rootpath / DURATIONS_FILE)
    cores = available_cores()
    workers = 0 if total is None else workers_for(total, cores)
    if total is None:
        config.stash[decision] = f"serial: no {DURATIONS_FILE} yet (make test-durations measures the suite)"
    else:
        config.stash[decision] = f"{workers or 'serial'}: {total:.1f} s measured, {cores} cores"
    return workers


def pytest_report_header(config: pytest.Config) -> str | None:
    if decision in config.stash:
        return f"xdist workers (-n auto): {config.stash[decision]}"
    return None
