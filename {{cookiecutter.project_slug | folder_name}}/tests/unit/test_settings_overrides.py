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


def test_an_override_cannot_turn_a_value_into_a_section(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP__TASK_QUEUE__MAX_RETRIES__X", "1")

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert str(raised.value) == (
        "environment variable APP__TASK_QUEUE__MAX_RETRIES__X: task_queue.max_retries is a value, not a section"
    )


def test_an_override_of_the_wrong_type_names_the_variable_not_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP__TASK_QUEUE__MAX_RETRIES", "abc")

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert str(raised.value) == (
        "environment variable APP__TASK_QUEUE__MAX_RETRIES: task_queue.max_retries must be a whole number, got 'abc'"
    )


def test_an_override_of_an_unknown_setting_names_the_variable_and_the_known_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP__WORKER__HEARTBEAT_TIMEOUT", "5")

    with pytest.raises(SettingsError) as raised:
        load_settings()

    message = str(raised.value)
    assert message.startswith("environment variable APP__WORKER__HEARTBEAT_TIMEOUT: worker.heartbeat_timeout ")
    assert message.endswith("is not a setting; the section worker accepts " + ", ".join(WORKER_SETTINGS))


def test_an_override_of_an_unknown_section_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP__WROKER__CONCURRENCY", "5")

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert str(raised.value).startswith("environment variable APP__WROKER__CONCURRENCY: wroker is not a setting; ")
