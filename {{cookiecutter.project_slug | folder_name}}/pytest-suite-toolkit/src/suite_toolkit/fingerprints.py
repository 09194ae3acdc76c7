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

- The commit: HEAD when the run started is the commit a run tested only when git's files on disk were HEAD's. A run
  of changes not committed yet (``make test`` before ``git commit``, and every run of the pre-commit hook, which
  runs before the commit exists) tested the commit made of them afterwards, if any: so such a run also records the
  git tree of its files (what ``git commit -a`` would commit), and ``commits_made_of`` finds that commit later.
"""

from __future__ import annotations

import hashlib
import os
import platform
import stat
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

SKIPPED_FOLDERS = {"__pycache__", "site-packages", "node_modules"}  # and every folder whose name starts with "."
GIT_TIMEOUT = 30  # seconds
HOUR = 3600


class Code(NamedTuple):
    commit: str | None  # HEAD when the run started; None outside git or before the first commit
    tree: str | None  # the git tree of the files git tracks as they were on disk when not HEAD's (else None)
    version: str  # a fingerprint of the code (``analytics_code``), committed or not


class CodeVersion:
    """The commit, if any, and a fingerprint of the code (``code``: paths under ``root``; empty: all of it). Git
    starts at once, in the background, when the run starts (four processes: 15-40 ms that would otherwise be spent
    at its end); ``result()`` reads their answers: the code the run collected."""

    def __init__(self, root: Path, code: Sequence[str]) -> None:
        self.root, self.code = root, code
        self.index = git(root, "ls-files", "-z", "--stage", "--", *code)
        self.changed = git(root, "ls-files", "-z", "--modified", "--others", "--exclude-standard", "--", *code)
        self.head = git(root, "rev-parse", "--show-toplevel", "HEAD", "HEAD^{tree}")
        # Every file of the repository (from its top, whichever folder the tests run in), with those changed on disk
        # tagged: the files of the commit this run was made for.
        self.tracked = git(root, "ls-files", "-z", "-t", "--cached", "--modified", "--deleted", "--stage",
                           "--full-name", "--", ":/")  # fmt: skip

    def result(self) -> Code:
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
        head = (answer(self.head) or b"").decode(errors="surrogateescape").split("\n")
        tracked = answer(self.tracked)
        if len(head) < 3 or tracked is None:  # not in git, or no commit yet
            return Code(None, None, fingerprint.hexdigest()[:12])
        top, commit, commit_tree = head[:3]
        tree = tree_of(tracked, Path(top), hash_size=len(commit_tree) // 2)
        return Code(commit, None if tree == commit_tree else tree, fingerprint.hexdigest()[:12])


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


def tree_of(listing: bytes, top: Path, hash_size: int = 20) -> str | None:
    """The git tree of the files git tracks as they are on disk (what ``git add -u; git write-tree`` would write,
    without writing it), from ``git ls-files -z -t --cached --modified --deleted --stage`` at the top folder ``top``.
    None when there is none to tell: a merge conflict, a changed submodule. Files git would convert on the way in
    (line endings, LFS) give another tree than git's, which no commit has: the report then says "uncommitted"."""
    files: dict[bytes, tuple[bytes, bytes]] = {}
    changed: list[bytes] = []
    deleted: set[bytes] = set()
    for line in filter(None, listing.split(b"\0")):
        info, path = line.split(b"\t", 1)
        tag, mode, blob, stage = info.split(b" ")
        if stage != b"0" or (tag == b"C" and mode == b"160000"):
            return None
        if tag == b"C":  # changed on disk, or deleted
            changed.append(path)
        elif tag == b"R":  # deleted
            deleted.add(path)
        else:  # H, as in the index; S, outside a sparse checkout: as in the index too
            files[path] = (mode, bytes.fromhex(blob.decode()))
    algorithm = "sha1" if hash_size == 20 else "sha256"
    for path in deleted:
        files.pop(path, None)
    for path in set(changed) - deleted:
        on_disk = top / os.fsdecode(path)
        try:
            if on_disk.is_symlink():
                mode, content = b"120000", os.fsencode(os.readlink(on_disk))
            else:
                executable = on_disk.stat().st_mode & stat.S_IXUSR
                mode, content = (b"100755" if executable else b"100644"), on_disk.read_bytes()
        except OSError:  # deleted
            files.pop(path, None)
            continue
        files[path] = (mode, hashlib.new(algorithm, b"blob %d\0" % len(content) + content).digest())
    root: dict = {}
    for path, entry in files.items():
        *folders, name = path.split(b"/")
        folder = root
        for part in folders:
            folder = folder.setdefault(part, {})
        folder[name] = entry
    return tree_hash(root, algorithm).hex()


def tree_hash(folder: dict, algorithm: str) -> bytes:
    """A git tree object's id: its entries in git's order (a folder sorts as its name followed by "/")."""
    entries = []
    for name, entry in folder.items():
        if isinstance(entry, dict):
            entries.append((name + b"/", b"40000 " + name + b"\0" + tree_hash(entry, algorithm)))
        else:
            entries.append((name, entry[0] + b" " + name + b"\0" + entry[1]))
    body = b"".join(text for _, text in sorted(entries))
    return hashlib.new(algorithm, b"tree %d\0" % len(body) + body).digest()


def commits_made_of(root: Path, runs: Iterable[tuple[str | None, str, float]]) -> dict[tuple[str | None, str], str]:
    """For runs of changes not committed then, as (HEAD then, the tree of their files, when they started): the
    commit made of exactly those files (the same tree) on top of that HEAD (the commit a pre-commit hook's run was
    for), else the first made of them after the run (rebased, say). Only branches, tags and HEAD count: a stash has
    the tree of the changes too. A run whose files went into no commit is not in the answer."""
    started: dict[tuple[str | None, str], float] = {}
    for base, tree, moment in runs:
        started[(base, tree)] = min(moment, started.get((base, tree), moment))
    if not started:
        return {}
    since = int(min(started.values()) - HOUR)  # a commit made before the run is not made of its files
    log = git(root, "log", "--branches", "--tags", "--remotes", "HEAD", "--reverse", f"--since=@{since}",
              "--format=%H %T %ct %P")  # fmt: skip
    by_tree: dict[str, list[tuple[str | None, str]]] = {}
    for base, tree in started:
        by_tree.setdefault(tree, []).append((base, tree))
    on_top, after = {}, {}
    for line in (answer(log) or b"").decode().splitlines():  # oldest first
        commit, tree, when, *parents = line.split()
        for run in by_tree.get(tree, []):
            if run[0] in parents or (run[0] is None and not parents):
                on_top.setdefault(run, commit)
            elif int(when) >= started[run] - HOUR:  # a clock off by a little
                after.setdefault(run, commit)
    return after | on_top


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
