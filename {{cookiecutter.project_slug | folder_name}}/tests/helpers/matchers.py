"""Matchers compare equal to any value with a property, so whole payloads can be asserted at once:

assert payload == {"task_id": ANY_ID, "score": Between(3, 4)}
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any


class _Matcher:
    def __eq__(self, other: object) -> bool:
        return self.matches(other)

    def __ne__(self, other: object) -> bool:
        return not self.matches(other)

    __hash__ = None  # type: ignore[assignment]

    def matches(self, other: Any) -> bool:
        raise NotImplementedError


class AnyId(_Matcher):
    """A UUID in canonical string form."""

    def matches(self, other: Any) -> bool:
        try:
            return isinstance(other, str) and str(uuid.UUID(other)) == other
        except ValueError:
            return False

    def __repr__(self) -> str:
        return "<any id>"


ANY_ID = AnyId()


class Between(_Matcher):
    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def matches(self, other: Any) -> bool:
        return isinstance(other, (int, float)) and self.low <= other <= self.high

    def __repr__(self) -> str:
        return f"<between {self.low} and {self.high}>"


class Near(_Matcher):
    """A datetime within ``seconds`` of ``expected``."""

    def __init__(self, expected: datetime, seconds: float = 1.0) -> None:
        self.expected, self.tolerance = expected, timedelta(seconds=seconds)

    def matches(self, other: Any) -> bool:
        return isinstance(other, datetime) and abs(other - self.expected) <= self.tolerance

    def __repr__(self) -> str:
        return f"<within {self.tolerance} of {self.expected}>"


class Containing(_Matcher):
    """A mapping with at least these items."""

    def __init__(self, **items: Any) -> None:
        self.items = items

    def matches(self, other: Any) -> bool:
        return all(key in other and other[key] == value for key, value in self.items.items())

    def __repr__(self) -> str:
        return f"<containing {self.items!r}>"
