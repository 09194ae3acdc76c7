from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }} import events
from {{ cookiecutter.package_name }}.events import EVENT_SCHEMAS, Event
from {{ cookiecutter.package_name }}.models import Priority

from tests.helpers.assertions import assert_valid_event
from tests.helpers.drive import fail_first, work_through

EVENT_TYPES = sorted(EVENT_SCHEMAS)


def test_every_event_type_constant_has_a_schema() -> None:
    constants = {value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)}

    assert constants == set(EVENT_SCHEMAS)


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_consumer_samples_still_validate(event_type: str, consumer_samples) -> None:
    assert event_type in consumer_samples, f"no consumer sample for {event_type}: add one to tests/contract/data"
    assert_valid_event(event_type, consumer_samples[event_type]["payload"])


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_consumer_samples_decode_unchanged(event_type: str, consumer_samples) -> None:
    sample = consumer_samples[event_type]

    event = Event.from_json(Event(**sample).to_json())

    assert (event.id, event.type, dict(event.payload)) == (sample["id"], sample["type"], sample["payload"])


def test_a_payload_with_an_extra_field_breaks_the_contract() -> None:
    with pytest.raises(AssertionError, match="Additional properties are not allowed"):
        assert_valid_event("ticket.done", {"ticket_id": "k", "surprise": 1})


def test_everything_the_service_publishes_keeps_its_contract(
    task_queue, agent_registry, ticket, agent, clock, settings, events
) -> None:
    task_queue.enqueue_many(ticket.id, [("ok", Priority.HIGH), ("bad", Priority.LOW)], max_retries=1)
    always_failing = fail_first(times=9)
    work_through(task_queue, agent.id, lambda task: always_failing(task) if task.task_type == "bad" else "ok")
    clock.advance(settings.worker.heartbeat_timeout_seconds + 1)
    agent_registry.take_stale_offline()

    for event_type, payload in events.published:
        assert_valid_event(event_type, payload)
    assert set(events.types()) == set(EVENT_SCHEMAS) - {"ticket.done"}
