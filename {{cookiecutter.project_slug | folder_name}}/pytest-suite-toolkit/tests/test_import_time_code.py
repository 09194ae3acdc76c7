"""Which names of a module's import-time code a change touches (``SourceFile.import_time``), as testmon inputs
compares them: a value, a default, a decorator or a base class changes its name; a function's body (testmon's) and
the layout change none."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_toolkit.source import SourceFile
from testmon_project import CORE


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        ("LIMIT = 3", "LIMIT = 4", {"LIMIT"}),
        ('"a": 1', '"a": 2', {"TABLE"}),
        ("SIZE = 10", "SIZE = 11", {"Box.SIZE"}),
        ('name="world"', 'name="you"', {"greet"}),
        ("@functools.lru_cache\n", "", {"cached"}),
        ("class Box:", "class Box(dict):", {"Box"}),
    ],
)
def test_import_time_code_says_which_names_changed(tmp_path: Path, old: str, new: str, changed: set[str]) -> None:
    path = tmp_path / "core.py"
    path.write_text(CORE)
    before = SourceFile.read(path).import_time
    path.write_text(CORE.replace(old, new, 1))
    after = SourceFile.read(path).import_time

    assert {name for name in {*before, *after} if before.get(name) != after.get(name)} == changed


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    return LIMIT\n", "    return LIMIT + 0\n"),  # a function's body: testmon's
        ("import functools\n", "import functools\nimport os\n"),
        ("\n\nclass Box", "\n\n\n\nclass Box"),
    ],
)
def test_bodies_and_layout_leave_import_time_code_alone(tmp_path: Path, old: str, new: str) -> None:
    path = tmp_path / "core.py"
    path.write_text(CORE)
    before = SourceFile.read(path).import_time
    path.write_text(CORE.replace(old, new, 1))

    changed = {name for name, value in SourceFile.read(path).import_time.items() if before.get(name) != value}
    assert changed <= {"os"}
