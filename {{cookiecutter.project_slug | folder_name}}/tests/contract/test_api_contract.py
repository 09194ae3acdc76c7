"""The HTTP API's contract is ``openapi.json``, the OpenAPI document committed at the project's root.

Consumers build their clients against that file, so the API must match it exactly: a change to the code that
changes the document fails here, naming each change, until ``make openapi`` writes the new document and it is
committed (with the consumers' agreement, when the change breaks them). Then schemathesis generates requests
from the document, valid and invalid (it builds on hypothesis), sends them to the app in process and checks every
answer against the document: no server error, only documented status codes, bodies of the documented shape,
invalid input refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fakeredis  # [if redis]
import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis import GenerationMode

from {{ cookiecutter.package_name }}.api import create_app
from {{ cookiecutter.package_name }}.database import DatabaseService
from {{ cookiecutter.package_name }}.event_bus import EventBus  # [if redis]
from {{ cookiecutter.package_name }}.service import Service, build_service
from {{ cookiecutter.package_name }}.settings import load_settings

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"


def changes(committed: Any, current: Any, where: str = "") -> list[str]:
    """Every place where two JSON documents differ, by path: ``paths./tickets.post.responses.201: removed``.

    (A JSON diff of a few lines rather than a library: the document is small, and the message is what matters.)
    """
    if isinstance(committed, dict) and isinstance(current, dict):
        found = [f"{where}{key}: removed" for key in committed if key not in current]
        found += [f"{where}{key}: added" for key in current if key not in committed]
        for key in committed.keys() & current.keys():
            found += changes(committed[key], current[key], f"{where}{key}.")
        return sorted(found)
    if committed != current:
        return [f"{where.rstrip('.')}: {json.dumps(committed)} became {json.dumps(current)}"]
    return []


def test_the_api_matches_the_committed_openapi_document(service: Service) -> None:
    differences = changes(json.loads(COMMITTED.read_text(encoding="utf-8")), create_app(service).openapi())

    assert not differences, (
        "the API no longer matches openapi.json, the contract its consumers build against:\n  "
        + "\n  ".join(differences)
        + "\nA field removed, renamed or retyped breaks the clients that read it. Regenerate the document only for"
        + " a change you meant and its consumers accept (`make openapi`, then commit openapi.json); else fix the API."
    )


def test_a_change_to_the_api_is_named() -> None:
    committed = {"paths": {"/tickets": {"post": {"responses": {"201": {}}}}}, "info": {"version": "0.1.0"}}
    current = {"paths": {"/tickets": {"post": {"responses": {"200": {}}}}}, "info": {"version": "0.2.0"}}

    assert changes(committed, current) == [
        'info.version: "0.1.0" became "0.2.0"',
        "paths./tickets.post.responses.200: added",
        "paths./tickets.post.responses.201: removed",
    ]


def app_in_process() -> FastAPI:
    """The API on an in-memory database and fakes: the contract is about the API, not about the servers."""
    db = DatabaseService.from_url("sqlite+pysqlite:///:memory:")
    db.create_schema()
    service = build_service(
        load_settings(),
        db=db,
        bus=EventBus(fakeredis.FakeRedis()),  # [if redis]
    )
    return create_app(service)


# Loaded at import: the operations become test ids (`[POST /tickets]`). Not schemathesis's own pytest decorators:
# under pytest 9.2 the tests they make all share one node id, which the durations, history and testmon key on.
schema = schemathesis.openapi.from_asgi("/openapi.json", app_in_process())
OPERATIONS = sorted(result.ok().label for result in schema.get_all_operations())


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_answer_keeps_the_contract(operation: str) -> None:
    """Valid requests and invalid ones (positive and negative generation), each answered as documented."""
    found = schema.find_operation_by_label(operation)
    requests = st.one_of(found.as_strategy(GenerationMode.POSITIVE), found.as_strategy(GenerationMode.NEGATIVE))

    @hypothesis.given(case=requests)
    @hypothesis.settings(max_examples=25, deadline=None)
    def answered_as_documented(case: schemathesis.Case) -> None:
        case.call_and_validate()

    answered_as_documented()
