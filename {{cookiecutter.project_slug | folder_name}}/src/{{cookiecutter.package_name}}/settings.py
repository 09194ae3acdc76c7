"""Settings: YAML first, environment second, on pydantic-settings.

``config/<APP_ENV>.yaml`` holds every setting, so a reviewer sees the whole configuration in one file.
Environment variables override single values and are meant for what differs per machine (URLs, secrets):

* ``DATABASE_URL`` sets ``database.url``;
* ``REDIS_URL`` sets ``redis.url``;  # [if redis]
* ``APP__<SECTION>__<KEY>`` sets any other value, for example ``APP__TASK_QUEUE__MAX_RETRIES=5``.

``load_settings()`` is cached. Code that changes the environment or the files calls ``clear_settings_cache()``
afterwards (the test suite does it before every test).

pydantic checks the values: their types, their ranges (``Field(gt=0)``) and unknown names (``extra="forbid"``).
What this module adds is the message: a setting that cannot be read raises ``SettingsError`` with one line that
says where it was set (the file and line, or the environment variable), which setting (``task_queue.max_retries``)
and what it accepts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .settings_messages import Origins, SettingsError, not_a_setting, read_yaml, refused_value, shown_path

ENV_VAR = "APP_ENV"
CONFIG_DIR_VAR = "APP_CONFIG_DIR"
OVERRIDE_PREFIX = "APP__"
URL_OVERRIDES = {
    "DATABASE_URL": ("database", "url"),
    "REDIS_URL": ("redis", "url"),  # [if redis]
}


def _not_true_or_false(value: Any) -> Any:
    # Python counts True as 1, so pydantic would read ``max_retries: true`` as 1: in a YAML file it is a mistake.
    if isinstance(value, bool):
        raise ValueError("true or false is not a number")
    return value


WholeNumber = Annotated[int, BeforeValidator(_not_true_or_false)]
Number = Annotated[float, BeforeValidator(_not_true_or_false)]
Seconds = Annotated[Number, Field(gt=0, description="more than 0")]


class Section(BaseModel):
    """A section of the file: unknown names are refused, and settings never change once read."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class DatabaseSettings(Section):
    url: str = "sqlite+pysqlite:///:memory:"
    echo: bool = False
    connect_timeout_seconds: WholeNumber = Field(5, ge=2, description="at least 2 (libpq's shortest)")  # [if postgresql]


# [if redis]
class RedisSettings(Section):
    url: str = "redis://127.0.0.1:6379/0"
    channel_prefix: str = "events"
    timeout_seconds: Seconds = 2.0


# [end redis]
class ScoringWeights(Section):
    """How much each factor adds to a task's score; the queue hands out the highest score first."""

    priority: Number = 1.0
    age: Number = 0.5
    retry_penalty: Number = 0.2


class TaskQueueSettings(Section):
    weights: ScoringWeights = ScoringWeights()
    age_ceiling_seconds: Seconds = 3600.0
    default_timeout_seconds: Seconds = 300.0
    max_retries: WholeNumber = Field(3, ge=0, description="0 or more")


class WorkerSettings(Section):
    concurrency: WholeNumber = Field(4, ge=1, description="at least 1")
    poll_interval_seconds: Seconds = 0.5
    heartbeat_timeout_seconds: Seconds = 30.0
    health_check_timeout_seconds: Seconds = 1.0


class HttpSettings(Section):
    host: str = "127.0.0.1"
    port: WholeNumber = Field(8000, ge=0, le=65535, description="a port from 0 to 65535 (0: any free port)")


class Settings(BaseSettings):
    """The whole configuration. The YAML file's values come in as keyword arguments; the environment wins."""

    model_config = SettingsConfigDict(
        env_prefix=OVERRIDE_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True, coerce_numbers_to_str=True
    )

    env: str = "development"
    database: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()  # [if redis]
    task_queue: TaskQueueSettings = TaskQueueSettings()
    worker: WorkerSettings = WorkerSettings()
    http: HttpSettings = HttpSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # First wins: the URL variables, then APP__<SECTION>__<KEY>, then the file. No .env or secrets folder: the
        # test suite loads .env.test into the environment itself (tests/conftest.py).
        return UrlVariables(settings_cls), env_settings, init_settings


class FileAlone(Settings):
    """The settings one file states, no variable applied: what a tool comparing two versions of the file needs."""

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource, **others: Any
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


class UrlVariables(PydanticBaseSettingsSource):
    """The ``URL_OVERRIDES``, names hosts and tools already use (``DATABASE_URL``), each setting one URL: beside
    them pydantic-settings reads one name per setting (``APP__DATABASE__URL``)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads the variables

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, (section, key) in URL_OVERRIDES.items():
            if name in os.environ:
                values.setdefault(section, {})[key] = os.environ[name]
        return values


def config_dir() -> Path:
    return Path(os.environ.get(CONFIG_DIR_VAR, "config"))


@cache
def load_settings() -> Settings:
    """Settings for ``APP_ENV`` (default ``development``) from its YAML file plus environment overrides."""
    env = os.environ.get(ENV_VAR, "development")
    path = config_dir() / f"{env}.yaml"
    if not path.exists():
        raise SettingsError(f"no configuration for APP_ENV={env!r}: {shown_path(path)} does not exist")
    return read_settings_file(path, with_environment=True)


def load_task_queue_settings() -> TaskQueueSettings:
    return load_settings().task_queue


def clear_settings_cache() -> None:
    load_settings.cache_clear()


def read_settings_file(path: Path, *, with_environment: bool = False) -> Settings:
    """The settings the YAML file ``path`` holds (with the environment's overrides when ``with_environment``),
    checked as the service checks them: a value it refuses raises ``SettingsError`` naming the file and line, or
    the variable that set it."""
    shown = shown_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SettingsError(f"{shown}: cannot be read ({error.strerror})") from None
    data, lines = read_yaml(text, shown)
    if not isinstance(data, dict):
        raise SettingsError(f"{shown}, line 1: the top level must be a section (key: value lines)")
    origins = Origins(shown, lines, _overriding_variables(os.environ) if with_environment else {})
    for setting in origins.variables:
        section = setting.partition(".")[0]
        if section not in Settings.model_fields:  # pydantic-settings passes over a section it does not know
            raise SettingsError(f"{origins.of(setting)}: {not_a_setting(section, '', Settings)}")
    try:
        return (Settings if with_environment else FileAlone)(**{**data, "env": path.stem})
    except ValidationError as error:
        raise SettingsError(refused_value(error.errors()[0], Settings, origins)) from None


def _overriding_variables(environ: Mapping[str, str]) -> dict[str, str]:
    """Each variable in ``environ`` that sets a setting, by the dotted key it sets (``task_queue.max_retries``),
    as pydantic-settings reads them (names in any case): to blame a refused value on its variable."""
    variables = {".".join(key): name for name, key in URL_OVERRIDES.items() if name in environ}
    for name in environ:
        if name.upper().startswith(OVERRIDE_PREFIX):
            variables.setdefault(name[len(OVERRIDE_PREFIX) :].lower().replace("__", "."), name)
    return variables
