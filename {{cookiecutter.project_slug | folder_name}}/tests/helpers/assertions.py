"""Assertions that say what was expected in the service's own words when they fail."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import jsonschema
from sqlalchemy import Engine, event

from {{ cookiecutter.package_name }}.database import DatabaseService
from {{ cookiecutter.package_name }}.events import EVENT_SCHEMAS
from {{ cookiecutter.package_name }}.models import Task, TaskStatus

Found = TypeVar("Found")


def assert_task_status(db: DatabaseService, task_id: str, expected: TaskStatus) -> Task:
    task = db.get(Task, task_id)
    assert task is not None, f"task {task_id} does not exist"
    assert task.status is expected, f"task {task_id} is {task.status.value}, expected {expected.value}"
    return task


def assert_in_order(seen: Sequence[str], expected: Sequence[str]) -> None:
    """``expected`` appears in ``seen`` in this order, other items allowed in between."""
    remaining = iter(seen)
    missing = [item for item in expected if not any(item == candidate for candidate in remaining)]
    assert not missing, f"{missing[0]!r} missing or out of order in {list(seen)}"


def assert_valid_event(event_type: str, payload: Mapping[str, Any]) -> None:
    assert event_type in EVENT_SCHEMAS, f"{event_type!r} has no schema in EVENT_SCHEMAS"
    try:
        jsonschema.validate(dict(payload), EVENT_SCHEMAS[event_type])
    except jsonschema.ValidationError as error:
        raise AssertionError(f"{event_type} payload breaks its contract: {error.message}") from None


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def of_kind(self, verb: str) -> list[str]:
        return [sql for sql in self.statements if sql.lstrip().upper().startswith(verb.upper())]


@contextmanager
def statements(engine: Engine) -> Iterator[StatementLog]:
    """Record every SQL statement sent through ``engine`` (an executemany counts once)."""
    log = StatementLog()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)


def eventually(probe: Callable[[], Found], within: float = 10.0, what: str = "the condition") -> Found:
    """Ask ``probe`` every 50 ms until it answers something truthy, and return that; after ``within`` seconds,
    fail with its last answer. For what another process does in its own time (the service's worker)."""
    deadline = time.monotonic() + within
    while not (answer := probe()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answer, f"{what} did not hold within {within:g}s; last answer: {answer!r}"
    return answer
