"""A durations file (``workers_durations_file``) that ``-n auto`` cannot use never stops the tests: one warning names
the file and says its durations are ignored, and the run goes on, as it would without the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

XDIST = ("-p", "xdist", "-n", "auto")


def text(content: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(content)


BROKEN = {
    "garbage": (text("durations, not JSON"), "not JSON (Expecting value: line 1 column 1 (char 0))"),
    "truncated": (text('{"test_one.py::test_one": 1.'), "not JSON (Expecting * (char 27))"),
    "a list": (text("[1.0, 2.0]"), "not a JSON object of test ids and seconds"),
    "text seconds": (text('{"test_one.py::test_one": "fast"}'), "test_one.py::test_one: 'fast' is not seconds"),
    "null seconds": (text('{"test_one.py::test_one": null}'), "test_one.py::test_one: None is not seconds"),
    "negative seconds": (text('{"test_one.py::test_one": -1}'), "test_one.py::test_one: -1 is not seconds"),
    "NaN seconds": (text('{"test_one.py::test_one": NaN}'), "test_one.py::test_one: nan is not seconds"),
    "infinite seconds": (text('{"test_one.py::test_one": 1e400}'), "test_one.py::test_one: inf is not seconds"),
    "not UTF-8": (lambda path: path.write_bytes(b"\xff\xfe{}"), "not UTF-8 text*"),
    "a directory": (Path.mkdir, "[[]Errno 21[]] Is a directory*"),
    "a symlink loop": (lambda path: path.symlink_to(path.name), "[[]Errno 40[]] Too many levels of symbolic links*"),
}


@pytest.mark.parametrize(("damage", "why"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_durations_file_is_one_warning_and_the_tests_run(
    pytester: pytest.Pytester, damage: Callable[[Path], None], why: str
) -> None:
    pytester.makepyfile("def test_one(): pass")
    damage(pytester.path / ".test_durations")

    result = pytester.runpytest(*XDIST)

    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "xdist workers (-n auto): serial: no test measured yet; *",
            f"*PytestWarning: .test_durations: {why}; -n auto ignores its durations",
        ]
    )


def test_a_durations_file_in_a_folder_is_named_by_its_path(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one(): pass")
    pytester.mkdir("ci").joinpath("durations.json").write_text("{")
    pytester.makeini("[pytest]\nworkers_durations_file = ci/durations.json\n")

    result = pytester.runpytest(*XDIST)

    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*PytestWarning: ci/durations.json: not JSON (*); -n auto ignores *"])
