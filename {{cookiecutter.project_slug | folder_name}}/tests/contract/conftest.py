"""Contract tier: what other teams and deployments rely on, checked against recorded samples.

Consumers of the events keep sample messages in ``tests/contract/data/``; a change that breaks one of them
breaks a consumer. Update a sample only together with every consumer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def consumer_samples() -> dict[str, dict[str, Any]]:
    """The wire messages consumers were built against, by event type."""
    messages = json.loads((DATA / "consumer_events.json").read_text(encoding="utf-8"))
    return {message["type"]: message for message in messages}
