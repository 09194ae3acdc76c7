"""The Python processes started while the tests run, and the tests each one counts for.

A process a test starts (the service under test, ``python -m`` of the project) runs code that pytest-testmon's
coverage does not see: it traces only the test process. While a run records, this sets two variables that every
Python process it starts inherits; ``subprocess_recorder`` (loaded in each by ``suite_toolkit_subprocesses.pth``)
then writes what the process ran and opened to a log of its own in a folder of this run's.

A process counts for every test that ran, in the process that started it, while it was alive: a service started
by a module-scoped fixture counts for each test of the module, one started inside a test for that test. That is a
superset (a test that ran beside the service without calling it counts too), never a miss: there is no way to tell
which request came from which test, and a process that outlives its test may still act on what the test did.
What a process ran is known once it has ended (its log says ``end``, or it is gone, killed or crashed); processes
still alive when the last test ends are read as they are.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from suite_toolkit.subprocess_recorder import LOG_FOLDER, PROJECT_ROOT


@dataclass
class Ran:
    """What one process ran: its functions as (file, first line), the files it opened, and the tests it counts for."""

    tests: set[str]
    code: set[tuple[str, int]] = field(default_factory=set)
    opened: set[str] = field(default_factory=set)


class Subprocesses:
    def __init__(self, root: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="suite-toolkit-subprocesses-"))
        self.tests: dict[Path, set[str]] = {}  # a live process's log -> the tests it counts for so far
        self.saved = {name: os.environ.get(name) for name in (LOG_FOLDER, PROJECT_ROOT)}
        os.environ[LOG_FOLDER] = str(self.folder)
        os.environ[PROJECT_ROOT] = str(root)

    def after(self, nodeid: str, last: bool) -> Iterator[Ran]:
        """Count every live process for the test ``nodeid`` (called once its teardown is over), and give what
        each one that has ended ran; at the ``last`` test, every process."""
        for name in sorted(os.listdir(self.folder)):  # not Path.glob: called after every test, 0.1 ms each
            log = self.folder / name
            tests = self.tests.setdefault(log, set())
            tests.add(nodeid)
            text = log.read_text(encoding="utf-8", errors="surrogateescape")
            if last or ended(text):
                del self.tests[log]
                log.unlink()
                yield parse(text, tests)

    def close(self) -> None:
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(self.folder, ignore_errors=True)


def ended(text: str) -> bool:
    if text.endswith("end\n"):
        return True
    first = text.split("\n", 1)[0]
    if not first.startswith("pid\t"):
        return False  # its first line is still being written
    try:
        os.kill(int(first[4:]), 0)
    except ProcessLookupError:
        return True  # killed, or crashed: what it wrote is all there is
    except (OSError, ValueError):
        return False
    return False


def parse(text: str, tests: set[str]) -> Ran:
    ran = Ran(tests)
    for line in text.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "code":
            first, _, filename = rest.partition("\t")
            ran.code.add((filename, int(first)))
        elif kind == "open":
            ran.opened.add(rest)
    return ran
