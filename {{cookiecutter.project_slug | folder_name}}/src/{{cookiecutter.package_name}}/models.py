"""The work-queue domain: tickets are split into tasks, tasks are claimed and worked on by agents.

Times are naive UTC (``utcnow()``) so that every database stores and compares them the same way.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, ClassVar

from sqlalchemy import CheckConstraint, DateTime, Enum, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_id() -> str:
    return str(uuid.uuid4())


class Priority(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


class TicketStatus(str, enum.Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskStatus(str, enum.Enum):
    PENDING = "pending"
    CLAIMED = "claimed"
    COMPLETED = "completed"
    FAILED = "failed"


class AgentStatus(str, enum.Enum):
    IDLE = "idle"
    BUSY = "busy"
    OFFLINE = "offline"


TICKET_TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.OPEN: frozenset({TicketStatus.IN_PROGRESS, TicketStatus.CANCELLED}),
    TicketStatus.IN_PROGRESS: frozenset({TicketStatus.BLOCKED, TicketStatus.DONE, TicketStatus.CANCELLED}),
    TicketStatus.BLOCKED: frozenset({TicketStatus.IN_PROGRESS, TicketStatus.CANCELLED}),
    TicketStatus.DONE: frozenset(),
    TicketStatus.CANCELLED: frozenset(),
}


class InvalidTransition(ValueError):
    """A status change the state machine does not allow."""


Defaults = dict[str, Callable[[], Any]]


class Base(DeclarativeBase):
    """Declarative base whose constructor also fills in Python-side defaults.

    Column defaults only apply when a row is inserted; ``python_defaults`` makes an object that was never saved
    (a builder's or a factory's ``build()``) look the same as a saved one.
    """

    python_defaults: ClassVar[Defaults] = {}

    def __init__(self, **kwargs: Any) -> None:
        for name, make_default in self.python_defaults.items():
            kwargs.setdefault(name, make_default())
        for name, value in kwargs.items():
            if not hasattr(type(self), name):
                raise TypeError(f"{name!r} is an invalid keyword argument for {type(self).__name__}")
            setattr(self, name, value)


def _enum(kind: type[enum.Enum]) -> Enum:
    # Stored as VARCHAR with a CHECK constraint: adding a member needs no ALTER TYPE migration.
    return Enum(kind, native_enum=False, length=20, validate_strings=True)


class Ticket(Base):
    __tablename__ = "tickets"
    python_defaults: ClassVar[Defaults] = {
        "id": new_id,
        "description": str,
        "status": lambda: TicketStatus.OPEN,
        "priority": lambda: Priority.MEDIUM,
        "created_at": utcnow,
    }

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[TicketStatus] = mapped_column(_enum(TicketStatus))
    priority: Mapped[Priority] = mapped_column(_enum(Priority))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    tasks: Mapped[list[Task]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", order_by="(Task.created_at, Task.id)"
    )

    def can_transition_to(self, status: TicketStatus) -> bool:
        return status in TICKET_TRANSITIONS[self.status]

    def transition_to(self, status: TicketStatus) -> None:
        if not self.can_transition_to(status):
            raise InvalidTransition(f"ticket {self.id}: {self.status.value} -> {status.value} is not allowed")
        self.status = status

    def __repr__(self) -> str:
        return f"<Ticket {self.id[:8]} {self.status.value} {self.title!r}>"


class Agent(Base):
    __tablename__ = "agents"
    python_defaults: ClassVar[Defaults] = {"id": new_id, "status": lambda: AgentStatus.IDLE, "capacity": lambda: 1}

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[AgentStatus] = mapped_column(_enum(AgentStatus))
    capacity: Mapped[int] = mapped_column(Integer, CheckConstraint("capacity > 0", name="agent_capacity_positive"))
    last_heartbeat: Mapped[datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<Agent {self.name} {self.status.value}>"


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("retry_count >= 0 AND retry_count <= max_retries", name="task_retries_in_range"),
        CheckConstraint("timeout_seconds > 0", name="task_timeout_positive"),
        Index("ix_tasks_claim_order", "status", "priority", "retry_count", "created_at"),
    )
    python_defaults: ClassVar[Defaults] = {
        "id": new_id,
        "status": lambda: TaskStatus.PENDING,
        "priority": lambda: Priority.MEDIUM,
        "retry_count": lambda: 0,
        "max_retries": lambda: 3,
        "timeout_seconds": lambda: 300.0,
        "created_at": utcnow,
    }

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    task_type: Mapped[str] = mapped_column(String(50))
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus))
    priority: Mapped[Priority] = mapped_column(_enum(Priority))
    retry_count: Mapped[int] = mapped_column(Integer)
    max_retries: Mapped[int] = mapped_column(Integer)
    timeout_seconds: Mapped[float] = mapped_column(Float)
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    ticket: Mapped[Ticket] = relationship(back_populates="tasks")

    @property
    def retries_left(self) -> int:
        return self.max_retries - self.retry_count

    def __repr__(self) -> str:
        return f"<Task {self.id[:8]} {self.task_type} {self.status.value}>"
