"""Publish/subscribe over Redis: an event of type ``task.completed`` travels on channel ``<prefix>:task.completed``.

Publishing never breaks the caller's work: when Redis is down the event is dropped and counted (``dropped``),
because the database, not the bus, is the record of what happened.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import redis

from .events import Event

log = logging.getLogger(__name__)


class EventBus:
    def __init__(self, client: redis.Redis, prefix: str = "events") -> None:
        self.client = client
        self.prefix = prefix
        self.dropped = 0

    def channel(self, event_type: str) -> str:
        return f"{self.prefix}:{event_type}"

    def publish(self, event_type: str, payload: Mapping[str, Any]) -> int:
        """Send an event; return how many subscribers received it (0 when Redis could not be reached)."""
        event = Event(type=event_type, payload=payload)
        try:
            return int(self.client.publish(self.channel(event_type), event.to_json()))
        except (redis.ConnectionError, redis.TimeoutError) as error:
            self.dropped += 1
            log.warning("event %s dropped, Redis unavailable: %s", event_type, error)
            return 0

    __call__ = publish  # an EventBus is an EventPublisher

    def subscribe(self, *event_types: str, timeout: float = 2.0) -> Subscription:
        """Listen to event types; a type may end in ``*`` (``task.*``). Returns once Redis has confirmed."""
        return Subscription(self.client, [self.channel(event_type) for event_type in event_types], timeout)


class Subscription:
    """Events on the subscribed channels, in the order Redis delivered them."""

    def __init__(self, client: redis.Redis, channels: list[str], timeout: float) -> None:
        self._pubsub = client.pubsub()
        patterns = [channel for channel in channels if channel.endswith("*")]
        exact = [channel for channel in channels if not channel.endswith("*")]
        if patterns:
            self._pubsub.psubscribe(*patterns)
        if exact:
            self._pubsub.subscribe(*exact)
        # Wait for the confirmations, so that an event published right after this returns is not missed.
        for _ in channels:
            if self._pubsub.get_message(timeout=timeout) is None:
                raise TimeoutError(f"Redis did not confirm the subscription to {channels}")

    def get(self, timeout: float = 1.0) -> Event | None:
        message = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
        return Event.from_json(message["data"]) if message else None

    def drain(self, timeout: float = 0.2) -> list[Event]:
        """Every event that arrives before ``timeout`` passes with nothing new."""
        received = []
        while (event := self.get(timeout)) is not None:
            received.append(event)
        return received

    def close(self) -> None:
        self._pubsub.close()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
