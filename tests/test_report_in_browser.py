"""`make test-report` in a baked project gives a page that a real browser (Debian's Chromium, headless, driven by
Playwright) renders without a console error, with charts drawn from the project's own test history."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.baking import execute, make

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# A closed network refuses Chromium's background connections; without these flags it tries many at every start.
QUIET_CHROMIUM = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


@pytest.fixture(scope="module")
def report_page(installed_default_project: Path) -> Path:
    project = installed_default_project
    seeded = project / "tests" / "unit" / "test_seeded_flaky.py"  # fails once, then passes: a flaky test to show
    seeded.write_text('import os\n\n\ndef test_fails_when_told():\n    assert os.environ.get("FAIL_NOW") != "1"\n')
    try:
        for outcome, env in ((1, {"FAIL_NOW": "1"}), (0, {})):
            python = str(project / ".venv" / "bin" / "python")
            result = execute([python, "-m", "pytest", "-q", str(seeded)], project, **env)
            assert result.returncode == outcome, result.stdout[-3000:]
    finally:
        seeded.unlink()
    for _ in range(2):  # two runs of the unit tier recorded in the project's history
        result = make(project, "test-unit", args="-q")
        assert result.returncode == 0, result.stdout[-3000:]
    result = make(project, "test-report")
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "test-report.html"


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing; .ci/run installs Debian's chromium")
        pytest.skip("no Chromium here to render the report: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_CHROMIUM)
        yield chromium
        chromium.close()


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


def test_the_page_renders_without_an_error(page) -> None:
    assert page.evaluate("document.body.dataset.ready") == "true"  # its script ran to the end
    assert page.errors == []
    assert page.title() == "Test report"


def test_every_chart_is_drawn_with_data(page) -> None:
    charts = page.locator("figure.chart")
    assert charts.count() == 3
    for index in range(3):
        chart = charts.nth(index)
        box = chart.locator("svg").bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 50
        marks = chart.locator("circle.point, rect.bar")
        assert marks.count() >= 2
        values = [float(marks.nth(i).get_attribute("data-value")) for i in range(marks.count())]
        assert any(value > 0 for value in values)
    unit_points = page.locator('circle.point[data-series="unit"]')
    assert unit_points.count() >= 2  # one per recorded run of the unit tier


def test_every_table_header_sorts_without_an_error(page) -> None:
    flaky = section(page, "Flaky tests").locator("table.sortable")
    assert "tests/unit/test_seeded_flaky.py::test_fails_when_told" in flaky.inner_text()
    headers = page.locator("table.sortable th")
    assert headers.count() >= 4
    for index in range(headers.count()):
        headers.nth(index).click()

    assert page.errors == []


def test_a_table_sorts_by_a_column_when_its_header_is_clicked(page) -> None:
    table = section(page, "Slowest tests").locator("table.sortable")
    column = [th.strip() for th in table.locator("th").all_inner_texts()].index("baseline (s)")

    def baselines() -> list[float]:
        return [float(row.locator("td").nth(column).inner_text()) for row in table.locator("tbody tr").all()]

    table.locator("th").nth(column).click()
    descending = baselines()
    table.locator("th").nth(column).click()
    ascending = baselines()

    assert len(descending) >= 2
    assert descending == sorted(descending, reverse=True)
    assert ascending == sorted(ascending)
    assert page.errors == []
