"""HTML tables the page's script sorts and filters, and the cells and badges in them.

Everything here returns HTML text; every piece of data goes through ``html.escape`` on its way in.
"""

from __future__ import annotations

import html
from typing import NamedTuple


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
