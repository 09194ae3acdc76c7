"""``plan``: from what each test did (``OBSERVED``) and the test files' source, where each file belongs (``PLAN``):
each test's tier by the rules of ``evidence``, each file moved whole to its most demanding test's tier folder, a
descriptive name for a numbered file, and one module under ``tests/fixtures/`` for a fixture copied into several
files."""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from suite_toolkit.retrofit.evidence import DEMAND, Facts, Sources, evidence, facts_of, file_tier, rule_tiers
from suite_toolkit.retrofit.plan_file import FileRow, FixtureRow, Plan, folder_and_description, section, tier_line

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


SAME_SHAPE = "The same name, parameters and decorator in several files: make the bodies one by hand, then share it:"


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
