"""The generated workflow's test history, run the way its jobs run it, in the default project: four shards, each
recording into its own copy of the history the cache restored, then the history job's own command merging the
copies its download step would fetch, writing the job summary, the annotations and the report. Two CI runs in a
row: the second restores what the first saved.

The commands are read from the workflow, with the GitHub expressions they hold filled in as GitHub would."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.baking import make

HISTORY = ".test-history.db"


def workflow_jobs(project: Path) -> dict:
    return yaml.safe_load((project / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8"))["jobs"]


def command_of(job: dict, make_target: str) -> str:
    return next(step["run"] for step in job["steps"] if f"make {make_target}" in step.get("run", ""))


def filled(command: str, **values: str) -> str:
    """``${{ matrix.group }}`` and the like replaced as GitHub would; any expression left unknown fails the test."""
    result = re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda match: values[match[1]], command)
    return " ".join(result.split())  # a folded YAML block, as the runner's shell gets it


def make_command(project: Path, command: str, **env: str):
    """Run a workflow's ``make TARGET VAR=... ARGS="..."`` line through the project's Makefile."""
    words = re.findall(r'(\w[\w-]*="[^"]*"|\S+)', command)
    assert words[0] == "make", command
    target, variables = words[1], dict(word.split("=", 1) for word in words[2:])
    args = variables.pop("ARGS", "").strip('"').replace("$GITHUB_STEP_SUMMARY", env.get("GITHUB_STEP_SUMMARY", ""))
    return make(project, target, *(f"{key}={value}" for key, value in variables.items()), args=args, **env)


@pytest.fixture
def project(installed_default_project: Path, tmp_path: Path):
    """The default project with its own history set aside for this test, and put back after it."""
    history = installed_default_project / HISTORY
    kept = tmp_path / "kept.db"
    if history.exists():
        shutil.move(history, kept)
    yield installed_default_project
    history.unlink(missing_ok=True)
    if kept.exists():
        shutil.move(kept, history)


def ci_run(project: Path, tmp_path: Path, run_id: str, restored: Path | None) -> dict:
    """One CI run on main: the four shards of the `full` job, then the `history` job. The history it saves."""
    jobs = workflow_jobs(project)
    shard_command = command_of(jobs["full"], "test-shard")
    results = tmp_path / run_id / "test-results"  # what the history job's download step fetches
    for group in jobs["full"]["strategy"]["matrix"]["group"]:
        (project / HISTORY).unlink(missing_ok=True)
        if restored is not None:
            shutil.copy(restored, project / HISTORY)  # the cache restore step
        expressions = {"matrix.group": str(group), "github.run_id": run_id, "github.run_attempt": "1"}
        command = filled(shard_command, **expressions)
        result = make_command(project, command, COVERAGE_FILE=str(tmp_path / f".coverage.{group}"))
        assert result.returncode == 0, result.stdout[-3000:]
        artifact = results / f"test-results-shard-{group}"  # upload-artifact keeps junit.xml and the history
        artifact.mkdir(parents=True)
        for name in ("junit.xml", HISTORY):
            shutil.move(project / name, artifact / name)
    summary = tmp_path / run_id / "step-summary.md"
    summary.write_text("")
    (project / HISTORY).unlink(missing_ok=True)
    if restored is not None:
        shutil.copy(restored, project / HISTORY)  # the history job's cache restore step
    merge_command = command_of(jobs["history"], "test-report").replace("--merge test-results", f"--merge {results}")
    result = make_command(project, merge_command, GITHUB_STEP_SUMMARY=str(summary))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    saved = tmp_path / run_id / "saved.db"  # the cache save step
    shutil.move(project / HISTORY, saved)
    return {
        "summary": summary.read_text(encoding="utf-8"),
        "data": json.loads((project / "test-report.json").read_text(encoding="utf-8")),
        "output": result.stdout,
        "tests": sum(
            int(re.search(r'tests="(\d+)"', (artifact / "junit.xml").read_text(encoding="utf-8"))[1])
            for artifact in results.iterdir()
        ),
        "saved": saved,
    }


def test_shards_record_merge_and_the_next_ci_run_starts_from_the_saved_history(project: Path, tmp_path: Path) -> None:
    first = ci_run(project, tmp_path, "101", restored=None)
    second = ci_run(project, tmp_path, "102", restored=first["saved"])

    runs = second["data"]["runs"]
    assert [run["selection"] for run in runs] == ["4 of 4 shards", "4 of 4 shards"]  # one run per CI run
    assert all(run["full"] for run in runs)
    assert [run["tests"] for run in runs] == [first["tests"], second["tests"]]
    assert runs[-1]["passed"] + runs[-1]["skipped"] == second["tests"]
    assert {"unit", "integration", "e2e"} <= set(runs[-1]["tiers"])
    assert "merged 4 run(s) from 4 history file(s)" in first["output"]
    assert "merged 4 run(s) from 4 history file(s)" in second["output"]  # the four shards of 102: 101's were there
    summary = second["summary"]
    assert summary.startswith("## Tests\n")
    assert summary.count("(4 of 4 shards, serial)") == 1  # this workflow run's, not the one before
    assert f"Run {runs[-1]['id']} (4 of 4 shards, serial)" in summary
    for heading in ("Regressions", "New flaky tests", "Quarantine candidates", "Slowest tests", "Time per tier"):
        assert f"### {heading}" in summary
    assert re.search(r"^\| unit \| \d+\.\d+ \|$", summary, re.MULTILINE)  # time per tier, this run's
    assert (project / "test-report.html").is_file()
