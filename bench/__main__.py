"""`python -m bench`: bake the default project, measure, print, and write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from bench import analytics, isolation, parallel, shards, testmon_selection, unit_tier
from bench.common import ROOT, baked_project, cores

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/bench_isolation"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="rounds per side-by-side comparison")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = baked_project(Path(folder))
        database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
        sections = [
            testmon_selection.measure(project, options.rounds),
            parallel.measure(project, max(3, options.rounds // 2)),
            isolation.measure(project, database_url, rounds=200),
            shards.measure(project),
            analytics.measure(project, options.rounds),
            unit_tier.measure(project, options.rounds),
        ]
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.system()} {platform.machine()}, {cores()} cores, Python {platform.python_version()}"
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Latest run: {when}, on {machine}. Reproduce with `make bench` (PostgreSQL and Redis running, as "
            "`make services` starts them). Every comparison is measured side by side in one run; compare ratios, "
            "not seconds, between runs. Commands run as on a developer's machine: PYTHONDONTWRITEBYTECODE, which this "
            "machine sets, is unset (with it every pytest start recompiles its imports: 2.9 s instead of 0.9 s).",
            "",
            *(section.markdown() for section in sections),
        ]
    )
    options.output.write_text(text + kept_by_hand(options.output), encoding="utf-8")
    print(f"\nwrote {options.output}")


def kept_by_hand(output: Path) -> str:
    """The section timing the template's own suite, measured with `time make test` rather than by this
    command (one everyday run takes minutes): kept as it is when the rest of the file is rewritten."""
    old = output.read_text(encoding="utf-8") if output.is_file() else ""
    start = old.find(TEMPLATE_SUITE_HEADING)
    return "\n" + old[start:] if start >= 0 else ""


TEMPLATE_SUITE_HEADING = "## The template's own suite"


if __name__ == "__main__":
    main()
