"""Benchmarks of the service's hot paths, with pytest-benchmark: how fast, where the other tests of this tier say
how much work. Everyday runs (``--benchmark-disable`` in pyproject.toml) call each once, as a test, timing nothing;
``make test-benchmarks`` times them; ``make bench-compare`` times them beside the code of another commit and fails
on a slowdown (suite-bench-compare, pytest-suite-toolkit).

A benchmark that changes the queue runs a fixed number of rounds (``benchmark.pedantic``), so that the code of
every commit compared does the same work; its assertions hold however many rounds ran (one, in everyday runs).
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.models import Priority, TaskStatus
from {{ cookiecutter.package_name }}.task_queue import score_task

QUEUED = 8  # times the tier's mixed priorities: about a thousand tasks pending, as a busy service has
CLAIMS = 50  # of them: the queue a claim chooses from stays about as long
BATCH = 100  # tasks in one enqueue_many: a ticket's whole plan


def test_claiming_from_a_queue_of_realistic_size(benchmark, task_queue, ticket, agent, mixed_priorities) -> None:
    queued = task_queue.enqueue_many(ticket.id, [("build", priority) for priority in mixed_priorities] * QUEUED)

    claimed = benchmark.pedantic(task_queue.claim_next, args=(agent.id,), rounds=CLAIMS, iterations=1)

    assert (claimed.status, claimed.priority) == (TaskStatus.CLAIMED, max(mixed_priorities))  # still the top ones
    counts = task_queue.counts()
    assert counts[TaskStatus.CLAIMED] + counts[TaskStatus.PENDING] == len(queued)


def test_enqueueing_a_batch(benchmark, task_queue, ticket) -> None:
    specs = [("build", list(Priority)[number % len(Priority)]) for number in range(BATCH)]

    tasks = benchmark.pedantic(task_queue.enqueue_many, args=(ticket.id, specs), rounds=20, iterations=1)

    assert len(tasks) == BATCH
    assert task_queue.counts()[TaskStatus.PENDING] % BATCH == 0  # every batch whole, however many rounds ran


def test_scoring_a_task(benchmark, settings) -> None:
    weights, ceiling = settings.task_queue.weights, settings.task_queue.age_ceiling_seconds

    score = benchmark(score_task, Priority.HIGH, 30.0, 1, weights, ceiling)

    assert score == score_task(Priority.HIGH, 30.0, 0, weights, ceiling) - weights.retry_penalty


def test_reading_a_ticket_through_the_api(benchmark, api: TestClient) -> None:
    tasks = [{"type": "echo", "priority": priority.name} for priority in Priority] * 10
    ticket = api.post("/tickets", json={"title": "Print the report", "tasks": tasks}).json()

    response = benchmark(api.get, f"/tickets/{ticket['id']}")

    assert response.status_code == 200
    assert response.json() == ticket
