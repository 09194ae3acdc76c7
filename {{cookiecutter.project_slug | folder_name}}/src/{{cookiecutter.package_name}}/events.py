"""What the service announces, and the JSON schema each announcement promises its consumers."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import new_id

EventPublisher = Callable[[str, Mapping[str, Any]], object]
"""Anything that takes an event type and its payload: an event bus, or a recorder in tests."""

TASK_ENQUEUED = "task.enqueued"
TASK_CLAIMED = "task.claimed"
TASK_COMPLETED = "task.completed"
TASK_RETRIED = "task.retried"
TASK_FAILED = "task.failed"
TICKET_DONE = "ticket.done"
TICKET_BLOCKED = "ticket.blocked"
AGENT_OFFLINE = "agent.offline"


def _schema(**properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


_ID = {"type": "string", "minLength": 1}
_PRIORITY = {"enum": ["LOW", "MEDIUM", "HIGH", "CRITICAL"]}

EVENT_SCHEMAS: dict[str, dict[str, Any]] = {
    TASK_ENQUEUED: _schema(task_id=_ID, ticket_id=_ID, task_type={"type": "string"}, priority=_PRIORITY),
    TASK_CLAIMED: _schema(task_id=_ID, agent_id=_ID, score={"type": "number"}),
    TASK_COMPLETED: _schema(task_id=_ID, ticket_id=_ID, result={"type": "string"}),
    TASK_RETRIED: _schema(task_id=_ID, retry_count={"type": "integer", "minimum": 1}, error={"type": "string"}),
    TASK_FAILED: _schema(task_id=_ID, ticket_id=_ID, error={"type": "string"}),
    TICKET_DONE: _schema(ticket_id=_ID),
    TICKET_BLOCKED: _schema(ticket_id=_ID, task_id=_ID),
    AGENT_OFFLINE: _schema(agent_id=_ID, released_tasks={"type": "array", "items": _ID}),
}


@dataclass(frozen=True)
class Event:
    """One announcement as it travels on the wire: ``{"id": ..., "type": ..., "payload": {...}}``."""

    type: str
    payload: Mapping[str, Any]
    id: str = field(default_factory=new_id)

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "type": self.type, "payload": dict(self.payload)}, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Event:
        data = json.loads(raw)
        return cls(type=data["type"], payload=data["payload"], id=data["id"])


def discard(event_type: str, payload: Mapping[str, Any]) -> None:
    """The publisher used when nobody listens."""
