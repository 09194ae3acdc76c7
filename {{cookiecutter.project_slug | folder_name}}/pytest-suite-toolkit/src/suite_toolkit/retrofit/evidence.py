"""What each test was seen doing (``OBSERVED``) and what its source says, as facts; the tier they give it, and the
evidence a plan prints.

The tier of a test is the first of these rules that holds and whose tier the project has (else the next):

- it starts a subprocess and connects on loopback to a port no database client uses: **e2e**;
- it connects to anything (a database, Redis, any socket): **integration**;
- it sleeps ``SLEEPS_A_LOT`` seconds or more, or is named, marked or fixtured like a benchmark: **performance**;
- it is a hypothesis ``@given`` test: **property**;
- it was skipped (so it did nothing to see) and its file's name, its own or a mark says a tier
  (``test_db_integration.py``, ``test_end_to_end``, ``@pytest.mark.integration``): that tier;
- else **unit**.

What a project fixture did in its setup counts for every test that uses it (a session-scoped fixture connects
once, during the first test). A file moves whole, to the most demanding tier of its tests (``DEMAND``): one test
that connects makes its file integration, since the unit tier refuses the network. Files with tests of several
tiers are listed test by test, for a person to split.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from suite_toolkit.retrofit.observe import CLIENT_PORTS

DEMAND = ("e2e", "integration", "performance", "property", "unit")  # the rules' tiers, most demanding first
SLEEPS_A_LOT = 0.2  # seconds a test sleeps in all: a unit test takes milliseconds
DATABASES = {"postgresql", "redis", "mysql"}  # a loopback port of theirs is a server's, not the service's
LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|::1|localhost)$")
BENCHMARK = re.compile(r"(?:^|_)(?:bench(?:mark)?s?|perf(?:ormance)?|stress|throughput)(?:_|$)")
# Names that say a tier, for a test the run did not see doing anything.
NAMED_TIERS = {
    "e2e": re.compile(r"(?:^|_)(?:e2e|end_to_end)(?:_|$)"),
    "integration": re.compile(r"(?:^|_)integration(?:_|$)"),
    "performance": BENCHMARK,
}
OUTCOME_EVIDENCE = {
    "skipped": "was skipped (not observed)",
    "failed": "failed (observed up to the failure)",
    "error": "had an error (observed up to it)",
}


@dataclass
class Facts:
    """What one test did, its fixtures' setup included, and what its source says."""

    nodeid: str
    name: str  # the node id after the file, without parameters
    outcome: str
    connections: dict[tuple[str, int], str] = field(default_factory=dict)  # -> the fixture it came from, or ""
    subprocesses: list[str] = field(default_factory=list)
    clients: set[str] = field(default_factory=set)
    sleeps: float = 0.0
    writes: list[str] = field(default_factory=list)
    benchmark: bool = False
    given: bool = False
    named_tier: str = ""  # the tier its names or marks say (used only when it was skipped)

    def items(self) -> list[tuple[int, str]]:
        """The evidence, one phrase per fact, each with its kind's rank (the order of the rules)."""
        found = []
        for (host, port), fixture in self.connections.items():
            by = ", ".join(part for part in (CLIENT_PORTS.get(port, ""), fixture and f"fixture {fixture}") if part)
            found.append((0, f"opens {address(host, port)}" + (f" ({by})" if by else "")))
        found += [(1, f"starts {program(command)}") for command in self.subprocesses]
        if self.sleeps >= SLEEPS_A_LOT:
            found.append((2, "sleeps"))  # one fact however long: evidence() says the longest
        if self.benchmark:
            found.append((3, "named or marked like a benchmark"))
        if self.given:
            found.append((4, "hypothesis @given"))
        if "sqlite" in self.clients:
            found.append((5, "uses sqlite"))
        found += [(6, f"writes {path}") for path in self.writes]
        if self.outcome in OUTCOME_EVIDENCE:
            found.append((7, OUTCOME_EVIDENCE[self.outcome]))
        return list(dict.fromkeys(found))


def rule_tiers(test: Facts) -> Iterator[tuple[str, str]]:
    """The tiers the rules give a test, most demanding first, each with the reason; the last is always unit."""
    service = [(h, p) for h, p in test.connections if LOOPBACK.match(h) and CLIENT_PORTS.get(p) not in DATABASES]
    if test.subprocesses and service:
        yield "e2e", f"starts {program(test.subprocesses[0])} and connects to {service[0][0]}:{service[0][1]}"
    if test.connections:
        yield "integration", f"opens {address(*next(iter(test.connections)))}"
    if test.sleeps >= SLEEPS_A_LOT:
        yield "performance", f"sleeps {test.sleeps:.1f} s"
    if test.benchmark:
        yield "performance", "named or marked like a benchmark"
    if test.given:
        yield "property", "hypothesis @given"
    if test.outcome == "skipped" and test.named_tier:
        yield test.named_tier, f"skipped, named like {test.named_tier}"
    yield "unit", "no connection, sleep or hypothesis"


def file_tier(tiers: Iterable[str]) -> str:
    """The most demanding tier of a file's tests ("" when no tier of the project fits any)."""
    return min((tier for tier in tiers if tier), key=DEMAND.index, default="")


def address(host: str, port: int) -> str:
    """``host:port``, or a Unix socket's ``unix:name`` (observe records its port as 0)."""
    return host if host.startswith("unix:") else f"{host}:{port}"


def program(command: str) -> str:
    return PurePosixPath(command.split()[0]).name if command.split() else command


class Sources:
    """The test files' syntax trees, parsed once: decorators and marks by test, fixture definitions by line."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.trees: dict[str, ast.Module | None] = {}

    def tree(self, file: str) -> ast.Module | None:
        if file not in self.trees:
            try:
                self.trees[file] = ast.parse((self.root / file).read_text(encoding="utf-8"))
            except (OSError, SyntaxError, UnicodeDecodeError):
                self.trees[file] = None
        return self.trees[file]

    def labels(self, file: str, name: str) -> set[str]:
        """The last part of each decorator and mark on the test ``name`` (``Class::method``), on its classes and
        in the module's ``pytestmark``: ``given``, ``benchmark``, ``parametrize``..."""
        tree = self.tree(file)
        if tree is None:
            return set()
        found = {last_name(mark) for node in tree.body if is_pytestmark(node) for mark in marks(node.value)}
        scope: list[ast.stmt] = tree.body
        for part in name.split("::"):
            node = next((n for n in scope if isinstance(n, DEFINITIONS) and n.name == part), None)
            if node is None:
                break
            found |= {last_name(decorator) for decorator in node.decorator_list}
            scope = node.body if isinstance(node, ast.ClassDef) else []
        return found

    def fixture(self, file: str, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The module-level function defined at ``line`` (its first decorator's line, as Python records it)."""
        tree = self.tree(file)
        for node in tree.body if tree else []:
            functions = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            if functions and min([node.lineno, *(d.lineno for d in node.decorator_list)]) == line:
                return node
        return None


DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def is_pytestmark(node: ast.stmt) -> bool:
    return isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)


def marks(value: ast.expr) -> list[ast.expr]:
    return list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else [value]


def last_name(expression: ast.expr) -> str:
    """``given`` for ``@hypothesis.given(...)``, ``slow`` for ``pytest.mark.slow``."""
    if isinstance(expression, ast.Call):
        expression = expression.func
    if isinstance(expression, ast.Attribute):
        return expression.attr
    return expression.id if isinstance(expression, ast.Name) else ""


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def facts_of(nodeid: str, test: dict, fixtures: dict, sources: Sources) -> Facts:
    name = re.sub(r"\[.*\]$", "", nodeid.split("::", 1)[-1])
    labels = sources.labels(test["file"], name)
    words = [PurePosixPath(test["file"]).stem, *name.split("::"), *labels]
    facts = Facts(nodeid, name, test["outcome"], sleeps=test["sleeps"], writes=list(test["writes"]))
    named = [snake(word) for word in words]  # its file's name, its own, its class's, its marks and decorators
    facts.benchmark = "benchmark" in test["fixtures"] or any(BENCHMARK.search(word) for word in named)
    facts.given = "given" in labels
    facts.named_tier = next((tier for tier, says in NAMED_TIERS.items() if any(map(says.search, named))), "")
    used = [(n, d) for n in test["fixtures"] if (d := definition_used(n, test["file"], fixtures))]
    for fixture, did in [*used, ("", test)]:  # a connection a fixture made is the fixture's, also in its first test
        for host, port in did["connections"]:
            facts.connections.setdefault((host, port), fixture)
        facts.subprocesses += [command for command in did["subprocesses"] if command not in facts.subprocesses]
        facts.clients |= set(did["clients"])
    return facts


def definition_used(name: str, test_file: str, fixtures: dict) -> dict | None:
    """The definition of fixture ``name`` a test of ``test_file`` gets: its own file's, else the nearest
    ``conftest.py`` above it, else one in a plugin module of the project (as pytest looks them up)."""
    test_folder = PurePosixPath(test_file).parent
    candidates = []
    for found in fixtures.get(name, []):
        path = PurePosixPath(found["file"])
        if found["file"] == test_file:
            candidates.append((0, found))
        elif path.name == "conftest.py" and (test_folder == path.parent or path.parent in test_folder.parents):
            candidates.append((1 + len(test_folder.parts) - len(path.parent.parts), found))
        elif path.name != "conftest.py" and not (path.name.startswith("test_") or path.stem.endswith("_test")):
            candidates.append((1000, found))
    return min(candidates, key=lambda c: c[0])[1] if candidates else None


def evidence(tests: list[Facts]) -> str:
    """The facts of a file's tests, each with how many tests it holds for, the most common first."""
    counted = Counter(item for test in tests for item in test.items())
    found = sorted(counted, key=lambda item: (-counted[item], item))
    if not found:
        return f"no connection, subprocess, sleep or file written in {plural(len(tests), 'test')}"
    longest = max(test.sleeps for test in tests)
    texts = {item: f"sleeps up to {longest:.1f} s" if item == (2, "sleeps") else item[1] for item in found}
    return "; ".join(f"{texts[item]} in {counted[item]} of {plural(len(tests), 'test')}" for item in found)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
