"""The GitHub workflow and the pre-commit configuration, as every supported combination ships them: valid for
the tools that will read them (actionlint, GitHub's workflow schema, pre-commit), and consistent with the project
they sit in (make targets that exist, the services its tiers need, cache keys that can meet)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.baking import SUPPORTED, Combination

TOOLS = Path(sys.executable).parent  # actionlint, shellcheck, check-jsonschema, pre-commit: the template's dev group
WITH_GITHUB = [combination for combination in SUPPORTED if combination.answers.get("ci", "github") == "github"]


@pytest.fixture(scope="module")
def baked(bake_once) -> dict[str, Path]:
    return {combination.id: bake_once(**combination.answers) for combination in SUPPORTED}


def tool(name: str, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TOOLS / name), *map(str, args)], cwd=cwd, capture_output=True, text=True)


def workflow(project: Path) -> dict:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1); GitHub reads it as "on".
    return yaml.safe_load((project / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8"))


def make_targets(project: Path) -> set[str]:
    return set(re.findall(r"^([a-z0-9-]+):", (project / "Makefile").read_text(encoding="utf-8"), re.MULTILINE))


@pytest.mark.parametrize("combination", WITH_GITHUB, ids=str)
def test_actionlint_finds_nothing(combination: Combination, baked: dict[str, Path]) -> None:
    project = baked[combination.id]
    assert (TOOLS / "shellcheck").is_file()  # actionlint checks every `run:` script with it
    result = actionlint(project / ".github" / "workflows" / "tests.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Found total 0 errors" in result.stderr


def test_actionlint_as_called_here_does_catch_mistakes(baked: dict[str, Path], tmp_path: Path) -> None:
    """The check above could pass by checking nothing: the same call must reject a broken copy of the workflow."""
    text = (baked["defaults"] / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8")
    broken = tmp_path / "tests.yml"
    broken.write_text(text.replace("run: make lint", "run: make $TARGETS lint").replace("runner.os", "runner.oss"))
    result = actionlint(broken)
    assert result.returncode == 1
    assert "SC2086" in result.stdout  # shellcheck's unquoted variable
    assert "runner.oss" in result.stdout


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    assert (TOOLS / "shellcheck").is_file()  # actionlint checks every `run:` script with it
    result = tool("actionlint", "-shellcheck", TOOLS / "shellcheck", "-verbose", path, cwd=path.parent)
    assert 'Rule "shellcheck" was disabled' not in result.stderr
    return result


@pytest.mark.parametrize("combination", WITH_GITHUB, ids=str)
def test_the_workflow_and_dependabot_match_githubs_schemas(combination: Combination, baked: dict[str, Path]) -> None:
    project = baked[combination.id]
    for schema, path in [
        ("vendor.github-workflows", ".github/workflows/tests.yml"),
        ("vendor.dependabot", ".github/dependabot.yml"),
    ]:
        result = tool("check-jsonschema", "--builtin-schema", schema, path, cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("combination", SUPPORTED, ids=str)
def test_pre_commit_accepts_the_configuration(combination: Combination, baked: dict[str, Path]) -> None:
    project = baked[combination.id]
    result = tool("pre-commit", "validate-config", ".pre-commit-config.yaml", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("combination", SUPPORTED, ids=str)
def test_every_pre_commit_hook_is_local(combination: Combination, baked: dict[str, Path]) -> None:
    """Nothing to clone, so the hooks run offline from the project's own environment."""
    config = yaml.safe_load((baked[combination.id] / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    assert set(hooks) == {"ruff-check", "ruff-format", "affected-tests"}
    assert "pytest --testmon -x -q" in hooks["affected-tests"]["entry"]
    # The tools in .venv by path: the hook works whether uv is on PATH or in .tools/ (tests/test_lifecycle.py commits
    # from a PATH without uv).
    assert all(hook["entry"].startswith(".venv/bin/") for hook in hooks.values())


@pytest.mark.parametrize("combination", WITH_GITHUB, ids=str)
def test_the_workflow_runs_make_targets_that_exist(combination: Combination, baked: dict[str, Path]) -> None:
    project = baked[combination.id]
    commands = [step["run"] for job in workflow(project)["jobs"].values() for step in job["steps"] if "run" in step]
    named = {target for command in commands for target in re.findall(r"\bmake ([a-z0-9-]+)", command)}
    assert named >= {"lint", "test", "test-rebuild", "test-shard"}
    assert named <= make_targets(project)


@pytest.mark.parametrize("combination", WITH_GITHUB, ids=str)
def test_the_jobs_that_run_tests_have_the_servers_the_tiers_need(
    combination: Combination, baked: dict[str, Path]
) -> None:
    answers = combination.answers
    expected = {"postgres"} if answers.get("database", "postgresql") == "postgresql" else set()
    expected |= {"redis"} if answers.get("redis_event_bus", "yes") == "yes" else set()
    spec = workflow(baked[combination.id])
    for name in ("affected", "testmon-data", "full"):
        assert set(spec["jobs"][name].get("services", {})) == expected, name
    url_variables = {"DATABASE_URL_TEST": "postgres", "REDIS_URL_TEST": "redis"}
    assert {url_variables[key] for key in spec["env"] if key in url_variables} == expected
    assert ("TEST_REQUIRE_SERVERS" in spec["env"]) == bool(expected)


@pytest.mark.parametrize("combination", WITH_GITHUB, ids=str)
def test_pull_requests_time_their_benchmarks_beside_the_base_commit(combination: Combination, baked: dict[str, Path]):
    job = workflow(baked[combination.id])["jobs"]["benchmarks"]

    assert job["if"] == "github.event_name == 'pull_request'"
    checkout = next(step for step in job["steps"] if "actions/checkout" in step.get("uses", ""))
    assert checkout["with"]["fetch-depth"] == 0  # the base commit must be there for git archive
    [compare] = [step for step in job["steps"] if "make bench-compare" in step.get("run", "")]
    assert compare["run"] == 'make bench-compare BASE="$BASE_SHA"'
    assert compare["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"


@pytest.mark.parametrize("combination", WITH_GITHUB, ids=str)
def test_pull_requests_restore_the_testmon_data_that_main_saves(
    combination: Combination, baked: dict[str, Path]
) -> None:
    jobs = workflow(baked[combination.id])["jobs"]
    restore = next(step for step in jobs["affected"]["steps"] if "cache/restore" in step.get("uses", ""))
    save = next(step for step in jobs["testmon-data"]["steps"] if "cache/save" in step.get("uses", ""))
    assert restore["with"]["path"] == save["with"]["path"] == ".testmondata"
    prefix = restore["with"]["restore-keys"].strip()
    assert save["with"]["key"].startswith(prefix)
    for part in ("runner.os", "steps.python.outputs.version", "hashFiles('uv.lock')"):
        assert part in prefix


@pytest.mark.parametrize("combination", WITH_GITHUB, ids=str)
def test_the_workflow_is_least_privilege_and_pinned(combination: Combination, baked: dict[str, Path]) -> None:
    spec = workflow(baked[combination.id])
    assert spec["permissions"] == {"contents": "read"}
    assert spec["concurrency"]["cancel-in-progress"]
    assert "schedule" in spec[True]  # the nightly full run
    uses = [step["uses"] for job in spec["jobs"].values() for step in job["steps"] if "uses" in step]
    assert uses
    assert all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action) for action in uses), uses


@pytest.mark.parametrize("combination", WITH_GITHUB, ids=str)
def test_every_test_job_restores_the_branch_history_and_the_history_job_merges_and_saves_it(
    combination: Combination, baked: dict[str, Path]
) -> None:
    jobs = workflow(baked[combination.id])["jobs"]
    history_job = jobs["history"]
    save = next(step for step in history_job["steps"] if "cache/save" in step.get("uses", ""))
    download = next(step for step in history_job["steps"] if "download-artifact" in step.get("uses", ""))
    merge = next(step["run"] for step in history_job["steps"] if "make test-report" in step.get("run", ""))
    test_jobs = {"affected", "testmon-data", "full"}
    assert set(history_job["needs"]) == test_jobs
    assert history_job["if"] == "${{ !cancelled() }}"  # a failing run is what the history is for
    for name in test_jobs:
        steps = jobs[name]["steps"]
        restore = [step for step in steps if step.get("with", {}).get("path") == ".test-history.db"]
        tests = next(index for index, step in enumerate(steps) if "make test" in step.get("run", ""))
        upload = next(step for step in steps if "upload-artifact" in step.get("uses", ""))
        assert len(restore) == 1
        assert steps.index(restore[0]) < tests < steps.index(upload), name
        branch, default_branch = restore[0]["with"]["restore-keys"].splitlines()
        assert save["with"]["key"].startswith(branch)
        assert default_branch == "test-history-${{ github.event.repository.default_branch }}-"
        assert "--junitxml=junit.xml" in steps[tests]["run"]
        assert upload["with"]["path"].split() == ["junit.xml", ".test-history.db"]
        assert upload["if"] == "${{ !cancelled() }}"
        assert upload["with"]["name"].startswith(download["with"]["pattern"].rstrip("*"))
    shard = next(step["run"] for step in jobs["full"]["steps"] if "make test-shard" in step.get("run", ""))
    assert "--analytics-batch ${{ github.run_id }}-${{ github.run_attempt }}" in shard
    history_restore = [step for step in history_job["steps"] if step.get("with", {}).get("path") == ".test-history.db"]
    assert "cache/restore" in history_restore[0]["uses"]  # before the merge: what it adds is this workflow run's
    assert history_job["steps"].index(history_restore[0]) < history_job["steps"].index(download)
    assert f"--merge {download['with']['path']}" in merge
    assert "--summary $GITHUB_STEP_SUMMARY" in merge
    assert "--annotate" in merge
    toolkit = next(step["run"] for step in jobs["toolkit"]["steps"] if "make test-toolkit" in step.get("run", ""))
    assert "--junitxml=junit.xml" in toolkit
