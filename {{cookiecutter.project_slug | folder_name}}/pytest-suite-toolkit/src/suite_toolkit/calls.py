"""Which of the project's functions a block of code calls: used while a test module is collected, where no
coverage tracer runs (pytest-testmon starts its own with the first test).

Python 3.12+: ``sys.monitoring``, one event per function the first time it starts in the block (the event is
switched off for that function, and switched on again for the next block). Older Pythons: a profile function,
called on every call and return of the block (``sys.setprofile``, not ``sys.settrace``: a coverage tracer that
pytest-cov started before collection keeps running).
"""

from __future__ import annotations

import inspect
import sys
from types import CodeType, FrameType

TOOL_NAME = "suite_toolkit.calls"


class Calls:
    """``with calls:`` records in ``calls.made`` the (file, first line) of each function of ``prefix`` it runs."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.made: set[tuple[str, int]] = set()
        self.tool: int | None = None
        monitoring = getattr(sys, "monitoring", None)
        if monitoring is not None:
            free = [tool for tool in range(6) if monitoring.get_tool(tool) is None]
            if free:
                self.tool = free[-1]
                monitoring.use_tool_id(self.tool, TOOL_NAME)
                monitoring.register_callback(self.tool, monitoring.events.PY_START, self.started)

    def ours(self, code: CodeType) -> bool:
        # Functions only: a module's or a class's body is import-time code, which the names analysis follows.
        path = code.co_filename
        inside = path.startswith(self.prefix) and "site-packages" not in path
        return inside and bool(code.co_flags & inspect.CO_OPTIMIZED)

    def started(self, code: CodeType, offset: int) -> object:
        if self.ours(code):
            self.made.add((code.co_filename, code.co_firstlineno))
        return sys.monitoring.DISABLE

    def profile(self, frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and self.ours(frame.f_code):
            self.made.add((frame.f_code.co_filename, frame.f_code.co_firstlineno))

    def __enter__(self) -> Calls:
        self.made = set()
        if self.tool is None:
            sys.setprofile(self.profile)
        else:
            sys.monitoring.restart_events()  # the functions seen in the last block count again
            sys.monitoring.set_events(self.tool, sys.monitoring.events.PY_START)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.tool is None:
            sys.setprofile(None)
        else:
            sys.monitoring.set_events(self.tool, 0)

    def close(self) -> None:
        if self.tool is not None:
            sys.monitoring.free_tool_id(self.tool)
            self.tool = None
