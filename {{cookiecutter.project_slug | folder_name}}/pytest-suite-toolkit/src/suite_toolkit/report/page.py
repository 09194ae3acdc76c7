"""The report page: one self-contained HTML file (inline CSS, the charts of ``drawing``, a few lines of script to
sort the tables) with its data embedded as JSON."""

from __future__ import annotations

import html
import json

from suite_toolkit.report.drawing import bar_chart, line_chart, table

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #111827; }
h1 { margin-bottom: .2rem; } .sub { color: #6b7280; margin-top: 0; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1.5rem 0; }
.card { border: 1px solid #e5e7eb; border-radius: 8px; padding: .7rem 1rem; min-width: 8rem; }
.card b { display: block; font-size: 1.6rem; } .card.alert b { color: #dc2626; }
.charts { display: grid; grid-template-columns: 1fr; gap: 1.5rem; }
figure.chart { margin: 0; border: 1px solid #e5e7eb; border-radius: 8px; padding: 1rem; }
figcaption, h2 { font-weight: 600; font-size: 1.05rem; margin: 0 0 .5rem; }
svg { width: 100%; height: auto; } .axis { stroke: #9ca3af; } .tick { font-size: 11px; fill: #374151; }
.bar { fill: #2563eb; } .point:hover { r: 5; }
.legend span { margin-right: 1rem; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem; }
th { cursor: pointer; border-bottom: 2px solid #e5e7eb; } td { border-bottom: 1px solid #f3f4f6; }
td:first-child { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
section { margin-top: 2rem; } .none { color: #6b7280; }
"""

SCRIPT = """
document.querySelectorAll("table.sortable th").forEach((header) => {
  header.addEventListener("click", () => {
    const column = header.cellIndex;
    const body = header.closest("table").tBodies[0];
    const value = (row) => row.cells[column].textContent;
    const number = (text) => (text.trim() === "" || isNaN(text) ? null : Number(text));
    const descending = header.dataset.order !== "desc";
    header.dataset.order = descending ? "desc" : "asc";
    const rows = Array.from(body.rows).sort((a, b) => {
      const [x, y] = [number(value(a)), number(value(b))];
      const order = x !== null && y !== null ? x - y : value(a).localeCompare(value(b));
      return descending ? -order : order;
    });
    rows.forEach((row) => body.appendChild(row));
  });
});
document.body.dataset.ready = "true";
"""


def render(data: dict) -> str:
    runs = data["runs"]
    labels = [str(run["id"]) for run in runs]
    latest = runs[-1] if runs else None
    rate = latest["pass_rate"] if latest else None
    cards = [
        ("runs recorded", len(runs), False),
        ("tests in the latest run", latest["tests"] if latest else 0, False),
        ("latest pass rate", "-" if rate is None else format(rate, ".1%"), False),
        ("regressions", len(data["regressions"]), bool(data["regressions"])),
        ("flaky tests", len(data["flaky"]), bool(data["flaky"])),
        *((f"{speed} tests", count, False) for speed, count in data["speeds"].items()),
    ]
    pass_rate = {"pass rate": [run["pass_rate"] for run in runs]}
    sections = [
        '<div class="cards">'
        + "".join(
            f'<div class="card{" alert" if alert else ""}"><b>{html.escape(str(value))}</b>{html.escape(name)}</div>'
            for name, value, alert in cards
        )
        + "</div>",
        '<div class="charts">',
        line_chart("Seconds per tier, by run", labels, data["tiers"], " s"),
        line_chart("Pass rate, by run", labels, pass_rate, "", ceiling=1.0),
        bar_chart("Slowest tests (baseline)", [(t["nodeid"], t["baseline"]) for t in data["slowest"]], " s"),
        "</div>",
        table(
            "Regressions in the latest run",
            ["test", "seconds", "baseline", "times slower"],
            [[r["nodeid"], r["seconds"], r["baseline"], r["factor"]] for r in data["regressions"]],
            "None: every test ran within its baseline's bounds.",
        ),
        table(
            "Flaky tests (passed and failed on the same code)",
            ["test", "code"],
            [[f["nodeid"], f["code"]] for f in data["flaky"]],
            "None seen.",
        ),
        table(
            "Slowest tests",
            ["test", "baseline (s)", "passing runs", "speed"],
            [[t["nodeid"], t["baseline"], t["runs"], t["speed"]] for t in data["slowest"]],
            "No baselines yet: run the tests.",
        ),
    ]
    embedded = json.dumps(data).replace("</", "<\\/")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Test report</title>'
        f"<style>{STYLE}</style></head><body><h1>Test report</h1>"
        f'<p class="sub">{len(runs)} most recent runs from the test history.</p>{"".join(sections)}'
        f'<script type="application/json" id="report-data">{embedded}</script><script>{SCRIPT}</script></body></html>'
    )
