"""What only a real PostgreSQL can show: URLs from the environment, and workers claiming at the same time."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.database import DatabaseService
from {{ cookiecutter.package_name }}.models import Priority
from {{ cookiecutter.package_name }}.settings import load_settings
from {{ cookiecutter.package_name }}.task_queue import TaskQueue

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
