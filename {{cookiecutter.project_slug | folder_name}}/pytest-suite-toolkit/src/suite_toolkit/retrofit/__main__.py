"""``suite-retrofit`` (or ``python -m suite_toolkit.retrofit``), run in the project's root:

suite-retrofit plan [-- PYTEST_ARGS]          run the suite once, write the plan (retrofit-plan.md) and print it
suite-retrofit apply [PLAN] [-- PYTEST_ARGS]  carry the plan out, run the suite again, and keep the result only if
                                              every test has its outcome of before (with the plan's PYTEST_ARGS
                                              unless others are given)

Exit status: 0 done (verified), 1 the verification failed and everything was put back, 2 nothing done: a plan or a
working tree that ``apply`` cannot start from, named in one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path, PurePosixPath

from suite_toolkit.retrofit import OBSERVED, PLAN
from suite_toolkit.retrofit.apply import apply
from suite_toolkit.retrofit.changes import PlanError, SharedFixture
from suite_toolkit.retrofit.pytest_settings import read_setting, tier_folders
from suite_toolkit.retrofit.verify import verify


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ours, pytest_args = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, None)
    parser = argparse.ArgumentParser(
        prog="suite-retrofit",
        description="Bring a flat test suite into tiers: plan from one observed run, then apply the plan (as you "
        "edited it) and verify that every test keeps its outcome, or put everything back. Arguments after -- go to "
        "pytest.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("plan", help=f"run the suite once and write the plan to {PLAN}")
    applying = commands.add_parser("apply", help="carry the plan out and verify it, or put everything back")
    applying.add_argument("plan", nargs="?", type=Path, default=Path(PLAN), help=f"the plan (default: {PLAN})")
    options = parser.parse_args(ours)
    root = Path.cwd()
    try:
        if options.command == "plan":
            return plan(root, pytest_args or [])
        return apply_and_verify(root, options.plan, pytest_args)
    except PlanError as error:
        print(f"suite-retrofit: {error}; nothing was changed", file=sys.stderr)
        return 2
    except RuntimeError as error:  # observe's, before the plan: the suite did not run to its end
        print(f"suite-retrofit: {error}", file=sys.stderr)
        return 1


def plan(root: Path, pytest_args: list[str]) -> int:
    from suite_toolkit.retrofit.observe import observe
    from suite_toolkit.retrofit.plan import DEFAULT_TIERS, make_plan

    observed = observe(root, pytest_args)  # also written to OBSERVED: apply's "before"
    text = make_plan(root, observed, read_setting(root, "tiers") or DEFAULT_TIERS).markdown()
    (root / PLAN).write_text(text, encoding="utf-8")
    print(text)
    print(f"The plan is in {root / PLAN}: edit it if you like, then run suite-retrofit apply")
    return 0


def apply_and_verify(root: Path, plan_file: Path, pytest_args: list[str] | None) -> int:
    """Apply and verify; ``pytest_args`` None: those of the observed run that made the plan."""
    from suite_toolkit.retrofit.evidence import plural
    from suite_toolkit.retrofit.plan_file import Plan

    if not plan_file.is_file():
        raise PlanError(f"{plan_file}: no such plan (suite-retrofit plan writes one)")
    if not (root / OBSERVED).is_file():
        raise PlanError(f"{OBSERVED}: no observation of the suite before the move (suite-retrofit plan makes it)")
    try:
        chosen = Plan.read(plan_file.read_text(encoding="utf-8"))
    except ValueError as error:
        raise PlanError(f"{plan_file}: {error}") from None
    moves = {row.file: row.moves_to for row in chosen.files if row.file != row.moves_to}
    fixtures = [SharedFixture(row.fixture, tuple(row.defined_in), row.moves_to) for row in chosen.shared_fixtures]
    before = json.loads((root / OBSERVED).read_text(encoding="utf-8"))
    applied = apply(root, moves, fixtures, chosen.tiers)
    print(f"Applied {plan_file}; the suite runs again to verify it")
    unit = next(
        (folder for folder in tier_folders(chosen.tiers, moves.values()) if PurePosixPath(folder).name == "unit"), None
    )
    if pytest_args is None:
        pytest_args = before.get("pytest_args", [])
    try:
        found = verify(root, applied, before, pytest_args, unit)
    except RuntimeError as error:  # the suite did not run to its end after the move: verify has put it back
        found = [str(error)]
    if found:
        print("\n".join(found))
        print("Put back: the working tree is as it was before apply")
        return 1
    print(
        f"Verified: {plural(len(before['tests']), 'test')}, the same outcomes; {plural(len(moves), 'file')} moved, "
        f"{plural(len(fixtures), 'fixture')} shared. The changes are staged for you to review (git diff --staged) and "
        "commit"
    )
    for note in applied.notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
