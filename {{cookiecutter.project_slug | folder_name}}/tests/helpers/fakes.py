"""Fakes with real behaviour: a clock that moves only when told, a publisher that remembers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2030, 1, 1, 12, 0, 0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@dataclass
class RecordingPublisher:
    """An EventPublisher that keeps every event, in order."""

    published: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, event_type: str, payload: Mapping[str, Any]) -> int:
        self.published.append((event_type, dict(payload)))
        return 1

    def types(self) -> list[str]:
        return [event_type for event_type, _ in self.published]

    def payloads(self, event_type: str) -> list[dict[str, Any]]:
        return [payload for kind, payload in self.published if kind == event_type]
