"""The queue announcing a whole ticket's life on a real Redis, heard by a subscriber."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.event_bus import EventBus
from {{ cookiecutter.package_name }}.models import Priority
from {{ cookiecutter.package_name }}.task_queue import TaskQueue

from tests.helpers.assertions import assert_in_order, assert_valid_event
from tests.helpers.builders import TicketBuilder
from tests.helpers.drive import fail_first, succeed, work_through


@pytest.fixture
def queue(db, settings, event_bus: EventBus) -> TaskQueue:
    return TaskQueue(db, settings.task_queue, publish=event_bus)


def test_a_subscriber_hears_a_ticket_from_start_to_done(db, queue, agent, event_bus) -> None:
    ticket = TicketBuilder().save(db)

    with event_bus.subscribe("task.*", "ticket.*") as subscription:
        queue.enqueue_many(ticket.id, [("build", Priority.HIGH), ("deploy", Priority.LOW)])
        work_through(queue, agent.id, succeed())
        received = [event.type for event in subscription.drain()]

    assert_in_order(received, ["task.enqueued", "task.claimed", "task.completed", "task.completed", "ticket.done"])


def test_what_arrives_over_redis_keeps_its_contract(db, queue, agent, event_bus) -> None:
    ticket = TicketBuilder().save(db)

    with event_bus.subscribe("*") as subscription:
        queue.enqueue_many(ticket.id, [("build", Priority.HIGH), ("flaky", Priority.LOW)], max_retries=1)
        work_through(queue, agent.id, fail_first(times=3))
        received = subscription.drain()

    assert len(received) >= 6
    for event in received:
        assert_valid_event(event.type, event.payload)
