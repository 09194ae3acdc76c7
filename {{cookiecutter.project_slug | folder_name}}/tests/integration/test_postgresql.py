"""What only a real PostgreSQL can show: URLs from the environment, workers claiming at the same time, and a
server shared with other runs."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.database import DatabaseService
from {{ cookiecutter.package_name }}.models import Priority
from {{ cookiecutter.package_name }}.settings import load_settings
from {{ cookiecutter.package_name }}.task_queue import TaskQueue

from tests.helpers import postgres
from tests.helpers.builders import AgentBuilder, TicketBuilder


def test_database_url_from_the_environment_reaches_postgresql(postgres_server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", postgres_server.set(database="postgres").render_as_string(hide_password=False))

    db = DatabaseService.from_url(load_settings().database.url)
    try:
        assert db.ping()
        assert db.engine.dialect.name == "postgresql"
    finally:
        db.engine.dispose()


def test_a_claim_skips_tasks_another_worker_has_locked(make_database, settings) -> None:
    with make_database("skip_locked") as engine:
        committed = DatabaseService(engine)
        ticket = TicketBuilder().save(committed)
        agent = AgentBuilder().save(committed)
        TaskQueue(committed, settings.task_queue).enqueue_many(ticket.id, [("build", Priority.HIGH)] * 2)

        with engine.connect() as busy_worker:
            transaction = busy_worker.begin()  # holds its claim's row lock until it ends
            held = TaskQueue(DatabaseService(busy_worker), settings.task_queue).claim_next(agent.id)
            other = TaskQueue(committed, settings.task_queue).claim_next(agent.id)
            transaction.rollback()

    assert held is not None
    assert other is not None
    assert other.id != held.id


DIES_HOLDING_A_DATABASE = """
import os, sys
from sqlalchemy import make_url
from tests.helpers import postgres

databases = postgres.RunDatabases(make_url(sys.argv[1]), sys.argv[2]).__enter__()
databases.create("left").__enter__()
print(databases.name("left"))
os._exit(0)  # no clean-up at all, as when the process is killed
"""


def test_the_databases_of_a_run_that_died_are_dropped_by_the_next(postgres_server) -> None:
    url = postgres_server.render_as_string(hide_password=False)
    dead_run = subprocess.run(
        [sys.executable, "-c", DIES_HOLDING_A_DATABASE, url, another_owner()],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    left = dead_run.stdout.strip()

    with postgres.RunDatabases(postgres_server, another_owner()) as next_run:
        # The server releases a lock when it notices the connection is gone: within milliseconds, not at once.
        deadline = time.monotonic() + 10
        while left in next_run.owned_databases() and time.monotonic() < deadline:
            time.sleep(0.1)
            next_run.drop_abandoned()

        assert left.startswith(postgres_server.database)
        assert left not in next_run.owned_databases()


def test_a_run_never_drops_a_live_run_databases(postgres_server) -> None:
    live_owner, next_owner = another_owner(), another_owner()
    with (
        postgres.RunDatabases(postgres_server, live_owner) as live,
        live.create("kept"),
        postgres.RunDatabases(postgres_server, next_owner) as next_run,
    ):
        assert next_run.owned_databases()[live.name("kept")] == live_owner


def another_owner() -> str:
    """An owner no other run has, like ``servers.owner()`` gives each test process."""
    return f"{uuid.uuid4().hex[:8]}-gw9"
