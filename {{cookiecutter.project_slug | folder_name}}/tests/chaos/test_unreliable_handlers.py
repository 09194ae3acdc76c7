from __future__ import annotations

import asyncio
import random

from {{ cookiecutter.package_name }}.models import Priority, Task, TaskStatus
from {{ cookiecutter.package_name }}.worker import Worker


class CoinFlipHandler:
    """Fails, hangs or succeeds at random (seeded), like a dependency having a bad day."""

    def __init__(self, rng: random.Random, fail: float, hang: float) -> None:
        self.rng, self.fail, self.hang = rng, fail, hang
        self.attempts = 0

    async def __call__(self, task: Task) -> str:
        self.attempts += 1
        roll = self.rng.random()
        if roll < self.fail:
            raise ConnectionResetError("peer went away")
        if roll < self.fail + self.hang:
            await asyncio.Event().wait()
        return "ok"


async def test_every_task_ends_completed_or_failed_under_random_faults(
    task_queue, ticket, agent, db, chaos_random
) -> None:
    tasks = task_queue.enqueue_many(ticket.id, [("flaky", Priority.MEDIUM)] * 60, timeout_seconds=0.01, max_retries=2)
    handler = CoinFlipHandler(chaos_random, fail=0.3, hang=0.1)

    report = await Worker(task_queue, agent.id, {"flaky": handler}, concurrency=6).run_until_empty()

    counts = task_queue.counts()
    assert counts[TaskStatus.PENDING] == counts[TaskStatus.CLAIMED] == 0
    assert counts[TaskStatus.COMPLETED] + counts[TaskStatus.FAILED] == len(tasks)
    assert report.completed == counts[TaskStatus.COMPLETED] > 0
    assert handler.attempts == report.completed + report.retried + report.failed


async def test_no_task_is_retried_beyond_its_limit(task_queue, ticket, agent, db, chaos_random) -> None:
    task_queue.enqueue_many(ticket.id, [("flaky", Priority.LOW)] * 40, timeout_seconds=0.01, max_retries=1)

    await Worker(task_queue, agent.id, {"flaky": CoinFlipHandler(chaos_random, fail=0.5, hang=0.0)}).run_until_empty()

    with db.session() as session:
        assert all(task.retry_count <= 1 for task in session.query(Task))
        failed = session.query(Task).filter_by(status=TaskStatus.FAILED).all()
    assert all(task.error == "ConnectionResetError: peer went away" for task in failed)


async def test_a_handler_that_crashes_the_worker_loop_does_not_lose_tasks(task_queue, ticket, agent) -> None:
    async def cancels_itself(task: Task) -> str:
        raise asyncio.TimeoutError  # looks like a timeout from inside the handler

    task_queue.enqueue(ticket.id, "weird", max_retries=0)

    report = await Worker(task_queue, agent.id, {"weird": cancels_itself}).run_until_empty()

    assert report.failed == 1
    assert task_queue.counts()[TaskStatus.FAILED] == 1
