"""Tables and columns that reports, migrations and other services read directly."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

EXPECTED_COLUMNS = {
    "tickets": {"id", "title", "description", "status", "priority", "created_at"},
    "tasks": {
        "id",
        "ticket_id",
        "task_type",
        "status",
        "priority",
        "retry_count",
        "max_retries",
        "timeout_seconds",
        "agent_id",
        "created_at",
        "claimed_at",
        "finished_at",
        "result",
        "error",
    },
    "agents": {"id", "name", "status", "capacity", "last_heartbeat"},
}


@pytest.mark.parametrize("table", sorted(EXPECTED_COLUMNS))
def test_the_schema_keeps_the_columns_consumers_read(db, table: str) -> None:
    columns = {column["name"] for column in inspect(db.engine).get_columns(table)}

    assert columns >= EXPECTED_COLUMNS[table], f"{table} lost {EXPECTED_COLUMNS[table] - columns}"


def test_enums_are_stored_by_name(db, task_queue, ticket) -> None:
    task_queue.enqueue(ticket.id, "build")

    with db.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT status, priority FROM tasks").one()

    assert tuple(stored) == ("PENDING", "MEDIUM")
