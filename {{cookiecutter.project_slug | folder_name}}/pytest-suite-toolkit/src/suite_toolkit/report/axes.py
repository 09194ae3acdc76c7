"""The axes of the report's charts: where each run goes on the x axis (to scale in time, or in the order the runs ran
when some ran too close together to draw apart), the ticks and their labels, and round steps for the values.
Plain numbers and text: ``charts`` draws them.
"""

from __future__ import annotations

import calendar
import math
import time
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise
from typing import NamedTuple

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
