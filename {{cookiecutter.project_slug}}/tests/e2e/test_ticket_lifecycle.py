"""A ticket from creation to done (or blocked): queue on PostgreSQL, async workers, events on Redis."""

from __future__ import annotations

import asyncio

import pytest

from {{ cookiecutter.package_name }}.agents import AgentRegistry
from {{ cookiecutter.package_name }}.event_bus import EventBus
from {{ cookiecutter.package_name }}.health import blocking_probe, check_health, overall
from {{ cookiecutter.package_name }}.models import Priority, Task, TaskStatus, Ticket, TicketStatus
from {{ cookiecutter.package_name }}.task_queue import TaskQueue
from {{ cookiecutter.package_name }}.worker import Worker

from tests.helpers.assertions import assert_in_order, assert_valid_event
from tests.helpers.builders import TicketBuilder
from tests.helpers.fakes import ScriptedHandler, hanging_handler


@pytest.fixture
def queue(db, settings, event_bus: EventBus) -> TaskQueue:
    return TaskQueue(db, settings.task_queue, publish=event_bus)


@pytest.fixture
def registry(db, settings, event_bus: EventBus) -> AgentRegistry:
    return AgentRegistry(db, settings.worker.heartbeat_timeout_seconds, publish=event_bus)


@pytest.mark.smoke
async def test_a_ticket_is_done_when_its_tasks_are(db, queue, registry, event_bus) -> None:
    ticket = TicketBuilder().titled("Release 1.0").save(db)
    agent = registry.register("e2e-agent")
    handlers = {kind: ScriptedHandler(f"{kind} ok") for kind in ("build", "test", "deploy")}

    with event_bus.subscribe("task.*", "ticket.*") as subscription:
        queue.enqueue_many(ticket.id, [("build", Priority.HIGH), ("test", Priority.MEDIUM), ("deploy", Priority.LOW)])
        report = await Worker(queue, agent.id, handlers, concurrency=1).run_until_empty()
        received = subscription.drain()

    assert report.completed == 3
    assert db.get(Ticket, ticket.id).status is TicketStatus.DONE
    assert [e.payload["result"] for e in received if e.type == "task.completed"] == ["build ok", "test ok", "deploy ok"]
    assert received[-1].type == "ticket.done"


async def test_every_event_of_a_full_run_keeps_its_contract(db, queue, registry, event_bus) -> None:
    ticket = TicketBuilder().save(db)
    agent = registry.register("contract-agent")
    queue.enqueue_many(ticket.id, [("build", Priority.HIGH), ("flaky", Priority.LOW)], max_retries=1)

    with event_bus.subscribe("*") as subscription:
        await Worker(
            queue, agent.id, {"build": ScriptedHandler(), "flaky": ScriptedHandler(failures=5)}
        ).run_until_empty()
        received = subscription.drain()

    assert {event.type for event in received} >= {"task.claimed", "task.completed", "task.retried", "task.failed"}
    for event in received:
        assert_valid_event(event.type, event.payload)


async def test_a_task_that_keeps_failing_blocks_its_ticket(db, queue, registry, event_bus) -> None:
    ticket = TicketBuilder().save(db)
    agent = registry.register("unlucky")
    task = queue.enqueue(ticket.id, "flaky", max_retries=2)

    with event_bus.subscribe("task.*", "ticket.*") as subscription:
        report = await Worker(queue, agent.id, {"flaky": ScriptedHandler(failures=10)}).run_until_empty()
        types = [event.type for event in subscription.drain()]

    assert (report.retried, report.failed) == (2, 1)
    assert db.get(Task, task.id).retry_count == 2
    assert db.get(Ticket, ticket.id).status is TicketStatus.BLOCKED
    assert_in_order(types, ["task.retried", "task.retried", "task.failed", "ticket.blocked"])


async def test_a_hung_handler_is_timed_out_and_retried(db, queue, registry) -> None:
    ticket = TicketBuilder().save(db)
    agent = registry.register("patient")
    task = queue.enqueue(ticket.id, "hang", timeout_seconds=0.05, max_retries=1)

    report = await Worker(queue, agent.id, {"hang": hanging_handler}).run_until_empty()

    assert (report.retried, report.failed) == (1, 1)
    assert db.get(Task, task.id).error == "timed out after 0.05s"


async def test_two_workers_share_the_queue_without_doing_a_task_twice(db, queue, registry) -> None:
    ticket = TicketBuilder().save(db)
    first, second = registry.register("w1"), registry.register("w2")
    tasks = queue.enqueue_many(ticket.id, [("build", Priority.MEDIUM)] * 12)
    handler = ScriptedHandler(delay=0.001)

    reports = await asyncio.gather(
        Worker(queue, first.id, {"build": handler}, concurrency=2).run_until_empty(),
        Worker(queue, second.id, {"build": handler}, concurrency=2).run_until_empty(),
    )

    assert sum(report.completed for report in reports) == 12
    assert all(report.completed > 0 for report in reports)
    assert handler.calls == {task.id: 1 for task in tasks}
    assert db.count(Task, status=TaskStatus.COMPLETED) == 12


async def test_the_service_reports_healthy_on_real_servers(db, redis_client) -> None:
    results = await check_health({"database": blocking_probe(db.ping), "redis": blocking_probe(redis_client.ping)}, 2)

    assert overall(results)
