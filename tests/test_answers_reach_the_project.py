"""Every answer reaches what it claims to, a pruned feature leaves nothing pointing at it, and a baked project
sets itself up on a machine that has Python 3 and make but no uv."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_extensions import template_questions
from tests.baking import (
    SERVER_TIERS,
    SUPPORTED,
    UV,
    Combination,
    bake,
    clean_environment,
    execute,
    load_hook,
    parse_structured,
    project_files,
)

QUESTIONS = template_questions()
DEFAULTS = {key: value[0] if isinstance(value, list) else value for key, value in QUESTIONS.items()}
FEATURES = load_hook("post_gen_project").features  # the hook's rule for which feature an answer turns on
WITHOUT_SERVERS = [c for c in SUPPORTED if not FEATURES({**DEFAULTS, **c.answers})["servers"]]
SERVER_PROMISE = re.compile(r"(?i)\bservers?\b|postgres|redis|docker|\bcompose\b")
# Whatever names the uv that make would find, so that a bake's own Makefile must find or install one itself.
MAKE_INHERITED = ("UV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")


# -- python_version -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", QUESTIONS["python_version"])
def test_the_python_version_sets_requires_python_and_ruffs_target(bake_once, version: str) -> None:
    project = bake_once(python_version=version)
    pyproject = parse_structured(project / "pyproject.toml")
    oldest = re.fullmatch(r">=(\d+)\.(\d+)", pyproject["project"]["requires-python"])

    assert oldest, pyproject["project"]["requires-python"]
    assert ".".join(oldest.groups()) == version
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + "".join(oldest.groups())
    assert (project / ".python-version").read_text(encoding="utf-8").strip() == version


@pytest.mark.parametrize("version", QUESTIONS["python_version"])
def test_every_feature_is_ruff_clean_at_the_chosen_target(bake_once, version: str) -> None:
    """The supported combinations lint each newer target on fewer features; here every feature meets each one."""
    project = bake_once(python_version=version)
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=project, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout + result.stderr


# -- what pruning leaves behind -------------------------------------------------------------------------------------


def relative_files(project: Path) -> set[str]:
    return {path.relative_to(project).as_posix() for path in project_files(project)}


def names_of(removed: set[str], kept: set[str]) -> set[str]:
    """How text can point at a removed file: its path, its folders that are gone, its file name when no kept file
    has that name, and, for Python, its module path (``tests.helpers.servers``, ``work_queue.event_bus``)."""
    kept_folders = {parent for path in kept for parent in map(str, Path(path).parents)}
    kept_names = {Path(path).name for path in kept}
    names = set()
    for path in removed:
        names.add(path)
        names.update(folder for folder in map(str, Path(path).parents) if folder != "." and folder not in kept_folders)
        if Path(path).name not in kept_names:
            names.add(Path(path).name)
        if path.endswith(".py"):
            names.add(path.removeprefix("src/").removesuffix(".py").replace("/", "."))
    return names


@pytest.mark.parametrize("combination", [c for c in SUPPORTED if c.id != "defaults"], ids=str)
def test_no_file_names_a_file_the_hook_removed(bake_once, combination: Combination) -> None:
    project, default = bake_once(**combination.answers), bake_once()
    kept = relative_files(project)
    removed = relative_files(default) - kept
    assert removed, f"{combination} prunes nothing: it does not belong in this test"
    names = sorted(names_of(removed, kept), key=len, reverse=True)
    mention = re.compile(r"(?<![\w.-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")

    mentions = [
        f"{relative}:{number}: {line.strip()}"
        for relative in sorted(kept)
        for number, line in enumerate((project / relative).read_text(encoding="utf-8").splitlines(), start=1)
        if mention.search(line)
    ]
    assert mentions == []


def prose(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of every docstring and comment in a Python file."""
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        documented = isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        if documented and ast.get_docstring(node, clean=False) is not None:
            first = node.body[0]
            for offset, line in enumerate(ast.get_source_segment(source, first).splitlines()):
                yield first.lineno + offset, line
    with path.open("rb") as file:
        for token in tokenize.tokenize(file.readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.string


@pytest.mark.parametrize("combination", WITHOUT_SERVERS, ids=str)
def test_a_project_without_servers_promises_none_in_its_server_tiers(bake_once, combination: Combination) -> None:
    project = bake_once(**combination.answers)
    markers = parse_structured(project / "pyproject.toml")["tool"]["pytest"]["ini_options"]["markers"]
    readme = (project / "README.md").read_text(encoding="utf-8").splitlines()

    promises = [
        f"{path.relative_to(project)}:{number}: {text.strip()}"
        for tier in SERVER_TIERS
        for path in sorted((project / "tests" / tier).rglob("*.py"))
        for number, text in prose(path)
        if SERVER_PROMISE.search(text)
    ]
    promises += [f"pyproject.toml marker: {marker}" for marker in markers if SERVER_PROMISE.search(marker)]
    promises += [
        f"README.md:{number}: {line.strip()}"
        for number, line in enumerate(readme, start=1)
        if re.search(r"(?i)integration|e2e", line) and SERVER_PROMISE.search(line)
    ]
    assert promises == []


def test_the_server_trace_check_would_see_a_promise(tmp_path: Path) -> None:
    module = tmp_path / "conftest.py"
    module.write_text('"""On real servers."""\n\nx = "server"  # needs Redis\n', encoding="utf-8")

    promises = [text for _, text in prose(module) if SERVER_PROMISE.search(text)]

    assert promises == ['"""On real servers."""', "# needs Redis"]


# -- a machine with Python and make, and no uv ----------------------------------------------------------------------


def path_without_uv(shadows: Path) -> str:
    """This machine's PATH without this template's environment, and with every folder that holds a ``uv`` replaced
    by a folder of links to everything else in it: python3, make, sh and the rest stay where they were."""
    entries = []
    for number, entry in enumerate(os.environ["PATH"].split(os.pathsep)):
        folder = Path(entry)
        if not entry or folder == UV.parent:
            continue
        if (folder / "uv").exists() or (folder / "uvx").exists():
            shadow = shadows / str(number)
            shadow.mkdir(parents=True)
            for tool in folder.iterdir():
                if tool.name not in ("uv", "uvx"):
                    (shadow / tool.name).symlink_to(tool)
            folder = shadow
        entries.append(str(folder))
    return os.pathsep.join(entries)


def getting_started(readme: str) -> str:
    return readme.split("## Getting started", 1)[1].split("\n## ", 1)[0]


def test_the_readme_starts_with_make_setup_and_says_it_brings_uv(bake_once) -> None:
    section = getting_started((bake_once() / "README.md").read_text(encoding="utf-8"))
    commands = [line.split("#")[0].strip() for line in section.split("```")[1].splitlines()[1:]]

    assert next(command for command in commands if command.startswith("make ")) == "make setup"
    assert "only Python 3 and make" in section
    assert "`.tools/`" in section


def test_the_uv_that_setup_installs_is_gitignored(bake_once) -> None:
    ignored = (bake_once() / ".gitignore").read_text(encoding="utf-8").splitlines()

    assert ".tools/" in ignored


def test_make_setup_installs_uv_where_there_is_none(tmp_path: Path) -> None:
    if execute([str(UV), "python", "find", DEFAULTS["python_version"]], tmp_path).returncode != 0:
        pytest.skip(f"no Python {DEFAULTS['python_version']} here for the default bake: `uv python install`")
    project = bake(tmp_path / "bake")
    env = {key: value for key, value in clean_environment().items() if key not in MAKE_INHERITED}
    env["PATH"] = path_without_uv(tmp_path / "bin")
    assert subprocess.run(["sh", "-c", "command -v uv"], env=env, capture_output=True).returncode != 0

    result = subprocess.run(["make", "setup"], cwd=project, env=env, capture_output=True, text=True, timeout=900)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (project / ".tools" / "bin" / "uv").is_file()
    assert (project / ".venv" / "bin" / "python").exists()
    again = subprocess.run(["make", "-n", "setup"], cwd=project, env=env, capture_output=True, text=True)
    assert "pip install" not in again.stdout, "uv is installed once, not on every make setup"
