"""The report's time axis (``time_axis``): runs drawn to scale with ticks on round times, or in run order with
their ids when they are too close together to tell apart; labels that name the run and its commit."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from suite_toolkit.report.axes import LABEL_ROOM, POINT_ROOM, RUN_ORDER_NOTE, Point, time_axis

NOV_14 = 1_700_000_000  # 2023-11-14T22:13:20+00:00


def points(*times: float, commit: str = "abc1234") -> list[Point]:
    return [Point(moment, 1.0, run, "", commit) for run, moment in enumerate(times, start=1)]


def test_runs_too_close_together_to_draw_to_scale_are_drawn_in_order_with_their_ids() -> None:
    axis = time_axis(points(*(NOV_14 + 5 * number for number in range(20))))  # 20 runs in 100 seconds

    spots = [axis.place[run] for run in range(1, 21)]
    assert all(b - a >= POINT_ROOM for a, b in pairwise(spots))  # told apart, in the order they ran
    assert axis.note == RUN_ORDER_NOTE
    assert [tick.label for tick in axis.ticks] == [f"run {run}" for run in range(1, 21, 2)]
    assert [tick.under for tick in axis.ticks][:3] == ["Nov 14 22:13:20", "22:13:30", "22:13:40"]  # date, then time
    assert all(b.x - a.x >= LABEL_ROOM for a, b in pairwise(axis.ticks))
    assert len(axis.marks) == 10  # a mark for each run between the labelled ones


def test_a_burst_of_runs_among_weeks_of_runs_is_drawn_in_run_order() -> None:
    weeks = [NOV_14 + number * 86400 for number in range(14)]
    axis = time_axis(points(*weeks, *(weeks[-1] + 60 + 10 * number for number in range(5))))

    assert axis.note == RUN_ORDER_NOTE
    assert axis.ticks[0].under == "Nov 14 22:13:20"  # seconds: labelled runs of the burst share a minute
    unders = [tick.under for tick in axis.ticks]  # every other run: the date again where the day changes
    assert unders[-4:] == ["Nov 26 22:13:20", "Nov 27 22:14:20", "22:14:40", "22:15:00"]


@pytest.mark.parametrize(
    ("spacing", "label"),
    [(240, r"22:\d0|23:\d0"), (5400, r"\d\d:00"), (4 * 86400, r"[A-Z][a-z]{2} \d{1,2}")],
    ids=["runs in an hour: ticks every few minutes", "runs in a day: ticks on hours", "runs in weeks: days"],
)
def test_runs_to_scale_get_ticks_on_round_times_that_tell_them_apart(spacing: int, label: str) -> None:
    axis = time_axis(points(*(NOV_14 + spacing * number for number in range(15))))

    labels = [tick.label for tick in axis.ticks]
    assert axis.note == ""  # time to scale
    assert len(labels) >= 4
    assert len(set(labels)) == len(labels)
    assert all(re.fullmatch(label, text) for text in labels), labels
    assert axis.ticks[0].under in ("Nov 14", "Nov 15", "2023")  # what the label leaves out, under the first
    steps = {round(b.time - a.time) for a, b in pairwise(axis.ticks)}
    assert len(steps) == 1  # evenly spaced


def test_a_few_runs_get_a_label_each_with_the_run_and_its_commit() -> None:
    axis = time_axis(points(NOV_14, NOV_14 + 7200, NOV_14 + 4 * 3600, commit="abc1234"))

    assert [tick.label for tick in axis.ticks] == ["Nov 14 22:13", "Nov 15 00:13", "Nov 15 02:13"]
    assert [tick.under for tick in axis.ticks] == ["run 1 abc1234", "run 2 abc1234", "run 3 abc1234"]
