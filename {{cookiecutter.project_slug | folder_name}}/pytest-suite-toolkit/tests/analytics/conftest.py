"""The analytics tests' suite (``analytics_suite.py``): three tests in the unit tier, timed by a fake clock."""

from __future__ import annotations

import pytest
from analytics_suite import FAKE_CLOCK, SUITE


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    folder = pytester.mkdir("tests") / "unit"
    folder.mkdir()
    (folder / "test_suite.py").write_text(SUITE, encoding="utf-8")
    pytester.makeconftest(FAKE_CLOCK)
    pytester.makeini("[pytest]\ntiers = tests/unit\n")
    return pytester
