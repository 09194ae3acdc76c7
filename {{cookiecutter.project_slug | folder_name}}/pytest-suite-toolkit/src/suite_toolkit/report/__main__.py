"""``python -m suite_toolkit.report`` (or ``suite-report``): the test history as a page and as JSON.

python -m suite_toolkit.report [--history .test-history.db] [--html test-report.html] [--json test-report.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from suite_toolkit.history import History
from suite_toolkit.report.data import collect
from suite_toolkit.report.page import render
from suite_toolkit.settings import HISTORY_FILE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="The test history as a page and as JSON (python -m suite_toolkit.report, or suite-report)."
    )
    parser.add_argument(
        "--history",
        type=Path,
        default=Path(HISTORY_FILE),
        help=f"the test history (default: {HISTORY_FILE}; give yours if analytics_file moved it)",
    )
    parser.add_argument("--html", type=Path, help="write the page here")
    parser.add_argument("--json", type=Path, help="write the data here")
    options = parser.parse_args(argv)
    if not options.history.exists():
        parser.error(f"{options.history} does not exist yet: run the tests first")
    data = collect(History(options.history))
    if options.json:
        options.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
        print(f"wrote {options.json}")
    if options.html:
        options.html.write_text(render(data), encoding="utf-8")
        print(f"wrote {options.html}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
