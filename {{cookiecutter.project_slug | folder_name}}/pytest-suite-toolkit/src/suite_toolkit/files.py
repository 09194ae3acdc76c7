"""The machinery's own files when something is wrong with them: one rule for keeping a file aside."""

from __future__ import annotations

from pathlib import Path


def keep_aside(path: Path, why: str) -> Path:
    """Rename ``path`` to ``<name>.<why>`` (then ``-2``, ``-3``...: never over a file kept before) and return the
    new path. The user decides what to do with it; nothing is deleted."""
    aside = path.with_name(f"{path.name}.{why}")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.name}.{why}-{number}")
    path.rename(aside)
    return aside
