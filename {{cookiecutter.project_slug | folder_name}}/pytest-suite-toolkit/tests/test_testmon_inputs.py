"""What pytest-testmon cannot trace, as digests: the files the tests read, and import-time code."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_toolkit.testmon_inputs import import_time_digest, inputs_digest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "test.yaml").write_text("task_queue:\n  max_retries: 2\n")
    (tmp_path / "tests" / "contract" / "data").mkdir(parents=True)
    (tmp_path / "tests" / "contract" / "data" / "sample.json").write_text("{}")
    (tmp_path / "uv.lock").write_text("version = 1\n")
    return tmp_path


def test_the_digest_is_stable_while_nothing_changes(project: Path) -> None:
    assert inputs_digest(project) == inputs_digest(project)


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("config/test.yaml", "task_queue:\n  max_retries: 3\n"),
        ("config/staging.yaml", "{}\n"),
        (".env.test", "DATABASE_URL_TEST=sqlite://\n"),
        ("tests/contract/data/sample.json", '{"changed": true}'),
        ("uv.lock", "version = 2\n"),
    ],
)
def test_the_digest_changes_with_any_input(project: Path, path: str, content: str) -> None:
    before = inputs_digest(project)
    (project / path).write_text(content)

    assert inputs_digest(project) != before


def test_the_digest_ignores_python_and_other_files(project: Path) -> None:
    before = inputs_digest(project)
    (project / "tests" / "test_new.py").write_text("def test(): pass\n")
    (project / "README.md").write_text("# changed\n")

    assert inputs_digest(project) == before


@pytest.fixture
def package(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(
        '"""Docs."""\nimport json\n\nLIMIT = 3\n\n\nclass Status:\n    DONE = "done"\n\n'
        "    def label(self, upper=False):\n        return self.DONE.upper() if upper else self.DONE\n"
    )
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("LIMIT = 3", "LIMIT = 4"),
        ('DONE = "done"', 'DONE = "finished"'),
        ("upper=False", "upper=True"),
        ("class Status:", "class Status(dict):"),
    ],
)
def test_import_time_code_changes_the_digest(package: Path, old: str, new: str) -> None:
    before = import_time_digest(package)
    source = (package / "app.py").read_text()
    (package / "app.py").write_text(source.replace(old, new))

    assert import_time_digest(package) != before


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("return self.DONE.upper() if upper else self.DONE", "return self.DONE"),  # testmon traces bodies
        ('"""Docs."""', '"""Other docs."""'),
        ("import json", "import json\nimport os"),
        ("\n\nclass Status", "\n\n\n\nclass Status"),
    ],
)
def test_function_bodies_docstrings_imports_and_layout_leave_it_alone(package: Path, old: str, new: str) -> None:
    before = import_time_digest(package)
    source = (package / "app.py").read_text()
    (package / "app.py").write_text(source.replace(old, new))

    assert import_time_digest(package) == before
