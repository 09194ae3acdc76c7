from __future__ import annotations

from operator import attrgetter

import pytest

from {{ cookiecutter.package_name }}.settings import SettingsError, WorkerSettings, load_settings

WORKER_SETTINGS = list(WorkerSettings.model_fields)


@pytest.mark.parametrize(
    ("variable", "text", "value"),
    [
        ("APP__WORKER__CONCURRENCY", "5", 5),
        ("APP__TASK_QUEUE__WEIGHTS__AGE", "0.75", 0.75),
        ("APP__TASK_QUEUE__WEIGHTS__AGE", "1e-05", 1e-05),
        ("APP__DATABASE__ECHO", "true", True),
        ("APP__DATABASE__ECHO", "false", False),
        ("APP__REDIS__CHANNEL_PREFIX", "[1]", "[1]"),  # [if redis]
    ],
)
def test_an_override_is_read_as_the_type_of_its_setting(monkeypatch, variable: str, text: str, value: object) -> None:
    monkeypatch.setenv(variable, text)

    read = attrgetter(variable.removeprefix("APP__").lower().replace("__", "."))(load_settings())

    assert read == value
    assert type(read) is type(value)


@pytest.mark.parametrize(
    ("variable", "value", "refused"),
    [
        ("APP__TASK_QUEUE__MAX_RETRIES__X", "1", "task_queue.max_retries is a value, not a section"),
        ("APP__TASK_QUEUE__MAX_RETRIES", "abc", "task_queue.max_retries must be a whole number, got 'abc'"),
        ("APP__WROKER__CONCURRENCY", "5", "wroker is not a setting; the top level accepts env, database, "),
    ],
    ids=["value-as-section", "wrong-type", "unknown-section"],
)
def test_a_refused_override_names_its_variable(monkeypatch, variable: str, value: str, refused: str) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert str(raised.value).startswith(f"environment variable {variable}: {refused}")


def test_an_override_of_an_unknown_setting_names_the_variable_and_the_known_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP__WORKER__HEARTBEAT_TIMEOUT", "5")

    with pytest.raises(SettingsError) as raised:
        load_settings()

    message = str(raised.value)
    assert message.startswith("environment variable APP__WORKER__HEARTBEAT_TIMEOUT: worker.heartbeat_timeout ")
    assert message.endswith("is not a setting; the section worker accepts " + ", ".join(WORKER_SETTINGS))
