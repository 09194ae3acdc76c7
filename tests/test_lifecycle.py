"""A baked project over its life: commits checked by its pre-commit hook, and `cruft update` bringing in a later
template without losing what the user wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.baking import (
    GIT_IDENTITY,
    PROJECT_TEMPLATE,
    SERVERS_REQUIRED,
    UV,
    SuiteReport,
    bake,
    execute,
    git,
    make,
    run,
    template_repository,
)


def commit(project: Path, message: str, **env: str) -> subprocess.CompletedProcess[str]:
    return execute(["git", "commit", "-q", "-m", message], project, **{**GIT_IDENTITY, **env})


def head(project: Path) -> str:
    return git(project, "rev-parse", "HEAD").strip()


# -- pre-commit ---------------------------------------------------------------------------------------------------


def path_without_uv() -> str:
    """This machine's PATH less every folder holding a uv: a new user's, who has only Python and make."""
    folders = os.environ["PATH"].split(os.pathsep)
    return os.pathsep.join(folder for folder in folders if folder and not (Path(folder) / "uv").exists())


@pytest.fixture(scope="module")
def offline_hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What a new user's shell gives the hook: no uv on PATH, and here, no network and no pre-commit cache."""
    return {
        "PATH": path_without_uv(),
        "UV_OFFLINE": "1",
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        **GIT_IDENTITY,
    }


@pytest.fixture(scope="module")
def committed_project(tmp_path_factory: pytest.TempPathFactory, offline_hook_env: dict[str, str]) -> Path:
    """The default project under git, set up as its README says from a PATH without uv: `make setup` installed uv
    into .tools/ (from PyPI, as for a user), the environment and the hook; the first commit went through the hook."""
    project = bake(tmp_path_factory.mktemp("pre-commit"))
    git(project, "init", "-q")
    # `env -u UV`: this suite runs under `uv run`, which sets UV, and the Makefile would take that uv (UV ?= ...).
    setup = execute(["env", "-u", "UV", "make", "setup"], project, PATH=offline_hook_env["PATH"])
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert (project / ".tools" / "bin" / "uv").is_file(), "make setup did not install uv into .tools/"
    assert (project / ".git" / "hooks" / "pre-commit").is_file(), setup.stdout
    git(project, "add", "-A")
    first = commit(project, "Initial commit", **offline_hook_env)
    assert first.returncode == 0, first.stdout + first.stderr
    return project


def test_make_setup_outside_git_says_how_to_get_the_hook(installed_default_project: Path) -> None:
    result = make(installed_default_project, "setup")

    assert result.returncode == 0
    assert "No git repository here, so no pre-commit hook: git init, then make setup again." in result.stdout
    assert not (installed_default_project / ".git").exists()


def test_every_hook_passes_on_the_whole_fresh_project(committed_project: Path, offline_hook_env) -> None:
    command = [".venv/bin/pre-commit", "run", "--all-files"]  # as the README says
    result = execute(command, committed_project, **offline_hook_env)

    assert result.returncode == 0, result.stdout + result.stderr
    for hook in ("ruff check", "ruff format", "affected tests (pytest-testmon)"):
        assert any(line.startswith(hook) and line.endswith("Passed") for line in result.stdout.splitlines()), hook
    assert not any(Path(offline_hook_env["PRE_COMMIT_HOME"]).glob("repo*"))  # nothing was cloned


def test_the_hook_refuses_a_commit_that_breaks_a_unit_test(committed_project: Path, offline_hook_env) -> None:
    before = head(committed_project)
    module = committed_project / "src" / "work_queue" / "task_queue.py"
    original = module.read_text(encoding="utf-8")
    module.write_text(original.replace("- weights.retry_penalty *", "+ weights.retry_penalty *"), encoding="utf-8")
    try:
        git(committed_project, "add", str(module))
        result = commit(committed_project, "Retries raise the score", **offline_hook_env)
    finally:
        git(committed_project, "reset", "-q", "--", str(module))
        module.write_text(original, encoding="utf-8")

    assert result.returncode != 0
    assert head(committed_project) == before
    assert "FAILED tests/unit/test_scoring.py::test_each_retry_lowers_the_score" in result.stdout + result.stderr


def test_the_hook_lets_a_clean_commit_through(committed_project: Path, offline_hook_env) -> None:
    before = head(committed_project)
    test_file = committed_project / "tests" / "unit" / "test_added_later.py"
    test_file.write_text(
        '"""A test a user adds."""\n\nfrom work_queue.models import Priority\n\n\n'
        "def test_critical_outranks_low() -> None:\n    assert Priority.CRITICAL > Priority.LOW\n",
        encoding="utf-8",
    )
    git(committed_project, "add", str(test_file))
    result = commit(committed_project, "A test of priorities", **offline_hook_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert head(committed_project) != before
    assert "affected tests (pytest-testmon)" in result.stdout + result.stderr  # the hook did run


# -- cruft update -------------------------------------------------------------------------------------------------


def cruft(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cruft", *args],
        cwd=cwd,
        env={**os.environ, **GIT_IDENTITY},
        capture_output=True,
        text=True,
        timeout=600,
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


USER_TEST = '''"""The user's own test: their heartbeat setting, read through the service's settings."""

from work_queue.settings import load_settings


def test_agents_get_twenty_seconds_of_silence() -> None:
    assert load_settings().worker.heartbeat_timeout_seconds == 20
'''


def test_cruft_update_brings_the_new_template_and_keeps_every_user_edit(tmp_path: Path) -> None:
    template = template_repository(tmp_path / "template")
    created = cruft("create", str(template), "--no-input", "--output-dir", str(tmp_path), cwd=tmp_path)
    assert created.returncode == 0, created.stdout + created.stderr
    project = tmp_path / "work_queue"
    git(project, "init", "-q")
    git(project, "add", "-A")
    assert commit(project, "Baked").returncode == 0

    # The user's edits: a test added, a fixture changed, configuration values changed (one in a skipped file).
    (project / "tests" / "unit" / "test_user_settings.py").write_text(USER_TEST, encoding="utf-8")
    edit(project / "tests" / "fixtures" / "fakes.py", "return FakeClock()", "return FakeClock()  # user: shared")
    edit(project / "config" / "test.yaml", "heartbeat_timeout_seconds: 10", "heartbeat_timeout_seconds: 20")
    edit(project / "config" / "development.yaml", "max_retries: 3", "max_retries: 7")
    git(project, "add", "-A")
    assert commit(project, "User edits").returncode == 0
    user_files = {path: (project / path).read_text(encoding="utf-8") for path in (
        "tests/unit/test_user_settings.py", "tests/fixtures/fakes.py", "config/development.yaml")}  # fmt: skip

    # The template's next commit: a new question with a default, a new file using it (and nothing else: the hooks
    # learn the questions from cookiecutter.json), a changed Makefile target, and changes to files the user also
    # changed (elsewhere in the file), including one the skip list protects.
    project_template = template / PROJECT_TEMPLATE.name
    questions = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    questions = {**{k: v for k, v in questions.items() if not k.startswith("_")}, "license": ["MIT", "Apache-2.0"],
                 **{k: v for k, v in questions.items() if k.startswith("_")}}  # fmt: skip
    (template / "cookiecutter.json").write_text(json.dumps(questions, indent=2), encoding="utf-8")
    (project_template / "NOTICE.md").write_text("Licensed under {{ cookiecutter.license }}.\n", encoding="utf-8")
    edit(project_template / "Makefile", "-m smoke $(ARGS)", "-m smoke --maxfail=1 $(ARGS)")
    edit(project_template / "config" / "test.yaml", "# Settings for APP_ENV=test:", "# Test settings (APP_ENV=test):")
    edit(project_template / "config" / "development.yaml", "max_retries: 3", "max_retries: 5")
    edit(project_template / "tests" / "fixtures" / "fakes.py", '"""Stand-ins for time', '"""Fakes for time')
    git(template, "add", "-A")
    assert execute(["git", "commit", "-q", "-m", "A license question"], template, **GIT_IDENTITY).returncode == 0

    updated = cruft("update", "-y", cwd=project)
    assert updated.returncode == 0, updated.stdout + updated.stderr

    assert list(project.rglob("*.rej")) == []
    assert "<<<<<<<" not in git(project, "diff")
    for path, text in user_files.items():
        if path == "tests/fixtures/fakes.py":
            assert "    return FakeClock()  # user: shared" in (project / path).read_text(encoding="utf-8")
            assert '"""Fakes for time' in (project / path).read_text(encoding="utf-8")
        else:
            assert (project / path).read_text(encoding="utf-8") == text, path
    settings = (project / "config" / "test.yaml").read_text(encoding="utf-8")
    assert "heartbeat_timeout_seconds: 20" in settings
    assert settings.startswith("# Test settings (APP_ENV=test):")
    assert (project / "NOTICE.md").read_text(encoding="utf-8") == "Licensed under MIT.\n"
    assert "-m smoke --maxfail=1 $(ARGS)" in (project / "Makefile").read_text(encoding="utf-8")
    recorded = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    assert recorded["context"]["cookiecutter"]["license"] == "MIT"
    assert recorded["commit"] == head(template)

    git(project, "add", "-A")
    assert commit(project, "Template update").returncode == 0
    checked = cruft("check", cwd=project)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    junit = project / "junit.xml"
    run(["make", "setup", f"UV={UV}"], project)
    suite = make(project, "test-all", args=f"-q --junitxml={junit}")
    report = SuiteReport.from_junit(junit, exit_code=suite.returncode)
    assert report.failures == [], suite.stdout[-3000:]
    assert report.exit_code == 0, suite.stdout[-3000:] + suite.stderr[-2000:]
    assert "tests/unit/test_user_settings.py::test_agents_get_twenty_seconds_of_silence" in report.passed
    assert report.total("passed") >= 150
    if SERVERS_REQUIRED:
        assert report.outcomes["integration"].get("skipped", 0) == 0
