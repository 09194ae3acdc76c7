"""The report page: one self-contained HTML file (inline CSS, the charts of ``drawing``, a short script that sorts
and filters the tables) with its data embedded as JSON."""

from __future__ import annotations

import html
import json

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

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #111827; }
h1 { margin-bottom: .2rem; } .sub { color: #6b7280; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: .8rem; margin: 1.5rem 0; }
.card { border: 1px solid #e5e7eb; border-radius: 8px; padding: .6rem .9rem; }
.card b { display: block; font-size: 1.6rem; font-variant-numeric: tabular-nums; }
.card.alert { border-color: #fca5a5; background: #fef2f2; } .card.alert b { color: #dc2626; }
.card.warn b { color: #b45309; }
.charts { display: grid; grid-template-columns: 1fr; gap: 1.5rem; }
figure.chart { margin: 0; border: 1px solid #e5e7eb; border-radius: 8px; padding: 1rem; }
figcaption, h2 { font-weight: 600; font-size: 1.05rem; margin: 0 0 .3rem; }
.note { color: #6b7280; margin: 0 0 .5rem; font-size: 13px; }
svg { width: 100%; height: auto; display: block; }
.axis { stroke: #9ca3af; } .grid { stroke: #f3f4f6; } .tick { font-size: 11px; fill: #374151; }
.x-under { font-size: 10px; fill: #6b7280; font-family: ui-monospace, monospace; }
.point { stroke: #fff; stroke-width: 1; } .point:hover { r: 6; } .point.alone { stroke: #111827; stroke-width: .6; }
.legend { margin-top: .3rem; } .legend span { margin-right: 1.2rem; white-space: nowrap; }
.swatch { display: inline-block; margin-right: 5px; vertical-align: middle; background: var(--colour); }
.swatch.line { width: 18px; height: 3px; } .swatch.dot { width: 9px; height: 9px; border-radius: 50%; }
.tier { --colour: #6b7280; display: inline-block; font-size: 11px; line-height: 1.5; padding: 0 .45rem;
  border-radius: 999px; color: var(--colour); border: 1px solid var(--colour); white-space: nowrap;
  vertical-align: 1px; }
code, .nodeid { font-family: ui-monospace, monospace; font-size: 12px; overflow-wrap: anywhere; }
ol.bars { list-style: none; padding: 0; margin: 0; }
ol.bars li { padding: .35rem 0; border-bottom: 1px solid #f3f4f6; }
ol.bars .label .tier { margin-right: .5rem; }
.track { display: flex; align-items: center; gap: .5rem; margin-top: .2rem; }
.bar { display: block; height: 10px; min-width: 1px; background: #2563eb; border-radius: 2px; }
.track .bar { flex: none; max-width: calc(100% - 6rem); }
.bar-value { font-size: 12px; color: #374151; white-space: nowrap; }
.filters { display: flex; flex-wrap: wrap; gap: .6rem 1.2rem; align-items: center; margin: .5rem 0; }
.filters input { width: 22rem; max-width: 100%; }
.filters input, .filters select { font: inherit; padding: .15rem .3rem; }
#tests-count { color: #374151; font-variant-numeric: tabular-nums; }
.scroll { max-height: 70vh; overflow: auto; border: 1px solid #f3f4f6; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; vertical-align: top; }
th { cursor: pointer; user-select: none; white-space: nowrap; font-size: 13px; position: sticky; top: 0;
  background: #fff; border-bottom: 2px solid #e5e7eb; }
th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 9px; }
th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 9px; }
td { border-bottom: 1px solid #f3f4f6; } .number { text-align: right; font-variant-numeric: tabular-nums; }
td.nodeid { min-width: 18rem; }
td.outcome-failed, td.outcome-error, td.outcome-server-error { color: #dc2626; } td.outcome-skipped { color: #6b7280; }
section { margin-top: 2rem; } .none { color: #6b7280; }
dl.columns { margin: .5rem 0 0; font-size: 12px; color: #4b5563; }
dl.columns dt { display: inline; font-weight: 600; } dl.columns dt::after { content: ": "; }
dl.columns dd { display: inline; margin: 0; }
"""

# Sorting: a header's data-type says how its column compares; a cell's data-sort, when it has one, is the number
# it sorts by. Empty cells go last in both orders. Filtering the tests table toggles `hidden` on rows, with the
# words to match read once, and shows at most the table's data-limit rows (the first matches in the order shown):
# what costs time with 10,000 rows is the browser laying them out, not the matching.
SCRIPT = """
const collator = new Intl.Collator(undefined, { numeric: true });
function sortKey(cell, numeric) {
  const text = cell.dataset.sort ?? cell.textContent.trim();
  if (text === "") return null;
  return numeric ? Number(text) : text;
}
function sortBy(table, header) {
  const column = header.cellIndex;
  const numeric = header.dataset.type === "number";
  // Numbers start biggest first (slowest, most flaky), words start at A; a second click turns the order round.
  const current = header.getAttribute("aria-sort");
  const descending = current ? current === "ascending" : numeric;
  const body = table.tBodies[0];
  const keyed = Array.from(body.rows, (row) => [sortKey(row.cells[column], numeric), row]);
  keyed.sort(([a], [b]) => {
    if (a === null || b === null) return (a === null) - (b === null);
    const order = numeric ? a - b : collator.compare(a, b);
    return descending ? -order : order;
  });
  const fragment = document.createDocumentFragment();
  keyed.forEach(([, row]) => fragment.appendChild(row));
  body.appendChild(fragment);
  for (const other of header.parentElement.cells) other.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  table.dispatchEvent(new Event("sorted"));
}
document.querySelectorAll("table.sortable").forEach((table) => {
  for (const header of table.tHead.rows[0].cells) {
    header.addEventListener("click", () => sortBy(table, header));
    header.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, header); }
    });
  }
});
const tests = document.getElementById("all-tests");
if (tests) {
  const text = document.getElementById("filter-text");
  const tier = document.getElementById("filter-tier");
  const outcome = document.getElementById("filter-outcome");
  const count = document.getElementById("tests-count");
  const more = document.getElementById("tests-more");
  const noMatch = document.getElementById("no-match");
  const limit = Number(tests.dataset.limit);
  const body = tests.tBodies[0];
  const keys = new Map(Array.from(body.rows, (row) => [row, {
    nodeid: row.cells[0].textContent.toLowerCase(), tier: row.dataset.tier, outcome: row.dataset.outcome,
  }]));
  const filter = () => {
    const words = text.value.trim().toLowerCase();
    let matches = 0;
    for (const row of body.rows) {  // in the order shown, so that the first `limit` matches are the ones shown
      const key = keys.get(row);
      const match = (!words || key.nodeid.includes(words)) && (!tier.value || key.tier === tier.value)
        && (!outcome.value || key.outcome === outcome.value);
      const shown = match && matches < limit;
      if (row.hidden === shown) row.hidden = !shown;  // only touch rows that change
      if (match) matches += 1;
    }
    count.textContent = `${matches} of ${keys.size} tests`;
    count.dataset.shown = matches;
    more.hidden = matches <= limit;
    noMatch.hidden = matches > 0;
  };
  text.addEventListener("input", filter);
  tier.addEventListener("change", filter);
  outcome.addEventListener("change", filter);
  tests.addEventListener("sorted", filter);  // another order: other rows among the first `limit`
  filter();  // a browser may restore the fields' values on reload
}
document.body.dataset.ready = "true";
"""


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
