"""The flat suite of ``flat_suite.py``, committed in a real git repository, for ``test_apply.py`` and
``test_verify.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from flat_suite import DATABASE_TESTS, PYPROJECT, QUEUE_TESTS, SERVER_TESTS, commit, git


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A flat suite, committed: a fixture defined twice, a test module importing another, a test that connects."""
    root = tmp_path / "flat"
    files = {
        "pyproject.toml": PYPROJECT,
        "tests/__init__.py": "",
        "tests/test_01_database.py": DATABASE_TESTS,
        "tests/test_02_queue.py": QUEUE_TESTS,
        "tests/test_server.py": SERVER_TESTS,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "init", "--quiet")
    git(root, "add", ".")
    commit(root, "the flat suite")
    (root / "notes.txt").write_text("the user's own untracked file\n")
    return root
