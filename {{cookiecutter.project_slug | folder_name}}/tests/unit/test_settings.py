from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.settings import (
    ScoringWeights,
    SettingsError,
    apply_overrides,
    build,
    clear_settings_cache,
    load_settings,
    load_task_queue_settings,
)


@pytest.mark.smoke
def test_test_settings_come_from_config_test_yaml() -> None:
    settings = load_settings()

    assert settings.env == "test"
    assert settings.task_queue.max_retries == 2
    assert settings.task_queue.weights == ScoringWeights(priority=1.0, age=0.5, retry_penalty=0.2)


def test_environment_overrides_a_nested_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP__TASK_QUEUE__WEIGHTS__AGE", "0.75")

    assert load_task_queue_settings().weights.age == 0.75


def test_url_variables_override_the_yaml_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite+pysqlite:////var/lib/app/app.db")

    assert load_settings().database.url == "sqlite+pysqlite:////var/lib/app/app.db"


def test_settings_are_cached_until_the_cache_is_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_settings()
    monkeypatch.setenv("APP__TASK_QUEUE__MAX_RETRIES", "9")

    assert load_settings() is first
    clear_settings_cache()
    assert load_settings().task_queue.max_retries == 9


def test_an_unknown_environment_names_the_missing_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "staging")

    with pytest.raises(SettingsError, match=r"APP_ENV='staging'.*staging\.yaml does not exist"):
        load_settings()


def test_an_unknown_key_is_refused_with_the_known_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "test.yaml").write_text("task_queue:\n  max_retrys: 3\n")
    monkeypatch.setenv("APP_CONFIG_DIR", str(tmp_path))

    with pytest.raises(SettingsError, match=r"unknown setting\(s\) max_retrys; known: .*max_retries"):
        load_settings()


def test_a_value_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(SettingsError, match="max_retries must be int, got 'three'"):
        build(type(load_task_queue_settings()), {"max_retries": "three"}, where="test")


def test_an_integer_is_accepted_where_a_float_is_expected() -> None:
    weights = build(ScoringWeights, {"age": 2}, where="test")

    assert weights.age == 2.0
    assert isinstance(weights.age, float)


def test_overrides_leave_the_original_mapping_untouched() -> None:
    original = {"task_queue": {"max_retries": 1}}

    result = apply_overrides(original, {"APP__TASK_QUEUE__MAX_RETRIES": "4", "UNRELATED": "x"})

    assert result == {"task_queue": {"max_retries": 4}}
    assert original == {"task_queue": {"max_retries": 1}}
