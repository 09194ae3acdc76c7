"""The suite's own plugins: testmon's view of non-Python inputs, and the worker count for `-n auto`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.plugins.testmon_inputs import import_time_digest, inputs_digest
from tests.plugins.workers import workers_for

# The inner runs have no configuration of their own: keep installed plugins' advice about it out of the output.
INNER_RUN = ("-W", "ignore::pytest.PytestDeprecationWarning")


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


@pytest.mark.parametrize(
    ("seconds", "cores", "workers"),
    [(0, 2, 0), (15.9, 2, 0), (16, 2, 2), (100, 2, 2), (100, 8, 8), (40, 8, 5), (16, 1, 0)],
)
def test_workers_need_enough_measured_work_and_cores(seconds: float, cores: int, workers: int) -> None:
    assert workers_for(seconds, cores) == workers


def test_n_auto_stays_serial_and_says_why_without_durations(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one(): pass")

    result = pytester.runpytest(*INNER_RUN, "-p", "tests.plugins.workers", "-n", "auto")

    result.stdout.fnmatch_lines(["xdist workers (-n auto): serial: no .test_durations yet*", "*1 passed*"])


def test_n_auto_stays_serial_for_a_small_measured_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one(): pass")
    pytester.path.joinpath(".test_durations").write_text(json.dumps({"test_one.py::test_one": 3.5}))

    result = pytester.runpytest(*INNER_RUN, "-p", "tests.plugins.workers", "-n", "auto")

    result.stdout.fnmatch_lines(["xdist workers (-n auto): serial: 3.5 s measured, * cores", "*1 passed*"])


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
