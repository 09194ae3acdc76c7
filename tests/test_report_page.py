"""The report page (``page.render``) in a real browser (Debian's Chromium, headless, driven by Playwright), fed
with sample data shaped like ``data.collect()``: two weeks of full and partial runs, tiers that did not always run,
long parametrized node ids with "/" and "<", flaky tests and regressions; and 10,000 tests for the filter's speed."""

from __future__ import annotations

import json
import random
import re
import sys
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from tests.baking import PROJECT_TEMPLATE

# The page is plain Python with no dependency: imported from the template's source, not installed (installed, the
# package's pytest plugin would load into this suite).
sys.path.insert(0, str(PROJECT_TEMPLATE / "pytest-suite-toolkit" / "src"))
from suite_toolkit.report.page import render

START = datetime.fromisoformat("2026-11-10T01:00:00+00:00")
TIERS = ("unit", "integration", "e2e")
LONG_ID = (
    "tests/e2e/test_checkout_flow.py::test_checkout_completes_for_every_payment_method_and_shipping_address["
    "card/visa-3ds/eu-billing/<new customer>-express-shipping-to/a/very/long/path/segment/that/keeps/going"
    "-and-going-with-unicode-é-and-a-few-more-words-to-need-two-lines]"
)
MARKUP_ID = "tests/unit/test_escape.py::test_renders[\"</script><b>bold</b>\" & 'quoted' <!-- comment]"
PARTIAL = [("unit only", ("unit",)), ("-m smoke", TIERS), ("shard 2/4", ("unit", "integration")), ("affected", ())]


def sample_runs(rng: random.Random) -> list[dict]:
    """60 runs over two weeks; two in three are full. e2e did not run in full runs 21 to 25 (its server was down),
    integration not in full run 43: gaps. Partial runs: one tier, a marker, a shard, affected tests only."""
    runs, moment = [], START
    for number in range(1, 61):
        moment += timedelta(minutes=rng.randint(200, 460))
        full = number % 3 != 2
        if full:
            selection, tiers = "full", dict.fromkeys(TIERS)
            if 21 <= number <= 25:
                del tiers["e2e"]
            if number == 43:
                del tiers["integration"]
        else:
            selection, ran = PARTIAL[number // 3 % len(PARTIAL)]
            tiers = dict.fromkeys(ran or rng.sample(TIERS, rng.randint(0, 2)))
        scale = 1.0 if full else 0.3
        seconds = {"unit": 4 + rng.random() * 2, "integration": 20 + rng.random() * 8, "e2e": 60 + rng.random() * 25}
        tiers = {tier: round(seconds[tier] * scale, 3) for tier in tiers}
        tests = 300 if full else 40 * len(tiers)
        failed = rng.choice([0, 0, 0, 1, 2, 5]) if tests else 0
        runs.append(
            {
                "id": number + 100,
                "started": moment.isoformat(timespec="seconds"),
                "commit": None if number % 17 == 0 else f"{rng.getrandbits(160):040x}",
                "code": f"{rng.getrandbits(48):012x}",
                "mode": rng.choice(["serial", "xdist 2", "xdist 4"]),
                "selection": selection,
                "full": full,
                "tests": tests,
                "passed": tests - failed,
                "failed": failed,
                "errors": 0,
                "server_errors": 0,
                "skipped": 0,
                "pass_rate": round(100 * (tests - failed) / tests, 2) if tests else None,
                "seconds": round(sum(tiers.values()), 3),
                "tiers": tiers,
            }
        )
    return runs


def sample_tests(rng: random.Random, count: int) -> list[dict]:
    tests = []
    for number in range(count):
        tier = TIERS[number % 3]
        nodeid = (
            f"tests/{tier}/test_module_{number % 40}.py::test_case_{number}[data/set-{number % 7}/<kind {number % 5}>]"
        )
        if number == 0:
            nodeid, tier = LONG_ID, "e2e"
        if number == 1:
            nodeid, tier = MARKUP_ID, "unit"
        baseline = (
            None if number % 23 == 5 else round({"unit": 0.05, "integration": 0.6, "e2e": 3}[tier] * rng.random(), 4)
        )
        if number == 0:
            baseline = 12.5  # the slowest (first among the slowest), and "12.5" sorts before "2.9" as text
        outcome = rng.choices(["passed", "failed", "error", "server error", "skipped"], [90, 4, 2, 2, 2])[0]
        flaky = rng.choice([0] * 12 + [1, 2, 3, 5])
        tests.append(
            {
                "nodeid": nodeid,
                "tier": tier,
                "baseline": baseline,
                "runs": rng.randint(1, 60),
                "speed": None
                if baseline is None
                else "fast"
                if baseline < 0.1
                else "medium"
                if baseline <= 1
                else "slow",
                "last_outcome": outcome,
                "pass_rate": None if outcome == "skipped" else round(100 - rng.random() * 10 * bool(flaky), 1),
                "flaky": flaky,
            }
        )
    return tests


def sample(count: int = 300, seed: int = 7) -> dict:
    """Data as ``data.collect()`` returns it (see NOTES.md for the contract)."""
    rng = random.Random(seed)
    runs, tests = sample_runs(rng), sample_tests(rng, count)
    timed = sorted((test for test in tests if test["baseline"] is not None), key=lambda test: -test["baseline"])
    flaky = [test for test in tests if test["flaky"]]
    return {
        "runs": runs,
        "speeds": {speed: sum(test["speed"] == speed for test in tests) for speed in ("fast", "medium", "slow")},
        "tests": tests,
        "slowest": timed[:15],
        "regressions": [
            {
                "nodeid": test["nodeid"],
                "tier": test["tier"],
                "seconds": round(test["baseline"] * 4, 4),
                "baseline": test["baseline"],
                "factor": 4.0,
            }
            for test in timed[20:24]
        ],
        "flaky": [
            {
                "nodeid": test["nodeid"],
                "tier": test["tier"],
                "times": test["flaky"],
                "last_run": 150 + n % 10,
                "new": n % 4 == 0,
                "quarantined": test["flaky"] >= 5,
            }
            for n, test in enumerate(flaky)
        ],
        "quarantine_candidates": [
            {"nodeid": test["nodeid"], "tier": test["tier"], "times": test["flaky"]}
            for test in flaky
            if test["flaky"] >= 3
        ],
        "quarantine_after": 3,
        "baseline_runs": 5,
    }


def empty_sample() -> dict:
    return {"runs": [], "speeds": {"fast": 0, "medium": 0, "slow": 0}, "tests": [], "slowest": [], "regressions": [],
            "flaky": [], "quarantine_candidates": [], "quarantine_after": 3, "baseline_runs": 5}  # fmt: skip


def open_report(browser, data: dict, folder: Path):
    """The page of ``data`` in a 1200x900 browser tab that collects console errors in ``page.errors``."""
    path = folder / "report.html"
    path.write_text(render(data), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.errors = []
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_function("document.body.dataset.ready === 'true'")
    return page


@pytest.fixture(scope="module")
def data() -> dict:
    return sample()


@pytest.fixture
def page(browser, data: dict, tmp_path: Path):
    page = open_report(browser, data, tmp_path)
    yield page
    page.close()


def section(page, heading: str):
    return page.locator("section", has=page.locator("h2", has_text=heading))


def visible_nodeids(page) -> list[str]:
    return page.eval_on_selector_all(
        "#all-tests tbody tr:not([hidden]) td:first-child", "cells => cells.map(cell => cell.textContent)"
    )


def test_the_page_renders_without_a_console_error(page) -> None:
    assert page.evaluate("document.body.dataset.ready") == "true"  # its script ran to the end
    assert page.errors == []
    assert page.title() == "Test report"
    assert page.locator("figure.chart svg").count() == 3


def test_the_x_axis_labels_are_dates_in_order_and_do_not_overlap(page) -> None:
    for chart in ("#chart-full-runs", "#chart-partial-runs", "#chart-pass-rate"):
        ticks = page.locator(f"{chart} text.x-tick")
        labels = ticks.all_text_contents()
        assert len(labels) >= 5, labels  # two weeks of runs
        assert all(
            re.fullmatch(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}", label) for label in labels
        )
        boxes = [ticks.nth(index).bounding_box() for index in range(ticks.count())]
        assert all(left["x"] + left["width"] < right["x"] for left, right in pairwise(boxes))
        times = [ticks.nth(index).get_attribute("data-time") for index in range(ticks.count())]
        assert times == sorted(times)


def test_the_y_axis_of_seconds_has_labelled_ticks_with_their_unit(page) -> None:
    labels = page.locator("#chart-full-runs text.y-tick").all_text_contents()
    assert 3 <= len(labels) <= 8
    assert all(label.endswith(" s") for label in labels)
    assert labels[0] == "0 s"


def test_the_full_runs_chart_has_a_point_for_every_full_run_and_none_for_partial_runs(page, data: dict) -> None:
    drawn = set(page.eval_on_selector_all("#chart-full-runs circle.point", "points => points.map(p => +p.dataset.run)"))
    full = {run["id"] for run in data["runs"] if run["full"]}
    partial = {run["id"] for run in data["runs"] if not run["full"]}
    assert drawn == full
    assert not drawn & partial
    values = page.eval_on_selector_all("#chart-full-runs circle.point", "points => points.map(p => +p.dataset.value)")
    assert min(values) > 0  # no tier dives to 0
    first = next(run for run in data["runs"] if run["full"])
    tooltip = page.locator(f'#chart-full-runs circle.point[data-run="{first["id"]}"] title').first.text_content()
    assert f"run {first['id']}" in tooltip
    assert first["commit"][:7] in tooltip
    assert first["commit"][:8] not in tooltip  # the short commit


def test_partial_runs_are_points_without_lines(page, data: dict) -> None:
    drawn = set(page.eval_on_selector_all("#chart-partial-runs circle.point", "ps => ps.map(p => +p.dataset.run)"))
    assert drawn == {run["id"] for run in data["runs"] if not run["full"] and run["tiers"]}
    assert page.locator("#chart-partial-runs polyline").count() == 0


def test_a_tier_that_did_not_run_breaks_its_line_into_separate_polylines(page, data: dict) -> None:
    def stretches(tier: str) -> int:
        """Unbroken stretches of two runs or more (a lone point has no line)."""
        lengths = [0]
        for run in (run for run in data["runs"] if run["full"]):
            lengths.append(lengths[-1] + 1 if tier in run["tiers"] else 0)
        ends = [length for length, following in zip(lengths, [*lengths[1:], 0], strict=True) if following == 0]
        return sum(length > 1 for length in ends)

    assert stretches("e2e") == 2  # e2e missed five full runs in the middle
    assert page.locator('#chart-full-runs polyline[data-series="e2e"]').count() == 2
    assert page.locator('#chart-full-runs polyline[data-series="integration"]').count() == stretches("integration") == 2
    assert page.locator('#chart-full-runs polyline[data-series="unit"]').count() == 1
    e2e = page.locator('#chart-full-runs circle.point[data-series="e2e"]').count()
    assert e2e == sum("e2e" in run["tiers"] for run in data["runs"] if run["full"])  # no point drawn for a gap


def test_the_pass_rate_axis_reads_from_0_to_100_percent(page, data: dict) -> None:
    ticks = page.locator("#chart-pass-rate text.y-tick")
    labels = ticks.all_text_contents()
    heights = [float(ticks.nth(index).get_attribute("y")) for index in range(ticks.count())]
    by_height = [label for _, label in sorted(zip(heights, labels, strict=True), reverse=True)]  # bottom first
    assert by_height[0] == "0%"
    assert by_height[-1] == "100%"
    assert all(label.endswith("%") for label in labels)
    values = page.eval_on_selector_all("#chart-pass-rate circle.point", "points => points.map(p => +p.dataset.value)")
    assert len(values) == sum(run["pass_rate"] is not None for run in data["runs"])  # null: no point
    assert all(0 <= value <= 100 for value in values)


def test_a_long_node_id_is_shown_whole_and_wraps(page) -> None:
    slowest = section(page, "Slowest tests")
    label = slowest.locator("code.nodeid").first
    assert label.text_content() == LONG_ID
    line = float(label.evaluate("element => getComputedStyle(element).lineHeight").removesuffix("px"))
    assert label.bounding_box()["height"] > 1.5 * line  # wrapped onto more lines, not cut
    assert slowest.locator("li").first.locator(".tier").text_content() == "e2e"
    bars = slowest.locator(".bar")
    widths = [bars.nth(index).bounding_box()["width"] for index in range(bars.count())]
    assert widths == sorted(widths, reverse=True)  # proportional to the baseline, slowest first
    assert widths[-1] < widths[0] / 2


def test_a_node_id_with_markup_is_text_and_the_embedded_data_reads_back(page, data: dict) -> None:
    cells = page.locator("#all-tests td.nodeid", has_text="test_escape.py")
    assert cells.count() == 1
    assert cells.first.text_content() == MARKUP_ID
    assert page.locator("#all-tests b").count() == 0  # the <b> in the id stayed text
    assert page.evaluate("JSON.parse(document.getElementById('report-data').textContent)") == json.loads(
        json.dumps(data)
    )


def test_sorting_by_baseline_orders_numerically_with_empty_cells_last(page) -> None:
    table = page.locator("#all-tests")
    column = table.locator("th").all_text_contents().index("baseline (s)")

    def baselines() -> list[str]:
        return table.locator(f"tbody tr td:nth-child({column + 1})").all_text_contents()

    table.locator("th").nth(column).click()
    descending = baselines()
    table.locator("th").nth(column).click()
    ascending = baselines()

    for order, reverse in ((descending, True), (ascending, False)):
        numbers = [float(text) for text in order if text]
        assert numbers == sorted(numbers, reverse=reverse)
        assert "" in order
        assert order.index("") == len(numbers)  # every empty cell after every number
    assert len(set(descending)) > 10
    assert page.errors == []


def test_every_table_sorts_when_a_header_is_clicked(page) -> None:
    for table_id in ("regressions", "flaky", "quarantine-candidates", "all-tests"):
        headers = page.locator(f"#{table_id} th")
        assert headers.count() >= 3
        for index in range(headers.count()):
            headers.nth(index).click()
            assert headers.nth(index).get_attribute("aria-sort") in ("ascending", "descending")
    times = page.locator("#flaky th", has_text="times")
    times.click()
    shown = [int(text) for text in page.locator("#flaky tbody td:nth-child(3)").all_text_contents()]
    assert shown == sorted(shown, reverse=(times.get_attribute("aria-sort") == "descending"))
    assert page.errors == []


def test_filtering_by_text_and_tier_changes_the_visible_rows_and_count(page, data: dict) -> None:
    count = page.locator("#tests-count")
    total = len(data["tests"])
    assert count.text_content() == f"{total} of {total} tests"

    page.fill("#filter-text", "TEST_MODULE_3.py")  # any case
    expected = [test["nodeid"] for test in data["tests"] if "test_module_3.py" in test["nodeid"]]
    assert sorted(visible_nodeids(page)) == sorted(expected)
    assert count.text_content() == f"{len(expected)} of {total} tests"

    page.select_option("#filter-tier", "integration")
    expected = [nodeid for nodeid in expected if "/integration/" in nodeid]
    assert 0 < len(expected) < total
    assert sorted(visible_nodeids(page)) == sorted(expected)
    assert count.text_content() == f"{len(expected)} of {total} tests"

    page.fill("#filter-text", "no such test")
    assert count.text_content() == f"0 of {total} tests"
    assert page.locator("#no-match").is_visible()
    assert page.errors == []


def test_the_cards_count_runs_and_alert_on_regressions_and_candidates(page, data: dict) -> None:
    def card(name: str):
        return page.locator(f'.card[data-card="{name}"]')

    assert card("runs recorded").locator("b").text_content() == "60"
    assert card("full runs").locator("b").text_content() == str(sum(run["full"] for run in data["runs"]))
    assert card("latest pass rate").locator("b").text_content().endswith("%")
    assert card("regressions").locator("b").text_content() == "4"
    assert "alert" in card("regressions").get_attribute("class")
    assert "alert" in card("quarantine candidates").get_attribute("class")
    assert card("slow tests").locator("b").text_content() == str(data["speeds"]["slow"])


def test_a_few_runs_get_a_label_each_with_the_run_and_its_commit_under_it(browser, tmp_path: Path) -> None:
    data = sample()
    data["runs"] = [run for run in data["runs"] if run["full"]][:4]
    page = open_report(browser, data, tmp_path)
    labels = page.locator("#chart-full-runs text.x-tick").all_text_contents()
    assert len(labels) == 4
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{1,2} \d\d:\d\d", label) for label in labels)
    commits = page.locator("#chart-full-runs text.x-under").all_text_contents()
    assert commits == [f"run {run['id']} {run['commit'][:7]}" for run in data["runs"]]
    assert page.locator("#chart-partial-runs").text_content().count("No partial run") == 1
    assert page.errors == []
    page.close()


def runs_close_together(count: int, seconds_apart: int) -> dict:
    """The sample with its runs moved to start ``seconds_apart`` one after another, on one morning."""
    data = sample()
    data["runs"] = data["runs"][:count]
    for number, run in enumerate(data["runs"]):
        run["started"] = (START + timedelta(seconds=seconds_apart * number)).isoformat(timespec="seconds")
    return data


def assert_apart(locator) -> None:
    boxes = [locator.nth(index).bounding_box() for index in range(locator.count())]
    assert all(left["x"] + left["width"] < right["x"] for left, right in pairwise(boxes))


def test_twenty_runs_in_a_minute_are_told_apart_by_their_ids_on_the_axis(browser, tmp_path: Path) -> None:
    data = runs_close_together(20, 3)
    page = open_report(browser, data, tmp_path)
    axis = page.locator("#chart-pass-rate text.x-tick")
    labels = axis.all_text_contents()
    assert labels == [f"run {run['id']}" for run in data["runs"]][::2]
    assert_apart(axis)
    assert_apart(page.locator("#chart-pass-rate text.x-under"))
    assert page.locator("#chart-pass-rate text.x-under").first.text_content() == "Nov 10 01:00:00"
    assert "in the order they ran" in page.locator("#axis-note").text_content()
    xs = page.eval_on_selector_all("#chart-pass-rate circle.point", "ps => ps.map(p => +p.getAttribute('cx'))")
    assert len(set(xs)) == len(xs) == 20  # a point of its own for each run
    assert page.errors == []
    page.close()


def test_runs_within_an_hour_get_ticks_every_few_minutes(browser, tmp_path: Path) -> None:
    page = open_report(browser, runs_close_together(12, 300), tmp_path)
    axis = page.locator("#chart-full-runs text.x-tick")
    labels = axis.all_text_contents()
    assert len(labels) >= 4
    assert all(re.fullmatch(r"01:\d\d", label) for label in labels), labels
    assert len(set(labels)) == len(labels)
    assert_apart(axis)
    assert page.locator("#chart-full-runs text.x-under").all_text_contents() == ["Nov 10"]  # the date, once
    assert page.locator("#axis-note").count() == 0  # to scale
    page.close()


def test_every_column_has_a_tooltip_and_a_line_in_the_legend_under_its_table(page) -> None:
    for table_id in ("regressions", "flaky", "quarantine-candidates", "all-tests"):
        headers = page.locator(f"#{table_id} th")
        titles = [headers.nth(index).get_attribute("title") for index in range(headers.count())]
        assert all(titles), table_id
        legend = page.locator("section", has=page.locator(f"#{table_id}")).locator("dl.columns")
        assert legend.is_visible()
        assert legend.locator("dt").all_text_contents() == headers.all_text_contents()
    lines = page.locator("section", has=page.locator("#all-tests")).locator("dl.columns div")
    legend = dict(zip(lines.locator("dt").all_text_contents(), lines.locator("dd").all_text_contents(), strict=True))
    assert legend["runs"].startswith("the runs in the test history")
    assert legend["pass %"] == "the share of those runs in which it passed"


def test_without_runs_every_part_says_what_to_do(browser, tmp_path: Path) -> None:
    page = open_report(browser, empty_sample(), tmp_path)
    assert "No full run yet: run the whole suite" in page.locator("#chart-full-runs").text_content()
    assert "No test recorded yet: run the tests." in section(page, "All tests").text_content()
    assert "No baselines yet" in section(page, "Slowest tests").text_content()
    assert page.locator("circle.point").count() == 0
    assert page.errors == []
    page.close()


TIMED_FILTER = """async (words) => {
    const field = document.getElementById("filter-text");
    const started = performance.now();
    field.value = words;
    field.dispatchEvent(new Event("input"));
    document.body.offsetHeight;  // the new layout, too
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));  // and its paint
    return performance.now() - started;
}"""


def test_filtering_10000_tests_updates_in_under_a_second(browser, tmp_path: Path) -> None:
    page = open_report(browser, sample(10_000), tmp_path)
    count = page.locator("#tests-count")
    assert count.text_content() == "10000 of 10000 tests"
    assert page.locator("#all-tests tbody tr:not([hidden])").count() == 500  # the first 500, said so
    assert page.locator("#tests-more").is_visible()

    narrowed = page.evaluate(TIMED_FILTER, "test_module_12.py")
    assert count.text_content() == "250 of 10000 tests"
    assert page.locator("#all-tests tbody tr:not([hidden])").count() == 250
    assert not page.locator("#tests-more").is_visible()
    cleared = page.evaluate(TIMED_FILTER, "")
    assert count.text_content() == "10000 of 10000 tests"

    assert narrowed < 1000
    assert cleared < 1000
    assert page.errors == []
    page.close()


def test_sorting_10000_tests_shows_the_first_rows_of_the_new_order(browser, tmp_path: Path) -> None:
    data = sample(10_000)
    page = open_report(browser, data, tmp_path)
    page.locator("#all-tests th", has_text="baseline (s)").click()
    shown = visible_nodeids(page)
    slowest = sorted((test for test in data["tests"] if test["baseline"] is not None), key=lambda t: -t["baseline"])
    assert len(shown) == 500
    assert shown[0] == LONG_ID
    assert {test["nodeid"] for test in slowest[:400]} <= set(shown)  # ties at the 500th row may go either way
    assert page.errors == []
    page.close()
