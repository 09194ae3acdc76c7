"""Every deployment's configuration file must load, name every setting, and keep URLs out of YAML for production."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.settings import Section, Settings, read_settings_file

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILES = sorted((PROJECT_ROOT / "config").glob("*.yaml"))


def setting_paths(cls: type, prefix: str = "") -> set[str]:
    paths = set()
    for name, field in cls.model_fields.items():
        if name == "env":  # set from APP_ENV, never written in a file
            continue
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, Section):
            paths |= setting_paths(kind, f"{prefix}{name}.")
        else:
            paths.add(f"{prefix}{name}")
    return paths


def file_paths(data: dict, prefix: str = "") -> set[str]:
    paths = set()
    for key, value in data.items():
        if isinstance(value, dict):
            paths |= file_paths(value, f"{prefix}{key}.")
        else:
            paths.add(f"{prefix}{key}")
    return paths


def test_there_is_a_test_and_a_development_configuration() -> None:
    assert {path.stem for path in CONFIG_FILES} >= {"test", "development"}


@pytest.mark.parametrize("path", CONFIG_FILES, ids=lambda path: path.name)
def test_each_configuration_loads(path: Path) -> None:
    settings = read_settings_file(path)

    assert settings.task_queue.max_retries >= 0
    assert settings.worker.heartbeat_timeout_seconds > 0


@pytest.mark.parametrize("path", CONFIG_FILES, ids=lambda path: path.name)
def test_each_configuration_names_every_setting(path: Path) -> None:
    in_file = file_paths(yaml.safe_load(path.read_text(encoding="utf-8")))

    assert in_file == setting_paths(Settings), "a configuration file must state every setting, no more"


# [if servers]
def test_the_env_example_holds_only_urls_and_secrets() -> None:
    lines = (PROJECT_ROOT / ".env.test.example").read_text(encoding="utf-8").splitlines()
    names = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}

    assert names
    assert all(name.endswith(("_URL_TEST", "_SECRET", "_KEY")) for name in names), names
# [end servers]
