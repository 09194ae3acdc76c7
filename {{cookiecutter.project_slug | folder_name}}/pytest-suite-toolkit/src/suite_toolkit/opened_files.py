"""Every file the process opens for reading, seen by an audit hook from the moment this module is imported (the
plugin imports it before the conftests load), each with the test, test module or session that opened it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

SESSION = ""  # the owner of what the session opens: a conftest, pytest_configure


class Opens:
    """Every file the process opens, from the moment this module is imported: before the conftests load. An audit
    hook cannot be removed, so it only appends; ``Inputs`` takes what it collected when it starts."""

    def __init__(self) -> None:
        self.owner: str | None = SESSION  # None: between tests, where other plugins read (reports, histories)
        self.seen: list[tuple[str, str]] = []  # (owner, path as opened)
        self.listening = True

    def __call__(self, event: str, args: tuple) -> None:
        if event != "open" or not self.listening or self.owner is None:
            return
        if isinstance(args[0], (str, os.PathLike)) and reads_only(args[1]):
            self.seen.append((self.owner, os.fspath(args[0])))

    @contextmanager
    def deaf(self) -> Iterator[None]:
        """What this plugin reads itself is nobody's input."""
        listening, self.listening = self.listening, False
        try:
            yield
        finally:
            self.listening = listening


def reads_only(mode: object) -> bool:
    return not isinstance(mode, str) or not any(flag in mode for flag in "wax+")


OPENS = Opens()
sys.addaudithook(OPENS)
