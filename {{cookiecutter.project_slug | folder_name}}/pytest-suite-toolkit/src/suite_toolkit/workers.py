"""``pytest -n auto`` chooses the number of pytest-xdist workers from measured durations, not from the core count.

Each worker costs about a second to start and the controller takes CPU too, so on a small machine a short suite runs
fastest serially. The durations come from ``workers_durations_file`` (pytest-split's ``--store-durations`` writes
it); without it the run stays serial and says so. Each worker must get ``workers_seconds_per_worker`` of them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from suite_toolkit import settings

SECONDS_PER_WORKER = float(settings.default("workers_seconds_per_worker"))


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1


def workers_for(total_seconds: float, cores: int, seconds_per_worker: float = SECONDS_PER_WORKER) -> int:
    """0 (serial) unless at least two workers each get ``seconds_per_worker`` of work; never more than the cores."""
    workers = min(cores, int(total_seconds // seconds_per_worker))
    return workers if workers >= 2 else 0


def measured_seconds(path: Path) -> float | None:
    try:
        return sum(json.loads(path.read_text(encoding="utf-8")).values())
    except FileNotFoundError:
        return None


decision = pytest.StashKey[str]()


def auto_workers(config: pytest.Config) -> int:
    """pytest-xdist's ``-n auto``: 0 (serial) or the number of workers, with the decision kept for the header."""
    durations = config.getini("workers_durations_file")
    total = measured_seconds(config.rootpath / durations)
    cores = available_cores()
    if total is None:
        config.stash[decision] = f"serial: no {durations} yet (pytest-split's --store-durations measures the suite)"
        return 0
    workers = workers_for(total, cores, settings.positive_number(config, "workers_seconds_per_worker"))
    config.stash[decision] = f"{workers or 'serial'}: {total:.1f} s measured, {cores} cores"
    return workers


def report_header(config: pytest.Config) -> str | None:
    return f"xdist workers (-n auto): {config.stash[decision]}" if decision in config.stash else None
