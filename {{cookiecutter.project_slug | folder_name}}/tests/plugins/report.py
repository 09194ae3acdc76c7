"""The test history as a page people can look at, and as JSON for dashboards: ``make test-report``.

    python -m tests.plugins.report [--history .test-history.db] [--html test-report.html] [--json test-report.json]

The page is one self-contained file (inline CSS, SVG charts drawn here, a few lines of script to sort the tables;
nothing fetched from the network): duration per tier over runs, pass rate over runs, the slowest tests, the
latest run's regressions (as the plugin found them) and every flaky test.
"""

from __future__ import annotations

import argparse
import html
import json
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from tests.plugins.history import History, speed_of

RUNS_SHOWN = 50
SLOWEST_SHOWN = 15
COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"]


def collect(history: History) -> dict:
    """Everything the page shows, as plain data (this is also the JSON output)."""
    with history.connect() as db:
        runs = db.execute(
            "SELECT id, started, commit_sha, tests, failed, seconds FROM runs ORDER BY id DESC LIMIT ?", (RUNS_SHOWN,)
        ).fetchall()[::-1]
        first = runs[0][0] if runs else 0
        per_tier = db.execute(
            "SELECT run_id, tier, SUM(setup + call + teardown) FROM results WHERE run_id >= ? GROUP BY run_id, tier",
            (first,),
        ).fetchall()
        slower = db.execute(
            "SELECT nodeid, seconds, baseline FROM regressions WHERE run_id = ? ORDER BY seconds / baseline DESC",
            (runs[-1][0] if runs else None,),
        ).fetchall()
        baselines = db.execute("SELECT nodeid, median, runs FROM baselines ORDER BY median DESC").fetchall()
    run_ids = [run[0] for run in runs]
    tiers: dict[str, list[float | None]] = defaultdict(lambda: [None] * len(runs))
    for run_id, tier, seconds in per_tier:
        tiers[tier or "other"][run_ids.index(run_id)] = round(seconds, 4)
    return {
        "runs": [
            {
                "id": run_id,
                "started": datetime.fromtimestamp(started, timezone.utc).isoformat(timespec="seconds"),
                "commit": commit,
                "tests": tests,
                "failed": failed,
                "pass_rate": round((tests - failed) / tests, 4) if tests else None,
                "seconds": round(seconds, 3),
            }
            for run_id, started, commit, tests, failed, seconds in runs
        ],
        "tiers": dict(sorted(tiers.items())),
        "speeds": {speed: sum(speed_of(row[1]) == speed for row in baselines) for speed in ("fast", "medium", "slow")},
        "slowest": [
            {"nodeid": nodeid, "baseline": round(value, 4), "runs": count, "speed": speed_of(value)}
            for nodeid, value, count in baselines[:SLOWEST_SHOWN]
        ],
        "regressions": [
            {
                "nodeid": nodeid,
                "seconds": round(seconds, 4),
                "baseline": round(baseline, 4),
                "factor": round(seconds / baseline, 2) if baseline else None,
            }
            for nodeid, seconds, baseline in slower
        ],
        "flaky": [{"nodeid": nodeid, "code": code} for nodeid, code in history.flaky().items()],
    }


def line_chart(
    title: str, labels: list[str], series: dict[str, list[float | None]], unit: str, ceiling: float | None = None
) -> str:
    width, height, left, bottom, top, right = 720, 260, 56, 28, 16, 16
    values = [value for points in series.values() for value in points if value is not None]
    if not values:
        return f'<figure class="chart empty"><figcaption>{html.escape(title)}</figcaption><p>No runs yet.</p></figure>'
    high = ceiling or max(values) * 1.1 or 1.0
    step = (width - left - right) / max(len(labels) - 1, 1)

    def x(index: int) -> float:
        return left + index * step

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - value / high)

    parts = [
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" class="axis"/>',
        f'<text x="{left - 6}" y="{y(high):.1f}" class="tick" text-anchor="end">{high:.2f}{unit}</text>',
        f'<text x="{left - 6}" y="{y(0):.1f}" class="tick" text-anchor="end">0</text>',
    ]
    for number, (name, points) in enumerate(series.items()):
        colour = COLOURS[number % len(COLOURS)]
        measured = [(i, value) for i, value in enumerate(points) if value is not None]
        path = " ".join(f"{x(i):.1f},{y(value):.1f}" for i, value in measured)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for i, value in measured:
            parts.append(
                f'<circle class="point" cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}" '
                f'data-series="{html.escape(name)}" data-value="{value}">'
                f"<title>{html.escape(name)}, run {html.escape(labels[i])}: {value:.3f}{unit}</title></circle>"
            )
    legend = "".join(
        f'<span><i style="background:{COLOURS[n % len(COLOURS)]}"></i>{html.escape(name)}</span>'
        for n, name in enumerate(series)
    )
    return (
        f'<figure class="chart"><figcaption>{html.escape(title)}</figcaption>'
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">{"".join(parts)}</svg>'
        f'<div class="legend">{legend}</div></figure>'
    )


def bar_chart(title: str, bars: list[tuple[str, float]], unit: str) -> str:
    if not bars:
        caption = html.escape(title)
        return f'<figure class="chart empty"><figcaption>{caption}</figcaption><p>No baselines yet.</p></figure>'
    width, row, label = 720, 22, 420
    high = max(value for _, value in bars) or 1.0
    parts = []
    for index, (name, value) in enumerate(bars):
        length = (width - label - 70) * value / high
        parts.append(
            f'<text x="{label - 8}" y="{index * row + 15}" class="tick" text-anchor="end">'
            f"{html.escape(name[-60:])}</text>"
            f'<rect class="bar" x="{label}" y="{index * row + 4}" width="{length:.1f}" height="{row - 8}" '
            f'data-value="{value}"><title>{html.escape(name)}: {value:.3f}{unit}</title></rect>'
            f'<text x="{label + length + 6:.1f}" y="{index * row + 15}" class="tick">{value:.3f}{unit}</text>'
        )
    return (
        f'<figure class="chart"><figcaption>{html.escape(title)}</figcaption>'
        f'<svg viewBox="0 0 {width} {len(bars) * row + 4}" role="img" aria-label="{html.escape(title)}">'
        f"{''.join(parts)}</svg></figure>"
    )


def table(caption: str, columns: list[str], rows: list[list[object]], empty: str) -> str:
    if not rows:
        return f"<section><h2>{html.escape(caption)}</h2><p class='none'>{html.escape(empty)}</p></section>"
    head = "".join(f"<th>{html.escape(column)}</th>" for column in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f"<section><h2>{html.escape(caption)}</h2>"
        f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>'
    )


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=Path, default=Path(".test-history.db"))
    parser.add_argument("--html", type=Path, help="write the page here")
    parser.add_argument("--json", type=Path, help="write the data here")
    options = parser.parse_args(argv)
    if not options.history.exists():
        parser.error(f"{options.history} does not exist yet: run the tests first (make test-all)")
    data = collect(History(options.history))
    if options.json:
        options.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
        print(f"wrote {options.json}")
    if options.html:
        options.html.write_text(render(data), encoding="utf-8")
        print(f"wrote {options.html}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
