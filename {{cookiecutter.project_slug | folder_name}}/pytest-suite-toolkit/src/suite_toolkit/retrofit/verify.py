"""``suite-retrofit apply``'s proof: the suite observed before and after the move runs the same tests (matched by
name: the node id with the file's new path) with the same outcomes, and no test of the unit tier connects."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from suite_toolkit.retrofit import OBSERVED
from suite_toolkit.retrofit.changes import Applied, put_back
from suite_toolkit.retrofit.evidence import address


def moved_nodeid(nodeid: str, moves: Mapping[str, str]) -> str:
    """The node id a test has after the move: its file's part replaced by the file's new path."""
    file, separator, rest = nodeid.partition("::")
    return moves.get(file, file) + separator + rest


def differences(
    before: Mapping[str, object], after: Mapping[str, object], moves: Mapping[str, str], unit_folder: str | None
) -> list[str]:
    """One line per difference between two observations (the OBSERVED format) of the suite, before and after
    ``moves``; empty when the move changed nothing. ``unit_folder``: the unit tier's folder, whose tests must make
    no connection."""
    expected = {moved_nodeid(nodeid, moves): test for nodeid, test in before["tests"].items()}
    found = after["tests"]
    lines = []
    for nodeid, test in expected.items():
        if nodeid not in found:
            lines.append(f"missing after the move: {nodeid} ({test['outcome']} before)")
        elif found[nodeid]["outcome"] != test["outcome"]:
            lines.append(f"outcome changed: {nodeid}: {test['outcome']} before, {found[nodeid]['outcome']} after")
    lines += [
        f"new after the move: {nodeid} ({test['outcome']})" for nodeid, test in found.items() if nodeid not in expected
    ]
    if unit_folder:
        for nodeid, test in found.items():
            if test["connections"] and PurePosixPath(test["file"]).is_relative_to(unit_folder):
                where = ", ".join(address(host, port) for host, port in test["connections"])
                lines.append(f"a unit test connects: {nodeid} to {where}")
    return lines


def observe_after(root: Path, pytest_args: Sequence[str]) -> dict:
    """The suite observed after the move. It leaves the observation of before in ``OBSERVED`` (where ``observe``
    writes), and writes no bytecode: putting the tree back leaves no file changed, not even the cache of a conftest
    that ``apply`` changed."""
    from suite_toolkit.retrofit.observe import observe

    observed_before = (root / OBSERVED).read_bytes()
    saved = os.environ.get("PYTHONDONTWRITEBYTECODE")
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"  # the observing pytest is a child process: it inherits this
    try:
        return observe(root, list(pytest_args))
    finally:
        if saved is None:
            del os.environ["PYTHONDONTWRITEBYTECODE"]
        else:
            os.environ["PYTHONDONTWRITEBYTECODE"] = saved
        (root / OBSERVED).write_bytes(observed_before)


def verify(
    root: Path, applied: Applied, before: Mapping[str, object], pytest_args: Sequence[str], unit_folder: str | None
) -> list[str]:
    """The differences the move made (see ``differences``); when there are any, or the suite cannot be observed,
    the working tree is put back as it was before ``apply``."""
    try:
        found = differences(before, observe_after(root, pytest_args), applied.moves, unit_folder)
    except BaseException:
        put_back(root, applied)
        raise
    if found:
        put_back(root, applied)
    return found
