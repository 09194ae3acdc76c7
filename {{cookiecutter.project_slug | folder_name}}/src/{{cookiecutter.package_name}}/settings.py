"""Settings: YAML first, environment second.

``config/<APP_ENV>.yaml`` holds every setting, so a reviewer sees the whole configuration in one file.
Environment variables override single values and are meant for what differs per machine (URLs, secrets):

* ``DATABASE_URL`` sets ``database.url``;
* ``REDIS_URL`` sets ``redis.url``;  # [if redis]
* ``APP__<SECTION>__<KEY>`` sets any other value, for example ``APP__TASK_QUEUE__MAX_RETRIES=5``.

``load_settings()`` is cached. Code that changes the environment or the files calls ``clear_settings_cache()``
afterwards (the test suite does it before every test).

A setting that cannot be read raises ``SettingsError`` with one line that says where it was set (the file and line,
or the environment variable), which setting (``task_queue.max_retries``) and what it accepts.
"""

from __future__ import annotations

import dataclasses
import json
import os
import typing
from collections.abc import Callable, Mapping
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


# What a value must be, in the words of a message to someone editing a YAML file.
ACCEPTED = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}


def _positive(value: float) -> bool:
    return value > 0


# The values a setting of the right type may still not take: checked with the types, refused with the same message.
LIMITS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "database.connect_timeout_seconds": (lambda value: value >= 2, "at least 2 (libpq's shortest)"),  # [if postgresql]
    "redis.timeout_seconds": (_positive, "more than 0"),  # [if redis]
    "task_queue.age_ceiling_seconds": (_positive, "more than 0"),
    "task_queue.default_timeout_seconds": (_positive, "more than 0"),
    "task_queue.max_retries": (lambda value: value >= 0, "0 or more"),
    "worker.concurrency": (lambda value: value >= 1, "at least 1"),
    "worker.poll_interval_seconds": (_positive, "more than 0"),
    "worker.heartbeat_timeout_seconds": (_positive, "more than 0"),
    "worker.health_check_timeout_seconds": (_positive, "more than 0"),
    "http.port": (lambda value: 0 <= value <= 65535, "a port from 0 to 65535 (0: any free port)"),
}


class SettingsError(ValueError):
    """A configuration file or override that cannot be turned into settings."""


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite+pysqlite:///:memory:"
    echo: bool = False
    connect_timeout_seconds: int = 5  # [if postgresql]


# [if redis]
@dataclass(frozen=True)
class RedisSettings:
    url: str = "redis://127.0.0.1:6379/0"
    channel_prefix: str = "events"
    timeout_seconds: float = 2.0


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
    concurrency: int = 4
    poll_interval_seconds: float = 0.5
    heartbeat_timeout_seconds: float = 30.0
    health_check_timeout_seconds: float = 1.0


@dataclass(frozen=True)
class HttpSettings:
    host: str = "127.0.0.1"
    port: int = 8000


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)  # [if redis]
    task_queue: TaskQueueSettings = field(default_factory=TaskQueueSettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    http: HttpSettings = field(default_factory=HttpSettings)


def config_dir() -> Path:
    return Path(os.environ.get(CONFIG_DIR_VAR, "config"))


@cache
def load_settings() -> Settings:
    """Settings for ``APP_ENV`` (default ``development``) from its YAML file plus environment overrides."""
    env = os.environ.get(ENV_VAR, "development")
    path = config_dir() / f"{env}.yaml"
    if not path.exists():
        raise SettingsError(f"no configuration for APP_ENV={env!r}: {_shown(path)} does not exist")
    return read_settings_file(path, os.environ)


def read_settings_file(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings the YAML file ``path`` holds, with the overrides ``environ`` sets, checked as the service
    checks them: a value it refuses raises ``SettingsError`` naming the file and line (or the variable)."""
    environ = {} if environ is None else environ
    shown = _shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SettingsError(f"{shown}: cannot be read ({error.strerror})") from None
    node, data = _parse(text, shown)
    if not isinstance(data, dict):
        raise SettingsError(f"{shown}, line 1: the top level must be a section (key: value lines)")
    overridden = {".".join(key): name for name, key in _override_targets(environ).items()}
    lines = _key_lines(node)

    def origin(key: str) -> str:
        # The environment wins over the file, so a value it set is blamed on the variable, not on the file's line.
        for name_key, name in overridden.items():
            if name_key == key or name_key.startswith(f"{key}."):
                return f"environment variable {name}"
        return f"{shown}, line {lines[key]}" if key in lines else shown

    data = apply_overrides(data, environ)
    data["env"] = path.stem
    return build(Settings, data, where=origin)


def load_task_queue_settings() -> TaskQueueSettings:
    return load_settings().task_queue


def clear_settings_cache() -> None:
    load_settings.cache_clear()


def apply_overrides(data: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Return a copy of ``data`` with the environment's overrides applied."""
    result = _deep_copy(data)
    for name, key in _override_targets(environ).items():
        node = result
        for depth, part in enumerate(key[:-1], start=1):
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                setting = ".".join(key[:depth])
                raise SettingsError(f"environment variable {name}: {setting} is a value, not a section")
        node[key[-1]] = environ[name] if name in URL_OVERRIDES else _parse_scalar(environ[name])
    return result


def _override_targets(environ: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Each overriding variable in ``environ``, with the path of the setting it sets."""
    targets = {}
    for name in environ:
        if name in URL_OVERRIDES:
            targets[name] = URL_OVERRIDES[name]
        elif name.startswith(OVERRIDE_PREFIX):
            targets[name] = tuple(part.lower() for part in name[len(OVERRIDE_PREFIX) :].split("__"))
    return targets


def _parse_scalar(text: str) -> Any:
    """``5`` -> 5, ``0.75`` and ``1e-05`` -> float, ``true`` -> True; anything else stays text.

    JSON rather than YAML: YAML 1.1 reads ``1e-05`` as a string and ``no`` as False.
    """
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (bool, int, float)) else text


def build(cls: type, data: Mapping[str, Any], where: str | Callable[[str], str], prefix: str = "") -> Any:
    """Build the dataclass ``cls`` from ``data``, refusing unknown keys and values of the wrong type.

    ``where`` names the source in messages: a label, or a function from a dotted key to where that key was set.
    """
    hints = typing.get_type_hints(cls)
    known = [f.name for f in dataclasses.fields(cls)]
    unknown = [str(name) for name in data if name not in known]
    if unknown:
        key = f"{prefix}{unknown[0]}"
        section = f"section {prefix[:-1]}" if prefix else "top level"
        raise SettingsError(f"{_at(where, key)}: {key} is not a setting; the {section} accepts {', '.join(known)}")
    values = {}
    for name, value in data.items():
        kind, key = hints[name], f"{prefix}{name}"
        if dataclasses.is_dataclass(kind):
            if not isinstance(value, Mapping):
                raise SettingsError(f"{_at(where, key)}: {key} must be a section (key: value lines), got {value!r}")
            values[name] = build(kind, value, where, prefix=f"{key}.")
        else:
            values[name] = _coerce(kind, value, key, where)
            allowed, accepted = LIMITS.get(key, (None, ""))
            if allowed is not None and not allowed(values[name]):
                raise SettingsError(f"{_at(where, key)}: {key} must be {accepted}, got {value!r}")
    return cls(**values)


def _coerce(kind: type, value: Any, key: str, where: str | Callable[[str], str]) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        accepted = ACCEPTED.get(kind, kind.__name__)
        raise SettingsError(f"{_at(where, key)}: {key} must be {accepted}, got {value!r}")
    return value


def _at(where: str | Callable[[str], str], key: str) -> str:
    return where if isinstance(where, str) else where(key)


def _parse(text: str, shown: str) -> tuple[yaml.Node | None, Any]:
    """The YAML ``text`` as a node tree (which knows the line of each key) and as Python values."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else {})
    except yaml.MarkedYAMLError as error:
        raise SettingsError(_syntax_message(error, text, shown)) from None
    except yaml.YAMLError as error:
        raise SettingsError(f"{shown}: not valid YAML ({error})") from None
    finally:
        loader.dispose()


def _syntax_message(error: yaml.MarkedYAMLError, text: str, shown: str) -> str:
    # PyYAML marks the first character it could not use. After an unclosed bracket or a key without its colon,
    # that is on the next line, while the context mark ("while scanning a simple key") is on the culprit's line.
    # A block mapping's context mark is only the start of the enclosing section, so there the problem mark is.
    context = error.context or ""
    mark = error.context_mark if error.context_mark and "block" not in context else error.problem_mark
    explanation = "; ".join(filter(None, [context, error.problem]))
    if mark is None:
        return f"{shown}: not valid YAML ({explanation})"
    lines = text.splitlines()
    source = f" {lines[mark.line].strip(' ')!r}" if mark.line < len(lines) else ""
    return f"{shown}, line {mark.line + 1}:{source} is not valid YAML ({explanation})"


def _key_lines(node: yaml.Node | None, prefix: str = "") -> dict[str, int]:
    """The line of every key in the node tree, by dotted key."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            lines[key] = key_node.start_mark.line + 1
            lines.update(_key_lines(value_node, f"{key}."))
    return lines


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it: ``config/test.yaml``, not a long path."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _deep_copy(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _deep_copy(value) if isinstance(value, Mapping) else value for key, value in data.items()}
