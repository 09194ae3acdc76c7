"""The project's pytest settings, read and written where the project keeps them (pyproject.toml, pytest.ini,
tox.ini or setup.cfg, as pytest looks for them), every other line as the user wrote it."""

from __future__ import annotations

import configparser
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

import tomlkit

from suite_toolkit.retrofit.changes import Applied, create


def tier_folders(tiers: Sequence[str], destinations: Iterable[str]) -> list[str]:
    """The tier folders (as the ``tiers`` setting names them) that hold a moved file."""
    folders = [folder_of(line) for line in tiers]
    return [
        folder
        for folder in folders
        if any(PurePosixPath(destination).is_relative_to(folder) for destination in destinations)
    ]


def folder_of(tier: str) -> str:
    return tier.partition(":")[0].strip().strip("/")


# Where pytest reads its settings from, in the order it looks for them in a folder; the section for each.
SETTINGS_FILES = {
    "pytest.ini": "pytest",
    ".pytest.ini": "pytest",
    "pyproject.toml": "tool.pytest.ini_options",
    "tox.ini": "pytest",
    "setup.cfg": "tool:pytest",
}


def settings_file(root: Path) -> str:
    """The file pytest reads the project's settings from (in the root), or pyproject.toml when none has them."""
    for name in SETTINGS_FILES:
        path = root / name
        if not path.is_file():
            continue
        if name.endswith(".toml"):
            if "pytest" in tomlkit.parse(path.read_text(encoding="utf-8")).get("tool", {}):
                return name
        elif name == "pytest.ini" or name == ".pytest.ini" or f"[{SETTINGS_FILES[name]}]" in ini_sections(path):
            return name
    return "pyproject.toml"


def ini_sections(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("[")]


def read_setting(root: Path, key: str) -> list[str] | None:
    """A setting of the project's pytest settings as a list (``tiers``: lines; ``testpaths``: words), None if
    unset."""
    name = settings_file(root)
    path = root / name
    if not path.is_file():
        return None
    if name.endswith(".toml"):
        tool = tomlkit.parse(path.read_text(encoding="utf-8")).unwrap().get("tool", {}).get("pytest", {})
        value = tool.get("ini_options", tool).get(key)
    else:
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(path, encoding="utf-8")
        value = parser.get(SETTINGS_FILES[name], key, fallback=None)
    if isinstance(value, str):  # pytest's types: tiers is a linelist, testpaths args
        value = value.splitlines() if key == "tiers" else shlex.split(value)
    return None if value is None else [str(item).strip() for item in value if str(item).strip()]


def write_settings(
    root: Path, tiers: Sequence[str], folders: Sequence[str], moves: Mapping[str, str], applied: Applied
) -> None:
    """``tiers`` (the tier folders that hold a moved file) unless the project sets it, and ``testpaths`` when the
    project has one that no longer finds every moved file."""
    values: dict[str, list[str]] = {}
    settled = read_setting(root, "tiers") or []
    settled_folders = {folder_of(line) for line in settled}
    added = [line for line in tiers if folder_of(line) in folders and folder_of(line) not in settled_folders]
    if added:
        values["tiers"] = settled + added
    testpaths = read_setting(root, "testpaths")
    if testpaths:
        kept = [moves.get(path, path) for path in testpaths]
        lost = {
            folder
            for file, destination in moves.items()
            if finds(testpaths, file) and not finds(kept, destination)
            for folder in folders
            if PurePosixPath(destination).is_relative_to(folder)
        }
        if kept != testpaths or lost:
            values["testpaths"] = kept + sorted(lost)
    if not values:
        return
    name = settings_file(root)
    applied.settings_file = name
    path = root / name
    if name.endswith(".toml"):
        write_toml(path, values, applied)
    else:
        text = path.read_text(encoding="utf-8")
        for key, value in values.items():
            text = ini_with(text, SETTINGS_FILES[name], key, value)
        path.write_text(text, encoding="utf-8")


def finds(testpaths: Iterable[str], file: str) -> bool:
    """pytest collects ``file`` from ``testpaths`` (paths or globs)."""
    return any(
        fnmatchcase(file, path.strip("/")) or PurePosixPath(file).is_relative_to(path.strip("/")) for path in testpaths
    )


def write_toml(path: Path, values: Mapping[str, list[str]], applied: Applied) -> None:
    """With tomlkit: the user's comments and layout stay as they were."""
    existed = path.is_file()
    document = tomlkit.parse(path.read_text(encoding="utf-8")) if existed else tomlkit.document()
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    pytest_table = tool.setdefault("pytest", tomlkit.table(is_super_table=True))
    native = any(key != "ini_options" for key in pytest_table)  # pytest 9's [tool.pytest]
    new_table = not native and "ini_options" not in pytest_table
    table = pytest_table if native else pytest_table.setdefault("ini_options", tomlkit.table())
    for key, value in values.items():
        array = tomlkit.array()
        array.extend(value)
        if key == "tiers":
            array.multiline(True)
            if key not in table:
                table.add(tomlkit.comment("pytest-suite-toolkit: a marker per tier, from the folder a test lives in"))
        table[key] = array
    if new_table:  # tomlkit puts a new table right before the next one (a [build-system] after [tool.ruff], say)
        table.add(tomlkit.nl())
    text = tomlkit.dumps(document)
    text = text[:-1] if new_table and text.endswith("\n\n") else text  # it was the last: no blank line at the end
    if existed:
        path.write_text(text, encoding="utf-8")
    else:
        create(path, text, applied)


def ini_with(text: str, section: str, key: str, value: list[str]) -> str:
    """``text`` (an ini file) with ``key`` of ``section`` set to ``value``, every other line as it was."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"[{section}]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    rendered = (
        f"{key} =\n" + "".join(f"    {line}\n" for line in value) if key == "tiers" else f"{key} = {' '.join(value)}\n"
    )
    for i in range(start + 1, end):
        if re.match(rf"{re.escape(key)}\s*[=:]", lines[i]):
            last = i + 1
            while last < end and lines[last][:1] in (" ", "\t") and lines[last].strip():
                last += 1
            return "".join([*lines[:i], rendered, *lines[last:]])
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    if end and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join([*lines[:end], rendered, *lines[end:]])
