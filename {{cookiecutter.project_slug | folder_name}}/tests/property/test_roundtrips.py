from __future__ import annotations

import os
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.events import Event
from {{ cookiecutter.package_name }}.models import TICKET_TRANSITIONS, InvalidTransition, TicketStatus
from {{ cookiecutter.package_name }}.settings import config_dir, read_settings_file

from tests.helpers.builders import TicketBuilder

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)


@given(st.text(min_size=1), st.dictionaries(st.text(), json_values, max_size=5))
def test_any_json_payload_survives_the_wire(event_type: str, payload: dict) -> None:
    event = Event(type=event_type, payload=payload)

    assert Event.from_json(event.to_json()) == event


@given(st.integers(min_value=0, max_value=10**12), st.floats(allow_nan=False, allow_infinity=False), st.booleans())
def test_scalar_overrides_keep_their_value_and_type(retries: int, weight: float, echo: bool) -> None:
    variables = {
        "APP__TASK_QUEUE__MAX_RETRIES": str(retries),
        "APP__TASK_QUEUE__WEIGHTS__AGE": repr(weight),
        "APP__DATABASE__ECHO": str(echo).lower(),
    }
    with mock.patch.dict(os.environ, variables):
        read = read_settings_file(config_dir() / "test.yaml", with_environment=True)

    assert (read.task_queue.max_retries, read.task_queue.weights.age, read.database.echo) == (retries, weight, echo)
    assert type(read.task_queue.weights.age) is float


@given(st.lists(st.sampled_from(list(TicketStatus)), max_size=12))
def test_a_ticket_only_ever_moves_along_allowed_transitions(steps: list[TicketStatus]) -> None:
    ticket = TicketBuilder().build()
    for status in steps:
        before = ticket.status
        try:
            ticket.transition_to(status)
        except InvalidTransition:
            assert ticket.status is before
            assert status not in TICKET_TRANSITIONS[before]
        else:
            assert status in TICKET_TRANSITIONS[before]
