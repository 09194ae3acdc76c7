"""The report's lists of tests, as tables the page's script sorts and filters: the latest run's regressions, the
flaky tests, the quarantined ones, and every test with its baseline, speed and outcomes.

Everything here returns HTML text; every piece of data goes through ``html.escape`` on its way in.
"""

from __future__ import annotations

import html

from suite_toolkit.history_rules import FAST_BELOW, SLOW_ABOVE
from suite_toolkit.report.tables import Column, cell, number_cell, seconds_text, table, text_cell, tier_badge

SPEED_ORDER = {"fast": 0, "medium": 1, "slow": 2}  # so that the speed column sorts by speed, not alphabetically
# A browser lays out 10,000 rows in seconds, and nobody reads them all: the tests table shows the first matches.
ROWS_SHOWN = 500
OUTCOMES = ["passed", "failed", "error", "server error", "skipped"]
# The columns every table shares; each column says what it shows in its header's tooltip and in the legend under it.
TEST = Column("test", about="the test's node id (file::function[parameters])")
TIER = Column("tier", about="its tier (unit, integration, e2e...): the tier folder it is in, as a marker")
FLAKY_MEANS = "it failed in a run and passed in another on the same code and environment, or passed on a rerun"


def test_cell(test: dict) -> str:
    return text_cell(test["nodeid"], "nodeid")


def tier_cell(test: dict, colours: dict[str, str]) -> str:
    return cell(tier_badge(test["tier"], colours)) if test["tier"] else "<td></td>"


def regressions(data: dict, colours: dict[str, str]) -> str:
    rows = [
        (
            {},
            [
                test_cell(test),
                tier_cell(test, colours),
                number_cell(test["seconds"], f"{test['seconds']:.3f}"),
                number_cell(test["baseline"], f"{test['baseline']:.3f}" if test["baseline"] is not None else ""),
                number_cell(test["factor"], f"{test['factor']:.1f}" if test["factor"] is not None else ""),
            ],
        )
        for test in data["regressions"]
    ]
    return table(
        "Regressions in the latest run",
        [
            TEST,
            TIER,
            Column("seconds", True, about="its call (the test, not its fixtures' setup or teardown) in the latest run"),
            Column(
                "baseline (s)",
                True,
                about="the median of its passing calls in the latest runs of the same kind (serial or xdist; whole "
                "suite, part or shard)",
            ),
            Column(
                "times slower",
                True,
                about="seconds / baseline: over analytics_regression_factor and slower by analytics_regression_floor "
                "seconds or more, in this run and in the one before",
            ),
        ],
        rows,
        "None: every test in the latest run stayed within its baseline's bounds."
        if data["runs"]
        else "No run recorded yet: run the tests.",
        table_id="regressions",
    )


def flaky(data: dict, colours: dict[str, str]) -> str:
    rows = [
        (
            {},
            [
                test_cell(test),
                tier_cell(test, colours),
                number_cell(test["times"], str(test["times"])),
                number_cell(test["last_run"], str(test["last_run"]) if test["last_run"] is not None else ""),
                text_cell("new" if test.get("new") else ""),
                text_cell("yes" if test.get("quarantined") else "no"),
            ],
        )
        for test in data["flaky"]
    ]
    return table(
        "Flaky tests (passed and failed on the same code and environment)",
        [
            TEST,
            TIER,
            Column("times", True, about=f"the runs in which it was seen flaky: {FLAKY_MEANS}"),
            Column("last run", True, about="the id of the latest of those runs (the charts show run ids)"),
            Column("new", about="new: seen flaky for the first time in the latest run"),
            Column("quarantined", about="yes: marked quarantine (rerun when it fails; its failure fails no run)"),
        ],
        rows,
        "None seen: no test both passed and failed on the same code and environment.",
        table_id="flaky",
    )


def quarantine(data: dict, colours: dict[str, str]) -> str:
    after = data["quarantine_after"]
    rows = [
        ({}, [test_cell(test), tier_cell(test, colours), number_cell(test["times"], str(test["times"]))])
        for test in data["quarantine_candidates"]
    ]
    return table(
        f"Quarantine candidates (flaky {after} times or more)",
        [
            TEST,
            TIER,
            Column("times flaky", True, about=f"the runs in which it was seen flaky ({after} make a candidate)"),
        ],
        rows,
        f"None: no test has been flaky {after} times or more.",
        table_id="quarantine-candidates",
    )


def options(values: list[str], every: str) -> str:
    return f'<option value="">{every}</option>' + "".join(
        f'<option value="{html.escape(value)}">{html.escape(value)}</option>' for value in values
    )


def all_tests(data: dict, colours: dict[str, str]) -> str:
    tests = data["tests"]
    rows = [
        (
            {"data-tier": test["tier"] or "", "data-outcome": test["last_outcome"] or ""}
            | ({"hidden": ""} if number >= ROWS_SHOWN else {}),
            [
                test_cell(test),
                tier_cell(test, colours),
                number_cell(test["baseline"], seconds_text(test["baseline"])),
                cell(html.escape(test["speed"] or ""), SPEED_ORDER.get(test["speed"]), "speed"),
                text_cell(test["last_outcome"], f"outcome-{(test['last_outcome'] or '').replace(' ', '-')}"),
                number_cell(test["runs"], str(test["runs"])),
                number_cell(test["pass_rate"], f"{test['pass_rate']:.1f}" if test["pass_rate"] is not None else ""),
                number_cell(test["flaky"], str(test["flaky"])),
            ],
        )
        for number, test in enumerate(tests)
    ]
    return table(
        "All tests",
        all_tests_columns(data["baseline_runs"]),
        rows,
        "No test recorded yet: run the tests.",
        table_id="all-tests",
        table_attributes={"data-limit": str(ROWS_SHOWN)},
        controls=all_tests_filters(tiers_of(data), tests),
        after='<p class="none" id="no-match" hidden>No test matches: change or clear the filter.</p>',
    )


def tiers_of(data: dict) -> list[str]:
    """Every tier, in the order the runs first show them, then those only tests show."""
    seen = [tier for run in data["runs"] for tier in run["tiers"]]
    return list(dict.fromkeys([*seen, *(test["tier"] for test in data["tests"] if test["tier"])]))


def all_tests_columns(baseline_runs: int) -> list[Column]:
    return [
        TEST,
        TIER,
        Column(
            "baseline (s)",
            True,
            about="the median of its passing durations (setup, call and teardown) in the latest "
            f"{baseline_runs} runs of the whole suite (before the first, the latest runs); empty: it did "
            "not pass in them",
        ),
        Column(
            "speed",
            True,
            words=True,
            about=f"from the baseline: fast under {FAST_BELOW} s, medium up to {SLOW_ABOVE} s, slow above "
            "(what -m fast, medium, slow select)",
        ),
        Column(
            "last outcome",
            about="in the latest run that ran it: passed; failed (in the test); error (in its setup or teardown); "
            "server error (a server it needs was missing); skipped",
        ),
        Column(
            "runs",
            True,
            about="the runs in the test history (its latest analytics_keep_runs) in which it passed or failed; "
            "not counted: runs that skipped it, did not select it, or missed a server it needs. A test that "
            "failed, was rerun and passed counts once, as passed (and as flaky)",
        ),
        Column("pass %", True, about="the share of those runs in which it passed"),
        Column("flaky", True, about=f"the runs in which it was seen flaky: {FLAKY_MEANS}"),
    ]


def all_tests_filters(tiers: list[str], tests: list[dict]) -> str:
    """The filters above the table: part of a node id, a tier, a last outcome (those the tests had, usual first)."""
    outcomes = [o for o in OUTCOMES if any(t["last_outcome"] == o for t in tests)]
    outcomes += sorted({t["last_outcome"] for t in tests if t["last_outcome"] and t["last_outcome"] not in OUTCOMES})
    return (
        '<div class="filters">'
        '<label>Test <input type="search" id="filter-text" placeholder="part of a node id" autocomplete="off"></label>'
        f'<label>Tier <select id="filter-tier">{options(tiers, "every tier")}</select></label>'
        f'<label>Last outcome <select id="filter-outcome">{options(outcomes, "any outcome")}</select></label>'
        f'<output id="tests-count" data-shown="{len(tests)}">{len(tests)} of {len(tests)} tests</output>'
        f'<span id="tests-more" class="none"{"" if len(tests) > ROWS_SHOWN else " hidden"}>'
        f"(the first {ROWS_SHOWN} shown: filter or sort to see others)</span></div>"
    )
