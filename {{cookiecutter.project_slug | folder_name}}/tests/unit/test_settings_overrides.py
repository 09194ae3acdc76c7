from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.settings import apply_overrides


@pytest.mark.parametrize(
    ("text", "value"),
    [("5", 5), ("0.75", 0.75), ("1e-05", 1e-05), ("true", True), ("false", False), ("no", "no"), ("[1]", "[1]")],
)
def test_override_values_are_read_as_json_scalars_or_kept_as_text(text: str, value: object) -> None:
    assert apply_overrides({}, {"APP__WORKER__X": text}) == {"worker": {"x": value}}


def test_an_override_cannot_turn_a_value_into_a_section() -> None:
    from {{ cookiecutter.package_name }}.settings import SettingsError

    with pytest.raises(SettingsError, match="APP__TASK_QUEUE__MAX_RETRIES__X: 'max_retries' is a value, not a section"):
        apply_overrides({"task_queue": {"max_retries": 1}}, {"APP__TASK_QUEUE__MAX_RETRIES__X": "1"})
