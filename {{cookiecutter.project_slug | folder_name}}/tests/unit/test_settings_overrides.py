from __future__ import annotations

import dataclasses

import pytest

from {{ cookiecutter.package_name }}.settings import SettingsError, WorkerSettings, apply_overrides, load_settings

WORKER_SETTINGS = [field.name for field in dataclasses.fields(WorkerSettings)]


@pytest.mark.parametrize(
    ("text", "value"),
    [("5", 5), ("0.75", 0.75), ("1e-05", 1e-05), ("true", True), ("false", False), ("no", "no"), ("[1]", "[1]")],
)
def test_override_values_are_read_as_json_scalars_or_kept_as_text(text: str, value: object) -> None:
    assert apply_overrides({}, {"APP__WORKER__X": text}) == {"worker": {"x": value}}


def test_an_override_cannot_turn_a_value_into_a_section() -> None:
    with pytest.raises(SettingsError) as raised:
        apply_overrides({"task_queue": {"max_retries": 1}}, {"APP__TASK_QUEUE__MAX_RETRIES__X": "1"})

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
