"""What makes every start of pytest cost more than it needs to, said once per run, by the process that reports.

``PYTHONDONTWRITEBYTECODE`` (often set in Docker images, to keep ``.pyc`` files out of a layer) keeps Python from
writing its bytecode cache, and pytest from writing the modules it rewrites for ``assert``: every start, and every
xdist worker, compiles again each module it imports and rewrites again each test module, conftest and plugin.
"""

from __future__ import annotations

import os
import sys

import pytest

COST = "so every pytest start and xdist worker compiles all it imports again, several times slower"
FIX = "run `unset PYTHONDONTWRITEBYTECODE` in this shell, or start one command with `PYTHONDONTWRITEBYTECODE=` (empty)"


def summary_lines(config: pytest.Config) -> list[str]:
    """The lines for the end of the run; none from an xdist worker (one line per run, not one per worker)."""
    if hasattr(config, "workerinput") or not sys.dont_write_bytecode:
        return []
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return [f"python -B: no compiled module is kept, {COST}"]
    return [f"PYTHONDONTWRITEBYTECODE is set: no compiled module is kept, {COST}; {FIX}"]
