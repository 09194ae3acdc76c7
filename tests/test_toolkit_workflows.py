"""The template repository's own workflows for pytest-suite-toolkit (`.github/workflows/toolkit.yml` builds and tests
its wheel, `release-toolkit.yml` publishes it): valid for actionlint and GitHub's schema, triggered by the toolkit's
files, testing the wheel rather than the source folder, and releasing only a tag that names the package's version."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.baking import PROJECT_TEMPLATE, TEMPLATE_DIR, execute, tomllib
from tests.test_ci_config import actionlint, tool

WORKFLOWS = TEMPLATE_DIR / ".github" / "workflows"
TOOLKIT_WORKFLOW = WORKFLOWS / "toolkit.yml"
RELEASE_WORKFLOW = WORKFLOWS / "release-toolkit.yml"
TOOLKIT = PROJECT_TEMPLATE / "pytest-suite-toolkit"
PINNED_ACTION = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1); GitHub reads it as "on".
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def github_glob(pattern: str) -> re.Pattern[str]:
    """A path filter as GitHub matches it: `*` within one path level, `**` across levels."""
    parts = re.split(r"(\*\*|\*)", pattern)
    return re.compile("".join({"**": ".*", "*": "[^/]*"}.get(part, re.escape(part)) for part in parts))


def version_key(version: str) -> tuple[int, ...]:
    return tuple(map(int, version.split(".")))


def steps_running(job: dict, text: str) -> list[dict]:
    return [step for step in job["steps"] if text in step.get("run", "")]


@pytest.mark.parametrize("path", [TOOLKIT_WORKFLOW, RELEASE_WORKFLOW], ids=lambda path: path.name)
def test_actionlint_finds_nothing(path: Path) -> None:
    result = actionlint(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Found total 0 errors" in result.stderr


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("vendor.github-workflows", TOOLKIT_WORKFLOW),
        ("vendor.github-workflows", RELEASE_WORKFLOW),
        ("vendor.dependabot", TEMPLATE_DIR / ".github" / "dependabot.yml"),
    ],
    ids=lambda value: getattr(value, "name", value),
)
def test_the_workflows_and_dependabot_match_githubs_schemas(schema: str, path: Path) -> None:
    result = tool("check-jsonschema", "--builtin-schema", schema, path, cwd=TEMPLATE_DIR)
    assert result.returncode == 0, result.stdout + result.stderr


def test_both_workflows_name_the_toolkit_folder_of_the_project_template() -> None:
    for path in (TOOLKIT_WORKFLOW, RELEASE_WORKFLOW):
        assert TEMPLATE_DIR / load(path)["env"]["TOOLKIT"] == TOOLKIT, path.name
    assert tomllib.loads((TOOLKIT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"] == (
        "pytest-suite-toolkit"
    )


def test_a_change_to_the_toolkit_runs_the_wheel_job_and_a_change_elsewhere_does_not() -> None:
    triggers = load(TOOLKIT_WORKFLOW)[True]
    toolkit_file = (TOOLKIT / "src" / "suite_toolkit" / "plugin.py").relative_to(TEMPLATE_DIR).as_posix()
    service_file = (PROJECT_TEMPLATE / "pyproject.toml").relative_to(TEMPLATE_DIR).as_posix()
    for event in ("pull_request", "push"):
        patterns = [github_glob(pattern) for pattern in triggers[event]["paths"]]
        assert any(pattern.fullmatch(toolkit_file) for pattern in patterns), event
        assert not any(pattern.fullmatch(service_file) for pattern in patterns), event
        assert any(pattern.fullmatch(".github/workflows/toolkit.yml") for pattern in patterns), event
    # A push filtered by branches only: a tag push would skip the path filter and run it beside the release.
    assert triggers["push"]["branches"] == ["main"]
    assert "tags" not in triggers["push"]
    assert "workflow_call" in triggers


def test_the_wheel_is_tested_on_the_oldest_and_newest_python_a_project_may_ask_for() -> None:
    choices = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))["python_version"]
    requires = tomllib.loads((TOOLKIT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]

    matrix = load(TOOLKIT_WORKFLOW)["jobs"]["test"]["strategy"]["matrix"]["python"]

    assert matrix == [min(choices, key=version_key), max(choices, key=version_key)]
    assert requires == f">={matrix[0]}"


def test_the_tests_run_against_the_installed_wheel_not_the_source() -> None:
    jobs = load(TOOLKIT_WORKFLOW)["jobs"]
    build, test = jobs["build"], jobs["test"]

    assert "uv build --no-sources --python python3 --out-dir dist" in steps_running(build, "uv build")[0]["run"]
    # No checkout in the test job: the only suite_toolkit on that runner is the one installed from the wheel.
    assert not [step for step in test["steps"] if "actions/checkout" in step.get("uses", "")]
    [unpack] = steps_running(test, "tar -xzf")
    assert "rm -r sdist-tests/src" in unpack["run"]
    [install] = steps_running(test, "uv pip install")
    assert "dist/*.whl --group sdist-tests/pyproject.toml:dev" in install["run"]
    assert 'echo "$PWD/wheel-env/bin" >> "$GITHUB_PATH"' in install["run"]  # the next steps' `python`
    [origin] = steps_running(test, "suite_toolkit.__file__")
    [tests] = steps_running(test, "-m pytest")
    assert origin["working-directory"] == tests["working-directory"] == "sdist-tests"
    order = [test["steps"].index(step) for step in (unpack, install, origin, tests)]
    assert order == sorted(order)


def test_the_release_tests_the_wheel_before_publishing_it_with_trusted_publishing() -> None:
    spec = load(RELEASE_WORKFLOW)
    jobs = spec["jobs"]

    assert spec[True] == {"push": {"tags": ["toolkit-v*"]}}
    assert spec["permissions"] == {"contents": "read"}
    assert jobs["wheel"] == {"needs": "tag", "uses": "./.github/workflows/toolkit.yml"}
    publish = jobs["publish"]
    assert publish["needs"] == "wheel"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}  # the only job that may ask for an OIDC token
    download, upload = (step["uses"] for step in publish["steps"])
    assert download.startswith("actions/download-artifact@")
    assert upload.startswith("pypa/gh-action-pypi-publish@")
    build = load(TOOLKIT_WORKFLOW)["jobs"]["build"]
    built = next(step for step in build["steps"] if "upload-artifact" in step.get("uses", ""))
    assert publish["steps"][0]["with"]["name"] == built["with"]["name"]


@pytest.mark.parametrize("path", [TOOLKIT_WORKFLOW, RELEASE_WORKFLOW], ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit(path: Path) -> None:
    jobs = load(path)["jobs"].values()
    uses = [step["uses"] for job in jobs for step in job.get("steps", []) if "uses" in step]
    assert uses
    assert all(PINNED_ACTION.fullmatch(action) for action in uses), uses


def run_tag_check(tag: str) -> subprocess.CompletedProcess[str]:
    """The release's tag check, run here as the runner runs it: its script in bash from the repository's root."""
    spec = load(RELEASE_WORKFLOW)
    [step] = steps_running(spec["jobs"]["tag"], "$TAG")
    return execute(["bash", "-e", "-c", step["run"]], TEMPLATE_DIR, TOOLKIT=spec["env"]["TOOLKIT"], TAG=tag)


def test_the_release_goes_on_with_a_tag_naming_the_packages_version() -> None:
    version = tomllib.loads((TOOLKIT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

    result = run_tag_check(f"toolkit-v{version}")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_release_stops_at_a_tag_naming_another_version() -> None:
    version = tomllib.loads((TOOLKIT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

    result = run_tag_check("toolkit-v99.0.0")

    assert result.returncode == 1
    assert result.stdout.startswith("::error::tag toolkit-v99.0.0 does not match")
    assert f"version {version}: tag toolkit-v{version}" in result.stdout


def test_the_toolkits_tests_run_without_forced_colour() -> None:
    """They read the output of the pytest runs they start: with FORCE_COLOR=1 two of them fail on escape codes."""
    spec = load(TOOLKIT_WORKFLOW)
    envs = [spec.get("env", {}), *(job.get("env", {}) for job in spec["jobs"].values())]
    envs += [step.get("env", {}) for job in spec["jobs"].values() for step in job["steps"]]
    assert not [env for env in envs if "FORCE_COLOR" in env]
