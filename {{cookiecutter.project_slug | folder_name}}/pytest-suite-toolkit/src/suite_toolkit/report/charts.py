"""SVG charts drawn from plain data, with nothing to fetch from the network: values over time on a shared axis
(``axes``), and bars of the slowest tests.

Everything here returns HTML text; every piece of data goes through ``html.escape`` on its way in (node ids can hold
``<``, quotes or ``</script>``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from suite_toolkit.report.axes import (
    BOTTOM,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    Axis,
    Point,
    decimals,
    iso_text,
    time_axis,
    value_ticks,
)
from suite_toolkit.report.tables import seconds_text, tier_badge

COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"]


def tier_colours(tiers: Iterable[str]) -> dict[str, str]:
    """One colour per tier, in the order given, so that a tier's line, points and badges match on the page."""
    return {tier: COLOURS[number % len(COLOURS)] for number, tier in enumerate(dict.fromkeys(tiers))}


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

    parts = value_grid(ticks, y, shown) + run_axis(axis, y)
    joined = set(joined)
    for name, points in series.items():
        parts += series_marks(name, sorted(points, key=x), name in joined, colours.get(name, COLOURS[0]), x, y, unit)
    return (
        f'<figure class="chart" id="{chart_id}"><figcaption>{html.escape(title)}</figcaption>'
        + (f'<p class="note">{html.escape(note)}</p>' if note else "")
        + f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{html.escape(title)}">{"".join(parts)}</svg>'
        + legend({name: colours.get(name, COLOURS[0]) for name, points in series.items() if drawn(points)}, joined)
        + "</figure>"
    )


def value_grid(ticks: list[float], y, shown) -> list[str]:
    """The horizontal grid lines at the value ticks, with their labels on the left."""
    return [
        f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
        f'<text class="tick y-tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{shown(tick)}</text>'
        for tick in ticks
    ]


def run_axis(axis: Axis, y) -> list[str]:
    """The x axis at value 0: its ticks and labels (the date or the run under them) and a mark for each other run."""
    parts = [f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>']
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
    return parts


def series_marks(name: str, ordered: list[Point], joined: bool, colour: str, x, y, unit: str) -> list[str]:
    """One series: its points, with their tooltips, on lines when ``joined``."""
    lines = polylines(name, ordered, colour, x, y) if joined else []
    return lines + [
        f'<circle class="point{"" if joined else " alone"}" cx="{x(point):.1f}" '
        f'cy="{y(point.value):.1f}" r="3.5" fill="{colour}" data-series="{html.escape(name)}" '
        f'data-value="{point.value}" data-run="{point.run}">'
        f"<title>run {point.run}: {html.escape(name)} {point.value:,.3f}{unit}\n{html.escape(point.about)}</title>"
        "</circle>"
        for point in ordered
        if point.value is not None
    ]


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
