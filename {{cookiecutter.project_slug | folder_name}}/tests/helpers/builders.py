"""Fluent builders: a test states only what matters to it, the builder fills in the rest, the same every run.
For data whose values must not matter (varied on every run), use the factories (tests/helpers/factories.py).

ticket = TicketBuilder().titled("Auth").critical().save(db)
task = TaskBuilder().for_ticket(ticket).claimed_by(agent).save(db)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from {{ cookiecutter.package_name }}.database import DatabaseService
from {{ cookiecutter.package_name }}.models import (
    Agent,
    AgentStatus,
    Base,
    Priority,
    Task,
    TaskStatus,
    Ticket,
    TicketStatus,
)

Model = TypeVar("Model", bound=Base)


class _Builder(Generic[Model]):
    model: type[Model]

    def __init__(self) -> None:
        self._fields: dict[str, Any] = {}

    def _with(self, **fields: Any) -> Any:
        self._fields.update(fields)
        return self

    def build(self) -> Model:
        return self.model(**self._fields)

    def save(self, db: DatabaseService) -> Model:
        obj = self.build()
        db.add(obj)
        return obj


class TicketBuilder(_Builder[Ticket]):
    model = Ticket

    def __init__(self) -> None:
        super().__init__()
        self._with(title="A ticket")

    def titled(self, title: str) -> TicketBuilder:
        return self._with(title=title)

    def described(self, description: str) -> TicketBuilder:
        return self._with(description=description)

    def with_priority(self, priority: Priority) -> TicketBuilder:
        return self._with(priority=priority)

    def critical(self) -> TicketBuilder:
        return self.with_priority(Priority.CRITICAL)

    def in_status(self, status: TicketStatus) -> TicketBuilder:
        return self._with(status=status)

    def in_progress(self) -> TicketBuilder:
        return self.in_status(TicketStatus.IN_PROGRESS)


class TaskBuilder(_Builder[Task]):
    model = Task

    def __init__(self) -> None:
        super().__init__()
        self._with(task_type="build")

    def for_ticket(self, ticket: Ticket) -> TaskBuilder:
        return self._with(ticket_id=ticket.id)

    def of_type(self, task_type: str) -> TaskBuilder:
        return self._with(task_type=task_type)

    def with_priority(self, priority: Priority) -> TaskBuilder:
        return self._with(priority=priority)

    def created_at(self, when: datetime) -> TaskBuilder:
        return self._with(created_at=when)

    def retried(self, times: int) -> TaskBuilder:
        return self._with(retry_count=times)

    def claimed_by(self, agent: Agent, at: datetime | None = None) -> TaskBuilder:
        return self._with(status=TaskStatus.CLAIMED, agent_id=agent.id, claimed_at=at or datetime(2030, 1, 1, 12))

    def timing_out_after(self, seconds: float) -> TaskBuilder:
        return self._with(timeout_seconds=seconds)


class AgentBuilder(_Builder[Agent]):
    model = Agent

    def __init__(self) -> None:
        super().__init__()
        self._with(name="agent")

    def named(self, name: str) -> AgentBuilder:
        return self._with(name=name)

    def with_capacity(self, capacity: int) -> AgentBuilder:
        return self._with(capacity=capacity)

    def offline(self) -> AgentBuilder:
        return self._with(status=AgentStatus.OFFLINE)

    def last_seen(self, when: datetime) -> AgentBuilder:
        return self._with(last_heartbeat=when)
