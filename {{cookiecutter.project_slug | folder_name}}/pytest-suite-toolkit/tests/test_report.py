"""The report (``python -m suite_toolkit.report``) drawn from a history written here, run by run; shard histories
merged; the CI summary."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from itertools import pairwise
from pathlib import Path

import pytest
from suite_toolkit.analysis import Measurement, Run, regressions
from suite_toolkit.fingerprints import tree_of
from suite_toolkit.history import History
from suite_toolkit.report.__main__ import main
from suite_toolkit.report.axes import LABEL_ROOM, POINT_ROOM, RUN_ORDER_NOTE, Point, time_axis
from suite_toolkit.report.data import collect
from suite_toolkit.report.page import render

NOV_14 = 1_700_000_000  # 2023-11-14T22:13:20+00:00


def measurement(nodeid: str, seconds: float, outcome: str = "passed") -> Measurement:
    return Measurement(nodeid, nodeid.split("/")[1], "main", outcome, call=seconds)


def record(history: History, number: int, measured: list[Measurement], selection: str = "full", **run) -> int:
    kind = Run(
        uid=uuid.uuid4().hex, batch=run.get("batch"), started=1_700_000_000 + number * 3600, commit_sha="abc1234",
        code_version=run.get("code", "same"), environment="env", mode="serial", selection=selection, seconds=1.0,
    )  # fmt: skip
    history.prepare()  # as the plugin does
    baselines = history.baselines(history.latest_runs(5, kind=kind.kind), calls=True)
    slower = regressions(measured, baselines, factor=2.0, floor=0.1, min_runs=3)
    return history.record(kind, measured, keep=50, slower=slower)


@pytest.fixture
def history(tmp_path: Path) -> History:
    """Five runs: a unit test that slows down in the last two runs, an integration test that fails once."""
    history = History(tmp_path / "history.db")
    for number in range(5):
        slow = 0.9 if number >= 3 else 0.2
        flaky = "failed" if number == 2 else "passed"
        measured = [
            measurement("tests/unit/test_a.py::test_slowed", slow),
            measurement("tests/unit/test_a.py::test_quick", 0.01),
            measurement("tests/integration/test_b.py::test_sometimes", 0.05, flaky),
        ]
        record(history, number, measured)
    return history


def test_the_data_has_every_run_tier_trend_regression_and_flaky_test(history: History) -> None:
    data = collect(history)

    assert [run["id"] for run in data["runs"]] == [1, 2, 3, 4, 5]
    assert [run["pass_rate"] for run in data["runs"]] == [100.0, 100.0, 66.67, 100.0, 100.0]
    assert [run["tiers"] for run in data["runs"]][3:] == [
        {"integration": 0.05, "unit": 0.91},
        {"integration": 0.05, "unit": 0.91},
    ]
    assert data["runs"][0]["started"] == "2023-11-14T22:13:20+00:00"
    assert data["regressions"] == [
        {"nodeid": "tests/unit/test_a.py::test_slowed", "tier": "unit", "seconds": 0.9, "baseline": 0.2, "factor": 4.5}
    ]
    assert data["flaky"] == [
        {"nodeid": "tests/integration/test_b.py::test_sometimes", "tier": "integration", "times": 1, "last_run": 3,
         "new": False, "quarantined": False}
    ]  # fmt: skip
    assert data["slowest"][0]["nodeid"] == "tests/unit/test_a.py::test_slowed"
    assert data["speeds"] == {"fast": 2, "medium": 1, "slow": 0}
    sometimes = next(test for test in data["tests"] if test["nodeid"].endswith("test_sometimes"))
    assert sometimes == {
        "nodeid": "tests/integration/test_b.py::test_sometimes", "tier": "integration", "baseline": 0.05,
        "baseline_runs": 4, "speed": "fast", "last_outcome": "passed", "runs": 5, "passed": 4, "pass_rate": 80.0,
        "flaky": 1,
    }  # fmt: skip


def test_a_test_that_no_longer_exists_leaves_the_report_after_a_full_run(history: History) -> None:
    renamed = [
        measurement("tests/unit/test_a.py::test_slowed", 0.2),
        measurement("tests/unit/test_a.py::test_new", 0.3),
    ]
    record(history, 5, renamed[:1], selection="partial")
    partial = collect(history)
    record(history, 6, renamed)
    full = collect(history)

    assert len(partial["tests"]) == 3  # a partial run says nothing about the tests it did not run
    assert {test["nodeid"].split("::")[1] for test in full["tests"]} == {"test_slowed", "test_new"}
    assert full["speeds"] == {"fast": 0, "medium": 2, "slow": 0}
    assert full["flaky"] == []  # test_sometimes is gone


def test_a_partial_run_is_apart_and_a_tier_it_did_not_run_is_absent(history: History) -> None:
    record(history, 5, [measurement("tests/unit/test_a.py::test_quick", 0.01)], selection="partial")

    latest = collect(history)["runs"][-1]

    assert (latest["full"], latest["selection"], latest["tiers"]) == (False, "partial", {"unit": 0.01})


def test_shard_histories_merge_into_one_history_and_their_runs_into_one(history: History, tmp_path: Path) -> None:
    shards = []
    for group in range(1, 5):  # each CI shard restores the same history and records its part into its copy
        shard = tmp_path / f"shard-{group}.db"
        shutil.copy(history.path, shard)
        tests = [measurement(f"tests/unit/test_{group}.py::test_{n}", 0.01) for n in range(3)]
        record(History(shard), 10 + group, tests, selection=f"shard {group}/4", batch="ci-run-7")
        shards.append(str(shard))
    merged = tmp_path / "merged.db"

    assert main(["--history", str(merged), "--merge", *shards, "--json", str(tmp_path / "data.json")]) == 0
    again = History(merged).merge([Path(shard) for shard in shards], keep=50)

    data = json.loads((tmp_path / "data.json").read_text(encoding="utf-8"))
    assert [run["id"] for run in data["runs"]] == [1, 2, 3, 4, 5, 6]  # the five before, the four shards as one
    assert data["runs"][-1] | {"started": None} == data["runs"][-1] | {
        "started": None, "selection": "4 of 4 shards", "full": True, "tests": 12, "passed": 12, "tiers": {"unit": 0.12}
    }  # fmt: skip
    assert again == []  # nothing new the second time


def test_the_summary_names_regressions_new_flaky_tests_and_time_per_tier(history: History, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier steps\n")

    assert main(["--history", str(history.path), "--summary", str(summary)]) == 0

    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier steps\n## Tests\n")  # appended, as $GITHUB_STEP_SUMMARY wants
    assert "| `tests/unit/test_a.py::test_slowed` | 0.9 | 0.2 | 4.5 |" in text
    assert "### New flaky tests\n\nNone." in text
    assert "| integration | 0.05 |\n| unit | 0.91 |" in text


def test_a_ci_run_that_recorded_nothing_gets_no_summary_of_an_older_run(history: History, tmp_path: Path) -> None:
    copy = tmp_path / "results" / "test-results-affected" / ".test-history.db"
    copy.parent.mkdir(parents=True)
    shutil.copy(history.path, copy)  # restored, and nothing ran: the job uploads the history as it found it
    summary = tmp_path / "summary.md"

    assert main(["--history", str(history.path), "--merge", str(tmp_path / "results"), "--summary", str(summary)]) == 0

    assert summary.read_text(encoding="utf-8") == (
        "## Tests\n\nNo run recorded in this run of the workflow (nothing selected, say).\n"
    )


def test_a_quarantined_failure_is_a_warning_and_another_failure_an_error(tmp_path: Path, capsys) -> None:
    history = History(tmp_path / "history.db")
    quarantined = measurement("tests/unit/test_a.py::test_known_flaky", 0.01, "failed")
    quarantined.quarantined = True
    record(history, 0, [quarantined, measurement("tests/unit/test_a.py::test_broken", 0.01, "failed")])

    assert main(["--history", str(history.path), "--annotate"]) == 0

    lines = capsys.readouterr().out.splitlines()
    warning = "::warning file=tests/unit/test_a.py,title=quarantined::tests/unit/test_a.py::test_known_flaky failed"
    assert f"{warning} (quarantined)" in lines
    assert (
        "::error file=tests/unit/test_a.py,title=failed::tests/unit/test_a.py::test_broken failed in the latest run"
        in lines
    )


def test_the_page_is_self_contained_and_holds_every_test(history: History, tmp_path: Path) -> None:
    page, data = tmp_path / "report.html", tmp_path / "report.json"

    assert main(["--history", str(history.path), "--html", str(page), "--json", str(data)]) == 0

    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing to fetch
    assert "tests/unit/test_a.py::test_slowed" in text
    assert json.loads(data.read_text(encoding="utf-8")) == collect(history)


def test_without_a_history_the_command_says_what_to_do(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--history", str(tmp_path / "missing.db"), "--html", str(tmp_path / "report.html")])

    assert exit_info.value.code == 2
    assert "does not exist yet: run the tests first" in capsys.readouterr().err


def test_a_history_of_an_older_format_is_set_aside_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    with __import__("sqlite3").connect(path) as db:
        db.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, started REAL)")

    record(History(path), 0, [measurement("tests/unit/test_a.py::test_quick", 0.01)])

    assert (tmp_path / "history.db.v1").exists()
    assert collect(History(path))["runs"][0]["tests"] == 1


def test_a_history_of_the_version_before_keeps_its_runs_and_merges(history: History, tmp_path: Path) -> None:
    before = tmp_path / "version-2.db"
    shutil.copy(history.path, before)
    with sqlite3.connect(before) as db:  # as version 2 wrote it: no tree_sha
        db.execute("ALTER TABLE runs DROP COLUMN tree_sha")
        db.execute("PRAGMA user_version = 2")
    merged = History(tmp_path / "merged.db")

    assert len(merged.merge([before], keep=50)) == 5
    assert [run["commit"] for run in collect(History(before))["runs"]] == ["abc1234"] * 5  # read in place
    assert not (tmp_path / "version-2.db.v2").exists()  # not set aside


def test_runs_and_pass_rate_count_the_same_runs_of_a_test(history: History) -> None:
    sometimes = measurement("tests/integration/test_b.py::test_sometimes", 0.05)
    skipped = measurement("tests/integration/test_b.py::test_sometimes", 0.0, "skipped")
    server_down = measurement("tests/integration/test_b.py::test_sometimes", 0.0, "server error")
    sometimes.reruns = 1  # failed, was rerun and passed: one run, passed
    for number, measured in enumerate((sometimes, skipped, server_down), start=5):
        record(history, number, [measured], selection="partial")

    tests = {test["nodeid"].split("::")[1]: test for test in collect(history)["tests"]}

    assert (tests["test_sometimes"]["runs"], tests["test_sometimes"]["passed"]) == (6, 5)  # 5 of the 6 it ran in
    assert tests["test_sometimes"]["pass_rate"] == 83.33
    for test in tests.values():
        assert test["pass_rate"] == round(100 * test["passed"] / test["runs"], 2)
    assert tests["test_sometimes"]["baseline_runs"] == 4  # the passing runs of the latest full runs: another count


def test_every_column_of_every_table_says_what_it_shows_in_its_header_and_under_the_table(history: History) -> None:
    page = render(collect(history, quarantine_after=1))

    headers = re.findall(r"<th [^>]*>([^<]+)</th>", page)
    explained = {title: about for about, title in re.findall(r'<th [^>]*title="([^"]+)"[^>]*>([^<]+)</th>', page)}
    assert {"runs", "pass %", "flaky", "baseline (s)", "times", "times flaky", "times slower"} <= set(headers)
    assert set(explained) == set(headers)  # every header has a tooltip
    legend = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert legend == explained  # and the same words in the legend under its table
    assert "in which it passed or failed" in legend["runs"]
    assert legend["pass %"] == "the share of those runs in which it passed"


def points(*times: float, commit: str = "abc1234") -> list[Point]:
    return [Point(moment, 1.0, run, "", commit) for run, moment in enumerate(times, start=1)]


def test_runs_too_close_together_to_draw_to_scale_are_drawn_in_order_with_their_ids() -> None:
    axis = time_axis(points(*(NOV_14 + 5 * number for number in range(20))))  # 20 runs in 100 seconds

    spots = [axis.place[run] for run in range(1, 21)]
    assert all(b - a >= POINT_ROOM for a, b in pairwise(spots))  # told apart, in the order they ran
    assert axis.note == RUN_ORDER_NOTE
    assert [tick.label for tick in axis.ticks] == [f"run {run}" for run in range(1, 21, 2)]
    assert [tick.under for tick in axis.ticks][:3] == ["Nov 14 22:13:20", "22:13:30", "22:13:40"]  # date, then time
    assert all(b.x - a.x >= LABEL_ROOM for a, b in pairwise(axis.ticks))
    assert len(axis.marks) == 10  # a mark for each run between the labelled ones


def test_a_burst_of_runs_among_weeks_of_runs_is_drawn_in_run_order() -> None:
    weeks = [NOV_14 + number * 86400 for number in range(14)]
    axis = time_axis(points(*weeks, *(weeks[-1] + 60 + 10 * number for number in range(5))))

    assert axis.note == RUN_ORDER_NOTE
    assert axis.ticks[0].under == "Nov 14 22:13:20"  # seconds: labelled runs of the burst share a minute
    unders = [tick.under for tick in axis.ticks]  # every other run: the date again where the day changes
    assert unders[-4:] == ["Nov 26 22:13:20", "Nov 27 22:14:20", "22:14:40", "22:15:00"]


@pytest.mark.parametrize(
    ("spacing", "label"),
    [(240, r"22:\d0|23:\d0"), (5400, r"\d\d:00"), (4 * 86400, r"[A-Z][a-z]{2} \d{1,2}")],
    ids=["runs in an hour: ticks every few minutes", "runs in a day: ticks on hours", "runs in weeks: days"],
)
def test_runs_to_scale_get_ticks_on_round_times_that_tell_them_apart(spacing: int, label: str) -> None:
    axis = time_axis(points(*(NOV_14 + spacing * number for number in range(15))))

    labels = [tick.label for tick in axis.ticks]
    assert axis.note == ""  # time to scale
    assert len(labels) >= 4
    assert len(set(labels)) == len(labels)
    assert all(re.fullmatch(label, text) for text in labels), labels
    assert axis.ticks[0].under in ("Nov 14", "Nov 15", "2023")  # what the label leaves out, under the first
    steps = {round(b.time - a.time) for a, b in pairwise(axis.ticks)}
    assert len(steps) == 1  # evenly spaced


def test_a_few_runs_get_a_label_each_with_the_run_and_its_commit() -> None:
    axis = time_axis(points(NOV_14, NOV_14 + 7200, NOV_14 + 4 * 3600, commit="abc1234"))

    assert [tick.label for tick in axis.ticks] == ["Nov 14 22:13", "Nov 15 00:13", "Nov 15 02:13"]
    assert [tick.under for tick in axis.ticks] == ["run 1 abc1234", "run 2 abc1234", "run 3 abc1234"]


def test_the_command_prints_the_page_s_absolute_path_and_its_address(history: History, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    assert main(["--history", str(history.path), "--html", "report.html", "--json", "report.json"]) == 0

    page = (tmp_path / "report.html").resolve()
    printed = capsys.readouterr().out.splitlines()
    assert f"wrote {page}" in printed
    assert f"open it in a browser: {page.as_uri()}" in printed
    assert f"wrote {page.with_suffix('.json')}" in printed


# The commit of a run

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "-c", "core.hooksPath="]


def git(folder: Path, *arguments: str) -> str:
    done = subprocess.run([*GIT, *arguments], cwd=folder, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def test_the_tree_of_the_files_on_disk_is_the_tree_git_would_commit(tmp_path: Path) -> None:
    files = {"a/b/c.py": "c", "a/b.py": "b", "a.b": "dot", "a-b": "dash", "a/x.py": "x", "tool.sh": "#!/bin/sh\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "link").symlink_to("a/b.py")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    (tmp_path / "a" / "b" / "c.py").unlink()  # a folder left empty
    (tmp_path / "a" / "x.py").write_text("changed, not staged")
    (tmp_path / "a-b").write_text("changed and staged")
    git(tmp_path, "add", "a-b")
    (tmp_path / "tool.sh").chmod(0o755)
    (tmp_path / "link").unlink()
    (tmp_path / "link").symlink_to("a/x.py")
    (tmp_path / "new.py").write_text("untracked: not in a commit of the tracked files")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "-t", "--cached", "--modified", "--deleted", "--stage", "--full-name", "--", ":/"],
        cwd=tmp_path / "a",  # the tests' folder, under the repository's top
        capture_output=True,
        check=True,
    ).stdout

    ours = tree_of(listing, tmp_path)

    git(tmp_path, "add", "-u")
    assert ours == git(tmp_path, "write-tree")


HOOK = """#!/bin/sh
exec "{python}" -m pytest -q -p no:cacheprovider
"""


def test_a_run_of_the_pre_commit_hook_names_the_commit_it_ran_for_not_the_one_before(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hook runs before git makes the commit: HEAD is the commit before. The run keeps the tree of its files,
    and the report finds the commit made of them."""
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_code="def test_one():\n    pass\n")
    project = pytester.path
    git(project, "init", "-q")
    git(project, "add", "tox.ini", "test_code.py")
    git(project, "commit", "-qm", "first")
    first = git(project, "rev-parse", "HEAD")
    assert pytester.runpytest_inprocess("-p", "no:cacheprovider").ret == 0  # a run of the first commit as it is
    hook = project / ".git" / "hooks" / "pre-commit"
    hook.write_text(HOOK.format(python=sys.executable))
    hook.chmod(0o755)
    pytester.makepyfile(test_code="def test_one():\n    pass\n\n\ndef test_two():\n    pass\n")
    git(project, "add", "test_code.py")
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "-c",
         f"core.hooksPath={hook.parent}", "commit", "-qm", "second"],
        cwd=project, check=True, capture_output=True,
    )  # fmt: skip
    second = git(project, "rev-parse", "HEAD")
    (project / "test_code.py").write_text("def test_one():\n    pass\n")  # changed again, never committed
    assert pytester.runpytest_inprocess("-p", "no:cacheprovider").ret == 0
    history = project / ".test-history.db"

    assert main(["--history", str(history), "--json", "data.json", "--html", "page.html", "--summary", "ci.md"]) == 0

    with sqlite3.connect(history) as db:
        recorded = db.execute("SELECT commit_sha, tree_sha IS NOT NULL FROM runs ORDER BY id").fetchall()
    assert recorded == [(first, 0), (first, 1), (second, 1)]  # HEAD when each ran: the hook's run saw the first
    runs = json.loads((project / "data.json").read_text(encoding="utf-8"))["runs"]
    assert [(run["commit"], run["uncommitted"]) for run in runs] == [(first, False), (second, False), (second, True)]
    page = (project / "page.html").read_text(encoding="utf-8")
    assert f"latest: run 3, commit {second[:7]} + uncommitted changes" in page
    assert f"commit {second[:7]}, partial" in page or f"commit {second[:7]}, full" in page  # the hook's run
    assert f"commit {second[:7]} + uncommitted changes: 1 test" in (project / "ci.md").read_text(encoding="utf-8")
