"""``suite-retrofit apply``: carry a plan out in the project's git working tree, recording what it did so that
``verify`` can put everything back.

It starts only on a clean working tree (untracked files may be there, and are never touched), checks the whole plan
before changing anything, and stages what it did (``git diff --staged`` shows the migration) without committing.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from suite_toolkit.retrofit.changes import Applied, PlanError, SharedFixture, create, git, put_back
from suite_toolkit.retrofit.pytest_settings import folder_of, tier_folders, write_settings

FIXTURES_FOLDER = "tests/fixtures"
ROOT_CONFTEST = "tests/conftest.py"  # the conftest pytest loads first, where pytest_plugins is allowed

UNIT_CONFTEST = '''"""Unit tier: no network at all."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit test that opens a connection belongs in another tier; fail it with that advice."""

    def refuse(self: socket.socket, address: object) -> None:
        raise RuntimeError(f"unit tests must not connect to {address!r}: move this test to another tier")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
'''

TIER_CONFTEST = '''"""{tier} tier: {description}.

Fixtures that only this tier's tests use go here; fixtures several tiers share, in tests/fixtures/.
"""
'''


def check_clean(root: Path) -> None:
    """Putting back is ``git reset --hard``: it must not lose a change of the user's."""
    if subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=root, capture_output=True).returncode:
        raise PlanError("the project has no commit yet (or is not a git repository): commit the suite as it is first")
    status = git(root, "status", "--porcelain", "--untracked-files=no")
    changed = ", ".join(line.strip() for line in status.splitlines())
    if changed:
        raise PlanError(f"the working tree has changes to tracked files (commit or stash them first): {changed}")


def check(root: Path, moves: Mapping[str, str], fixtures: Sequence[SharedFixture]) -> None:
    tracked = set(git(root, "ls-files").splitlines())
    destinations: set[str] = set()
    for file, destination in moves.items():
        if file not in tracked:
            missing = "does not exist" if not (root / file).exists() else "is not tracked by git"
            raise PlanError(f"the plan moves {file}, which {missing}")
        if not destination.endswith(".py") or PurePosixPath(destination).is_absolute() or ".." in destination:
            raise PlanError(f"the plan moves {file} to {destination}: not a .py path inside the project")
        if (root / destination).exists() or destination in destinations:
            raise PlanError(f"the plan moves {file} to {destination}, which exists already")
        destinations.add(destination)
    for fixture in fixtures:
        for file in fixture.defined_in:
            if not (root / file).is_file():
                raise PlanError(f"the plan shares the fixture {fixture.name} of {file}, which does not exist")
            if definition(root / file, fixture.name) is None:
                raise PlanError(f"the plan shares the fixture {fixture.name}, which {file} does not define")
        if not fixture.module.endswith(".py"):
            raise PlanError(f"the plan moves the fixture {fixture.name} to {fixture.module}: not a .py file")


def apply(root: Path, moves: Mapping[str, str], fixtures: Sequence[SharedFixture], tiers: Sequence[str]) -> Applied:
    """Move the files and the shared fixtures, add the tier conftests and the settings. ``tiers`` is the setting
    the plan was made with (``folder: description`` lines). Raises PlanError before changing anything."""
    check_clean(root)
    check(root, moves, fixtures)
    applied = Applied(dict(moves), list(fixtures))
    try:
        old_names = {file: module_name(root, file) for file in moves}
        tests_is_package = (root / "tests" / "__init__.py").is_file()
        for file, destination in moves.items():
            make_folders(root, PurePosixPath(destination).parent, tests_is_package, applied)
            git(root, "mv", file, destination)
        renamed = {old_names[file]: module_name(root, moves[file]) for file in moves}
        fix_imports(root, moves, old_names, renamed)
        share_fixtures(root, moves, fixtures, applied)
        folders = tier_folders(tiers, moves.values())
        add_tier_conftests(root, folders, tiers, applied)
        write_settings(root, tiers, folders, moves, applied)
        git(root, "add", "--update")
        git(root, "add", "--", *(str(path.relative_to(root)) for path in applied.created_files))
    except BaseException:
        put_back(root, applied)
        raise
    return applied


def make_folders(root: Path, folder: PurePosixPath, tests_is_package: bool, applied: Applied) -> None:
    for part in reversed([folder, *folder.parents]):
        path = root / part
        if str(part) == "." or path.is_dir():
            continue
        path.mkdir()
        applied.created_folders.append(path)
        # As the project has it: a package of packages, or folders pytest puts on sys.path one by one. The fixtures'
        # folder is always a package: pytest_plugins imports it by name, and a namespace package called
        # "fixtures" would lose to the installed package of that name.
        if tests_is_package or str(part) == FIXTURES_FOLDER:
            create(path / "__init__.py", "", applied)


def module_name(root: Path, file: str) -> str:
    """The name pytest imports a file under (its default ``prepend`` import mode): the folders above it that are
    packages, up to the first that is not, which pytest puts on sys.path."""
    path = (root / file).with_suffix("")
    parts = [path.name]
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder != root:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(part for part in parts if part != "__init__")


def fix_imports(root: Path, moves: Mapping[str, str], old_names: Mapping[str, str], renamed: Mapping[str, str]):
    """Imports of a moved module by its old name, and relative imports in a moved file, name the same modules as
    before. ``import a.b`` of a moved module is left (the code says ``a.b.name``): the verification shows it."""
    moved_to = {destination: file for file, destination in moves.items()}
    for file in git(root, "ls-files", "--", "*.py").splitlines():
        path = root / file
        text = path.read_text(encoding="utf-8")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        importer = old_names[moved_to[file]] if file in moved_to else module_name(root, file)
        lines = text.splitlines(keepends=True)
        edits = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                new = imported_from(node, importer, renamed, moved=file in moved_to)
                if new is not None:
                    line = lines[node.lineno - 1]
                    start = node.col_offset
                    found = re.compile(r"from\s+([.\w]*)\s+import").match(line, start)
                    if found:
                        edits.append((node.lineno - 1, found.start(1), found.end(1), new))
            elif isinstance(node, ast.Import) and node.lineno == node.end_lineno:
                aliases = [
                    ast.alias(renamed[a.name], a.asname or a.name) if a.name in renamed and "." not in a.name else a
                    for a in node.names
                ]
                if any(a is not b for a, b in zip(aliases, node.names, strict=True)):
                    statement = ast.unparse(ast.Import(aliases))
                    edits.append((node.lineno - 1, node.col_offset, node.end_col_offset, statement))
        if edits:
            for index, start, end, new in sorted(edits, reverse=True):
                lines[index] = lines[index][:start] + new + lines[index][end:]
            path.write_text("".join(lines), encoding="utf-8")


def imported_from(node: ast.ImportFrom, importer: str, renamed: Mapping[str, str], moved: bool) -> str | None:
    """The module a ``from ... import`` must name now, or None when it stays."""
    module = absolute(node, importer)
    if module in renamed:
        return renamed[module]
    parents = {renamed[f"{module}.{a.name}"].rpartition(".")[0] for a in node.names if f"{module}.{a.name}" in renamed}
    if len(parents) == 1 and len(node.names) == 1:  # from tests import test_a
        return parents.pop() or None
    if moved and node.level:
        return module  # what it named from where the file was
    return None


def absolute(node: ast.ImportFrom, importer: str) -> str:
    if not node.level:
        return node.module or ""
    package = importer.split(".")[: -node.level]
    return ".".join([*package, node.module] if node.module else package)


def definition(path: Path, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module-level fixture ``name`` of a file: a decorated function of that name, or whose decorator says
    ``name="..."``."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.decorator_list:
            named = [
                keyword.value.value
                for decorator in node.decorator_list
                if isinstance(decorator, ast.Call)
                for keyword in decorator.keywords
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant)
            ]
            if (named or [node.name])[0] == name:
                return node
    return None


def share_fixtures(root: Path, moves: Mapping[str, str], fixtures: Sequence[SharedFixture], applied: Applied):
    by_module: dict[str, list[SharedFixture]] = {}
    for fixture in fixtures:
        by_module.setdefault(fixture.module, []).append(fixture)
    for module, shared in by_module.items():
        imports: list[str] = []
        bodies: list[str] = []
        for fixture in shared:
            files = [root / moves.get(file, file) for file in fixture.defined_in]
            source = files[0]  # one copy: the plan lists them because they are the same
            text = source.read_text(encoding="utf-8")
            node = definition(source, fixture.name)
            lines = text.splitlines(keepends=True)
            bodies.append("".join(lines[first_line(node) - 1 : node.end_lineno]))
            name = module_name(root, str(source.relative_to(root)))
            imports += [line for line in imports_used(ast.parse(text), node, name) if line not in imports]
            for file in files:
                remove_definition(file, fixture.name)
        path = root / module
        make_folders(root, PurePosixPath(module).parent, (root / "tests" / "__init__.py").is_file(), applied)
        future = [line for line in imports if line.startswith("from __future__")]
        others = [line for line in imports if line not in future]
        if path.exists():
            path.write_text(path.read_text(encoding="utf-8").rstrip() + "\n\n\n" + "\n\n".join(bodies), "utf-8")
            applied.notes.append(f"{module} existed: add these imports if it lacks them: {'; '.join(others)}")
        else:
            header = f'"""Fixtures that several test files defined, each its own copy: loaded by {ROOT_CONFTEST}."""'
            parts = [header, "\n".join(future), "\n".join(others)]
            text = "\n".join(part + "\n" for part in parts if part)
            create(path, text + "\n\n" + "\n\n".join(body.rstrip() + "\n" for body in bodies), applied)
        load_plugin(root, module_name(root, module), applied)


def first_line(node: ast.AST) -> int:
    return min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])


def imports_used(tree: ast.Module, node: ast.AST, importer: str) -> list[str]:
    """The module-level imports of ``tree`` that ``node`` uses, each cut to the names it uses, relative ones made
    absolute (the fixture's new module is elsewhere)."""
    used = {name.id for name in ast.walk(node) if isinstance(name, ast.Name)}
    found = []
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            found.append(ast.unparse(statement))
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            names = [a for a in statement.names if (a.asname or a.name).partition(".")[0] in used]
            if names and isinstance(statement, ast.Import):
                found.append(ast.unparse(ast.Import(names)))
            elif names:
                found.append(ast.unparse(ast.ImportFrom(absolute(statement, importer), names, 0)))
    return found


def remove_definition(path: Path, name: str) -> None:
    text = path.read_text(encoding="utf-8")
    node = definition(path, name)
    lines = text.splitlines(keepends=True)
    del lines[first_line(node) - 1 : node.end_lineno]
    # No run of blank lines longer than the two that separated the definitions.
    path.write_text(re.sub(r"\n{4,}", "\n\n\n", "".join(lines)).rstrip("\n") + "\n", encoding="utf-8")


def load_plugin(root: Path, module: str, applied: Applied) -> None:
    """Name ``module`` in ``pytest_plugins`` of the root tests/conftest.py (created if missing)."""
    path = root / ROOT_CONFTEST
    if not path.exists():
        text = (
            f'"""Root of the test suite: the shared fixtures\' modules."""\n\npytest_plugins = [\n    "{module}",\n]\n'
        )
        create(path, text, applied)
        return
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    assigned = [
        node
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytest_plugins" for t in node.targets)
    ]
    if assigned and isinstance(assigned[-1].value, ast.List):
        value = assigned[-1].value
        if any(isinstance(item, ast.Constant) and item.value == module for item in value.elts):
            return
        # Before the closing bracket, keeping the list's own layout and comments.
        index, column = value.end_lineno - 1, value.end_col_offset - 1
        if value.lineno == value.end_lineno:
            separator = ", " if value.elts else ""
            lines[index] = f'{lines[index][:column]}{separator}"{module}"{lines[index][column:]}'
        else:
            lines.insert(index, f'    "{module}",\n')
    elif assigned and isinstance(assigned[-1].value, ast.Constant):  # one name: a list of two
        value = assigned[-1].value
        line = lines[value.lineno - 1]
        lines[value.lineno - 1] = (
            f'{line[: value.col_offset]}[{value.value!r}, "{module}"]{line[value.end_col_offset :]}'
        )
    elif assigned:  # a tuple, a computed list: one more line after it
        lines.insert(assigned[-1].end_lineno, f'pytest_plugins = [*pytest_plugins, "{module}"]\n')
    else:
        after = max([0, *(node.end_lineno for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)))])
        if not after and tree.body and isinstance(tree.body[0], ast.Expr):  # the docstring
            after = tree.body[0].end_lineno
        lines.insert(after, f'\npytest_plugins = ["{module}"]\n')
    path.write_text("".join(lines), encoding="utf-8")


def add_tier_conftests(root: Path, folders: Sequence[str], tiers: Sequence[str], applied: Applied) -> None:
    descriptions = {folder_of(line): line.partition(":")[2].strip() for line in tiers}
    for folder in folders:
        path = root / folder / "conftest.py"
        if path.exists():
            continue
        tier = PurePosixPath(folder).name
        if tier == "unit":
            text = UNIT_CONFTEST
        else:
            description = descriptions[folder] or f"the tests under {folder}"
            text = TIER_CONFTEST.format(tier=tier.capitalize(), description=description.rstrip("."))
        create(path, text, applied)
