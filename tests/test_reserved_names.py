"""hooks/reserved_names.json is current: a package name it lets through can not shadow anything the project runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from local_extensions import reserved_names
from tests.reserved_names import installed_names, stdlib_names, supported_pythons

REGENERATE = "regenerate it: uv run python -m tests.reserved_names"


def test_every_module_installed_in_a_fresh_bake_is_reserved(installed_default_project: Path) -> None:
    installed = set(installed_names(installed_default_project))
    missing = installed - set(reserved_names()["dependencies"])

    assert {"filelock", "packaging", "pytest_split", "sqlalchemy"} <= installed  # the check sees the whole set
    assert missing == set(), f"modules the project's dependencies install but reserved_names.json lacks; {REGENERATE}"


@pytest.mark.parametrize("version", supported_pythons())
def test_every_standard_library_module_of_a_supported_python_is_reserved(version: str) -> None:
    names = stdlib_names(version)
    if names is None:
        pytest.skip(f"no Python {version} here: `uv python install {version}`")

    assert set(names) - set(reserved_names()["stdlib"]) == set(), REGENERATE
