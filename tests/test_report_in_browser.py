"""`make test-report` in a baked project gives a page that a real browser (Debian's Chromium, headless, driven by
Playwright) renders without a console error, with charts drawn from the project's own test history."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.baking import execute, make


@pytest.fixture(scope="module")
def made_report(installed_default_project: Path) -> tuple[Path, str]:
    """The page `make test-report` wrote, and what it printed."""
    project = installed_default_project
    seeded = project / "tests" / "unit" / "test_seeded_flaky.py"  # fails once, then passes: a flaky test to show
    seeded.write_text('import os\n\n\ndef test_fails_when_told():\n    assert os.environ.get("FAIL_NOW") != "1"\n')
    try:
        for outcome, env in ((1, {"FAIL_NOW": "1"}), (0, {})):
            python = str(project / ".venv" / "bin" / "python")
            result = execute([python, "-m", "pytest", "-q", str(seeded)], project, **env)
            assert result.returncode == outcome, result.stdout[-3000:]
        result = make(project, "test-all", args="-q -p no:randomly")  # a full run: the tests that exist now
        assert result.returncode == 0, result.stdout[-3000:]
    finally:
        seeded.unlink()
    for _ in range(2):  # two runs of the unit tier: partial runs
        result = make(project, "test-unit", args="-q")
        assert result.returncode == 0, result.stdout[-3000:]
    result = make(project, "test-report")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "test-report.html", result.stdout


@pytest.fixture(scope="module")
def report_page(made_report: tuple[Path, str]) -> Path:
    return made_report[0]


@pytest.fixture
def page(browser, report_page: Path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.errors = []
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(report_page.as_uri())
    yield page
    page.close()


def section(page, heading: str):
    return page.locator("section", has=page.locator("h2", has_text=heading))


def test_make_test_report_prints_where_the_page_is_in_full(made_report: tuple[Path, str]) -> None:
    page, printed = made_report
    assert f"wrote {page.resolve()}" in printed.splitlines()
    assert f"open it in a browser: {page.resolve().as_uri()}" in printed.splitlines()


def test_the_page_renders_without_an_error(page) -> None:
    assert page.evaluate("document.body.dataset.ready") == "true"  # its script ran to the end
    assert page.errors == []
    assert page.title() == "Test report"


def test_full_and_partial_runs_are_drawn_apart_with_time_on_the_x_axis(page) -> None:
    full, partial, pass_rate = (
        page.locator(f"figure#chart-{name}") for name in ("full-runs", "partial-runs", "pass-rate")
    )
    for chart in (full, partial, pass_rate):
        box = chart.locator("svg").bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 50
    assert full.locator('circle.point[data-series="unit"]').count() >= 1  # the test-all run
    assert partial.locator('circle.point[data-series="unit"]').count() >= 2  # the two test-unit runs
    assert partial.locator("polyline").count() == 0  # partial runs are points, never lines
    assert all(float(value) > 0 for value in full.locator("circle.point").evaluate_all(
        "points => points.map(point => point.dataset.value)"))  # fmt: skip
    axis = full.locator("text.x-tick, text.x-under").all_text_contents()  # SVG text has no innerText
    assert any(re.search(r"[A-Z][a-z]{2} \d{1,2}", label) for label in axis), axis  # "Nov 24": a date, under or in
    assert pass_rate.locator("text.y-tick").all_text_contents()[-1] == "100%"


def test_the_flaky_test_is_listed_and_every_table_sorts_without_an_error(page) -> None:
    flaky = page.locator("table#flaky")
    assert "tests/unit/test_seeded_flaky.py::test_fails_when_told" in flaky.inner_text()
    headers = page.locator("table.sortable th")
    assert headers.count() >= 8
    for index in range(headers.count()):
        headers.nth(index).click()

    assert page.errors == []


def test_the_table_of_all_tests_sorts_by_baseline_and_filters_by_tier(page) -> None:
    table = page.locator("table#all-tests")
    column = [th.strip() for th in table.locator("th").all_inner_texts()].index("baseline (s)")

    def baselines() -> list[float]:
        cells = table.locator(f"tbody tr:not([hidden]) td:nth-child({column + 1})").all_inner_texts()
        return [float(cell) for cell in cells if cell.strip()]

    table.locator("th").nth(column).click()
    first = baselines()
    table.locator("th").nth(column).click()
    second = baselines()
    page.select_option("#filter-tier", "integration")
    tiers = set(table.locator("tbody tr:not([hidden]) td:nth-child(2)").all_inner_texts())

    assert len(first) >= 50
    assert sorted([first, second]) == [sorted(first), sorted(first, reverse=True)]
    assert tiers == {"integration"}
    assert page.errors == []


def test_a_screenshot_of_the_report_shows_it_drawn(page, tmp_path: Path) -> None:
    """The report as a person sees it (kept in the test's folder to look at): a page taller than the window."""
    shot = page.screenshot(full_page=True, path=tmp_path / "test-report.png")

    assert len(shot) > 50_000
    assert page.evaluate("document.documentElement.scrollHeight") > 900
