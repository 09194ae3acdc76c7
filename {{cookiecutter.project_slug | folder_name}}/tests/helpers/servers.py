"""Saying clearly when a server the integration and e2e tiers need is not there."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

REQUIRE_SERVERS_VAR = "TEST_REQUIRE_SERVERS"


class ServerUnavailable(pytest.skip.Exception):
    """A skip because a server is missing; the root conftest folds these into one summary line per server."""


def server_unavailable(what: str, error: BaseException, hint: str) -> NoReturn:
    """Skip the test with one line saying how to get the server, or fail when the run requires servers."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    message = f"{what} not reachable ({reason}): {hint}"
    if os.environ.get(REQUIRE_SERVERS_VAR, "") not in ("", "0"):
        pytest.fail(f"{message} [{REQUIRE_SERVERS_VAR} is set]", pytrace=False)
    raise ServerUnavailable(message)
