"""SVG charts and HTML tables drawn from plain data, with nothing to fetch from the network."""

from __future__ import annotations

import html

COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"]


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
