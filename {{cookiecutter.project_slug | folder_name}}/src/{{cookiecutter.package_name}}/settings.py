"""Settings: YAML first, environment second.

``config/<APP_ENV>.yaml`` holds every setting, so a reviewer sees the whole configuration in one file.
Environment variables override single values and are meant for what differs per machine (URLs, secrets):

* ``DATABASE_URL`` sets ``database.url``;
* ``REDIS_URL`` sets ``redis.url``;  # [if redis]
* ``APP__<SECTION>__<KEY>`` sets any other value, for example ``APP__TASK_QUEUE__MAX_RETRIES=5``.

``load_settings()`` is cached. Code that changes the environment or the files calls ``clear_settings_cache()``
afterwards (the test suite does it before every test).
"""

from __future__ import annotations

import dataclasses
import json
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ENV_VAR = "APP_ENV"
CONFIG_DIR_VAR = "APP_CONFIG_DIR"
OVERRIDE_PREFIX = "APP__"
URL_OVERRIDES = {
    "DATABASE_URL": ("database", "url"),
    "REDIS_URL": ("redis", "url"),  # [if redis]
}


class SettingsError(ValueError):
    """A configuration file or override that cannot be turned into settings."""


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite+pysqlite:///:memory:"
    echo: bool = False


# [if redis]
@dataclass(frozen=True)
class RedisSettings:
    url: str = "redis://127.0.0.1:6379/0"
    channel_prefix: str = "events"


# [end redis]
@dataclass(frozen=True)
class ScoringWeights:
    """How much each factor adds to a task's score; the queue hands out the highest score first."""

    priority: float = 1.0
    age: float = 0.5
    retry_penalty: float = 0.2


@dataclass(frozen=True)
class TaskQueueSettings:
    weights: ScoringWeights = field(default_factory=ScoringWeights)
    age_ceiling_seconds: float = 3600.0
    default_timeout_seconds: float = 300.0
    max_retries: int = 3


@dataclass(frozen=True)
class WorkerSettings:
    concurrency: int = 4  # [if async]
    heartbeat_timeout_seconds: float = 30.0
    health_check_timeout_seconds: float = 1.0  # [if async]


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)  # [if redis]
    task_queue: TaskQueueSettings = field(default_factory=TaskQueueSettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)


def config_dir() -> Path:
    return Path(os.environ.get(CONFIG_DIR_VAR, "config"))


@cache
def load_settings() -> Settings:
    """Settings for ``APP_ENV`` (default ``development``) from its YAML file plus environment overrides."""
    env = os.environ.get(ENV_VAR, "development")
    path = config_dir() / f"{env}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise SettingsError(f"no configuration for APP_ENV={env!r}: {path} does not exist") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    data = apply_overrides(data, os.environ)
    data["env"] = env
    return build(Settings, data, where=str(path))


def load_task_queue_settings() -> TaskQueueSettings:
    return load_settings().task_queue


def clear_settings_cache() -> None:
    load_settings.cache_clear()


def apply_overrides(data: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Return a copy of ``data`` with the environment's overrides applied."""
    result = _deep_copy(data)
    for name, value in environ.items():
        if name in URL_OVERRIDES:
            path: tuple[str, ...] = URL_OVERRIDES[name]
        elif name.startswith(OVERRIDE_PREFIX):
            path = tuple(part.lower() for part in name[len(OVERRIDE_PREFIX) :].split("__"))
        else:
            continue
        node = result
        for key in path[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise SettingsError(f"{name}: {key!r} is a value, not a section")
        node[path[-1]] = value if name in URL_OVERRIDES else _parse_scalar(value)
    return result


def _parse_scalar(text: str) -> Any:
    """``5`` -> 5, ``0.75`` and ``1e-05`` -> float, ``true`` -> True; anything else stays text.

    JSON rather than YAML: YAML 1.1 reads ``1e-05`` as a string and ``no`` as False.
    """
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (bool, int, float)) else text


def build(cls: type, data: Mapping[str, Any], where: str) -> Any:
    """Build the dataclass ``cls`` from ``data``, refusing unknown keys and values of the wrong type."""
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    values = {}
    for name, value in data.items():
        kind = hints[name]
        if dataclasses.is_dataclass(kind):
            if not isinstance(value, Mapping):
                raise SettingsError(f"{where}: {name} must be a section (a mapping)")
            values[name] = build(kind, value, where=f"{where}: {name}")
        else:
            values[name] = _coerce(kind, value, where=f"{where}: {name}")
    return cls(**values)


def _coerce(kind: type, value: Any, where: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SettingsError(f"{where} must be {kind.__name__}, got {value!r}")
    return value


def _deep_copy(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _deep_copy(value) if isinstance(value, Mapping) else value for key, value in data.items()}
