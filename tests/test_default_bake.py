"""The project baked with the default answers, checked without running it."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.baking import TIERS, leftover_template_syntax, parse_structured, project_files

REQUIRED_FILES = [
    "pyproject.toml",
    "Makefile",
    "README.md",
    ".gitignore",
    ".env.test.example",
    ".cookiecutter.json",
    ".python-version",
    ".pre-commit-config.yaml",
    ".github/workflows/tests.yml",
    ".github/dependabot.yml",
    "compose.yaml",
    "config/test.yaml",
    "config/development.yaml",
    "tests/conftest.py",
    "tests/fixtures/database.py",
    "tests/fixtures/redis.py",
    "tests/fixtures/domain.py",
    "tests/fixtures/fakes.py",
    "tests/helpers/builders.py",
    "tests/helpers/assertions.py",
    "tests/helpers/factories.py",
    *[f"tests/{tier}/conftest.py" for tier in TIERS],
    "pytest-suite-toolkit/pyproject.toml",
    "pytest-suite-toolkit/README.md",
    *[f"src/work_queue/{module}.py" for module in ("settings", "models", "database", "task_queue", "event_bus")],
]
MAKE_TARGETS = [
    "help", "test", "test-all", "test-unit", "test-integration", "test-e2e", "test-performance", "test-fast",
    "test-parallel", "test-coverage", "test-failed", "test-clean", "test-rebuild", "test-smoke", "test-dry",
    "test-report", "test-toolkit", "test-benchmarks", "bench-compare", "bench-save",
]  # fmt: skip


@pytest.fixture(scope="module")
def pyproject(default_project: Path) -> dict:
    return parse_structured(default_project / "pyproject.toml")


def test_the_default_slug_and_package_are_derived_from_the_name(default_project: Path) -> None:
    assert default_project.name == "work_queue"
    assert (default_project / "src" / "work_queue" / "__init__.py").is_file()


@pytest.mark.parametrize("relative", REQUIRED_FILES)
def test_required_file_is_present(default_project: Path, relative: str) -> None:
    assert (default_project / relative).is_file()


def test_no_template_syntax_is_left(default_project: Path) -> None:
    assert leftover_template_syntax(default_project) == []


def test_every_python_file_compiles(default_project: Path) -> None:
    python_files = [path for path in project_files(default_project) if path.suffix == ".py"]

    assert len(python_files) > 40
    for path in python_files:
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_every_toml_yaml_and_json_file_parses(default_project: Path) -> None:
    suffixes = {".toml", ".yaml", ".yml", ".json"}
    structured = [path for path in project_files(default_project) if path.suffix in suffixes]

    assert {path.suffix for path in structured} == suffixes
    for path in structured:
        parse_structured(path)


def test_the_answers_are_recorded_for_updates(default_project: Path) -> None:
    answers = json.loads((default_project / ".cookiecutter.json").read_text(encoding="utf-8"))

    assert answers["project_name"] == "Work Queue"
    assert answers["package_name"] == "work_queue"
    assert not [key for key in answers if key.startswith("_")], "absolute paths would differ between machines"


def test_pyproject_metadata_and_dependency_groups(pyproject: dict) -> None:
    assert pyproject["project"]["name"] == "work-queue"
    assert pyproject["project"]["requires-python"] == ">=3.10"
    assert set(pyproject["dependency-groups"]) == {"test", "dev"}
    assert {"include-group": "test"} in pyproject["dependency-groups"]["dev"]


def test_pytest_runs_strict_with_every_tier_declared(pyproject: dict) -> None:
    options = pyproject["tool"]["pytest"]["ini_options"]
    declared = {marker.split(":")[0]: marker.split(":", 1)[1].strip() for marker in options["markers"]}
    tiers = {line.split(":")[0]: line.split(":", 1)[1].strip() for line in options["tiers"]}  # pytest-suite-toolkit

    assert {"--strict-markers", "--strict-config"} <= set(options["addopts"])
    assert options["xfail_strict"] is True
    assert list(tiers) == [f"tests/{tier}" for tier in TIERS]
    assert all(declared.values()), "every marker needs a description"
    assert all(tiers.values()), "every tier needs a description"
    assert [line.split("=")[0] for line in options["tier_timeouts"]] == list(TIERS)
    assert options["asyncio_default_fixture_loop_scope"] == options["asyncio_default_test_loop_scope"] == "function"


def test_coverage_has_a_threshold(pyproject: dict) -> None:
    assert pyproject["tool"]["coverage"]["report"]["fail_under"] >= 80


@pytest.mark.parametrize("tier", TIERS)
def test_each_tier_has_at_least_five_tests(default_project: Path, tier: str) -> None:
    tests = [
        node.name
        for path in (default_project / "tests" / tier).glob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")
    ]
    assert len(tests) >= 5, tests


def test_the_makefile_has_the_expected_targets(default_project: Path) -> None:
    makefile = (default_project / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):", makefile, flags=re.MULTILINE))

    assert set(MAKE_TARGETS) <= targets


def test_the_readme_tours_every_tier_and_folder(default_project: Path) -> None:
    readme = (default_project / "README.md").read_text(encoding="utf-8")

    for folder in [*(f"tests/{tier}/" for tier in TIERS), "tests/fixtures/", "tests/helpers/", "config/"]:
        assert f"`{folder}" in readme, folder
    assert "`pytest-suite-toolkit/`" in readme


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=" ".join)
def test_ruff_finds_nothing(default_project: Path, command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", "."], cwd=default_project, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
