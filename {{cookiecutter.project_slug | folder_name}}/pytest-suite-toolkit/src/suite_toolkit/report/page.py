"""The report page: one self-contained HTML file (inline CSS, the charts of ``charts`` and the tables of ``listings``,
a short script that sorts and filters the tables) with its data embedded as JSON."""

from __future__ import annotations

import html
import json
from importlib import resources

from suite_toolkit.report.axes import Point, epoch, time_axis, when_text
from suite_toolkit.report.charts import drawn, slowest_bars, tier_colours, time_chart
from suite_toolkit.report.data import commit_text
from suite_toolkit.report.listings import all_tests, flaky, quarantine, regressions, tiers_of
from suite_toolkit.report.tables import (
    tier_style,
)

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


def charts(data: dict, colours: dict[str, str]) -> list[str]:
    runs = data["runs"]
    full = [run for run in runs if run["full"]]
    partial = [run for run in runs if not run["full"]]
    full_series, partial_series = seconds_per_tier(full, partial, tiers_of(data))
    pass_rates = {
        "full runs": [point(run, run["pass_rate"]) for run in full],
        "partial runs": [point(run, run["pass_rate"]) for run in partial],
    }
    axis = time_axis(point(run, None) for run in runs)  # one for all charts: a run is at the same place in each
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


def seconds_per_tier(
    full: list[dict], partial: list[dict], tiers: list[str]
) -> tuple[dict[str, list[Point]], dict[str, list[Point]]]:
    """Each tier's seconds in the full runs and in the partial ones. In a full run, a tier that is absent did not run
    (its server was down, say): a None, which breaks its line. A partial run shows only the tiers it ran."""
    full_series = {tier: [point(run, run["tiers"].get(tier)) for run in full] for tier in tiers}
    full_series = {tier: points for tier, points in full_series.items() if drawn(points)}
    partial_series = {
        tier: [point(run, run["tiers"][tier]) for run in partial if tier in run["tiers"]] for tier in tiers
    }
    return full_series, partial_series


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
