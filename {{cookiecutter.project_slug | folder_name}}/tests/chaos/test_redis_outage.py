"""Redis goes away: work goes on, events are dropped and counted, delivery resumes when it comes back."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.event_bus import EventBus
from {{ cookiecutter.package_name }}.models import TaskStatus
from {{ cookiecutter.package_name }}.task_queue import TaskQueue

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
