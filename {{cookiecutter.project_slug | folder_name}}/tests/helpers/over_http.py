"""A client of the running service: submit a ticket, wait until its worker has settled it, read one server's
readiness check. For the tiers that drive the service as a process of its own (e2e, chaos).

Needs: tests/helpers/assertions.py, httpx.
"""

from __future__ import annotations

import httpx

from {{ cookiecutter.package_name }}.models import TicketStatus

from tests.helpers.assertions import eventually

SETTLED = (TicketStatus.DONE.value, TicketStatus.BLOCKED.value)


def submit(http: httpx.Client, *task_types: str, title: str = "Nightly report") -> dict:
    """A new ticket with one task of each type, as the service answered it (201)."""
    response = http.post("/tickets", json={"title": title, "tasks": [{"type": kind} for kind in task_types]})
    assert response.status_code == 201, response.text
    return response.json()


def settled(http: httpx.Client, ticket: dict, within: float = 10.0) -> dict:
    """The ticket once none of its tasks is left to run (done, or blocked by a failed one)."""

    def read() -> dict | None:
        found = http.get(f"/tickets/{ticket['id']}").json()
        return found if found["status"] in SETTLED else None

    return eventually(read, within=within, what=f"ticket {ticket['id']} to settle")


def readiness(http: httpx.Client, server: str) -> tuple[int, dict]:
    """``/ready``'s status code and its check of ``server`` (``database``, say)."""
    response = http.get("/ready")
    return response.status_code, response.json()["checks"][server]


def not_ready(http: httpx.Client, server: str) -> dict | None:
    """``server``'s failed check while ``/ready`` answers 503 because of it, else None."""
    status, check = readiness(http, server)
    return check if status == 503 and not check["healthy"] else None
