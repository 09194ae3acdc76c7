"""Unit tier: the root defaults (in-memory SQLite, fakes for everything else), and no network at all."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit test that opens a connection belongs in tests/integration; fail it with that advice."""

    def refuse(self: socket.socket, address: object) -> None:
        raise RuntimeError(f"unit tests must not connect to {address!r}: move this test to tests/integration")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
