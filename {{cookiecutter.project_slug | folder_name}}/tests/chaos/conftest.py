"""Chaos tier: dependencies fail on purpose, and the service must stay correct.

Network faults are real: ``service_behind_proxies`` (tests/fixtures/network_faults.py) is the service as a  # [if servers]
process of its own, whose connections to its servers a test delays, drops, refuses or half-opens.  # [if servers]
Faults inside the process go through seams the service already has (such as the database engine's events), with a
seeded random source so that every run injects the same failures.
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
def fail_next(db: DatabaseService) -> Iterator[Callable[[str], list[str]]]:
    """``fail_next("UPDATE")`` makes the next such statement fail; it returns the list of refused statements."""
    armed: list[str] = []
    refused: list[str] = []

    def refuse(conn, cursor, statement: str, *args) -> None:
        if armed and statement.lstrip().upper().startswith(armed[0]):
            refused.append(statement)
            armed.clear()
            raise InjectedDatabaseError(f"injected: connection lost during {statement.split()[0]}")

    def arm(verb: str) -> list[str]:
        armed[:] = [verb.upper()]
        return refused

    event.listen(db.engine, "before_cursor_execute", refuse)
    yield arm
    event.remove(db.engine, "before_cursor_execute", refuse)
