"""(d) How evenly pytest-split's least_duration algorithm shares the default suite between 2 and 4 shards."""

from __future__ import annotations

import re
from pathlib import Path

from bench.common import Section, pytest, run

QUIET = ("-p", "no:randomly", "--no-testmon", "--splitting-algorithm", "least_duration")


def measure(project: Path) -> Section:
    section = Section(
        "Shards by duration: pytest-split",
        "`.test_durations` from a serial `--store-durations` run of the default suite. For each split, every "
        "shard runs in turn (`--splits N --group k --splitting-algorithm least_duration`); *estimated* is "
        "pytest-split's sum of stored durations for the shard, *measured* is the shard's own test time as "
        "pytest reports it. Balance is the longest shard against total/N.",
        header=("shards", "estimated per shard (s)", "measured per shard (s)", "longest / (total/N)"),
    )
    for splits in (2, 4):
        estimated, measured = [], []
        for group in range(1, splits + 1):
            output = run(
                pytest(project, *QUIET, "--splits", str(splits), "--group", str(group), "-q"), project
            ).stdout  # fmt: skip
            estimated.append(float(re.search(r"estimated duration: ([0-9.]+)s", output)[1]))
            measured.append(float(re.search(r" in ([0-9.]+)s", output)[1]))
        balance_estimated = max(estimated) / (sum(estimated) / splits)
        balance_measured = max(measured) / (sum(measured) / splits)
        section.rows.append(
            (str(splits), ", ".join(f"{s:.1f}" for s in estimated), ", ".join(f"{s:.1f}" for s in measured),
             f"{balance_estimated:.2f} estimated, {balance_measured:.2f} measured")
        )  # fmt: skip
        section.check(balance_estimated <= 1.15, f"{splits} shards: the longest is within 15% of total/{splits}")
    return section
