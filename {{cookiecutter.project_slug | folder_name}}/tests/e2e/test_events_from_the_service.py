"""What the running service announces on Redis, heard by a subscriber as another service would hear it."""

from __future__ import annotations

import httpx

from {{ cookiecutter.package_name }}.event_bus import EventBus

from tests.helpers.assertions import assert_in_order, assert_valid_event


def test_a_subscriber_hears_a_ticket_from_submission_to_done(http: httpx.Client, event_bus: EventBus) -> None:
    with event_bus.subscribe("task.*", "ticket.*") as subscription:
        ticket = http.post("/tickets", json={"title": "Announce me", "tasks": [{"type": "echo"}]}).json()
        heard = []
        while (event := subscription.get(timeout=10)) is not None:
            heard.append(event)
            if event.type == "ticket.done" and event.payload["ticket_id"] == ticket["id"]:
                break

    ids = {ticket["id"], *(task["id"] for task in ticket["tasks"])}
    mine = [event for event in heard if {event.payload.get("ticket_id"), event.payload.get("task_id")} & ids]
    assert_in_order([event.type for event in mine], ["task.enqueued", "task.claimed", "task.completed", "ticket.done"])
    for event in mine:
        assert_valid_event(event.type, event.payload)

