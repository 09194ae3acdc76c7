from __future__ import annotations

import pytest
from dirty_equals import IsUUID

from {{ cookiecutter.package_name }}.models import (
    TICKET_TRANSITIONS,
    InvalidTransition,
    Priority,
    Task,
    TaskStatus,
    Ticket,
    TicketStatus,
)

from tests.helpers.builders import TicketBuilder
from tests.helpers.factories import TaskFactory

# Built in the enum's order, never a set's: xdist workers must collect the same ids in the same order.
ALLOWED = [(start, end) for start in TicketStatus for end in TicketStatus if end in TICKET_TRANSITIONS[start]]
FORBIDDEN = [(start, end) for start in TicketStatus for end in TicketStatus if end not in TICKET_TRANSITIONS[start]]


def test_an_unsaved_ticket_already_has_its_defaults() -> None:
    ticket = Ticket(title="Write docs")

    assert (ticket.id, ticket.status, ticket.priority, ticket.description) == (
        IsUUID(4),
        TicketStatus.OPEN,
        Priority.MEDIUM,
        "",
    )


def test_an_unknown_keyword_is_refused() -> None:
    with pytest.raises(TypeError, match="'colour' is an invalid keyword argument for Ticket"):
        Ticket(title="x", colour="red")


@pytest.mark.parametrize(("start", "end"), ALLOWED, ids=lambda s: s.value)
def test_allowed_ticket_transitions(start: TicketStatus, end: TicketStatus) -> None:
    ticket = TicketBuilder().in_status(start).build()

    ticket.transition_to(end)

    assert ticket.status is end


@pytest.mark.parametrize(("start", "end"), FORBIDDEN, ids=lambda s: s.value)
def test_forbidden_ticket_transitions_are_refused(start: TicketStatus, end: TicketStatus) -> None:
    ticket = TicketBuilder().in_status(start).build()

    with pytest.raises(InvalidTransition, match=f"{start.value} -> {end.value} is not allowed"):
        ticket.transition_to(end)
    assert ticket.status is start


def test_done_and_cancelled_are_final() -> None:
    assert TICKET_TRANSITIONS[TicketStatus.DONE] == TICKET_TRANSITIONS[TicketStatus.CANCELLED] == frozenset()


def test_retries_left_counts_down() -> None:
    task = TaskFactory.build(max_retries=3, retry_count=1)

    assert task.retries_left == 2
    assert task.status is TaskStatus.PENDING


def test_saved_objects_round_trip_through_the_database(db) -> None:
    task = TaskFactory.build()
    db.add(task)

    loaded = db.get(Task, task.id)

    assert (loaded.task_type, loaded.priority, loaded.ticket_id) == (task.task_type, task.priority, task.ticket.id)
