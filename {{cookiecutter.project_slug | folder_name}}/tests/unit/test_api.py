"""The HTTP API, called in process: FastAPI's TestClient hands requests to the app without a socket."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from {{ cookiecutter.package_name }}.models import Agent, TaskStatus, TicketStatus
from {{ cookiecutter.package_name }}.service import AgentLoop, Service


def submit(api: TestClient, *types: str, **ticket: object) -> dict:
    response = api.post("/tickets", json={"title": "Print the report", **ticket, "tasks": [{"type": t} for t in types]})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_submitted_ticket_is_in_progress_with_its_tasks_pending(api: TestClient) -> None:
    ticket = submit(api, "echo", "echo", priority="HIGH")

    assert ticket["status"] == TicketStatus.IN_PROGRESS.value
    assert ticket["priority"] == "HIGH"
    assert [task["status"] for task in ticket["tasks"]] == [TaskStatus.PENDING.value] * 2
    assert api.get(f"/tickets/{ticket['id']}").json() == ticket


async def test_a_ticket_is_done_once_the_worker_has_run_its_tasks(api: TestClient, service: Service) -> None:
    ticket = submit(api, "echo", "echo")

    assert await AgentLoop(service).step() == 2

    after = api.get(f"/tickets/{ticket['id']}").json()
    assert after["status"] == TicketStatus.DONE.value
    assert {task["result"] for task in after["tasks"]} == {f"echo done for ticket {ticket['id']}"}
    assert api.get("/queue").json()["tasks"][TaskStatus.COMPLETED.value] == 2


def test_an_unknown_ticket_is_404_naming_it(api: TestClient) -> None:
    response = api.get("/tickets/no-such-ticket")

    assert response.status_code == 404
    assert response.json() == {"detail": "no ticket no-such-ticket"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "tasks": [{"type": "echo"}]}, "title"),
        ({"title": "t", "tasks": []}, "tasks"),
        ({"title": "t", "tasks": [{"type": "echo", "priority": "URGENT"}]}, "priority"),
        ({"title": "nul\x00", "tasks": [{"type": "echo"}]}, "title"),
    ],
)
def test_a_bad_ticket_is_422_naming_the_field(api: TestClient, body: dict, field: str) -> None:
    response = api.post("/tickets", json=body)

    assert response.status_code == 422
    assert field in {str(part) for error in response.json()["detail"] for part in error["loc"]}


def test_the_service_is_alive_without_asking_any_server(api: TestClient, service: Service, monkeypatch) -> None:
    monkeypatch.setattr(service.db, "ping", lambda: pytest.fail("liveness must not ask the database"))

    assert api.get("/health").json() == {"status": "ok"}


def test_ready_when_every_server_answers(api: TestClient) -> None:
    response = api.get("/ready")

    assert response.status_code == 200
    assert response.json()["ready"] is True
    assert all(check["healthy"] for check in response.json()["checks"].values())


def test_not_ready_when_the_database_fails_naming_it(api: TestClient, service: Service, monkeypatch) -> None:
    def refused() -> bool:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(service.db, "ping", refused)
    response = api.get("/ready")

    assert response.status_code == 503
    assert response.json()["ready"] is False
    assert response.json()["checks"]["database"]["healthy"] is False
    assert "OperationalError" in response.json()["checks"]["database"]["detail"]


def test_a_request_while_the_database_is_down_is_503(api: TestClient, service: Service, monkeypatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(service.queue, "counts", refused)
    response = api.get("/queue")

    assert response.status_code == 503
    assert response.json() == {"detail": "the database did not answer; try again later"}


async def test_each_round_runs_at_most_the_agents_capacity(api: TestClient, service: Service, db) -> None:
    capacity = service.settings.worker.concurrency
    submit(api, *["echo"] * (capacity + 2))
    loop = AgentLoop(service, name="worker-under-test")

    assert [await loop.step() for _ in range(3)] == [capacity, 2, 0]
    assert db.count(Agent, name="worker-under-test") == 1
    assert db.get(Agent, loop.worker.agent_id).capacity == capacity
