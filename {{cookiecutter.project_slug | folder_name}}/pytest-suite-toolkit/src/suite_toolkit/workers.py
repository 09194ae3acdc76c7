"""``pytest -n auto`` chooses the number of pytest-xdist workers from measured durations, not from the core count.

Each worker costs about a second to start and the controller takes CPU too, so on a small machine a short suite runs
fastest serially. Each worker must get ``workers_seconds_per_worker`` of measured work.

xdist asks before anything is collected, so the work counted is that of the measured tests under the paths the run
names. Each test's duration is that of its latest passing run in the test history (``analytics`` records every run),
so no separate step measures the suite; for a test the history has not measured (a fresh clone, a CI runner without
the history), ``workers_durations_file`` (pytest-split's format) fills in. When the tests are picked at collection
(pytest-testmon's affected tests, ``-k``, ``-m``, ``--lf``), their work is not known in time and the run stays
serial, as it does before any test is measured. pytest-xdist's documented overrides hold:
``PYTEST_XDIST_AUTO_NUM_WORKERS`` is the number of workers, ``PYTHON_CPU_COUNT`` the number of cores. The header says
which, and from what.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from suite_toolkit import analytics, borrowed, settings
from suite_toolkit.history import History

SECONDS_PER_WORKER = float(settings.default("workers_seconds_per_worker"))
PICKED_AT_COLLECTION = (("keyword", "-k"), ("markexpr", "-m"), ("lf", "--lf"))


def available_cores() -> int:
    """The cores this process may run on, as Python 3.13's ``os.process_cpu_count`` counts them."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        return os.cpu_count() or 1


def counted_cores(config: pytest.Config) -> tuple[int, str]:
    """The cores -n auto shares the work among, and how the header says so. ``PYTHON_CPU_COUNT`` stands for them
    on every Python, as it does for Python 3.13's own count (which pytest-xdist asks)."""
    cores = override(config, "PYTHON_CPU_COUNT", "cores", least=1)
    if cores is None:
        return available_cores(), plural(available_cores(), "core")
    return cores, f"{plural(cores, 'core')} (PYTHON_CPU_COUNT)"


def override(config: pytest.Config, variable: str, meaning: str, least: int) -> int | None:
    """The environment variable's number, or None when it is unset (or ``default``, as Python reads
    ``PYTHON_CPU_COUNT``); a value that is not a whole number from ``least`` on is one warning, and ignored."""
    text = os.environ.get(variable, "")
    if text in ("", "default"):
        return None
    try:
        value = int(text)
    except ValueError:
        value = least - 1
    if value < least:
        warning = pytest.PytestWarning(f"{variable}: {text!r} is not a number of {meaning}; -n auto ignores it")
        config.issue_config_time_warning(warning, stacklevel=2)
        return None
    return value


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def workers_for(total_seconds: float, cores: int, seconds_per_worker: float = SECONDS_PER_WORKER) -> int:
    """0 (serial) unless at least two workers each get ``seconds_per_worker`` of work; never more than the cores."""
    workers = min(cores, int(total_seconds // seconds_per_worker))
    return workers if workers >= 2 else 0


@dataclass(frozen=True)
class Work:
    """The measured seconds of a run's tests, and where they were measured."""

    seconds: float
    from_history: int  # how many tests the history measured
    from_file: int  # how many more the durations file measured

    def source(self, durations_file: str) -> str:
        if not self.from_file:
            return "test history"
        if not self.from_history:
            return durations_file
        return f"test history; {durations_file} for {plural(self.from_file, 'test')}"


def measured_work(history: dict[str, float], durations_file: dict[str, float], named: list[str] | None) -> Work:
    """The seconds of the tests under the ``named`` node-id prefixes (every test: None), each from the history,
    else from the durations file."""
    counted = {nodeid: seconds for nodeid, seconds in history.items() if under(nodeid, named)}
    filled = {
        nodeid: seconds for nodeid, seconds in durations_file.items() if nodeid not in counted and under(nodeid, named)
    }
    return Work(sum(counted.values()) + sum(filled.values()), len(counted), len(filled))


def under(nodeid: str, prefixes: list[str] | None) -> bool:
    return prefixes is None or any(
        nodeid == prefix or nodeid.startswith((f"{prefix}/", f"{prefix}::", f"{prefix}[")) for prefix in prefixes
    )


def named_prefixes(config: pytest.Config) -> list[str] | None:
    """The node-id prefixes of the paths the run names (``tests/unit``, ``tests/test_a.py::test_b``), relative to
    the rootdir like node ids; None when it names the whole project or a path outside it."""
    prefixes = []
    for arg in config.args:
        path, separator, rest = arg.partition("::")
        absolute = Path(os.path.abspath(Path(config.invocation_params.dir, path)))
        if not absolute.is_relative_to(config.rootpath) or absolute == config.rootpath:
            return None
        prefixes.append(absolute.relative_to(config.rootpath).as_posix() + separator + rest)
    return prefixes or None


class DurationsUnusable(Exception):
    """The durations file is there, and is not a JSON object of test ids and seconds."""


def file_durations(path: Path) -> dict[str, float]:
    """The durations file's seconds by test id; none when there is no such file."""
    try:
        durations = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise DurationsUnusable("not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise DurationsUnusable(f"not JSON ({error})") from None
    except OSError as error:  # a directory, unreadable
        raise DurationsUnusable(str(error)) from None
    if not isinstance(durations, dict):
        raise DurationsUnusable("not a JSON object of test ids and seconds")
    for nodeid, seconds in durations.items():
        # Python's json reads NaN and Infinity, and a bool is an int to Python.
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds < math.inf:
            raise DurationsUnusable(f"{nodeid}: {seconds!r} is not seconds")
    return durations


def durations_or_warn(config: pytest.Config, name: str) -> dict[str, float]:
    """The seconds in the durations file ``name``, or none with one warning naming it: -n auto decides without
    them, and the tests run all the same."""
    try:
        return file_durations(config.rootpath / name)
    except DurationsUnusable as error:
        warning = pytest.PytestWarning(f"{name}: {error}; -n auto ignores its durations")
        config.issue_config_time_warning(warning, stacklevel=2)
        return {}


def picked_at_collection(config: pytest.Config) -> str | None:
    """What picks the run's tests once they are collected, after the workers have started; None: every test named."""
    if borrowed.testmon_will_select(config):
        return "pytest-testmon picks the affected tests"
    for option, flag in PICKED_AT_COLLECTION:
        if getattr(config.option, option, None):
            return f"{flag} picks the tests"
    return None


decision = pytest.StashKey[str]()


def auto_workers(config: pytest.Config) -> int:
    """pytest-xdist's ``-n auto``: 0 (serial) or the number of workers, with the decision kept for the header.
    pytest-xdist's documented override, ``PYTEST_XDIST_AUTO_NUM_WORKERS``, wins, as it does without this plugin."""
    seconds_per_worker = settings.positive_number(config, "workers_seconds_per_worker")
    workers = override(config, "PYTEST_XDIST_AUTO_NUM_WORKERS", "workers", least=0)
    if workers is not None:
        config.stash[decision] = f"{workers or 'serial'}: PYTEST_XDIST_AUTO_NUM_WORKERS={workers}"
        return workers
    picker = picked_at_collection(config)
    if picker is not None:
        config.stash[decision] = f"serial: {picker} at collection, after the workers start"
        return 0
    durations_file = config.getini("workers_durations_file")
    history = analytics.read_or_warn(config, History(analytics.history_path(config)).latest_durations, {})
    work = measured_work(history, durations_or_warn(config, durations_file), named_prefixes(config))
    if not work.from_history and not work.from_file:
        records = "this run records none (--no-analytics)" if config.option.no_analytics else "the next one decides"
        config.stash[decision] = f"serial: no test measured yet; every run measures its tests, {records}"
        return 0
    cores, counted = counted_cores(config)
    workers = workers_for(work.seconds, cores, seconds_per_worker)
    measured = f"{work.seconds:.1f} s measured ({work.source(durations_file)})"
    config.stash[decision] = f"{workers or 'serial'}: {measured}, {counted}"
    return workers


def report_header(config: pytest.Config) -> str | None:
    return f"xdist workers (-n auto): {config.stash[decision]}" if decision in config.stash else None
