"""``plan``: from what each test did (``OBSERVED``) and the test files' source, where each file belongs (``PLAN``).

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
import copy
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from suite_toolkit.retrofit import OBSERVED
from suite_toolkit.retrofit.observe import CLIENT_PORTS

# The template's tiers setting, for a project that has none (as in the template's pyproject.toml).
DEFAULT_TIERS = [
    "tests/unit: fast, isolated tests; in-memory SQLite and fakes, no network",
    "tests/integration: components together on real backends instead of fakes",
    "tests/e2e: the service as a process of its own, on real backends, driven over HTTP",
    "tests/performance: workloads at scale with budgets on work done, not on seconds",
    "tests/property: hypothesis property-based tests",
    "tests/contract: promises to consumers: the OpenAPI document, event schemas, configuration, database shape",
    "tests/chaos: network faults between the service and its servers, failing handlers",
]
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
NUMBERED = re.compile(r"^(?P<test>test_)?(?P<number>\d+)[_-](?P<rest>\w+)\.py$")
# The module a shared fixture goes to, from what it connects to or a word of its name.
TOPICS = {
    "sqlite": "database",
    "postgresql": "database",
    "postgres": "database",
    "mysql": "database",
    "db": "database",
    "database": "database",
    "redis": "redis",
    "http": "http",
}
CANNOT_DECIDE = """## What the command cannot decide

- **Splitting a file.** A file moves whole; "Files with tests of several tiers" gives the tier of each of its
  tests. To split one, move its tests by hand after `apply`.
- **Tests not seen doing anything.** A test skipped in the observed run (its server was not there, say) did
  nothing; one that failed did only what it did up to the failure. The evidence counts them: their tier may be
  too low.
- **Helpers that are not fixtures.** Functions, classes and constants that test files import from each other stay
  where they are; `apply` fixes the imports of moved files only.
- **CI configuration.** Jobs, scripts and Makefile targets that name test files or folders are not changed: look
  for the old paths after `apply`."""


@dataclass(frozen=True)
class FileRow:
    file: str
    tier: str
    moves_to: str
    evidence: str


@dataclass(frozen=True)
class FixtureRow:
    fixture: str
    defined_in: tuple[str, ...]
    moves_to: str


@dataclass
class Plan:
    tiers: list[str]  # the tiers setting: "folder: description" lines
    files: list[FileRow]
    shared_fixtures: list[FixtureRow]
    notes: str = ""  # the sections for the reader, kept as written

    def markdown(self) -> str:
        tiers = [[f"`{folder}`", description] for folder, description in map(folder_and_description, self.tiers)]
        files = [[f"`{row.file}`", row.tier, f"`{row.moves_to}`", row.evidence] for row in self.files]
        fixtures = [
            [f"`{row.fixture}`", ", ".join(f"`{file}`" for file in row.defined_in), f"`{row.moves_to}`"]
            for row in self.shared_fixtures
        ]
        sections = [
            HEADER,
            table("Tiers", ["Folder", "Description"], tiers),
            table("Files", ["File", "Tier", "Moves to", "Evidence"], files),
            table("Shared fixtures", ["Fixture", "Defined in", "Moves to"], fixtures),
            self.notes,
        ]
        return "\n\n".join(section for section in sections if section) + "\n"

    @classmethod
    def read(cls, text: str) -> Plan:
        """The plan as edited. A file's tier decides its tier folder: Moves to follows a changed Tier into the
        new tier's folder (keeping its name and subfolders). Raises ValueError on a table it cannot read."""
        sections = split_sections(text)
        tiers = [tier_line(unquote(folder), description) for folder, description in rows(sections.pop("Tiers", ""), 2)]
        folders = {
            PurePosixPath(folder).name: PurePosixPath(folder) for folder, _ in map(folder_and_description, tiers)
        }
        files = []
        for file, tier, moves_to, evidence in rows(sections.pop("Files", ""), 4):
            if tier not in folders:
                raise ValueError(f"{unquote(file)} has the tier {tier!r}, which the Tiers table does not list")
            files.append(
                FileRow(unquote(file), tier, in_tier_folder(unquote(moves_to), folders[tier], folders), evidence)
            )
        fixtures = [
            FixtureRow(unquote(name), tuple(unquote(file) for file in defined_in.split(",")), unquote(module))
            for name, defined_in, module in rows(sections.pop("Shared fixtures", ""), 3)
        ]
        return cls(tiers, files, fixtures, "\n\n".join(sections.values()))


HEADER = f"""# Test suite retrofit plan

`suite-retrofit plan` wrote this from one run of the suite as it is (`{OBSERVED}`).
Review it, edit it, then run `suite-retrofit apply`: it reads only the first three tables, moves the files, and
proves that every test keeps its outcome, or puts everything back.

- **Tiers**: the tier folders (the `tiers` setting). Add a row for a tier of your own.
- **Files**: change a file's Tier (Moves to follows into that tier's folder) or its Moves to (another name, a
  subfolder); delete a row to leave the file where it is.
- **Shared fixtures**: the copies of a fixture that become one, in the module of Moves to; delete a row to keep
  the copies."""


def make_plan(root: Path, observed: dict, tiers: list[str]) -> Plan:
    """The plan for the tests in ``observed``. ``tiers`` is the project's tiers setting ("folder: description"
    lines; the template's when it is empty): a rule whose tier is not there falls to the next."""
    tiers = tiers or DEFAULT_TIERS
    folders = {PurePosixPath(folder).name: PurePosixPath(folder) for folder, _ in map(folder_and_description, tiers)}
    sources = Sources(root)
    by_file: dict[str, list[Facts]] = {}
    for nodeid, test in observed["tests"].items():
        by_file.setdefault(test["file"], []).append(facts_of(nodeid, test, observed["fixtures"], sources))
    tier_of_test = {
        t.nodeid: next((tier for tier, _ in rule_tiers(t) if tier in folders), "")
        for tests in by_file.values()
        for t in tests
    }
    file_tiers = {file: file_tier([tier_of_test[t.nodeid] for t in tests]) for file, tests in by_file.items()}
    destinations = destinations_of({file: folders.get(tier) for file, tier in file_tiers.items()}, folders, root)
    moves, staying, unfit, mixed = [], [], [], []
    for file, tests in sorted(by_file.items()):
        move = FileRow(file, file_tiers[file], destinations[file], evidence(tests))
        if not move.tier:
            unfit.append(f"- `{file}`: {move.evidence}")
        elif move.moves_to == file:
            staying.append(f"- `{file}`: {move.tier}; {move.evidence}")
        else:
            moves.append(move)
        if len({tier_of_test[t.nodeid] for t in tests}) > 1:
            mixed.append(split_proposed(move, tests, tier_of_test))
    shared, same_shape = shared_fixtures(observed["fixtures"], sources, fixtures_folder(folders))
    notes = [
        section("Files with tests of several tiers", "Each moves whole, to its most demanding tier; by test:", mixed),
        section("Numbered names", "A descriptive name is proposed in Moves to:", numbered_names(moves)),
        section("Fixtures with the same shape but different bodies", SAME_SHAPE, same_shape),
        section("Files already in their tier", "", staying),
        section("Files no tier of the project fits", "They stay where they are:", unfit),
        CANNOT_DECIDE,
    ]
    return Plan(
        [tier_line(*folder_and_description(line)) for line in tiers],
        moves,
        shared,
        "\n\n".join(note for note in notes if note),
    )


OUTCOME_EVIDENCE = {
    "skipped": "was skipped (not observed)",
    "failed": "failed (observed up to the failure)",
    "error": "had an error (observed up to it)",
}
SAME_SHAPE = "The same name, parameters and decorator in several files: make the bodies one by hand, then share it:"


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


def split_proposed(move: FileRow, tests: list[Facts], tier_of_test: dict[str, str]) -> str:
    by_tier: dict[str, dict[str, str]] = {}
    for test in tests:
        tier = tier_of_test[test.nodeid]
        reason = next((why for rule, why in rule_tiers(test) if rule == tier), "no tier of the project fits")
        by_tier.setdefault(tier, {}).setdefault(test.name, reason)
    lines = [f"- `{move.file}` ({move.tier or 'stays'})"]
    for tier in sorted(by_tier, key=lambda t: DEMAND.index(t) if t in DEMAND else len(DEMAND)):
        names = ", ".join(f"`{name}` ({reason})" for name, reason in by_tier[tier].items())
        lines.append(f"  - {tier or 'no tier'}: {names}")
    return "\n".join(lines)


def destinations_of(
    targets: dict[str, PurePosixPath | None], folders: dict[str, PurePosixPath], root: Path
) -> dict[str, str]:
    """Where each file goes: into its tier's folder, with the subfolders it had under the tests folder (or under
    the tier folder it is in already), numbered names made descriptive. A name taken by another test file, there
    or anywhere (pytest imports test modules by name), keeps the number, or gets one."""
    taken = {PurePosixPath(file).name for file in targets if not NUMBERED.match(PurePosixPath(file).name)}
    chosen: dict[str, str] = {}
    for file, folder in sorted(targets.items()):
        path = PurePosixPath(file)
        if folder is None:
            chosen[file] = file
            continue
        within = next((f for f in folders.values() if f in path.parents), folder.parent)
        relative = path.relative_to(within) if within in path.parents else PurePosixPath(path.name)
        names = names_for(path.name)
        for name in names:
            destination = folder / relative.with_name(name)
            free = str(destination) == file or not (
                (root / destination).exists() or str(destination) in chosen.values()
            )
            if free and (name == path.name or name not in taken):
                break
        taken.add(name)
        chosen[file] = str(destination)
    return chosen


def names_for(name: str) -> Iterator[str]:
    """The names to try for a test file, best first: without its number, with the number as a suffix, then with
    a counter."""
    numbered = NUMBERED.match(name)
    stem = (numbered["test"] or "") + numbered["rest"] if numbered else name.removesuffix(".py")
    if numbered and numbered["rest"] not in ("test", ""):
        yield f"{stem}.py"
        yield f"{stem}_{numbered['number']}.py"
    else:
        yield name
    counter = 2
    while True:
        yield f"{stem}_{counter}.py"
        counter += 1


def numbered_names(moves: list[FileRow]) -> list[str]:
    return [
        f"- `{move.file}` → `{PurePosixPath(move.moves_to).name}`"
        for move in moves
        if NUMBERED.match(PurePosixPath(move.file).name)
    ]


def shared_fixtures(fixtures: dict, sources: Sources, folder: PurePosixPath) -> tuple[list[FixtureRow], list[str]]:
    """Fixtures defined in several files: one shared module for the copies with the same body (the docstring
    aside); copies with the same shape (name, parameters, decorators) but other bodies are listed for a person."""
    shared, same_shape = [], []
    for name, found in sorted(fixtures.items()):
        nodes = {d["file"]: node for d in found if (node := sources.fixture(d["file"], d["line"]))}
        if len(nodes) < 2:
            continue
        module = str(folder / f"{topic(name, found)}.py")
        bodies: dict[str, list[str]] = {}
        for file, node in nodes.items():
            bodies.setdefault(body(node), []).append(file)
        files = max(bodies.values(), key=len)
        if len(files) > 1:
            shared.append(FixtureRow(name, tuple(sorted(files)), module))
        shapes: dict[str, list[str]] = {}
        for file, node in nodes.items():
            shapes.setdefault(shape(node), []).append(file)
        if len(bodies) > 1 and any(len(files) > 1 for files in shapes.values()):
            copies = ", ".join(f"`{file}`" for file in sorted(nodes))
            same_shape.append(f"- `{name}` in {copies} → `{module}`")
    return shared, same_shape


def body(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The definition without its docstring, line numbers aside."""
    node = copy.deepcopy(node)
    if ast.get_docstring(node) is not None:
        node.body = node.body[1:]
    return ast.dump(node)


def shape(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    return ast.dump(ast.Tuple([ast.Constant(node.name), node.args, *node.decorator_list]))


def topic(name: str, found: list[dict]) -> str:
    """What the fixture's setup connected to, else a word of its name that says it, else its name."""
    clients = [client for d in found for client in d["clients"] if client in TOPICS]
    words = [word for word in name.split("_") if word in TOPICS]
    return TOPICS[clients[0]] if clients else TOPICS[words[0]] if words else name


def fixtures_folder(folders: dict[str, PurePosixPath]) -> PurePosixPath:
    """``tests/fixtures`` beside the tier folders."""
    return next(iter(folders.values())).parent / "fixtures"


def folder_and_description(line: str) -> tuple[str, str]:
    folder, _, description = (part.strip() for part in line.partition(":"))
    return folder, description


def tier_line(folder: str, description: str) -> str:
    return f"{folder}: {description}" if description else folder


def in_tier_folder(moves_to: str, folder: PurePosixPath, folders: dict[str, PurePosixPath]) -> str:
    """``moves_to`` moved into ``folder`` when it is in another tier's folder."""
    path = PurePosixPath(moves_to)
    other = next((f for f in folders.values() if f in path.parents and f != folder), None)
    return str(folder / path.relative_to(other)) if other and folder not in path.parents else moves_to


def section(title: str, lead: str, lines: list[str]) -> str:
    return "\n".join([f"## {title}", "", *([lead, ""] if lead else []), *lines]) if lines else ""


def table(title: str, header: list[str], cells: list[list[str]]) -> str:
    lines = [f"## {title}", "", row(header), "|" + "---|" * len(header)]
    return "\n".join(lines + [row(line) for line in cells])


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def split_sections(text: str) -> dict[str, str]:
    """The ``## `` sections after the header, by title; each one's text, heading included, stripped."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        if current is not None:
            current.append(line)
    return {title: "\n".join(lines).strip() for title, lines in sections.items()}


def rows(text: str, columns: int) -> Iterator[list[str]]:
    """The cells of a table's rows, header and separator left out."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    for line in lines[1:]:
        if re.fullmatch(r"\|[\s:|-]*\|", line):
            continue
        cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
        if len(cells) != columns:
            raise ValueError(f"expected {columns} cells in {line!r}")
        yield cells


def unquote(cell: str) -> str:
    return cell.strip().strip("`")
