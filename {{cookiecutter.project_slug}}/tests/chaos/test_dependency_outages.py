from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.event_bus import EventBus
from {{ cookiecutter.package_name }}.health import blocking_probe, check_health
from {{ cookiecutter.package_name }}.models import TaskStatus, Ticket, TicketStatus
from {{ cookiecutter.package_name }}.task_queue import TaskQueue

from tests.chaos.conftest import InjectedDatabaseError
from tests.helpers.assertions import assert_task_status


def test_a_redis_outage_loses_events_but_no_work(db, settings, event_bus, fake_redis_server, ticket, agent) -> None:
    queue = TaskQueue(db, settings.task_queue, publish=event_bus)
    task = queue.enqueue(ticket.id, "build")
    fake_redis_server.connected = False

    queue.complete(queue.claim_next(agent.id).id, "done anyway")

    assert_task_status(db, task.id, TaskStatus.COMPLETED)
    assert event_bus.dropped == 3  # claimed, completed, ticket.done: all dropped, none raised


def test_the_bus_delivers_again_when_redis_comes_back(event_bus: EventBus, fake_redis_server) -> None:
    fake_redis_server.connected = False
    event_bus.publish("task.completed", {})
    fake_redis_server.connected = True

    with event_bus.subscribe("task.completed") as subscription:
        assert event_bus.publish("task.completed", {"task_id": "t"}) == 1
        assert subscription.get().payload == {"task_id": "t"}
    assert event_bus.dropped == 1


def test_a_write_failing_mid_claim_leaves_the_task_pending(task_queue, ticket, agent, db, fail_next_update) -> None:
    task = task_queue.enqueue(ticket.id, "build")
    refused = fail_next_update()

    with pytest.raises(InjectedDatabaseError):
        task_queue.claim_next(agent.id)

    assert len(refused) == 1
    assert_task_status(db, task.id, TaskStatus.PENDING)
    assert task_queue.claim_next(agent.id).id == task.id  # and the queue works once the fault is gone


def test_a_write_failing_mid_completion_changes_and_announces_nothing(
    task_queue, ticket, agent, db, events, fail_next_update
) -> None:
    task = task_queue.enqueue(ticket.id, "build")
    task_queue.claim_next(agent.id)
    announced = list(events.published)
    fail_next_update()

    with pytest.raises(InjectedDatabaseError):
        task_queue.complete(task.id, "ok")

    assert events.published == announced
    assert_task_status(db, task.id, TaskStatus.CLAIMED)
    assert db.get(Ticket, ticket.id).status is TicketStatus.IN_PROGRESS
    task_queue.complete(task.id, "ok")
    assert db.get(Ticket, ticket.id).status is TicketStatus.DONE


async def test_health_reports_the_redis_outage_and_the_healthy_database(db, fake_redis, fake_redis_server) -> None:
    fake_redis_server.connected = False

    results = await check_health({"database": blocking_probe(db.ping), "redis": blocking_probe(fake_redis.ping)}, 1)

    assert results["database"].healthy
    assert not results["redis"].healthy
    assert "ConnectionError" in results["redis"].detail
