"""SVG charts, bars and HTML tables drawn from plain data, with nothing to fetch from the network.

Everything here returns HTML text; every piece of data goes through ``html.escape`` on its way in (node ids can hold
``<``, quotes or ``</script>``).
"""

from __future__ import annotations

import calendar
import html
import math
import time
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise
from typing import NamedTuple

COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]  # not %b: locale-free
MINUTE, HOUR, DAY = 60, 3600, 86400
# Steps the time axis may take, smallest first: seconds, minutes, hours, days, then weeks (which start on Mondays).
TIME_STEPS = (
    [1, 5, 10, 15, 30]
    + [MINUTE * n for n in (1, 2, 5, 10, 15, 30)]
    + [HOUR * n for n in (1, 2, 3, 6, 12)]
    + [DAY * n for n in (1, 2, 7, 14, 28)]
)
MONDAY = 4 * DAY  # the epoch fell on a Thursday
SHORTEST_SPAN = 10 * MINUTE  # one run, or a few within seconds, sit in the middle of ten minutes
# The drawing area of a time chart, in SVG units; the page scales it to its width.
WIDTH, LEFT, RIGHT, TOP, BOTTOM = 1040, 64, 44, 16, 46
INSET = 10  # keeps the first and last points off the axes
LABEL_ROOM = 96  # SVG units an x label ("Nov 24 02:10") needs so that two never touch
POINT_ROOM = 8  # SVG units between two runs below which their points (7 across) overlap
RUNS_PER_LABEL = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)  # on an axis of runs, a label every N runs
RUN_ORDER_NOTE = (
    "Some runs ran too close together to draw to scale: the runs are drawn in the order they ran, evenly spaced, "
    "with a run's id on the axis and when it started (UTC) under it."
)


class Point(NamedTuple):
    """One run's value in one series; ``value`` None is a gap (the series did not run there)."""

    time: float  # seconds since the epoch
    value: float | None
    run: int
    about: str  # the tooltip's words after the run and the value: when, which commit, which selection
    commit: str  # the short commit, printed under the run's label when there is room


class Tick(NamedTuple):
    x: float
    label: str
    under: str  # a second line: what the label leaves out (the date, the run and its commit)
    time: float
    run: int | None = None  # a tick of one run


class Axis(NamedTuple):
    """The x axis that time charts share, so that a run is at the same place in each."""

    place: dict[int, float]  # run id -> x
    ticks: list[Tick]
    marks: list[float]  # a short mark for each run without a tick, on an axis of runs
    note: str  # how to read it, when it is not time to scale


def epoch(started: str) -> float:
    """Seconds since the epoch of an ISO 8601 time; one without a zone is taken as UTC, as the history writes it.
    (All times here are UTC, as struct_time from ``time.gmtime``: no time zone object to differ between Pythons.)"""
    if started.endswith("Z"):  # 3.10's fromisoformat does not read "Z"
        started = started[:-1] + "+00:00"
    return calendar.timegm(datetime.fromisoformat(started).utctimetuple())


def day_text(moment: float) -> str:
    when = time.gmtime(moment)
    return f"{MONTHS[when.tm_mon - 1]} {when.tm_mday}"


def when_text(moment: float, seconds: bool = False) -> str:
    return f"{day_text(moment)} {time.strftime('%H:%M:%S' if seconds else '%H:%M', time.gmtime(moment))}"


def iso_text(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(moment))


def tier_colours(tiers: Iterable[str]) -> dict[str, str]:
    """One colour per tier, in the order given, so that a tier's line, points and badges match on the page."""
    return {tier: COLOURS[number % len(COLOURS)] for number, tier in enumerate(dict.fromkeys(tiers))}


def value_ticks(high: float, most: int = 5) -> list[float]:
    """0 and a few round values (steps of 1, 2, 2.5 or 5 times a power of ten) up to one at or above ``high``."""
    high = high if high > 0 else 1.0
    rough = high / most
    power = 10 ** math.floor(math.log10(rough))
    step = next(factor * power for factor in (1, 2, 2.5, 5, 10) if factor * power >= rough - 1e-12)
    return [round(index * step, 10) for index in range(math.ceil(high / step - 1e-9) + 1)]


def decimals(step: float) -> int:
    """How many decimals tell the ticks of ``step`` apart (2.5 needs one, 0.05 two, 50 none)."""
    return next((digits for digits in range(7) if abs(round(step, digits) - step) < 1e-9), 6)


def time_ticks(start: float, end: float, most: int) -> list[tuple[float, str, str]]:
    """At most ``most`` ticks on round times between start and end (whole seconds, minutes, hours, UTC days or
    weeks): (time, label, line under it).

    The line under a label gives what the label leaves out: the date under a time of day, under the first tick and
    where the day changes; the year under the first day and where the year changes.
    """
    span = end - start
    step = next((step for step in TIME_STEPS if span / step <= most), math.ceil(span / most / DAY) * DAY)
    origin = MONDAY if step % (7 * DAY) == 0 else 0
    moment = math.ceil((start - origin) / step) * step + origin
    clock = "%H:%M:%S" if step < MINUTE else "%H:%M"
    ticks, previous = [], ""
    while moment <= end:
        if step < DAY:
            label, under = time.strftime(clock, time.gmtime(moment)), day_text(moment)
        else:
            label, under = day_text(moment), str(time.gmtime(moment).tm_year)
        ticks.append((moment, label, under if under != previous else ""))
        previous = under
        moment += step
    return ticks


def time_domain(times: list[float]) -> tuple[float, float]:
    """The span the x axis covers: at least ten minutes, so that one run, or a few close together, sit in the
    middle."""
    start, end = min(times), max(times)
    if end - start < SHORTEST_SPAN:
        middle = (start + end) / 2
        return middle - SHORTEST_SPAN / 2, middle + SHORTEST_SPAN / 2
    return start, end


def time_axis(points: Iterable[Point]) -> Axis:
    """The x axis of the runs of ``points``. Time to scale when no two runs' points overlap: a tick for each run
    (when, and the run's id and commit under it) when there is room for a label each, else ticks on round times,
    from seconds to weeks as the span needs. When some runs ran too close together to tell apart (twenty in a
    minute, or a burst among weeks of runs), ``run_order_axis``."""
    runs = sorted({(point.time, point.run, point.commit) for point in points})
    if not runs:
        return Axis({}, [], [], "")
    start, end = time_domain([moment for moment, _, _ in runs])
    left, width = LEFT + INSET, WIDTH - LEFT - RIGHT - 2 * INSET

    def x(moment: float) -> float:
        return left + width * (moment - start) / (end - start)

    spots = [x(moment) for moment, _, _ in runs]
    if any(b - a < POINT_ROOM for a, b in pairwise(spots)):
        return run_order_axis(runs)
    place = {run: spot for (_, run, _), spot in zip(runs, spots, strict=True)}
    if all(b - a >= LABEL_ROOM for a, b in pairwise(spots)):
        ticks = [
            Tick(spot, when_text(moment), f"run {run} {commit}".strip(), moment, run)
            for (moment, run, commit), spot in zip(runs, spots, strict=True)
        ]
    else:
        most = max(2, int((WIDTH - LEFT - RIGHT) // LABEL_ROOM))
        ticks = [Tick(x(moment), label, under, moment) for moment, label, under in time_ticks(start, end, most)]
    return Axis(place, ticks, [], "")


def run_order_axis(runs: list[tuple[float, int, str]]) -> Axis:
    """The runs (time, id, commit), oldest first, evenly spaced: a tick every few runs, as many as labels fit, with
    the run's id and, under it, when it started: the date under the first and where the day changes, seconds when
    two labelled runs started in the same minute. A short mark for each run between them."""
    left, width = LEFT + INSET, WIDTH - LEFT - RIGHT - 2 * INSET
    slot = width / max(len(runs) - 1, 1)
    place = {run: left + index * slot for index, (_, run, _) in enumerate(runs)}
    every = next((count for count in RUNS_PER_LABEL if count * slot >= LABEL_ROOM), len(runs))
    labelled = runs[::every]
    minutes = [int(moment // MINUTE) for moment, _, _ in labelled]
    seconds = any(a == b for a, b in pairwise(minutes))
    ticks, day = [], ""
    for moment, run, _ in labelled:
        clock = time.strftime("%H:%M:%S" if seconds else "%H:%M", time.gmtime(moment))
        when = clock if day_text(moment) == day else f"{day_text(moment)} {clock}"
        ticks.append(Tick(place[run], f"run {run}", when, moment, run))
        day = day_text(moment)
    marks = [place[run] for index, (_, run, _) in enumerate(runs) if index % every]
    return Axis(place, ticks, marks, RUN_ORDER_NOTE)


def empty_chart(title: str, chart_id: str, message: str) -> str:
    return (
        f'<figure class="chart empty" id="{chart_id}"><figcaption>{html.escape(title)}</figcaption>'
        f'<p class="none">{html.escape(message)}</p></figure>'
    )


def time_chart(
    title: str,
    chart_id: str,
    series: dict[str, list[Point]],
    *,
    unit: str,
    colours: dict[str, str],
    joined: Iterable[str] = (),
    axis: Axis | None = None,
    ceiling: float | None = None,
    height: int = 280,
    note: str = "",
    empty: str = "Nothing to draw yet.",
) -> str:
    """A chart of values over time. Series named in ``joined`` are lines, broken at every gap (a value of None);
    the others are points only. ``axis`` (``time_axis`` of every run) lets charts share one x axis; ``ceiling``
    fixes the top of the y axis (100 for percentages); ``height`` is in SVG units, as wide as 1040."""
    measured = [point for points in series.values() for point in points if point.value is not None]
    if not measured:
        return empty_chart(title, chart_id, empty)
    axis = axis or time_axis(point for points in series.values() for point in points)
    ticks = value_ticks(ceiling or max(point.value for point in measured) or 1.0)
    high = ceiling or ticks[-1]
    digits = decimals(ticks[1] - ticks[0]) if len(ticks) > 1 else 0

    def x(point: Point) -> float:
        return axis.place[point.run]

    def y(value: float) -> float:
        return TOP + (height - TOP - BOTTOM) * (1 - value / high)

    def shown(value: float) -> str:
        return f"{value:,.{digits}f}{unit}"

    parts = [
        f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
        f'<text class="tick y-tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{shown(tick)}</text>'
        for tick in ticks
    ]
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>')
    parts.extend(
        f'<line class="axis run-mark" x1="{mark:.1f}" x2="{mark:.1f}" y1="{y(0):.1f}" y2="{y(0) + 3:.1f}"/>'
        for mark in axis.marks
    )
    for tick in axis.ticks:
        run = "" if tick.run is None else f' data-run="{tick.run}"'
        parts.append(
            f'<line class="axis" x1="{tick.x:.1f}" x2="{tick.x:.1f}" y1="{y(0):.1f}" y2="{y(0) + 5:.1f}"/>'
            f'<text class="tick x-tick" x="{tick.x:.1f}" y="{y(0) + 18:.1f}" text-anchor="middle" '
            f'data-time="{iso_text(tick.time)}"{run}>{html.escape(tick.label)}</text>'
        )
        if tick.under:
            parts.append(
                f'<text class="tick x-under" x="{tick.x:.1f}" y="{y(0) + 32:.1f}" text-anchor="middle">'
                f"{html.escape(tick.under)}</text>"
            )
    joined = set(joined)
    for name, points in series.items():
        colour = colours.get(name, COLOURS[0])
        ordered = sorted(points, key=x)
        if name in joined:
            parts.extend(polylines(name, ordered, colour, x, y))
        parts.extend(
            f'<circle class="point{"" if name in joined else " alone"}" cx="{x(point):.1f}" '
            f'cy="{y(point.value):.1f}" r="3.5" fill="{colour}" data-series="{html.escape(name)}" '
            f'data-value="{point.value}" data-run="{point.run}">'
            f"<title>run {point.run}: {html.escape(name)} {point.value:,.3f}{unit}\n{html.escape(point.about)}</title>"
            "</circle>"
            for point in ordered
            if point.value is not None
        )
    return (
        f'<figure class="chart" id="{chart_id}"><figcaption>{html.escape(title)}</figcaption>'
        + (f'<p class="note">{html.escape(note)}</p>' if note else "")
        + f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{html.escape(title)}">{"".join(parts)}</svg>'
        + legend({name: colours.get(name, COLOURS[0]) for name, points in series.items() if drawn(points)}, joined)
        + "</figure>"
    )


def drawn(points: list[Point]) -> bool:
    return any(point.value is not None for point in points)


def polylines(name: str, points: list[Point], colour: str, x, y) -> list[str]:
    """One polyline per unbroken stretch of values: a gap ends the line, which never crosses it nor drops to 0.
    A stretch of one point has no line; its point stands alone."""
    stretches: list[list[Point]] = [[]]
    for point in points:
        if point.value is None:
            stretches.append([])
        else:
            stretches[-1].append(point)
    return [
        f'<polyline class="line" data-series="{html.escape(name)}" fill="none" stroke="{colour}" stroke-width="2" '
        f'points="{" ".join(f"{x(point):.1f},{y(point.value):.1f}" for point in stretch)}"/>'
        for stretch in stretches
        if len(stretch) > 1
    ]


def legend(colours: dict[str, str], joined: set[str]) -> str:
    return (
        '<div class="legend">'
        + "".join(
            f'<span><i class="swatch {"line" if name in joined else "dot"}" style="--colour:{colour}"></i>'
            f"{html.escape(name)}</span>"
            for name, colour in colours.items()
        )
        + "</div>"
    )


def seconds_text(value: float | None) -> str:
    """Seconds with the digits that matter at their size: 0.0123, 0.532, 12.30, 340.0."""
    if value is None:
        return ""
    if value < 0.01:
        return f"{value:.4f}"
    if value < 1:
        return f"{value:.3f}"
    return f"{value:.2f}" if value < 100 else f"{value:.1f}"


def tier_badge(tier: str | None, colours: dict[str, str]) -> str:
    """A tier's name in a pill of its colour; the colour comes from ``tier_style`` by class, which keeps 10,000 rows
    of the tests table lighter than a style attribute on each."""
    if not tier:
        return ""
    number = list(colours).index(tier) if tier in colours else None
    return f'<span class="tier{"" if number is None else f" t{number}"}">{html.escape(tier)}</span>'


def tier_style(colours: dict[str, str]) -> str:
    """The CSS that gives each tier's badges its colour (tiers are named by the project: a class by number)."""
    return "".join(f".tier.t{number} {{ --colour: {colour}; }}\n" for number, colour in enumerate(colours.values()))


def slowest_bars(title: str, tests: list[dict], colours: dict[str, str], empty: str) -> str:
    """The slowest tests: each whole node id (wrapped, never cut) with its tier, over a bar as long as its baseline
    relative to the slowest. HTML rather than SVG, because SVG text does not wrap."""
    if not tests:
        return (
            f'<section class="slowest"><h2>{html.escape(title)}</h2><p class="none">{html.escape(empty)}</p></section>'
        )
    high = max(test["baseline"] or 0 for test in tests) or 1.0
    items = "".join(
        '<li><div class="label">'
        f'{tier_badge(test["tier"], colours)}<code class="nodeid">{html.escape(test["nodeid"])}</code></div>'
        f'<div class="track"><span class="bar" style="width:{100 * (test["baseline"] or 0) / high:.2f}%" '
        f'data-value="{test["baseline"] or 0}"></span>'
        f'<span class="bar-value">{seconds_text(test["baseline"]) or "-"} s</span></div></li>'
        for test in tests
    )
    return f'<section class="slowest"><h2>{html.escape(title)}</h2><ol class="bars">{items}</ol></section>'


class Column(NamedTuple):
    title: str
    numeric: bool = False  # sorts numerically (by each cell's data-sort), empty cells last
    words: bool = False  # shows words though it sorts by number (speed): aligned left, as its cells
    about: str = ""  # what it shows: the header's tooltip, and a line of the legend under the table


def cell(text: object, sort: float | None = None, kind: str = "") -> str:
    """A table cell; ``sort`` is the number it sorts by when that is not its text (a rounded value, a speed)."""
    attributes = (f' class="{kind}"' if kind else "") + (f' data-sort="{sort}"' if sort is not None else "")
    return f"<td{attributes}>{text}</td>"


def text_cell(text: object, kind: str = "") -> str:
    return cell(html.escape("" if text is None else str(text)), kind=kind)


def number_cell(value: float | None, shown: str) -> str:
    """An empty cell for None: it sorts last, whichever the order. A cell that shows its value exactly sorts by its
    text, so it carries no data-sort (10,000 rows of them add up)."""
    if value is None:
        return '<td class="number"></td>'
    return cell(html.escape(shown), None if shown == str(value) else value, "number")


def table(
    caption: str,
    columns: list[Column],
    rows: list[tuple[dict[str, str], list[str]]],
    empty: str,
    *,
    table_id: str = "",
    controls: str = "",
    after: str = "",
    table_attributes: dict[str, str] | None = None,
) -> str:
    """A sortable table in its own section: ``rows`` are (attributes of the row, its cells made by ``*_cell``).
    ``controls`` go above the table (filters), ``after`` below it, ``table_attributes`` on the table element. Each
    column's ``about`` is its header's tooltip and a line of the legend under the table."""
    if not rows:
        return f"<section><h2>{html.escape(caption)}</h2><p class='none'>{html.escape(empty)}</p></section>"
    head = "".join(
        f'<th data-type="{"number" if column.numeric else "text"}" tabindex="0"'
        f"{' class=number' if column.numeric and not column.words else ''}"
        + (f' title="{html.escape(column.about)}"' if column.about else "")
        + f">{html.escape(column.title)}</th>"
        for column in columns
    )
    legend = "".join(
        f"<div><dt>{html.escape(column.title)}</dt><dd>{html.escape(column.about)}</dd></div>"
        for column in columns
        if column.about
    )
    body = "".join(
        "<tr" + "".join(f' {name}="{html.escape(value)}"' for name, value in attributes.items()) + ">"
        f"{''.join(cells)}</tr>"
        for attributes, cells in rows
    )
    identity = (f' id="{table_id}"' if table_id else "") + "".join(
        f' {name}="{html.escape(value)}"' for name, value in (table_attributes or {}).items()
    )
    return (
        f"<section><h2>{html.escape(caption)}</h2>{controls}"
        f'<div class="scroll"><table class="sortable"{identity}><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
        + (f'<dl class="columns">{legend}</dl>' if legend else "")
        + f"{after}</section>"
    )
