from __future__ import annotations

from {{ cookiecutter.package_name }}.event_bus import EventBus
from {{ cookiecutter.package_name }}.events import Event


def test_a_subscriber_receives_what_is_published(event_bus: EventBus) -> None:
    with event_bus.subscribe("task.completed") as subscription:
        receivers = event_bus.publish("task.completed", {"task_id": "t1"})

        event = subscription.get()

    assert receivers == 1
    assert (event.type, event.payload) == ("task.completed", {"task_id": "t1"})


def test_a_subscriber_hears_only_its_types(event_bus: EventBus) -> None:
    with event_bus.subscribe("task.failed") as subscription:
        event_bus.publish("task.completed", {"task_id": "t1"})
        event_bus.publish("task.failed", {"task_id": "t2"})

        assert [event.payload["task_id"] for event in subscription.drain()] == ["t2"]


def test_a_pattern_subscription_hears_a_family_of_types(event_bus: EventBus) -> None:
    with event_bus.subscribe("task.*") as subscription:
        for event_type in ("task.enqueued", "ticket.done", "task.completed"):
            event_bus.publish(event_type, {})

        assert [event.type for event in subscription.drain()] == ["task.enqueued", "task.completed"]


def test_publishing_with_nobody_listening_reaches_nobody(event_bus: EventBus) -> None:
    assert event_bus.publish("task.completed", {}) == 0
    assert event_bus.dropped == 0


def test_channels_carry_the_prefix(fake_redis) -> None:
    assert EventBus(fake_redis, prefix="shop").channel("task.done") == "shop:task.done"


def test_an_event_survives_the_wire_format() -> None:
    event = Event(type="task.completed", payload={"task_id": "t1", "n": [1, 2]})

    assert Event.from_json(event.to_json()) == event


def test_the_queue_publishes_through_the_bus(db, settings, event_bus, ticket) -> None:
    from {{ cookiecutter.package_name }}.task_queue import TaskQueue

    queue = TaskQueue(db, settings.task_queue, publish=event_bus)
    with event_bus.subscribe("task.enqueued") as subscription:
        task = queue.enqueue(ticket.id, "build")

        assert subscription.get().payload["task_id"] == task.id
