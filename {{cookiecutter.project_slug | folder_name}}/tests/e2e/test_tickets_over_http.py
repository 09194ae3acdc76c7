"""A client's view: tickets submitted over HTTP are worked through by the service's own worker."""

from __future__ import annotations

import httpx
import pytest

from {{ cookiecutter.package_name }}.models import TaskStatus, TicketStatus

from tests.helpers.over_http import settled, submit


@pytest.mark.smoke
def test_a_submitted_ticket_is_worked_through_to_done(http: httpx.Client) -> None:
    ticket = submit(http, "echo", "echo", "echo")

    done = settled(http, ticket)

    assert done["status"] == TicketStatus.DONE.value
    assert [task["status"] for task in done["tasks"]] == [TaskStatus.COMPLETED.value] * 3
    assert {task["result"] for task in done["tasks"]} == {f"echo done for ticket {ticket['id']}"}


def test_a_ticket_reads_back_with_every_field_a_client_relies_on(http: httpx.Client) -> None:
    # The body clients parse, field by field: a field dropped or renamed fails here, not only in the snapshot of
    # tests/contract (which `make openapi` would make green again).
    submitted = {
        "title": "Quarterly report",
        "description": "For the finance team",
        "priority": "HIGH",
        "tasks": [{"type": "echo", "priority": "LOW"}],
    }
    created = http.post("/tickets", json=submitted)
    assert created.status_code == 201, created.text
    ticket_id, task_id = created.json()["id"], created.json()["tasks"][0]["id"]

    settled(http, created.json())
    read = http.get(f"/tickets/{ticket_id}")

    assert read.status_code == 200
    assert read.json() == {
        "id": ticket_id,
        "title": "Quarterly report",
        "description": "For the finance team",
        "priority": "HIGH",
        "status": TicketStatus.DONE.value,
        "tasks": [
            {
                "id": task_id,
                "type": "echo",
                "priority": "LOW",
                "status": TaskStatus.COMPLETED.value,
                "retry_count": 0,
                "result": f"echo done for ticket {ticket_id}",
                "error": None,
            }
        ],
    }
    assert created.json().keys() == read.json().keys()
    assert created.json()["tasks"][0].keys() == read.json()["tasks"][0].keys()


def test_a_task_nobody_handles_is_retried_then_blocks_its_ticket(http: httpx.Client, settings) -> None:
    ticket = submit(http, "echo", "no-such-type")

    blocked = settled(http, ticket)

    failed = next(task for task in blocked["tasks"] if task["type"] == "no-such-type")
    assert blocked["status"] == TicketStatus.BLOCKED.value
    assert failed["status"] == TaskStatus.FAILED.value
    assert failed["retry_count"] == settings.task_queue.max_retries
    assert failed["error"] == "no handler for task type 'no-such-type'"


def test_the_queue_counts_what_the_worker_did(http: httpx.Client) -> None:
    before = http.get("/queue").json()["tasks"]
    ticket = submit(http, "echo", "echo")
    settled(http, ticket)

    after = http.get("/queue").json()["tasks"]

    assert after[TaskStatus.COMPLETED.value] - before[TaskStatus.COMPLETED.value] >= 2
    assert after[TaskStatus.PENDING.value] == after[TaskStatus.CLAIMED.value] == 0


def test_what_a_client_gets_wrong_is_named(http: httpx.Client) -> None:
    missing = http.get("/tickets/no-such-ticket")
    invalid = http.post("/tickets", json={"title": "No tasks", "tasks": []})
    not_json = http.post("/tickets", content=b"{", headers={"content-type": "application/json"})

    assert (missing.status_code, missing.json()) == (404, {"detail": "no ticket no-such-ticket"})
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["body", "tasks"]
    assert (not_json.status_code, not_json.json()["detail"][0]["type"]) == (422, "json_invalid")
