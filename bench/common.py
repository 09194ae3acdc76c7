"""Baking the project to measure, timing commands side by side, and writing the results."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.baking import UV, bake, clean_environment  # noqa: E402  (the template's own helpers)


@dataclass
class Section:
    title: str
    method: str
    rows: list[tuple[str, ...]] = field(default_factory=list)
    header: tuple[str, ...] = ("measure", "value")
    verdicts: list[str] = field(default_factory=list)

    def check(self, ok: bool, claim: str) -> None:
        self.verdicts.append(f"{'PASS' if ok else 'FAIL'}: {claim}")
        print(self.verdicts[-1], flush=True)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", self.method, "", "| " + " | ".join(self.header) + " |"]
        lines.append("|" + "---|" * len(self.header))
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        lines += ["", *[f"- {verdict}" for verdict in self.verdicts], ""]
        return "\n".join(lines)


def baked_project(folder: Path, **answers: str) -> Path:
    """Bake, install with the project's own `make setup`, and return the project directory."""
    project = bake(folder, **answers)
    run(["make", "setup", f"UV={UV}"], project)
    return project


def run(command: Sequence[str], cwd: Path, check: bool = True, **extra_env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(command), cwd=cwd, env=clean_environment(**extra_env), capture_output=True, text=True)
    if check and result.returncode not in (0, 5):
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout[-3000:]}{result.stderr}")
    return result


def pytest(project: Path, *args: str) -> list[str]:
    return [str(project / ".venv" / "bin" / "python"), "-m", "pytest", *args]


def timed(command: Sequence[str], cwd: Path, **extra_env: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = run(command, cwd, **extra_env)
    return time.perf_counter() - start, result


def side_by_side(contenders: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Run each contender once per round, in rotating order; each returns the seconds it measured (so that its
    own preparation is not timed). Return each one's median."""
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_number in range(rounds):
        order = names[round_number % len(names) :] + names[: round_number % len(names)]
        for name in order:
            seconds[name].append(contenders[name]())
        print(f"  round {round_number + 1}/{rounds}: " + ", ".join(f"{n} {seconds[n][-1]:.2f}s" for n in names))
    return {name: statistics.median(values) for name, values in seconds.items()}


def now_and_machine() -> tuple[str, str]:
    """When a measurement was taken (UTC, to the minute), and on what: for a section's method text."""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return when, f"{platform.system()} {platform.machine()}, {cores()} cores, Python {platform.python_version()}"


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
