"""The project of ``history_project.py``, a pytester folder, for the history fault tests."""

from __future__ import annotations

import pytest
from history_project import SUITE


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_suite=SUITE)
    pytester.makeini("[pytest]\n")
    return pytester
