from __future__ import annotations

import uuid

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from {{ cookiecutter.package_name }}.event_bus import EventBus
from {{ cookiecutter.package_name }}.task_queue import TaskQueue

from tests.helpers import redis_server
from tests.helpers.assertions import assert_in_order
from tests.helpers.redis_server import RunNamespace, namespace


@pytest.mark.smoke
def test_an_event_crosses_a_real_redis(event_bus: EventBus) -> None:
    with event_bus.subscribe("task.completed") as subscription:
        assert event_bus.publish("task.completed", {"task_id": "t1"}) == 1

        assert subscription.get().payload == {"task_id": "t1"}


def test_every_subscriber_gets_its_own_copy(event_bus: EventBus) -> None:
    with event_bus.subscribe("ticket.done") as first, event_bus.subscribe("ticket.*") as second:
        assert event_bus.publish("ticket.done", {"ticket_id": "k"}) == 2

        assert first.get().payload == second.get().payload == {"ticket_id": "k"}


def test_events_arrive_in_publishing_order(event_bus: EventBus) -> None:
    with event_bus.subscribe("task.*") as subscription:
        for number in range(20):
            event_bus.publish("task.claimed", {"n": number})

        assert [event.payload["n"] for event in subscription.drain()] == list(range(20))


def test_a_queue_on_the_real_database_announces_on_redis(db, settings, event_bus, ticket, agent) -> None:
    queue = TaskQueue(db, settings.task_queue, publish=event_bus)
    with event_bus.subscribe("task.*", "ticket.*") as subscription:
        task = queue.enqueue(ticket.id, "build")
        queue.complete(queue.claim_next(agent.id).id, "ok")

        received = subscription.drain()

    assert_in_order(
        [event.type for event in received], ["task.enqueued", "task.claimed", "task.completed", "ticket.done"]
    )
    assert received[0].payload["task_id"] == task.id


def test_the_bus_survives_an_unreachable_server() -> None:
    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
    bus = EventBus(unreachable)

    assert bus.publish("task.completed", {}) == 0
    assert bus.dropped == 1


def test_clearing_deletes_this_process_keys_and_no_other(redis_keys: RunNamespace, redis_client: redis.Redis) -> None:
    someone_else = f"not-a-test-run:{uuid.uuid4().hex}"  # unique: another run may be checking its own
    redis_client.set(redis_keys.key("mine"), "1")
    redis_client.set(someone_else, "1")
    try:
        redis_keys.clear()

        assert redis_keys.keys() == []
        assert redis_client.get(someone_else) == "1"
    finally:
        redis_client.delete(someone_else)


def test_keys_of_a_run_that_died_are_deleted_and_a_live_run_keeps_its_own(
    redis_keys: RunNamespace, redis_client: redis.Redis
) -> None:
    alive, dead = namespace(f"{uuid.uuid4().hex[:8]}-gw9"), namespace(f"{uuid.uuid4().hex[:8]}-gw9")
    with redis_server.client(single_connection_client=True, client_name=alive.rstrip(":")) as live_run:
        live_run.ping()
        redis_client.set(f"{alive}kept", "1")
        redis_client.set(f"{dead}left:behind", "1")
        try:
            redis_keys.delete_abandoned()

            assert redis_client.get(f"{alive}kept") == "1"
            assert redis_client.exists(f"{dead}left:behind") == 0
        finally:
            redis_client.delete(f"{alive}kept", f"{dead}left:behind")
