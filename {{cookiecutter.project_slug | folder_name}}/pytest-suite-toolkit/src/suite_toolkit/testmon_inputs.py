"""Make pytest-testmon see the inputs it cannot trace.

testmon re-runs a test when Python code that ran inside it changes. Two kinds of input escape it:

* files that are not Python: configuration, test data, the lock file (the ``testmon_inputs`` setting);
* code under test that runs when a module is imported rather than inside a test: constants, class attributes,
  default argument values, decorators (in the ``testmon_import_time_code`` folders). Changing
  ``COMPLETED = "task.completed"`` breaks tests that testmon would not select.

This plugin folds a hash of both into testmon's environment. When either changes, the environment is new and
testmon runs every test once (conservative: it never misses one), then selects as usual again. Editing a
function's body, the common case, changes neither hash.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from suite_toolkit import settings
from suite_toolkit.private_api import add_to_testmon_environment

INPUTS = tuple(settings.default("testmon_inputs"))


def inputs_digest(root: Path, patterns: Iterable[str] = INPUTS) -> str:
    """A short hash of the names and contents of the files matching ``patterns`` under ``root``."""
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def import_time_digest(*folders: Path) -> str:
    """A short hash of the import-time code of every module under ``folders`` (function bodies excluded)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            for node in import_time_nodes(ast.parse(path.read_bytes()).body):
                digest.update(ast.dump(node).encode())  # no line numbers: moving code changes nothing
    return digest.hexdigest()[:16]


def import_time_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from node.decorator_list
            yield node.args  # default values are evaluated at import
        elif isinstance(node, ast.ClassDef):
            yield from (*node.decorator_list, *node.bases, *node.keywords)
            yield from import_time_nodes(node.body)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            continue  # what an import brings in is traced where it is used
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):  # docstrings run nothing
            yield node


def configure(config: pytest.Config) -> None:
    """Called before pytest-testmon reads its environment (the plugin's ``pytest_configure`` is ``tryfirst``)."""
    root = config.rootpath

    def digests() -> str:
        code = import_time_digest(*(root / folder for folder in config.getini("testmon_import_time_code")))
        return f"inputs-{inputs_digest(root, config.getini('testmon_inputs'))}-code-{code}"

    add_to_testmon_environment(config, digests)
