"""Chaos tier: dependencies and handlers fail on purpose, and the service must stay correct.

Failures are injected through seams the service already has (the fake Redis server, the database engine's
events, handlers), with a seeded random source so that every run injects the same failures.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import event

from {{ cookiecutter.package_name }}.database import DatabaseService


@pytest.fixture
def chaos_random() -> random.Random:
    return random.Random(20240229)


class InjectedDatabaseError(RuntimeError):
    """Raised by ``fail_writes`` in place of a real driver error."""


@pytest.fixture
def fail_next_update(db: DatabaseService) -> Iterator[Callable[[], list[str]]]:
    """Call the fixture's value to make the next UPDATE fail; it returns the list of refused statements."""
    armed: list[bool] = []
    refused: list[str] = []

    def refuse_update(conn, cursor, statement: str, *args) -> None:
        if armed and statement.lstrip().upper().startswith("UPDATE"):
            armed.clear()
            refused.append(statement)
            raise InjectedDatabaseError("injected: connection lost during UPDATE")

    def arm() -> list[str]:
        armed.append(True)
        return refused

    event.listen(db.engine, "before_cursor_execute", refuse_update)
    yield arm
    event.remove(db.engine, "before_cursor_execute", refuse_update)
