"""The report page: one self-contained HTML file (inline CSS, the charts of ``drawing``, a short script that sorts
and filters the tables) with its data embedded as JSON."""

from __future__ import annotations

import html
import json
from importlib import resources

from suite_toolkit.analysis import FAST_BELOW, SLOW_ABOVE
from suite_toolkit.report.data import commit_text
from suite_toolkit.report.drawing import (
    Column,
    Point,
    cell,
    drawn,
    epoch,
    number_cell,
    seconds_text,
    slowest_bars,
    table,
    text_cell,
    tier_badge,
    tier_colours,
    tier_style,
    time_axis,
    time_chart,
    when_text,
)

SPEED_ORDER = {"fast": 0, "medium": 1, "slow": 2}  # so that the speed column sorts by speed, not alphabetically
# A browser lays out 10,000 rows in seconds, and nobody reads them all: the tests table shows the first matches.
ROWS_SHOWN = 500
OUTCOMES = ["passed", "failed", "error", "server error", "skipped"]
# The columns every table shares; each column says what it shows in its header's tooltip and in the legend under it.
TEST = Column("test", about="the test's node id (file::function[parameters])")
TIER = Column("tier", about="its tier (unit, integration, e2e...): the tier folder it is in, as a marker")
FLAKY_MEANS = "it failed in a run and passed in another on the same code and environment, or passed on a rerun"

# The page's stylesheet and script, inlined into it: files of their own, to be read and edited as CSS and JavaScript.
ASSETS = resources.files("suite_toolkit.report") / "assets"
STYLE = (ASSETS / "report.css").read_text(encoding="utf-8")
SCRIPT = (ASSETS / "report.js").read_text(encoding="utf-8")


def short(commit: str | None) -> str:
    return commit[:7] if commit else ""


def about(run: dict) -> str:
    """A run in a tooltip, after its id: when, which commit, how it ran."""
    commit = f"commit {commit_text(run)}" if run.get("commit") else commit_text(run) or "no commit"
    started = when_text(epoch(run["started"]), seconds=True)
    return f"{started} UTC, {commit}, {run['selection']}, {run['mode']}"


def point(run: dict, value: float | None) -> Point:
    commit = short(run.get("commit")) + ("+" if run.get("uncommitted") else "")  # "+": and uncommitted changes
    return Point(epoch(run["started"]), value, run["id"], about(run), commit)


def tiers_of(data: dict) -> list[str]:
    """Every tier, in the order the runs first show them, then those only tests show."""
    seen = [tier for run in data["runs"] for tier in run["tiers"]]
    return list(dict.fromkeys([*seen, *(test["tier"] for test in data["tests"] if test["tier"])]))


def charts(data: dict, colours: dict[str, str]) -> list[str]:
    runs = data["runs"]
    full = [run for run in runs if run["full"]]
    partial = [run for run in runs if not run["full"]]
    tiers = tiers_of(data)
    # The charts share the axis of every run, so that a run is at the same place in each.
    axis = time_axis(point(run, None) for run in runs)
    # In a full run, a tier that is absent did not run (its server was down, say): a None, which breaks its line.
    full_series = {tier: [point(run, run["tiers"].get(tier)) for run in full] for tier in tiers}
    full_series = {tier: points for tier, points in full_series.items() if drawn(points)}
    partial_series = {
        tier: [point(run, run["tiers"][tier]) for run in partial if tier in run["tiers"]] for tier in tiers
    }
    pass_rates = {
        "full runs": [point(run, run["pass_rate"]) for run in full],
        "partial runs": [point(run, run["pass_rate"]) for run in partial],
    }
    return [
        *([f'<p class="note" id="axis-note">{html.escape(axis.note)}</p>'] if axis.note else []),
        time_chart(
            "Seconds per tier, full runs",
            "chart-full-runs",
            full_series,
            unit=" s",
            colours=colours,
            joined=full_series,
            axis=axis,
            note="Runs of the whole suite only. A break in a line: that tier did not run then.",
            empty="No full run yet: run the whole suite (no -m, -k, path, shard or affected-only selection).",
        ),
        time_chart(
            "Seconds per tier, partial runs",
            "chart-partial-runs",
            partial_series,
            unit=" s",
            colours=colours,
            axis=axis,
            note="One tier, a shard, a marker or the affected tests: points only, as they do not compare run to run.",
            empty="No partial run recorded: every run so far ran the whole suite."
            if runs
            else "No run recorded yet: run the tests.",
        ),
        time_chart(
            "Pass rate",
            "chart-pass-rate",
            pass_rates,
            unit="%",
            colours={"full runs": "#16a34a", "partial runs": "#9ca3af"},
            joined=["full runs"],
            axis=axis,
            ceiling=100.0,
            height=220,  # the values sit near 100%: no need for the height of the seconds charts
            note="Tests that passed, as a share of the tests each run ran that passed or failed (failed in the test "
            "or in its setup or teardown); skipped tests and server errors are not counted.",
            empty="No run with tests yet: run the tests.",
        ),
    ]


def cards(data: dict) -> str:
    runs = data["runs"]
    latest = runs[-1] if runs else None
    rate = latest["pass_rate"] if latest else None
    new_flaky = sum(bool(test.get("new")) for test in data["flaky"])
    candidates = len(data["quarantine_candidates"])
    items = [
        ("runs recorded", len(runs), ""),
        ("full runs", sum(bool(run["full"]) for run in runs), ""),
        ("tests in the latest run", latest["tests"] if latest else "-", ""),
        (
            "latest pass rate",
            "-" if rate is None else f"{rate:.1f}%",
            "warn" if rate is not None and rate < 100 else "",
        ),
        ("regressions", len(data["regressions"]), "alert" if data["regressions"] else ""),
        ("new flaky tests", new_flaky, "warn" if new_flaky else ""),
        ("quarantine candidates", candidates, "alert" if candidates else ""),
        *((f"{speed} tests", count, "") for speed, count in data["speeds"].items()),
    ]
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card {kind}" data-card="{html.escape(name)}"><b>{html.escape(str(value))}</b>'
            f"{html.escape(name)}</div>"
            for name, value, kind in items
        )
        + "</div>"
    )


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
    outcomes = [o for o in OUTCOMES if any(t["last_outcome"] == o for t in tests)]
    outcomes += sorted({t["last_outcome"] for t in tests if t["last_outcome"] and t["last_outcome"] not in OUTCOMES})
    controls = (
        '<div class="filters">'
        '<label>Test <input type="search" id="filter-text" placeholder="part of a node id" autocomplete="off"></label>'
        f'<label>Tier <select id="filter-tier">{options(tiers_of(data), "every tier")}</select></label>'
        f'<label>Last outcome <select id="filter-outcome">{options(outcomes, "any outcome")}</select></label>'
        f'<output id="tests-count" data-shown="{len(tests)}">{len(tests)} of {len(tests)} tests</output>'
        f'<span id="tests-more" class="none"{"" if len(tests) > ROWS_SHOWN else " hidden"}>'
        f"(the first {ROWS_SHOWN} shown: filter or sort to see others)</span></div>"
    )
    return table(
        "All tests",
        [
            TEST,
            TIER,
            Column(
                "baseline (s)",
                True,
                about="the median of its passing durations (setup, call and teardown) in the latest "
                f"{data['baseline_runs']} runs of the whole suite (before the first, the latest runs); empty: it did "
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
        ],
        rows,
        "No test recorded yet: run the tests.",
        table_id="all-tests",
        table_attributes={"data-limit": str(ROWS_SHOWN)},
        controls=controls,
        after='<p class="none" id="no-match" hidden>No test matches: change or clear the filter.</p>',
    )


def subtitle(runs: list[dict]) -> str:
    if not runs:
        return "No run recorded yet: run the tests, then make the report again."
    first, last = epoch(runs[0]["started"]), epoch(runs[-1]["started"])
    commit = commit_text(runs[-1])
    commit = f", commit {commit}" if runs[-1].get("commit") else f", {commit}" if commit else ""
    return (
        f"{len(runs)} most recent runs, {when_text(first)} to {when_text(last)} UTC; "
        f"latest: run {runs[-1]['id']}{commit}, {runs[-1]['selection']}."
    )


def embedded(data: dict) -> str:
    """The data as JSON inside a script element: every "<" written as \\u003c (still the same JSON), so that no
    "</script>" or "<!--" in a node id can end or bend the element."""
    return json.dumps(data).replace("<", "\\u003c")


def render(data: dict) -> str:
    colours = tier_colours(tiers_of(data))
    sections = [
        cards(data),
        '<div class="charts">',
        *charts(data, colours),
        "</div>",
        regressions(data, colours),
        flaky(data, colours),
        quarantine(data, colours),
        slowest_bars(
            "Slowest tests", data["slowest"], colours, "No baselines yet: run the tests (a passing test gets one)."
        ),
        all_tests(data, colours),
    ]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Test report</title>'
        f"<style>{STYLE}{tier_style(colours)}</style></head><body><h1>Test report</h1>"
        f'<p class="sub">{html.escape(subtitle(data["runs"]))}</p>{"".join(sections)}'
        f'<script type="application/json" id="report-data">{embedded(data)}</script>'
        f"<script>{SCRIPT}</script></body></html>"
    )
