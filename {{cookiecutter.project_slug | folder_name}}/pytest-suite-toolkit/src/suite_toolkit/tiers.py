"""Tiers: a marker for each tier folder, so that ``-m integration`` and ``tests/integration`` select the same tests.

    [tool.pytest.ini_options]
    tiers = ["tests/unit: fast, isolated tests", "tests/integration: components on real servers"]
    tier_timeouts = ["unit=15", "integration=60"]

Each tier's marker is named after its folder's last part and declared for you (unless ``markers`` declares it
already, with your own description), so ``--strict-markers`` accepts it. With pytest-timeout installed, a tier's
tests get its limit unless ``--timeout`` or ``PYTEST_TIMEOUT`` sets one for every test, or a test has its own
``timeout`` marker. The tier of a test is its marker: ``tier_of`` reads it from a test's report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from suite_toolkit import settings


@dataclass(frozen=True)
class Tier:
    name: str
    folder: Path
    description: str


def parse(lines: Iterable[str], root: Path) -> list[Tier]:
    """The ``tiers`` setting; a folder given twice, or two folders with one last part, is a usage error."""
    found: dict[str, Tier] = {}
    for line in lines:
        folder, _, description = (part.strip() for part in line.partition(":"))
        path = Path(os.path.abspath(root / folder))  # as pytest makes a test's path: symlinks kept
        name = path.name
        if not path.is_dir():
            raise pytest.UsageError(f"tiers: {folder!r}: no such folder under {root}")
        if name in found:
            same = "is listed twice" if found[name].folder == path else f"is also the name of {found[name].folder}"
            raise pytest.UsageError(f"tiers: {folder!r}: the tier {name!r} {same}")
        found[name] = Tier(name, path, description or f"the tests under {folder}")
    return list(found.values())


def parse_timeouts(lines: Iterable[str], names: list[str]) -> dict[str, float]:
    timeouts = {}
    for line in lines:
        name, separator, seconds = (part.strip() for part in line.partition("="))
        if name not in names:
            known = f"tiers: {', '.join(names)}" if names else "the tiers setting names none"
            raise pytest.UsageError(f"tier_timeouts: {line!r}: no tier is called {name!r} ({known})")
        if not separator:
            raise pytest.UsageError(f"tier_timeouts: {line!r}: expected 'tier=seconds'")
        try:
            timeouts[name] = settings.SETTINGS["tier_timeouts"].number.parse(seconds)
        except ValueError as error:
            raise pytest.UsageError(f"tier_timeouts: {line!r}: {error}") from None
    return timeouts


def configured(config: pytest.Config) -> list[Tier]:
    """The ``tiers`` setting, read (and its folders checked) once per run."""
    if parsed not in config.stash:
        config.stash[parsed] = parse(config.getini("tiers"), config.rootpath)
    return config.stash[parsed]


parsed = pytest.StashKey[list[Tier]]()


def tier_of(report: pytest.TestReport, names: Iterable[str]) -> str:
    """The first tier whose marker the test has ("" for none). A report carries its test's markers in
    ``keywords``, also when a pytest-xdist worker sends it to the controller."""
    return next((name for name in names if name in report.keywords), "")


class TierMarkers:
    def __init__(self, tiers: list[Tier], timeouts: dict[str, float]) -> None:
        self.tiers = tiers
        self.timeouts = timeouts
        self.by_file: dict[Path, Tier | None] = {}  # the tests of a file share its tier: ask once per file

    def tier_at(self, path: Path) -> Tier | None:
        if path not in self.by_file:
            self.by_file[path] = next((tier for tier in self.tiers if path.is_relative_to(tier.folder)), None)
        return self.by_file[path]

    @pytest.hookimpl(wrapper=True, tryfirst=True)  # tryfirst: the markers exist before -m deselects anything
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> Iterator[None]:
        for item in items:
            tier = self.tier_at(item.path)
            if tier is not None:
                item.add_marker(tier.name)
                limit = self.timeouts.get(tier.name)
                if limit is not None and item.get_closest_marker("timeout") is None:
                    item.add_marker(pytest.mark.timeout(limit))
        return (yield)


def configure(config: pytest.Config) -> None:
    tiers = configured(config)
    timeouts = parse_timeouts(config.getini("tier_timeouts"), [tier.name for tier in tiers])
    if not tiers:
        return
    declared = {line.split(":")[0].split("(")[0].strip() for line in config.getini("markers")}
    for tier in tiers:
        if tier.name not in declared:
            config.addinivalue_line("markers", f"{tier.name}: {tier.description}")
    one_limit_for_all = config.getoption("timeout", None) is not None or "PYTEST_TIMEOUT" in os.environ
    if not config.pluginmanager.hasplugin("timeout") or one_limit_for_all:
        timeouts = {}
    config.pluginmanager.register(TierMarkers(tiers, timeouts), "suite_toolkit.tiers")
