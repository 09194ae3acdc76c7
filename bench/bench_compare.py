"""How stable `make bench-compare` (suite-bench-compare) is on this machine: the default project's benchmarks timed
on HEAD and on the working tree side by side, with the working tree unchanged (every "slower" or "faster" is a
false alarm) and with `TaskQueue.claim_next` slowed on purpose by a known factor (is it caught, and at what
ratio?)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bench.common import UV, Section, now_and_machine, run
from tests.baking import GIT_IDENTITY, slow_down

UNCHANGED_COMPARISONS = 8
SLOWDOWNS = (1.1, 1.25, 1.5, 2.0)
CLAIMING = "test_claiming_from_a_queue_of_realistic_size"
ROW = re.compile(  # a row of the table the command prints
    r"^\| `(?P<name>[^`]+)` \| [^|]+ \| [^|]+ \| (?P<ratio>[\d.]+) \| (?P<low>[\d.]+) to (?P<high>[\d.]+) \| "
    r"\**(?P<verdict>\w+)\** \|$"
)


@dataclass(frozen=True)
class Compared:
    status: int
    rows: dict[str, tuple[float, float, float, str]]  # benchmark -> ratio, low, high, verdict


def compare(project: Path) -> Compared:
    done = run(["make", "bench-compare", f"UV={UV}"], project, check=False)
    if done.returncode not in (0, 2) or "| Benchmark |" not in done.stdout:  # make exits 2 when the command fails
        raise RuntimeError(f"make bench-compare did not compare:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    rows = {
        m["name"].rsplit("::", 1)[-1]: (float(m["ratio"]), float(m["low"]), float(m["high"]), m["verdict"])
        for m in map(ROW.match, done.stdout.splitlines())
        if m
    }
    return Compared(done.returncode, rows)


def measure(project: Path) -> Section:
    run(["git", "init", "--quiet"], project)
    run(["git", "add", "--all"], project)
    run(["git", "commit", "--quiet", "--no-verify", "--message", "as baked"], project, **GIT_IDENTITY)
    when, machine = now_and_machine()
    section = Section(
        "Benchmarks compared side by side: false alarms and the smallest slowdown caught",
        f"{__doc__.strip()} Each comparison is one `make bench-compare` with its defaults (8 alternating rounds, "
        "threshold 1.25, each benchmark's fastest repetition per round, a 95% bootstrap interval of the ratio); a "
        "slowdown is a busy wait appended to `claim_next` that makes each call take the factor times its own time. "
        f"Measured {when} on {machine}, the machine shared with other jobs.",
        header=(
            "working tree",
            "comparisons",
            "flagged",
            "claiming: ratio (95% interval)",
            "widest interval of the others",
        ),
    )
    unchanged = [compare(project) for _ in range(UNCHANGED_COMPARISONS)]
    flagged = sum(any(row[3] != "unchanged" for row in c.rows.values()) for c in unchanged)
    lows = [row[1] for c in unchanged for row in c.rows.values()]
    highs = [row[2] for c in unchanged for row in c.rows.values()]
    claims = [c.rows[CLAIMING][0] for c in unchanged]
    section.rows.append(
        (
            "unchanged",
            str(len(unchanged)),
            f"{flagged} (false alarms)",
            f"{min(claims):.2f} to {max(claims):.2f}",
            f"{min(lows):.2f} to {max(highs):.2f}",
        )
    )
    section.check(flagged == 0, f"no false alarm in {len(unchanged)} comparisons of unchanged code")
    task_queue = next(project.glob("src/*/task_queue.py"))
    original = task_queue.read_text(encoding="utf-8")
    for factor in SLOWDOWNS:
        slow_down(task_queue, "TaskQueue", "claim_next", factor)
        try:
            slowed = compare(project)
        finally:
            task_queue.write_text(original, encoding="utf-8")
        ratio, low, high, verdict = slowed.rows[CLAIMING]
        others = [row for name, row in slowed.rows.items() if name != CLAIMING]
        section.rows.append(
            (
                f"claim_next x{factor}",
                "1",
                f"{verdict} (exit {slowed.status})",
                f"{ratio:.2f} ({low:.2f} to {high:.2f})",
                f"{min(r[1] for r in others):.2f} to {max(r[2] for r in others):.2f}",
            )
        )
        if factor >= 1.5:
            section.check(verdict == "slower" and slowed.status != 0, f"claim_next x{factor} fails the comparison")
    return section
