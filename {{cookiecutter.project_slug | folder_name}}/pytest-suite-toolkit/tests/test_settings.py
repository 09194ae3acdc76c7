"""Every setting the plugin registers is in its README's table, with the default the plugin uses."""

from __future__ import annotations

import re
from pathlib import Path

from suite_toolkit.plugin import SETTINGS

README = Path(__file__).resolve().parent.parent / "README.md"
ROW = re.compile(r"^\| `(\w+)` \| (?:`([^`]*)`|none) \|", re.MULTILINE)


def shown(default: object) -> str:
    return " ".join(default) if isinstance(default, list) else str(default)


def test_the_readme_lists_every_setting_with_its_default() -> None:
    documented = {name: value or "" for name, value in ROW.findall(README.read_text(encoding="utf-8"))}

    assert documented == {name: shown(default) for name, (_, _, default) in SETTINGS.items()}
