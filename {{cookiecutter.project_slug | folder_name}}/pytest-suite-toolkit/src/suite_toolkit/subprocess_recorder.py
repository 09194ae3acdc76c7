"""Runs inside the Python processes that tests start (a service under test, ``python -m`` of the project, a
script): it writes which of the project's functions the process ran and which of its files it opened, so that the
tests that drove it are selected again when those change (``subprocesses.py`` reads what it wrote).

``suite_toolkit_subprocesses.pth``, installed with the package, calls ``start()`` in every Python process of the
environment; it does nothing unless the run set ``LOG_FOLDER``. Each process appends to a log of its own, one
line per function the first time it runs and per file opened, as it goes: a process killed with SIGKILL keeps
what it ran. It imports nothing beyond the standard library and costs one event per function (Python 3.12+:
``sys.monitoring``, switched off for a function once seen) or one call per function call (older Pythons:
``sys.settrace`` without line events), and nothing when the variable is unset.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import time
from types import CodeType, FrameType

LOG_FOLDER = "SUITE_TOOLKIT_SUBPROCESS_LOGS"  # where each process writes <pid>-<time>.log
PROJECT_ROOT = "SUITE_TOOLKIT_PROJECT_ROOT"  # only code and files under it are written down
TOOL_NAME = "suite_toolkit"
_started = False


class Log:
    """One process's log: ``pid <pid>`` first, then ``code <first line> <file>`` and ``open <file>`` lines, and
    ``end`` when the process exits normally."""

    def __init__(self, folder: str, root: str) -> None:
        self.folder = folder
        self.prefix = os.path.join(root, "")
        self.seen: set[object] = set()
        self.lock = threading.Lock()
        self.open_file()

    def open_file(self) -> None:
        name = os.path.join(self.folder, f"{os.getpid()}-{time.monotonic_ns()}.log")
        self.fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.write(f"pid\t{os.getpid()}\n")

    def write(self, line: str) -> None:
        # One write, one line: atomic with O_APPEND. An error: the run's folder is gone (the run ended first).
        with contextlib.suppress(OSError):
            os.write(self.fd, line.encode("utf-8", "surrogateescape"))

    def ours(self, filename: str) -> bool:
        return filename.startswith(self.prefix) and "site-packages" not in filename

    def code(self, code: CodeType) -> None:
        if code not in self.seen:
            with self.lock:
                if code in self.seen:
                    return
                self.seen.add(code)
            if self.ours(code.co_filename):
                self.write(f"code\t{code.co_firstlineno}\t{code.co_filename}\n")

    def audit(self, event: str, args: tuple) -> None:
        if event == "open" and isinstance(args[0], str) and self.ours(args[0]) and args[0] not in self.seen:
            mode = args[1]
            if not isinstance(mode, str) or not any(flag in mode for flag in "wax+"):
                self.seen.add(args[0])
                self.write(f"open\t{args[0]}\n")

    def after_fork(self) -> None:
        """A forked child is a process of its own: a log of its own."""
        self.seen = set()
        self.open_file()


def start() -> None:
    """Record this process when the run asked for it (``LOG_FOLDER`` set); at most once per process."""
    global _started
    folder, root = os.environ.get(LOG_FOLDER), os.environ.get(PROJECT_ROOT)
    if _started or not folder or not root or not os.path.isdir(folder):
        return
    _started = True
    log = Log(folder, root)
    sys.addaudithook(log.audit)
    os.register_at_fork(after_in_child=log.after_fork)
    atexit.register(log.write, "end\n")
    if hasattr(sys, "monitoring"):  # Python 3.12+
        _monitor(log)
    else:
        _trace(log)


def _monitor(log: Log) -> None:
    monitoring = sys.monitoring
    free = [tool for tool in range(6) if monitoring.get_tool(tool) is None]
    if not free:
        log.write("untraced\tno sys.monitoring tool id is free\n")
        return
    tool = free[-1]
    monitoring.use_tool_id(tool, TOOL_NAME)

    def started(code: CodeType, offset: int) -> object:
        log.code(code)
        return monitoring.DISABLE  # once per function: the rest of the process runs untraced

    monitoring.register_callback(tool, monitoring.events.PY_START, started)
    monitoring.set_events(tool, monitoring.events.PY_START)


def _trace(log: Log) -> None:
    def called(frame: FrameType, event: str, arg: object) -> None:
        if frame.f_code not in log.seen:
            log.code(frame.f_code)
        # None: no line events in the function

    sys.settrace(called)
    threading.settrace(called)
