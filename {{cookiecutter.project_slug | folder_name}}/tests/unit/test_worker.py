from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.models import Priority, TaskStatus
from {{ cookiecutter.package_name }}.worker import Worker

from tests.helpers.assertions import assert_task_status
from tests.helpers.handlers import ScriptedHandler, hanging_handler


async def test_a_worker_completes_every_task(task_queue, ticket, agent, db) -> None:
    tasks = task_queue.enqueue_many(ticket.id, [("build", Priority.MEDIUM)] * 5)
    worker = Worker(task_queue, agent.id, {"build": ScriptedHandler("built")}, concurrency=2)

    report = await worker.run_until_empty()

    assert (report.completed, report.retried, report.failed) == (5, 0, 0)
    for task in tasks:
        assert assert_task_status(db, task.id, TaskStatus.COMPLETED).result == "built"


async def test_a_worker_never_runs_more_than_its_concurrency(task_queue, ticket, agent) -> None:
    task_queue.enqueue_many(ticket.id, [("build", Priority.MEDIUM)] * 7)
    worker = Worker(task_queue, agent.id, {"build": ScriptedHandler(delay=0.001)}, concurrency=3)

    await worker.run_until_empty()

    assert worker.peak_in_flight == 3


async def test_a_failing_handler_is_retried_until_it_succeeds(task_queue, ticket, agent, db) -> None:
    task = task_queue.enqueue(ticket.id, "build", max_retries=2)
    handler = ScriptedHandler(failures=2)

    report = await Worker(task_queue, agent.id, {"build": handler}).run_until_empty()

    assert (report.completed, report.retried) == (1, 2)
    assert handler.calls[task.id] == 3
    assert assert_task_status(db, task.id, TaskStatus.COMPLETED).retry_count == 2


async def test_a_handler_past_its_timeout_is_cut_off(task_queue, ticket, agent, db) -> None:
    task = task_queue.enqueue(ticket.id, "slow", timeout_seconds=0.01, max_retries=0)

    report = await Worker(task_queue, agent.id, {"slow": hanging_handler}).run_until_empty()

    assert report.failed == 1
    assert assert_task_status(db, task.id, TaskStatus.FAILED).error == "timed out after 0.01s"


async def test_a_task_type_without_handler_fails_with_a_reason(task_queue, ticket, agent, db) -> None:
    task = task_queue.enqueue(ticket.id, "mystery", max_retries=0)

    await Worker(task_queue, agent.id, {}).run_until_empty()

    assert assert_task_status(db, task.id, TaskStatus.FAILED).error == "no handler for task type 'mystery'"


def test_concurrency_below_one_is_refused(task_queue, agent) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Worker(task_queue, agent.id, {}, concurrency=0)


async def test_every_failure_is_logged_with_what_happens_next(task_queue, ticket, agent, caplog) -> None:
    task = task_queue.enqueue(ticket.id, "build", max_retries=1)

    await Worker(task_queue, agent.id, {}).run_until_empty()

    assert [record.getMessage() for record in caplog.records if record.name.endswith(".worker")] == [
        f"task {task.id} (build) will be retried: no handler for task type 'build'",
        f"task {task.id} (build) failed for good: no handler for task type 'build'",
    ]
