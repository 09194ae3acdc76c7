"""Async workers against the tier's real database: timeouts, concurrency, health."""

from __future__ import annotations

import asyncio

from {{ cookiecutter.package_name }}.health import blocking_probe, check_health, overall
from {{ cookiecutter.package_name }}.models import Priority, Task, TaskStatus, Ticket, TicketStatus
from {{ cookiecutter.package_name }}.worker import Worker

from tests.helpers.builders import TicketBuilder
from tests.helpers.handlers import ScriptedHandler, hanging_handler


async def test_a_worker_finishes_a_ticket(db, task_queue, agent) -> None:
    ticket = TicketBuilder().save(db)
    task_queue.enqueue_many(ticket.id, [("build", Priority.HIGH), ("test", Priority.LOW)])

    handlers = {"build": ScriptedHandler(), "test": ScriptedHandler()}

    report = await Worker(task_queue, agent.id, handlers).run_until_empty()

    assert report.completed == 2
    assert db.get(Ticket, ticket.id).status is TicketStatus.DONE


async def test_a_hung_handler_is_timed_out_and_retried(db, task_queue, agent) -> None:
    ticket = TicketBuilder().save(db)
    task = task_queue.enqueue(ticket.id, "hang", timeout_seconds=0.05, max_retries=1)

    report = await Worker(task_queue, agent.id, {"hang": hanging_handler}).run_until_empty()

    assert (report.retried, report.failed) == (1, 1)
    assert db.get(Task, task.id).error == "timed out after 0.05s"


async def test_two_workers_share_the_queue_without_doing_a_task_twice(db, task_queue, agent_registry) -> None:
    ticket = TicketBuilder().save(db)
    first, second = agent_registry.register("w1"), agent_registry.register("w2")
    tasks = task_queue.enqueue_many(ticket.id, [("build", Priority.MEDIUM)] * 12)
    handler = ScriptedHandler(delay=0.001)

    reports = await asyncio.gather(
        Worker(task_queue, first.id, {"build": handler}, concurrency=2).run_until_empty(),
        Worker(task_queue, second.id, {"build": handler}, concurrency=2).run_until_empty(),
    )

    assert sum(report.completed for report in reports) == 12
    assert all(report.completed > 0 for report in reports)
    assert handler.calls == {task.id: 1 for task in tasks}
    assert db.count(Task, status=TaskStatus.COMPLETED) == 12


async def test_the_database_reports_healthy(db) -> None:
    assert overall(await check_health({"database": blocking_probe(db.ping)}, timeout=2))
