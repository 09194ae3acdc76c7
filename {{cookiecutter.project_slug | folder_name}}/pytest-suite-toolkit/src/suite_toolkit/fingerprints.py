"""What "the same code" and "the same environment" mean for flaky tests: a test is flaky when its own outcome changed
while both stayed the same.

- The code: the files of the project as they are on disk, committed or not. In a git repository git names them (the
  files it tracks and the ones it would, so generated and ignored files do not count) and its index gives the
  content of every unchanged file, so only changed files are read: about 10 ms for a thousand files, where reading
  them all cost 92 ms. Outside git, every file under the project except dot-folders and installed packages is read.
  ``analytics_code`` narrows it to the packages under test (folders or files); by default it is the whole project,
  which can only make "the same code" stricter.
- The environment: the Python, the platform and the installed distributions (names and versions, from their
  ``*.dist-info`` folder names: no file is read).

Files and folders whose name starts with "." are never "the code": the test history itself, testmon's data and
other tools' files change with every run. Nor is bytecode (``__pycache__``), which Python writes as the tests run,
in a repository that does not ignore it.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

SKIPPED_FOLDERS = {"__pycache__", "site-packages", "node_modules"}  # and every folder whose name starts with "."
GIT_TIMEOUT = 30  # seconds


class CodeVersion:
    """The commit, if any, and a fingerprint of the code (``code``: paths under ``root``; empty: all of it). Git
    starts at once, in the background, when the run starts (three processes: 15-40 ms that would otherwise be spent
    at its end); ``result()`` reads their answers: the code the run collected."""

    def __init__(self, root: Path, code: Sequence[str]) -> None:
        self.root, self.code = root, code
        self.index = git(root, "ls-files", "-z", "--stage", "--", *code)
        self.changed = git(root, "ls-files", "-z", "--modified", "--others", "--exclude-standard", "--", *code)
        self.commit = git(root, "rev-parse", "--verify", "--quiet", "HEAD")

    def result(self) -> tuple[str | None, str]:
        fingerprint = hashlib.sha1()
        listing = answer(self.index)
        if listing is None:  # not a git repository, or no git
            changed = sorted(walk(self.root, self.code))
        else:
            fingerprint.update(listing)  # mode, blob hash and path of each file in git's index
            changed = sorted(set((answer(self.changed) or b"").decode(errors="surrogateescape").split("\0")) - {""})
        for relative in changed:
            parts = relative.split("/")
            if any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts) or relative.endswith(".pyc"):
                continue  # the tools' own files (the history, testmon's data...) and bytecode: never the code
            path = self.root / relative
            content = path.read_bytes() if path.is_file() else b"(deleted)"
            fingerprint.update(relative.encode(errors="surrogateescape") + b"\0" + content)
        commit = (answer(self.commit) or b"").decode().strip() or None
        return commit, fingerprint.hexdigest()[:12]


def git(root: Path, *arguments: str) -> subprocess.Popen[bytes] | None:
    try:
        return subprocess.Popen(["git", *arguments], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:  # no git
        return None


def answer(process: subprocess.Popen[bytes] | None) -> bytes | None:
    """Git's output, or None outside a git repository (or without git)."""
    if process is None:
        return None
    try:
        output, _ = process.communicate(timeout=GIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None
    return output if process.returncode == 0 else None


def walk(root: Path, code: Sequence[str]) -> Iterator[str]:
    for top in [root / entry for entry in code] or [root]:
        if top.is_file():
            yield top.relative_to(root).as_posix()
            continue
        for folder, folders, files in os.walk(top):
            folders[:] = [f for f in folders if not f.startswith(".") and f not in SKIPPED_FOLDERS]
            for name in files:
                yield (Path(folder) / name).relative_to(root).as_posix()


def environment() -> str:
    """A fingerprint of the Python, the platform and the installed distributions."""
    fingerprint = hashlib.sha1(f"{sys.version} {platform.platform()} {sys.prefix}".encode())
    for entry in sys.path:
        if os.path.isdir(entry) and os.path.basename(entry) in ("site-packages", "dist-packages"):
            fingerprint.update("\0".join(sorted(n for n in os.listdir(entry) if n.endswith(".dist-info"))).encode())
    return fingerprint.hexdigest()[:12]
