"""Settings files, read key by key: a change to one value re-runs the tests whose code names that key, not every
test that read the file (a file the whole suite loads at its start would re-run everything).

The files are those the ``testmon_settings`` patterns match. The project's code decides what a file holds: the
``pytest_suite_toolkit_settings_values`` hook (``hookspecs.py``) gives its values as the code sees them; this module's
own implementation, which runs last, parses JSON, TOML and YAML.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest


class SettingsFiles:
    def __init__(self, config: pytest.Config, patterns: Iterable[str]) -> None:
        self.config = config
        self.patterns = [pattern.strip("/") for pattern in patterns]

    def matches(self, path: str) -> bool:
        return any(fnmatch.fnmatchcase(path, pattern) for pattern in self.patterns)

    def values(self, path: str) -> dict[str, str] | None:
        """Each key of the settings file ``path`` (relative to the project, dotted: ``task_queue.max_retries``) with
        a hash of its value; None when the file does not load, or no implementation of the hook reads it."""
        if not self.matches(path):
            return None
        try:
            values = self.config.hook.pytest_suite_toolkit_settings_values(path=self.config.rootpath / path)
        except Exception:  # any failure to load is 'it does not load': every test that read it runs again
            return None
        return dict(flatten(values)) if isinstance(values, Mapping) else None


def flatten(values: Mapping[str, object], prefix: str = "") -> Iterable[tuple[str, str]]:
    for key, value in values.items():
        if isinstance(value, Mapping) and value:
            yield from flatten(value, f"{prefix}{key}.")
        else:
            text = json.dumps(value, sort_keys=True, default=repr)
            yield f"{prefix}{key}", hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.hookimpl(trylast=True)
def pytest_suite_toolkit_settings_values(path: Path) -> Mapping[str, object] | None:
    """JSON, TOML (Python 3.11+) and YAML (when PyYAML is installed), by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    if suffix == ".toml":
        try:
            import tomllib
        except ImportError:  # Python 3.10
            return None
        return tomllib.loads(path.read_text(encoding="utf-8"))
    if suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            return None
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        return loaded if isinstance(loaded, Mapping) else None
    return None
