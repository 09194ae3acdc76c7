from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.models import Priority
from {{ cookiecutter.package_name }}.settings import ScoringWeights
from {{ cookiecutter.package_name }}.task_queue import score_task

WEIGHTS = ScoringWeights(priority=1.0, age=0.5, retry_penalty=0.2)


def score(priority: Priority = Priority.MEDIUM, age: float = 0.0, retries: int = 0) -> float:
    return score_task(priority, age, retries, WEIGHTS, age_ceiling_seconds=60)


def test_a_fresh_task_scores_its_priority() -> None:
    assert score(Priority.HIGH) == pytest.approx(3.0)


def test_waiting_raises_the_score_up_to_the_ceiling() -> None:
    assert score(age=30) == pytest.approx(2.25)
    assert score(age=60) == score(age=6_000) == pytest.approx(2.5)


def test_each_retry_lowers_the_score() -> None:
    assert score(retries=2) == pytest.approx(1.6)


def test_a_clock_running_backwards_does_not_lower_the_score() -> None:
    assert score(age=-30) == score(age=0)


def test_age_alone_cannot_lift_a_task_over_a_higher_priority_with_these_weights() -> None:
    assert score(Priority.LOW, age=10_000) < score(Priority.MEDIUM, age=0)


def test_weights_decide_what_counts() -> None:
    age_first = ScoringWeights(priority=0.1, age=5.0, retry_penalty=0.0)

    old_low = score_task(Priority.LOW, 60, 0, age_first, age_ceiling_seconds=60)
    new_critical = score_task(Priority.CRITICAL, 0, 0, age_first, age_ceiling_seconds=60)

    assert old_low > new_critical
