"""A broken `config/test.yaml` stops the default project's `make test` at start-up with one message that names the
file, the line and the setting, serial and on xdist workers, instead of the same error once per test."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.baking import make

SETTING = "  max_retries: 2\n"
MESSAGE_START = "the test settings do not load: "


@dataclass(frozen=True)
class Breakage:
    id: str
    line: str  # what replaces SETTING in config/test.yaml
    problem: str  # what the message says after "config/test.yaml, line N: "

    def __str__(self) -> str:
        return self.id


BREAKAGES = [
    Breakage(
        "yaml-syntax",
        "  max_retries: [2\n",
        "'max_retries: [2' is not valid YAML (while parsing a flow sequence; expected ',' or ']', but got ':')",
    ),
    Breakage("invalid-value", "  max_retries: lots\n", "task_queue.max_retries must be a whole number, got 'lots'"),
]


@pytest.fixture(scope="module")
def project(installed_default_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the installed default project, so that breaking its configuration leaves the shared one alone."""
    copy = tmp_path_factory.mktemp("broken") / "project"
    return Path(shutil.copytree(installed_default_project, copy, symlinks=True))


@pytest.mark.parametrize("workers", ["", "-n 2"], ids=["serial", "xdist"])
@pytest.mark.parametrize("breakage", BREAKAGES, ids=str)
def test_a_broken_test_configuration_stops_the_run_with_one_message(
    installed_default_project: Path, project: Path, breakage: Breakage, workers: str
) -> None:
    text = (installed_default_project / "config" / "test.yaml").read_text(encoding="utf-8")
    assert text.count(SETTING) == 1, "config/test.yaml no longer sets task_queue.max_retries as this test expects"
    line = text[: text.index(SETTING)].count("\n") + 1
    (project / "config" / "test.yaml").write_text(text.replace(SETTING, breakage.line), encoding="utf-8")

    result = make(project, "test", args=workers)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert output.count(MESSAGE_START) == 1, output
    assert f"ERROR: {MESSAGE_START}config/test.yaml, line {line}: {breakage.problem}\n" in output, output
    assert len(output.splitlines()) < 20, output
    assert not re.search(r"\d+ (passed|failed|errors?|skipped)\b", output), f"tests ran:\n{output}"
