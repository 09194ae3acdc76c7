"""The commit of a run, as the report names it: the tree of the files on disk is the tree git would commit, and
a run of the pre-commit hook names the commit it ran for, not the one before."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from suite_toolkit.fingerprints import tree_of
from suite_toolkit.report.__main__ import main

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
