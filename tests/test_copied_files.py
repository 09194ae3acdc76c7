"""The fixture and helper modules of a baked project are meant to be copied into other projects. Each one, copied
alone into a project that is not ours (a bare folder, with only the service package and its test dependencies
installed), works with what the ``Needs:`` line of its docstring names, and names everything it needs."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from tests.baking import PROJECT_TEMPLATE, run

COPYABLE = sorted(
    f"tests/{folder}/{path.name}"
    for folder in ("fixtures", "helpers")
    for path in (PROJECT_TEMPLATE / "tests" / folder).glob("*.py")
    if path.name != "__init__.py"
)
NEEDS = re.compile(r"^Needs: ((?:.|\n(?=\S))*?)\.$", re.MULTILINE)  # a paragraph: it may wrap
XDIST_FIXTURES = {"testrun_uid", "worker_id"}  # pytest-xdist's, and 'master'/a fixed uid without its workers
BUILTIN_FIXTURES = {"request", "tmp_path", "tmp_path_factory", "monkeypatch", "pytestconfig", "capsys", "caplog"}


def needs(path: Path) -> list[str]:
    """What the docstring's ``Needs:`` paragraph names: files of the project's tests/, and distributions."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    found = NEEDS.search(docstring)
    return [item.strip() for item in found.group(1).split(",")] if found else []


def imported_test_modules(tree: ast.Module) -> set[str]:
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "tests":
            parts = node.module.split(".")
            names = [alias.name for alias in node.names]
            modules |= (
                {"/".join([*parts, name]) + ".py" for name in names} if len(parts) == 2 else {"/".join(parts) + ".py"}
            )
    return {module for module in modules if (PROJECT_TEMPLATE / module).is_file()}


def fixtures(tree: ast.Module) -> dict[str, list[str]]:
    """Each fixture the module defines, with the fixtures it asks for."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any("fixture" in ast.unparse(d) for d in node.decorator_list):
            found[node.name] = [argument.arg for argument in node.args.args]
    return found


def closure(project: Path, relative: str) -> list[str]:
    """The file and the project files its ``Needs:`` names, theirs too."""
    wanted, seen = [relative], []
    while wanted:
        current = wanted.pop()
        if current not in seen:
            seen.append(current)
            wanted += [item for item in needs(project / current) if item.startswith("tests/")]
    return seen


@pytest.mark.parametrize("relative", COPYABLE)
def test_its_docstring_names_everything_it_needs(default_project: Path, relative: str) -> None:
    path = default_project / relative
    if not path.exists():
        pytest.skip(f"{relative} is not in the default project")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named = set(needs(path))
    defined = fixtures(tree)
    requested = {name for arguments in defined.values() for name in arguments} - defined.keys() - BUILTIN_FIXTURES
    from_files = {
        name
        for item in named
        if item.startswith("tests/fixtures/")
        for name in fixtures(ast.parse((default_project / item).read_text()))
    }

    assert imported_test_modules(tree) <= named
    if "suite_toolkit" in {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }:
        assert "pytest-suite-toolkit" in named
    if requested & XDIST_FIXTURES:
        assert "pytest-xdist" in named
    assert requested - XDIST_FIXTURES <= from_files, "fixtures it asks for that no module it names defines"


@pytest.mark.parametrize("relative", COPYABLE)
def test_copied_alone_into_another_project_it_works(installed_default_project: Path, relative: str, tmp_path) -> None:
    project = installed_default_project
    if not (project / relative).exists():
        pytest.skip(f"{relative} is not in the default project")
    other = tmp_path / "other"
    copied = closure(project, relative)
    for file in copied:
        (other / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(project / file, other / file)
    for package in ("tests", "tests/fixtures", "tests/helpers"):
        (other / package / "__init__.py").parent.mkdir(parents=True, exist_ok=True)
        (other / package / "__init__.py").touch()
    python = str(project / ".venv" / "bin" / "python")
    module = relative.removesuffix(".py").replace("/", ".")

    if relative.startswith("tests/helpers/"):
        run([python, "-c", f"import {module}"], other)
    else:
        plugins = [
            arg
            for file in copied
            if file.startswith("tests/fixtures/")
            for arg in ("-p", file.removesuffix(".py").replace("/", "."))
        ]
        output = run([python, "-m", "pytest", *plugins, "--fixtures", "-q", "--no-analytics"], other)
        defined = fixtures(ast.parse((project / relative).read_text(encoding="utf-8")))
        assert {name for name in defined if not re.search(rf"^{name}\b", output, re.MULTILINE)} == set(), output[-3000:]
