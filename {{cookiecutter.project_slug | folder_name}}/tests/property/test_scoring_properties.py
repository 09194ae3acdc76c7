from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.models import Priority
from {{ cookiecutter.package_name }}.settings import ScoringWeights
from {{ cookiecutter.package_name }}.task_queue import score_task

priorities = st.sampled_from(list(Priority))
ages = st.floats(min_value=-1e6, max_value=1e9, allow_nan=False)
retries = st.integers(min_value=0, max_value=50)
ceilings = st.floats(min_value=1, max_value=1e6)
weights = st.builds(
    ScoringWeights,
    priority=st.floats(min_value=0, max_value=100),
    age=st.floats(min_value=0, max_value=100),
    retry_penalty=st.floats(min_value=0, max_value=100),
)


@given(priorities, ages, st.floats(min_value=0, max_value=1e6), retries, weights, ceilings)
def test_waiting_longer_never_lowers_a_score(priority, age, extra, retry_count, w, ceiling) -> None:
    assert score_task(priority, age + extra, retry_count, w, ceiling) >= score_task(
        priority, age, retry_count, w, ceiling
    )


@given(ages, retries, weights, ceilings)
def test_a_higher_priority_never_scores_lower(age, retry_count, w, ceiling) -> None:
    scores = [score_task(priority, age, retry_count, w, ceiling) for priority in sorted(Priority)]

    assert scores == sorted(scores)


@given(priorities, ages, retries, weights, ceilings)
def test_another_retry_never_raises_a_score(priority, age, retry_count, w, ceiling) -> None:
    assert score_task(priority, age, retry_count + 1, w, ceiling) <= score_task(priority, age, retry_count, w, ceiling)


@given(priorities, ages, retries, weights, ceilings)
def test_age_adds_at_most_its_weight(priority, age, retry_count, w, ceiling) -> None:
    fresh = score_task(priority, 0, retry_count, w, ceiling)
    aged = score_task(priority, age, retry_count, w, ceiling)

    rounding = 1e-9 * max(1.0, abs(fresh))  # float subtraction of large scores is not exact

    assert -rounding <= aged - fresh <= w.age + rounding
