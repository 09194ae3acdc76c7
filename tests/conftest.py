"""Fixtures that bake projects once per session: baking and installing is the expensive part of this suite."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from tests.baking import UV, bake, run

# `make test` fuzzes with hypothesis' default 100 examples; `make test-all` asks for the thorough profile.
settings.register_profile("thorough", max_examples=500)


@pytest.fixture(scope="session")
def bake_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``bake_once(**answers)``: the project baked with these answers, baked once per session and shared by every
    test that only reads it (a test that runs or changes a project bakes its own)."""
    baked: dict[str, Path] = {}

    def bake_with(**answers: str) -> Path:
        key = json.dumps(answers, sort_keys=True)
        if key not in baked:
            baked[key] = bake(tmp_path_factory.mktemp("bake"), **answers)
        return baked[key]

    return bake_with


@pytest.fixture(scope="session")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project baked with every default answer, for the tests that install it and run its suite."""
    return bake(tmp_path_factory.mktemp("default"))


@pytest.fixture(scope="session")
def installed_default_project(default_project: Path) -> Path:
    """The default project with its own virtual environment, made by its own `make setup`."""
    run(["make", "setup", f"UV={UV}"], cwd=default_project)
    return default_project


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# A closed network refuses Chromium's background connections; without these flags it tries many at every start.
QUIET_CHROMIUM = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright: for the tests of the test report's page."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing; .ci/run installs Debian's chromium")
        pytest.skip("no Chromium here to render the report: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_CHROMIUM)
        yield chromium
        chromium.close()
