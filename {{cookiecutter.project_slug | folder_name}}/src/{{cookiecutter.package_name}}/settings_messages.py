"""What is wrong with a setting, in one line that says where it was set: the file and line, or the variable.

PyYAML and pydantic find the problems, and name them as a program sees them (``task_queue.max_retries: Input
should be greater than or equal to 0``). Someone editing ``config/test.yaml`` needs the line, the setting and what
it accepts: ``config/test.yaml, line 21: task_queue.max_retries must be 0 or more, got -1``. pydantic-settings
has no line numbers, so this module keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic_core import ErrorDetails

# What a value must be, in the words of a message to someone editing a YAML file.
ACCEPTED = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}
# pydantic's errors for a value of the right type out of its range: the field's description says what it accepts.
OUT_OF_RANGE = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


class SettingsError(ValueError):
    """A configuration file or override that cannot be turned into settings."""


@dataclass(frozen=True)
class Origins:
    """Where each setting was set: the file ``shown`` at the line of its key, or the variable that overrode it."""

    shown: str
    lines: dict[str, int]
    variables: dict[str, str]  # dotted key -> the variable that sets it

    def of(self, key: str) -> str:
        # The environment wins over the file, so a value it set is blamed on the variable, not on the file's line.
        for setting, variable in self.variables.items():
            if setting == key or setting.startswith(f"{key}."):
                return f"environment variable {variable}"
        return f"{self.shown}, line {self.lines[key]}" if key in self.lines else self.shown


def read_yaml(text: str, shown: str) -> tuple[Any, dict[str, int]]:
    """The YAML ``text`` as Python values, and the line of every key (``task_queue.max_retries``: 21)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as error:
        raise SettingsError(_syntax_message(error, text, shown)) from None
    except yaml.YAMLError as error:
        raise SettingsError(f"{shown}: not valid YAML ({error})") from None
    finally:
        loader.dispose()
    return data, _key_lines(node)


def refused_value(error: ErrorDetails, settings: type[BaseModel], origins: Origins) -> str:
    """One of pydantic's errors about ``settings``: where the value was set, the setting, and what it accepts."""
    key = ".".join(str(part) for part in error["loc"])
    section_key, _, name = key.rpartition(".")
    section = _section(settings, section_key)
    field = section.model_fields.get(name) if section else None
    where, got = origins.of(key), _shown_value(error["input"])
    if field is None:
        return f"{where}: {not_a_setting(key, section_key, section)}"
    if _is_section(field.annotation):
        return f"{where}: {key} must be a section (key: value lines), got {got}"
    if isinstance(error["input"], Mapping):
        return f"{where}: {key} is a value, not a section"
    if error["type"] in OUT_OF_RANGE and field.description:
        return f"{where}: {key} must be {field.description}, got {got}"
    return f"{where}: {key} must be {ACCEPTED.get(field.annotation, 'a value of its type')}, got {got}"


def not_a_setting(key: str, section_key: str, section: type[BaseModel] | None) -> str:
    place = f"section {section_key}" if section_key else "top level"
    return f"{key} is not a setting; the {place} accepts {', '.join(section.model_fields if section else [])}"


def shown_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it: ``config/test.yaml``, not a long path."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _section(settings: type[BaseModel], dotted: str) -> type[BaseModel] | None:
    """The model of the section ``dotted`` names (``task_queue.weights``), or None if there is none."""
    section = settings
    for part in filter(None, dotted.split(".")):
        field = section.model_fields.get(part)
        if field is None or not _is_section(field.annotation):
            return None
        section = field.annotation
    return section


def _is_section(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _shown_value(value: Any) -> str:
    """A refused value as YAML would write it: ``'soon'``, ``True``, and a variable's ``-1`` as -1 (every variable
    is text, so quoting a number there would only mislead)."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return repr(value)
        return value if number == number else repr(value)  # not NaN: "nan" stays quoted
    return repr(value)


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
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            lines[key] = key_node.start_mark.line + 1
            lines.update(_key_lines(value_node, f"{key}."))
    return lines
