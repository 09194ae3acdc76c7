"""What a Python file's code means for test selection, read from its syntax tree.

- **Import-time code**: what runs when the module is imported rather than inside a test (constants, dicts, class
  attributes, default values, decorators, base classes, module-level calls), as the names each statement binds
  and a hash of each, so that a change says which names changed.
- **Functions**: each function's hash, its line range (to map executed lines, or a code object's first line, to
  functions) and the names it reads (names, attributes and the strings it holds, so that ``data["limit"]`` and
  ``getattr(settings, "limit")`` read ``limit``), so that a changed name or settings key finds the functions that
  use it.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

UNNAMED = "<module>"  # the binding of a statement that binds no name (a call, an import, `if`...)


def digest(node: ast.AST | list[ast.AST]) -> str:
    nodes = node if isinstance(node, list) else [node]
    return hashlib.sha256("".join(ast.dump(n) for n in nodes).encode()).hexdigest()[:16]  # no line numbers


@dataclass
class Function:
    qualname: str
    first: int  # its first decorator's line, where its code object starts (``co_firstlineno``)
    last: int
    node: ast.FunctionDef | ast.AsyncFunctionDef

    # Computed when asked: mapping executed lines to functions, which every recording run does for each file its
    # tests executed, needs only the lines (measured: tomlkit's recording run spent 0.45 s hashing otherwise).
    @cached_property
    def hash(self) -> str:
        return digest(self.node)

    @cached_property
    def reads(self) -> frozenset[str]:
        return names_read(self.node)


@dataclass
class SourceFile:
    """One Python file, parsed once."""

    path: Path
    tree: ast.Module | None = None  # None: it does not parse
    functions: list[Function] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> SourceFile:
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError, OSError):
            return cls(path)
        source = cls(path, tree)
        source.functions = list(source._functions(tree.body, ""))
        return source

    def _functions(self, body: list[ast.stmt], prefix: str) -> Iterator[Function]:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = f"{prefix}{node.name}"
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                yield Function(qualname, first, node.end_lineno or node.lineno, node)
                yield from self._functions(node.body, f"{qualname}.")
            elif isinstance(node, ast.ClassDef):
                yield from self._functions(node.body, f"{prefix}{node.name}.")

    @cached_property
    def by_line(self) -> dict[int, Function]:
        """Each line that is in a function, with the innermost function holding it."""
        lines: dict[int, Function] = {}
        for function in sorted(self.functions, key=lambda f: f.first):  # an inner function starts later: it wins
            lines.update(dict.fromkeys(range(function.first, function.last + 1), function))
        return lines

    def function(self, qualname: str) -> Function | None:
        return next((f for f in self.functions if f.qualname == qualname), None)

    @cached_property
    def import_time(self) -> dict[str, str]:
        """Each name the module's import-time code binds (``UNNAMED`` for statements that bind none), with a
        hash of every import-time part of the statements that bind it. A file that does not parse has one
        entry that changes with its bytes."""
        if self.tree is None:
            return {UNNAMED: hashlib.sha256(self.path.read_bytes() if self.path.exists() else b"").hexdigest()[:16]}
        parts: dict[str, list[ast.AST]] = {}
        for name, node in import_time_parts(self.tree.body, ""):
            parts.setdefault(name, []).append(node)
        return {name: digest(nodes) for name, nodes in parts.items()}

    @cached_property
    def import_time_reads(self) -> dict[str, frozenset[str]]:
        """The names each import-time binding reads (``X = Y + 1`` reads ``Y``)."""
        reads: dict[str, set[str]] = {}
        if self.tree is not None:
            for name, node in import_time_parts(self.tree.body, ""):
                reads.setdefault(name, set()).update(names_read(node))
        return {name: frozenset(names) for name, names in reads.items()}


def names_read(node: ast.AST) -> frozenset[str]:
    """Every name, attribute and identifier-like string in ``node``: what it may read by name."""
    names = set()
    for each in ast.walk(node):
        if isinstance(each, ast.Name):
            names.add(each.id)
        elif isinstance(each, ast.Attribute):
            names.add(each.attr)
        elif isinstance(each, ast.Constant) and isinstance(each.value, str) and each.value.isidentifier():
            names.add(each.value)
    return frozenset(names)


def import_time_parts(body: list[ast.stmt], prefix: str) -> Iterator[tuple[str, ast.AST]]:
    """(bound name, node) for every part of ``body`` that runs at import. A function's body does not; its
    decorators, default values and annotations do, under the function's name; a class body does, under the
    class's name and its attributes' own names (``Class.ATTRIBUTE`` binds ``ATTRIBUTE`` too)."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = f"{prefix}{node.name}"
            for part in (*node.decorator_list, node.args, node.returns):
                if part is not None:
                    yield name, part
        elif isinstance(node, ast.ClassDef):
            name = f"{prefix}{node.name}"
            for part in (*node.decorator_list, *node.bases, *node.keywords):
                yield name, part
            yield from import_time_parts(node.body, f"{name}.")
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring runs nothing
        else:
            bound = sorted(bound_names(node))
            for name in bound or [UNNAMED]:
                yield (f"{prefix}{name}" if bound else name), node


def bound_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name != "*"}
    targets: list[ast.AST] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    return {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}


def last_part(name: str) -> str:
    return name.rsplit(".", 1)[-1]
