"""Performance tier: realistic volumes on in-memory SQLite, with budgets on the work done.

Budgets count things that do not depend on the machine (SQL statements, tasks in flight, results), so they
hold on a laptop and a loaded CI runner alike. How fast the hot paths are, test_hot_paths.py measures with
pytest-benchmark: timed by make test-benchmarks, compared with another commit's by make bench-compare.
"""

from __future__ import annotations

import random

import pytest

from {{ cookiecutter.package_name }}.models import Priority

# Large enough that every priority has many tasks and a claim has many to choose from; each task costs SQL
# statements, so a larger queue adds time, not assertions (how fast a claim is, the benchmarks measure).
QUEUE_SIZE = 120


@pytest.fixture
def mixed_priorities() -> list[Priority]:
    """``QUEUE_SIZE`` priorities in a fixed, shuffled order."""
    priorities = [list(Priority)[number % len(Priority)] for number in range(QUEUE_SIZE)]
    random.Random(1234).shuffle(priorities)
    return priorities
