"""``python -m suite_toolkit.report`` (or ``suite-report``): the test history as a page, as JSON and as a CI summary;
and the histories of CI shards merged into one.

python -m suite_toolkit.report [--history .test-history.db] [--merge SHARD.db|FOLDER ...]
                               [--html test-report.html] [--json test-report.json] [--summary FILE] [--annotate]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path

from suite_toolkit.fingerprints import commits_made_of
from suite_toolkit.history import History
from suite_toolkit.history_schema import HistoryUnusable
from suite_toolkit.report.data import collect
from suite_toolkit.report.page import render
from suite_toolkit.report.summary import annotations, markdown
from suite_toolkit.settings import HISTORY_FILE, SETTINGS, default


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="The test history as a page, as JSON and as a CI summary (python -m suite_toolkit.report, or "
        "suite-report)."
    )
    parser.add_argument(
        "--history",
        type=Path,
        default=Path(HISTORY_FILE),
        help=f"the test history (default: {HISTORY_FILE}; give yours if analytics_file moved it)",
    )
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        default=[],
        metavar="HISTORY",
        help="first copy into --history the runs of these histories it does not have (the shards of a CI run, each "
        "recorded into a copy of one history; a folder: every *.db file in it); --history is created if missing",
    )
    parser.add_argument(
        "--keep",
        type=ranged("analytics_keep_runs"),
        help="runs the merged history keeps, 1 or more (default: the analytics_keep_runs of the run that recorded "
        "last)",
    )
    parser.add_argument("--html", type=Path, help="write the page here")
    parser.add_argument("--json", type=Path, help="write the data here")
    parser.add_argument(
        "--summary", type=Path, help="append a Markdown summary of the latest run here (say, $GITHUB_STEP_SUMMARY)"
    )
    parser.add_argument(
        "--annotate",
        action="store_true",
        help="print GitHub Actions annotations: an error per failed test of the latest run, a warning per regression "
        "and per new flaky test",
    )
    parser.add_argument(
        "--quarantine-after",
        type=ranged("quarantine_after"),
        help="times seen flaky before a test is a quarantine candidate (default: the quarantine_after of the run "
        "that recorded last)",
    )
    options = parser.parse_args(argv)
    try:
        return report(options, parser)
    except HistoryUnusable as error:  # damaged, a text file, another project's: named, and left as it is
        parser.error(f"{error.path or options.history} {error}")
    except sqlite3.Error as error:  # locked longer than a write takes, unreadable
        parser.error(f"{options.history}: {error}")


def ranged(name: str) -> Callable[[str], int]:
    """An option's value within the range of the setting it stands for (``settings.SETTINGS``): one rule for both."""

    def parse(text: str) -> int:
        try:
            return int(SETTINGS[name].number.parse(text))
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def report(options: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    history = History(options.history)
    for path in options.merge:
        if not path.exists():  # on CI, a folder of downloaded artifacts when no job recorded a run
            print(f"nothing to merge at {path}: it does not exist")
    shards = [found for path in options.merge for found in (sorted(path.rglob("*.db")) if path.is_dir() else [path])]
    shards = [path for path in shards if path.is_file()]
    about = history.about()  # the settings of the run that recorded last
    merged: list[int] | None = [] if options.merge else None  # with --merge, the latest runs are the merged ones
    if shards:
        keep = options.keep or int(about.get("analytics_keep_runs", str(default("analytics_keep_runs"))))
        merged = history.merge(shards, keep=keep)
        print(f"merged {len(merged)} run(s) from {len(shards)} history file(s) into {options.history}")
    if not options.history.exists():
        if options.merge and options.summary:  # CI, where no job recorded a run (nothing affected, say)
            with options.summary.open("a", encoding="utf-8") as summary:
                summary.write(markdown({"runs": [], "latest": []}))
            return 0
        parser.error(f"{options.history} does not exist yet: run the tests first")
    # The commits of runs made before their commit existed are looked up in the repository the history is in.
    committed = partial(commits_made_of, options.history.resolve().parent)
    data = collect(history, quarantine_after=options.quarantine_after, latest_ids=merged, committed=committed)
    if options.json:
        options.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
        print(f"wrote {options.json.resolve()}")
    if options.html:
        options.html.write_text(render(data), encoding="utf-8")
        page = options.html.resolve()
        print(f"wrote {page}\nopen it in a browser: {page.as_uri()}")
    if options.summary:
        with options.summary.open("a", encoding="utf-8") as summary:
            summary.write(markdown(data))
        print(f"appended the summary to {options.summary}")
    if options.annotate:
        print("\n".join(annotations(data)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
