"""Fixtures that bake projects once per session: baking and installing is the expensive part of this suite."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from tests.baking import UV, bake, run

# `make test` fuzzes with hypothesis' default 100 examples; `make test-all` asks for the thorough profile.
settings.register_profile("thorough", max_examples=500)


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project baked with every default answer."""
    return bake(tmp_path_factory.mktemp("default"))


@pytest.fixture(scope="session")
def installed_default_project(default_project: Path) -> Path:
    """The default project with its own virtual environment, made by its own `make setup`."""
    run(["make", "setup", f"UV={UV}"], cwd=default_project)
    return default_project
