"""Make pytest-testmon see the inputs it cannot trace.

testmon re-runs a test when Python code it executed changes; it does not notice a changed configuration file,
test data file or lock file. This plugin puts their content hash into testmon's environment: when any of them
changes, the environment is new and testmon runs every test once (conservative, it never misses one), then
selects as usual again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pytest

TESTMON_INPUTS = ("config/*.yaml", ".env.test", "tests/**/data/**/*", "uv.lock")


def inputs_digest(root: Path, patterns: Iterable[str] = TESTMON_INPUTS) -> str:
    """A short hash of the names and contents of the files matching ``patterns`` under ``root``."""
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@pytest.hookimpl(tryfirst=True)  # before testmon's own pytest_configure reads the environment
def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config.option, "environment_expression"):  # pytest-testmon is not installed
        return
    chosen = config.option.environment_expression  # --testmon-env, if the user gave one
    inputs = f"inputs-{inputs_digest(config.rootpath)}"
    config.option.environment_expression = f"{chosen}|{inputs}" if chosen else inputs
