"""The default project's own suite, run in its own virtual environment through its own Makefile."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.baking import SERVER_TIERS, SERVERS_REQUIRED, TIERS, SuiteReport, make, run

CLOSED_PORTS = {
    "DATABASE_URL_TEST": "postgresql+psycopg://postgres:x@127.0.0.1:9/none",
    "REDIS_URL_TEST": "redis://127.0.0.1:9/0",
}


@pytest.fixture(scope="module")
def full_run(installed_default_project: Path, tmp_path_factory: pytest.TempPathFactory) -> SuiteReport:
    junit = tmp_path_factory.mktemp("junit") / "default.xml"
    result = make(installed_default_project, "test-all", args=f"--junitxml={junit}")
    assert junit.is_file(), result.stdout[-4000:] + result.stderr[-4000:]
    return SuiteReport.from_junit(junit, exit_code=result.returncode)


def test_the_whole_suite_passes(full_run: SuiteReport) -> None:
    assert full_run.failures == []
    assert full_run.exit_code == 0


def test_the_suite_has_more_than_eighty_tests(full_run: SuiteReport) -> None:
    assert full_run.total() >= 80


@pytest.mark.parametrize("tier", TIERS)
def test_every_tier_ran(full_run: SuiteReport, tier: str) -> None:
    outcomes = full_run.outcomes.get(tier, {})

    assert sum(outcomes.values()) >= 5, f"{tier}: {dict(outcomes)}"
    if tier not in SERVER_TIERS or SERVERS_REQUIRED:
        assert outcomes.get("passed", 0) == sum(outcomes.values()), f"{tier}: {dict(outcomes)}"


@pytest.mark.parametrize("tier", SERVER_TIERS)
def test_server_tiers_ran_for_real_or_said_how_to_get_a_server(full_run: SuiteReport, tier: str) -> None:
    reasons = full_run.skip_reasons.get(tier, set())
    if SERVERS_REQUIRED:
        assert not reasons, f"{tier} skipped although the servers are running: {reasons}"
    for reason in reasons:
        assert "docker compose up" in reason, reason
        assert "_URL_TEST" in reason, reason


@pytest.mark.parametrize("order", ["-p no:randomly", "--randomly-seed=1", "--randomly-seed=2"])
def test_the_suite_passes_in_parallel_in_any_order(installed_default_project: Path, order: str) -> None:
    result = make(installed_default_project, "test-parallel", args=f"-n 2 -q {order}")

    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(r"\d{3} passed", result.stdout), result.stdout[-2000:]


def test_make_help_lists_the_targets(installed_default_project: Path) -> None:
    output = run(["make", "help"], cwd=installed_default_project)

    for target in ("test ", "test-all", "test-unit", "test-integration", "test-e2e", "test-parallel", "test-coverage"):
        assert re.search(rf"^\s+{target}", output, flags=re.MULTILINE), target


def test_make_test_runs_only_what_changed(installed_default_project: Path) -> None:
    first = make(installed_default_project, "test", args="-q -p no:randomly")
    second = make(installed_default_project, "test", args="-q -p no:randomly")

    assert first.returncode == 0, first.stdout[-4000:]
    assert re.search(r"\d{2,} passed", first.stdout), first.stdout[-2000:]
    assert second.returncode == 0, second.stdout[-4000:]
    assert " passed" not in second.stdout, "nothing changed, so testmon should have selected nothing"


def integration_tier_without_servers(project: Path, require_servers: bool) -> subprocess.CompletedProcess[str]:
    return make(
        project,
        "test-integration",
        args="-q -p no:randomly",
        TEST_REQUIRE_SERVERS="1" if require_servers else "0",
        **CLOSED_PORTS,
    )


def test_without_servers_the_tier_skips_with_one_line_per_server(installed_default_project: Path) -> None:
    result = integration_tier_without_servers(installed_default_project, require_servers=False)

    assert result.returncode == 0, result.stdout[-4000:]
    skip_lines = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert sorted(line.split(": ", 1)[1].split(" at ")[0] for line in skip_lines) == ["PostgreSQL", "Redis"]
    assert all("docker compose up -d" in line for line in skip_lines), skip_lines


def test_when_servers_are_required_their_absence_fails_the_run(installed_default_project: Path) -> None:
    result = integration_tier_without_servers(installed_default_project, require_servers=True)

    assert result.returncode != 0
    assert "TEST_REQUIRE_SERVERS is set" in result.stdout


def test_the_toolkits_own_tests_pass_and_the_examples_suite_holds_none_of_them(installed_default_project: Path) -> None:
    toolkit = make(installed_default_project, "test-toolkit", args="-q")
    example = make(installed_default_project, "test-dry")

    assert toolkit.returncode == 0, toolkit.stdout[-4000:] + toolkit.stderr[-2000:]
    assert int(re.search(r"(\d+) passed", toolkit.stdout).group(1)) >= 50
    assert "failed" not in toolkit.stdout
    assert example.returncode == 0, example.stdout[-2000:]
    example_tests = (installed_default_project / "tests").rglob("*.py")
    assert [path.name for path in example_tests if "pytester" in path.read_text(encoding="utf-8")] == []
    assert not re.search(r"^pytest-suite-toolkit/", example.stdout, re.MULTILINE)
