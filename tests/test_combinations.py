"""Every supported combination of answers bakes a project that is well-formed, lint-clean, free of what was
turned off, and whose own suite passes in its own virtual environment."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.baking import (
    SERVER_TIERS,
    SERVERS_REQUIRED,
    SUPPORTED,
    UV,
    Combination,
    SuiteReport,
    bake,
    execute,
    leftover_template_syntax,
    make,
    parse_structured,
    project_files,
    run,
)

# What each switched-off feature must not leave behind, anywhere in the project.
TRACES = {
    ("redis_event_bus", "no"): re.compile(r"(?i)redis"),
    ("database", "sqlite"): re.compile(r"(?i)postgres|psycopg|janitor"),
}
UNTRACED_FILES = {".cookiecutter.json"}  # the recorded answers name every feature, on or off
# The same in every bake, whatever the answers (no template syntax in it): a package any project can lift, whose
# words are about the projects it serves ("opens 127.0.0.1:6379 (redis)" in a retrofit plan), not this one's features.
UNTRACED_FOLDER = "pytest-suite-toolkit"


@pytest.fixture(params=SUPPORTED, ids=str)
def project(request: pytest.FixtureRequest, bake_once) -> Path:
    return bake_once(**request.param.answers)


def test_no_template_syntax_is_left(project: Path) -> None:
    assert leftover_template_syntax(project) == []


def test_every_file_parses(project: Path) -> None:
    for path in project_files(project):
        if path.suffix == ".py":
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
        elif path.suffix in (".toml", ".yaml", ".yml", ".json"):
            parse_structured(path)


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=" ".join)
def test_ruff_is_clean(project: Path, command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", "."], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_value_is_assigned_and_overwritten_unread(project: Path) -> None:
    found = [
        f"{path.relative_to(project)}:{line}"
        for path in project_files(project)
        if path.suffix == ".py"
        for line in overwritten_unread(path.read_text(encoding="utf-8"))
    ]

    assert found == []


def test_the_overwrite_check_finds_the_shape_pruning_used_to_leave() -> None:
    left_by_pruning = """
def build(bus=None):
    publish = discard
    if bus is None:
        bus = make_bus()
    publish = bus
    return publish
"""
    read_between = "def f(x):\n    y = 1\n    print(y)\n    y = 2\n    return y\n"

    assert overwritten_unread(left_by_pruning) == [3]
    assert overwritten_unread(read_between) == []


def overwritten_unread(source: str) -> list[int]:
    """The lines of a name assigned in a function and assigned again, one statement of the same block after the
    other, with no read between: what a block pruned out of one branch of a feature leaves (ruff's F841 sees a
    name never read, not a value overwritten before it is read)."""
    lines = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for block in (node.body for node in ast.walk(function) if isinstance(getattr(node, "body", None), list)):
            for index, statement in enumerate(block):
                name = assigned_name(statement)
                for later in block[index + 1 :] if name else ():
                    if name in read_names(later):
                        break
                    if assigned_name(later) == name:
                        lines.append(statement.lineno)
                        break
    return sorted(set(lines))


def assigned_name(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target = statement.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def read_names(statement: ast.stmt) -> set[str]:
    return {node.id for node in ast.walk(statement) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


@pytest.mark.parametrize("combination", SUPPORTED, ids=str)
def test_a_feature_turned_off_leaves_no_trace(combination: Combination, bake_once) -> None:
    project = bake_once(**combination.answers)
    patterns = [pattern for (question, value), pattern in TRACES.items() if combination.answers.get(question) == value]
    if combination.answers.get("ci") == "none":
        assert not (project / ".github").exists()

    traces = [
        f"{path.relative_to(project)}:{number}: {line.strip()}"
        for path in project_files(project)
        if path.name not in UNTRACED_FILES and path.relative_to(project).parts[0] != UNTRACED_FOLDER
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if any(pattern.search(line) for pattern in patterns)
    ]
    assert traces == []


def python_available(version: str) -> bool:
    """The project's .python-version names its oldest Python, and uv runs the suite on exactly that one."""
    return execute([str(UV), "python", "find", version], Path.cwd()).returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("combination", [c for c in SUPPORTED if c.id != "defaults"], ids=str)
def test_the_project_suite_passes(combination: Combination, tmp_path: Path) -> None:
    """The defaults' suite is run, and checked tier by tier, in test_default_suite.py."""
    version = combination.answers.get("python_version", "3.10")
    if not python_available(version):
        pytest.skip(f"no Python {version} here to run this combination's suite: `uv python install {version}`")
    project = bake(tmp_path, **combination.answers)  # its own: installing and running it writes into it
    junit = project / "junit.xml"

    run(["make", "setup", f"UV={UV}"], cwd=project)
    result = make(project, "test-all", args=f"-q --junitxml={junit}")
    report = SuiteReport.from_junit(junit, exit_code=result.returncode)

    assert report.failures == [], result.stdout[-3000:]
    assert report.exit_code == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert report.total("passed") >= 80
    needs_servers = (
        combination.answers.get("database", "postgresql") == "postgresql"
        or combination.answers.get("redis_event_bus", "yes") == "yes"
    )
    if SERVERS_REQUIRED or not needs_servers:
        for tier in SERVER_TIERS:
            assert report.outcomes[tier].get("skipped", 0) == 0, (tier, report.skip_reasons)
