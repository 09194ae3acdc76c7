from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.settings import (
    ScoringWeights,
    SettingsError,
    clear_settings_cache,
    load_settings,
    load_task_queue_settings,
    read_settings_file,
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


def test_one_file_is_read_without_the_environment_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP__TASK_QUEUE__MAX_RETRIES", "9")  # not read: read_settings_file is the file alone
    path = tmp_path / "staging.yaml"
    path.write_text("task_queue:\n  max_retries: 5\n")

    assert read_settings_file(path).task_queue.max_retries == 5
    assert read_settings_file(path).env == "staging"
    path.write_text("task_queue:\n  max_retries: -1\n")
    with pytest.raises(SettingsError, match=r"staging\.yaml, line 2: task_queue\.max_retries must be 0 or more"):
        read_settings_file(path)


def test_a_settings_path_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()

    with pytest.raises(SettingsError, match=r"config: cannot be read \(Is a directory\)"):
        read_settings_file(folder)


def write_test_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """``text`` as ``config/test.yaml`` of a project in ``tmp_path``, the working directory, as under pytest."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "test.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APP_CONFIG_DIR", str(tmp_path / "config"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "task_queue:\n  age_ceiling_seconds: 60\n  max_retries: [2\nworker: {}\n",
            "line 3: 'max_retries: [2' is not valid YAML (while parsing a flow sequence; expected ',' or ']', but "
            "got ':')",
        ),
        (
            "task_queue:\n  age_ceiling_seconds: 60\n  max_retrys: 3\n",
            "line 3: task_queue.max_retrys is not a setting; the section task_queue accepts weights, "
            "age_ceiling_seconds, default_timeout_seconds, max_retries",
        ),
        ("task_queue:\n  weights: 3\n", "line 2: task_queue.weights must be a section (key: value lines), got 3"),
        (
            "task_queue:\n  age_ceiling_seconds: soon\n",
            "line 2: task_queue.age_ceiling_seconds must be a number, got 'soon'",
        ),
        ("task_queue:\n  max_retries: true\n", "line 2: task_queue.max_retries must be a whole number, got True"),
        (
            "task_queue:\n  weights:\n    age: 0.5\n  max_retries: lots\n",
            "line 4: task_queue.max_retries must be a whole number, got 'lots'",
        ),
    ],
    ids=["yaml-syntax", "unknown-key", "section", "number", "whole-number", "nested-line"],
)
def test_a_broken_file_names_the_line_the_setting_and_what_it_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    write_test_config(tmp_path, monkeypatch, text)

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert str(raised.value) == f"config/test.yaml, {expected}"


def test_a_value_of_the_wrong_type_names_the_file_it_was_read_from(tmp_path: Path) -> None:
    path = tmp_path / "staging.yaml"
    path.write_text("database:\n  echo: yes please\n")

    with pytest.raises(
        SettingsError, match=r"^.*staging\.yaml, line 2: database.echo must be true or false, got 'yes please'$"
    ):
        read_settings_file(path)


def test_an_integer_is_accepted_where_a_float_is_expected() -> None:
    weights = ScoringWeights(age=2)

    assert weights.age == 2.0
    assert isinstance(weights.age, float)


@pytest.mark.parametrize(
    ("setting", "value", "accepted"),
    [
        ("APP__HTTP__PORT", "70000", "http.port must be a port from 0 to 65535 (0: any free port), got 70000"),
        ("APP__WORKER__CONCURRENCY", "0", "worker.concurrency must be at least 1, got 0"),
        ("APP__WORKER__POLL_INTERVAL_SECONDS", "-1", "worker.poll_interval_seconds must be more than 0, got -1"),
    ],
    ids=["port", "concurrency", "poll interval"],
)
def test_a_value_out_of_its_range_is_refused_naming_it(monkeypatch, setting: str, value: str, accepted: str) -> None:
    monkeypatch.setenv(setting, value)

    with pytest.raises(SettingsError) as refused:
        load_settings()

    assert str(refused.value) == f"environment variable {setting}: {accepted}"
