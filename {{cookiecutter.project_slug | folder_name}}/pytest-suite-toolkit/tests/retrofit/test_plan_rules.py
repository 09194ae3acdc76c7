"""The rules by which ``make_plan`` gives each file a tier and a name, on observations written here: a tier the
project lacks falls to the next rule, a session fixture's connection counts for every test that uses it, a
descriptive name taken keeps its number, sleeps are one fact with the longest, a file whose tests were all skipped
takes the tier its name says."""

from __future__ import annotations

from pathlib import Path

from suite_toolkit.retrofit.plan import make_plan


def observed_test(file: str, **did: object) -> dict:
    test = {"outcome": "passed", "connections": [], "clients": [], "subprocesses": [], "sleeps": 0.0, "writes": []}
    return {**test, "file": file, "fixtures": [], **did}


def test_a_rule_whose_tier_the_project_lacks_falls_to_the_next(tmp_path: Path) -> None:
    observed = {
        "tests": {
            "tests/test_service.py::test_e2e": observed_test(
                "tests/test_service.py", subprocesses=["python -m service"], connections=[["127.0.0.1", 8000]]
            ),
            "tests/test_bench.py::test_speed": observed_test("tests/test_bench.py"),
        },
        "fixtures": {},
    }

    plan = make_plan(tmp_path, observed, ["tests/unit", "tests/integration: real servers"])

    assert {row.file: row.tier for row in plan.files} == {
        "tests/test_service.py": "integration",
        "tests/test_bench.py": "unit",
    }
    assert plan.tiers == ["tests/unit", "tests/integration: real servers"]


def test_a_session_fixture_s_connection_counts_for_every_test_that_uses_it(tmp_path: Path) -> None:
    redis = {"file": "tests/conftest.py", "line": 3, "connections": [["127.0.0.1", 6379]], "clients": ["redis"]}
    observed = {
        "tests": {
            f"tests/test_cache.py::test_{n}": observed_test("tests/test_cache.py", fixtures=["redis_client"])
            for n in range(3)
        },
        "fixtures": {"redis_client": [{**redis, "subprocesses": []}]},
    }

    [cache] = make_plan(tmp_path, observed, []).files

    assert (cache.tier, cache.evidence) == (
        "integration",
        "opens 127.0.0.1:6379 (redis, fixture redis_client) in 3 of 3 tests",
    )


def test_a_descriptive_name_taken_keeps_its_number(tmp_path: Path) -> None:
    observed = {
        "tests": {
            "tests/test_01_database.py::test_a": observed_test("tests/test_01_database.py"),
            "tests/test_database.py::test_b": observed_test("tests/test_database.py"),
            "tests/02_test_queue.py::test_c": observed_test("tests/02_test_queue.py"),
        },
        "fixtures": {},
    }

    moves = {row.file: row.moves_to for row in make_plan(tmp_path, observed, []).files}

    assert moves == {
        "tests/test_01_database.py": "tests/unit/test_database_01.py",
        "tests/test_database.py": "tests/unit/test_database.py",
        "tests/02_test_queue.py": "tests/unit/test_queue.py",
    }


def test_sleeps_of_different_lengths_are_one_fact_with_the_longest(tmp_path: Path) -> None:
    observed = {
        "tests": {
            f"tests/test_expiry.py::test_{n}": observed_test("tests/test_expiry.py", sleeps=seconds)
            for n, seconds in enumerate([0.25, 1.5, 0.5, 0.0])
        },
        "fixtures": {},
    }

    [expiry] = make_plan(tmp_path, observed, []).files

    assert (expiry.tier, expiry.evidence) == ("performance", "sleeps up to 1.5 s in 3 of 4 tests")


def test_a_file_whose_tests_were_all_skipped_takes_the_tier_its_name_says(tmp_path: Path) -> None:
    outcomes = {
        "tests/test_django_integration.py": "skipped",
        "tests/test_end_to_end.py": "skipped",
        "tests/test_integration_of_parts.py": "passed",
        "tests/test_skipped.py": "skipped",
    }
    observed = {
        "tests": {f"{file}::test_it": observed_test(file, outcome=outcome) for file, outcome in outcomes.items()},
        "fixtures": {},
    }

    rows = {row.file: (row.tier, row.evidence) for row in make_plan(tmp_path, observed, []).files}

    assert rows == {
        "tests/test_django_integration.py": ("integration", "was skipped (not observed) in 1 of 1 test"),
        "tests/test_end_to_end.py": ("e2e", "was skipped (not observed) in 1 of 1 test"),
        # What a test was seen doing outweighs its name.
        "tests/test_integration_of_parts.py": ("unit", "no connection, subprocess, sleep or file written in 1 test"),
        "tests/test_skipped.py": ("unit", "was skipped (not observed) in 1 of 1 test"),
    }
