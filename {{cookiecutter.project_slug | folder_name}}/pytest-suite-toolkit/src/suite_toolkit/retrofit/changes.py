"""What ``apply`` changes in the working tree, recorded as it goes, so that ``verify`` can put it all back: git
reverts the tracked files (``apply`` starts from a clean tree), and the files and folders it created are removed."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


class PlanError(Exception):
    """The plan cannot be carried out as written, or the working tree is not clean; nothing was changed."""


@dataclass(frozen=True)
class SharedFixture:
    name: str
    defined_in: tuple[str, ...]  # paths relative to the root, as the plan names them (before the moves)
    module: str  # tests/fixtures/<name>.py


@dataclass
class Applied:
    """What ``apply`` did: enough to report it, and to put the working tree back."""

    moves: dict[str, str]  # file -> where it is now, relative to the root
    fixtures: list[SharedFixture]
    created_files: list[Path] = field(default_factory=list)
    created_folders: list[Path] = field(default_factory=list)
    settings_file: str = ""
    notes: list[str] = field(default_factory=list)  # what it did not do, for the user


def git(root: Path, *arguments: str) -> str:
    done = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True)
    if done.returncode:
        raise PlanError(f"git {' '.join(arguments)}: {done.stderr.strip()}")
    return done.stdout


def put_back(root: Path, applied: Applied) -> None:
    """The working tree as it was before ``apply``: tracked files from HEAD (apply started from a clean tree), the
    files and folders it created removed. No other untracked file is touched."""
    subprocess.run(["git", "reset", "--hard", "--quiet", "HEAD"], cwd=root, check=True)
    for path in applied.created_files:
        path.unlink(missing_ok=True)
    for folder in reversed(applied.created_folders):  # what the run after the move wrote there (bytecode) too
        shutil.rmtree(folder, ignore_errors=True)


def create(path: Path, text: str, applied: Applied) -> None:
    path.write_text(text, encoding="utf-8")
    applied.created_files.append(path)
